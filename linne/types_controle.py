"""The usual periodic checks of a building open to the public (an ERP of the 5th category with rooms for
meetings, type L), with the article of the safety rules (arrêté du 25 juin 1980 modifié) that asks for each:
(name, periodicity in months, text, who does it). Data only, with no import: migration 0004 writes them on
a new installation, and `linne.securite.creer_types_usuels` again where they are missing (the demo)."""

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


def creer_types(modele):
    """Write the usual checks that `modele` (TypeControle, or the migration's historical model) lacks, by
    name; those the service has adjusted are left as they are. Changing the list above changes what a new
    installation gets, never an existing register."""
    for ordre, (nom, mois, reference, intervenant) in enumerate(TYPES, start=1):
        modele.objects.get_or_create(
            nom=nom,
            defaults={"periodicite_mois": mois, "reference": reference, "intervenant": intervenant, "ordre": ordre},
        )
