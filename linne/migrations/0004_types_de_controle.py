"""The usual periodic checks of a building open to the public (ERP of the 5th category with rooms for
meetings, type L), with the article of the safety rules (arrêté du 25 juin 1980 modifié) that asks for
each. The service adjusts them on its register page; nothing here is typed again by hand."""

from django.db import migrations

from linne.types_controle import creer_types


def creer(apps, schema_editor):
    creer_types(apps.get_model("linne", "TypeControle"))


class Migration(migrations.Migration):
    dependencies = [("linne", "0003_exploitation")]

    operations = [migrations.RunPython(creer, migrations.RunPython.noop)]
