"""The usual periodic checks of a building open to the public (ERP of the 5th category with rooms for
meetings, type L), with the article of the safety rules (arrêté du 25 juin 1980 modifié) that asks for
each. The service adjusts them on its register page; nothing here is typed again by hand."""

from django.db import migrations

TYPES = [
    (
        "Système d'alarme incendie",
        12,
        "Règlement de sécurité ERP (arrêté du 25 juin 1980), articles MS 68 et MS 73",
        "Technicien compétent",
    ),
    ("Extincteurs", 12, "Règlement de sécurité ERP (arrêté du 25 juin 1980), article MS 38", "Technicien compétent"),
    (
        "Éclairage de sécurité",
        12,
        "Règlement de sécurité ERP (arrêté du 25 juin 1980), article EC 15",
        "Technicien compétent",
    ),
    (
        "Installations électriques",
        12,
        "Règlement de sécurité ERP (arrêté du 25 juin 1980), article EL 19",
        "Organisme agréé ou technicien compétent",
    ),
    (
        "Installations de gaz",
        12,
        "Règlement de sécurité ERP (arrêté du 25 juin 1980), article GZ 30",
        "Technicien compétent",
    ),
    ("Désenfumage", 12, "Règlement de sécurité ERP (arrêté du 25 juin 1980), article DF 10", "Technicien compétent"),
    (
        "Chauffage et ventilation",
        12,
        "Règlement de sécurité ERP (arrêté du 25 juin 1980), article CH 58",
        "Technicien compétent",
    ),
]


def creer(apps, schema_editor):
    TypeControle = apps.get_model("linne", "TypeControle")
    for ordre, (nom, mois, reference, intervenant) in enumerate(TYPES, start=1):
        TypeControle.objects.get_or_create(
            nom=nom,
            defaults={"periodicite_mois": mois, "reference": reference, "intervenant": intervenant, "ordre": ordre},
        )


class Migration(migrations.Migration):
    dependencies = [("linne", "0003_exploitation")]

    operations = [migrations.RunPython(creer, migrations.RunPython.noop)]
