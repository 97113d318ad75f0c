"""Demo data of Espace Linné's attendance (linne/demo.py calls it last): a few associations and the centres
of the priority neighbourhoods marked as such, every ended booking snapshot (`linne.frequentation`), and
the attendance of most of them, as the régisseurs would have counted it: from 60 to 95 % of the people
expected, one booking in 15 a no-show, drawn from the booking's id so that every run gives the same. The
bookings of the last day before the demo's day are left to fill in, for the day's list.

Idempotent and growing with `seed_demo --scale`: the series grow with the centres, so do the snapshots; a
second run records nothing twice.
"""

import datetime
import hashlib

from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from comptes.models import Organisation

from . import frequentation
from .grille import debut_du_jour
from .models import Frequentation

# The demo associations (linne/demo.py) active in a priority neighbourhood.
ASSOCIATIONS_QPV = [
    "Association Les Jardins du Pile (fictive)",
    "Amicale des locataires du Cul-de-Four (fictive)",
    "Collectif Femmes du Nord (fictif)",
]
# One booking in ABSENCE_UNE_SUR did not see its organisation come; the others saw from PRESENCE_MIN to
# PRESENCE_MAX per cent of the people expected.
ABSENCE_UNE_SUR = 15
PRESENCE_MIN, PRESENCE_MAX = 60, 95


def _tirage(reservation_id):
    return int(hashlib.sha256(f"frequentation-{reservation_id}".encode()).hexdigest()[:8], 16)


def charger(contexte):
    today, par, centres = contexte["today"], contexte["users"]["regisseur"], contexte["centres"]
    organisations_qpv = {c.organisation_id for c in centres if c.code_qpv and c.organisation_id}
    Organisation.objects.filter(nom__in=ASSOCIATIONS_QPV).update(quartier_prioritaire=True)
    Organisation.objects.filter(pk__in=organisations_qpv).update(quartier_prioritaire=True)
    frequentation.figer_passees(debut_du_jour(today))
    a_remplir = list(
        Frequentation.objects.filter(
            date__lt=today - datetime.timedelta(days=1), saisie_le__isnull=True, absence=False
        ).order_by("pk")
    )
    saisie_le = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9)))
    for ligne in a_remplir:
        tirage = _tirage(ligne.reservation_id)
        if ligne.reservation_id % ABSENCE_UNE_SUR == 0:
            ligne.absence, ligne.effectif_reel = True, None
        else:
            part = PRESENCE_MIN + tirage % (PRESENCE_MAX - PRESENCE_MIN + 1)
            ligne.effectif_reel = max(1, round(ligne.effectif_prevu * part / 100))
        ligne.saisie_par, ligne.saisie_le = par, saisie_le
    bulk_update_with_history(
        a_remplir,
        Frequentation,
        ["effectif_reel", "absence", "saisie_par", "saisie_le"],
        batch_size=500,
        default_user=par,
        default_change_reason="Fréquentation de démonstration",
    )
