"""Two confirmed bookings of one room never overlap, set-up and clean-up included: on PostgreSQL an
exclusion constraint over the blocked range guards it, whatever writes the rows (the service checks it
too, in its transaction, so that SQLite stays right for a single writer).

Written as SQL run on PostgreSQL only: SQLite has no exclusion constraints."""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONTRAINTE = "reservation_sans_chevauchement"


def creer(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE linne_reservation ADD CONSTRAINT {CONTRAINTE} EXCLUDE USING gist "
        "(salle_id WITH =, tstzrange(debut_bloque, fin_bloque, '[)') WITH &&) WHERE (statut = 'confirmee')"
    )


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE linne_reservation DROP CONSTRAINT IF EXISTS {CONTRAINTE}")


class Migration(migrations.Migration):
    dependencies = [("linne", "0001_reservations")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(creer, supprimer),
    ]
