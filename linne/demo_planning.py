"""Demo data of the régisseurs' rota (linne/demo.py calls it last): the three demo régisseurs' template
week covering the opening hours (Monday to Friday 8:00–22:00, Saturday 8:00–18:00, the clean-up after the
last bookings included; two of them on Saturday afternoons, when the Grande salle's public events expect
more than `EFFECTIF_DEUX_REGISSEURS` people), copied into this week and the next three through
`linne.planning.copier_semaine_type`, with one deliberate gap: next Wednesday's evening shift ends at 19:00,
so that the rota shows one uncovered stretch and the alerts one deadline.

The rota does not grow with `seed_demo --scale`: it follows the opening hours and the three régisseurs of
the site, not the number of centres. Idempotent: a template shift is read before it is written, the copy
skips the shifts already there, and the shortened shift is found by its former end.
"""

import datetime

from . import planning
from .models import Creneau, CreneauType

SEMAINES = 4  # this week and the next three
MATIN = (datetime.time(8), datetime.time(15))
SOIR = (datetime.time(15), datetime.time(22, 30))  # until the clean-up after the 20:00–22:00 bookings
SAMEDI = (datetime.time(8), datetime.time(18, 30))
SAMEDI_APRES_MIDI = (datetime.time(13), datetime.time(18, 30))
FIN_ECOURTEE = datetime.time(19)  # the deliberate gap: next Wednesday, 19:00–22:00 uncovered


def _semaine_type(regisseurs):
    """(régisseur, weekday, start, end) of the template week: the three take turns on the weekdays'
    mornings and evenings; on Saturday one all day and a second in the afternoon."""
    lignes = []
    for jour in range(5):
        lignes.append((regisseurs[jour % 3], jour, *MATIN))
        lignes.append((regisseurs[(jour + 1) % 3], jour, *SOIR))
    lignes.append((regisseurs[2], 5, *SAMEDI))
    lignes.append((regisseurs[0], 5, *SAMEDI_APRES_MIDI))
    return lignes


def charger(contexte):
    today, users = contexte["today"], contexte["users"]
    regisseurs = [users[nom] for nom in ("regisseur", "regisseur2", "regisseur3") if nom in users]
    if len(regisseurs) < 3:
        return
    par = users["regisseur"]
    for regisseur, jour, debut, fin in _semaine_type(regisseurs):
        if not CreneauType.objects.filter(regisseur=regisseur, jour_semaine=jour, heure_debut=debut).exists():
            planning.enregistrer_creneau_type(
                creneau_type=CreneauType(regisseur=regisseur, jour_semaine=jour, heure_debut=debut, heure_fin=fin),
                par=par,
            )
    lundi = planning.lundi_de(today)
    for semaine in range(SEMAINES):
        planning.copier_semaine_type(lundi + datetime.timedelta(weeks=semaine), par)
    _ecourter_mercredi_soir(today, par)


def _ecourter_mercredi_soir(today, par):
    mercredi = today + datetime.timedelta(days=(2 - today.weekday()) % 7 or 7)
    creneau = Creneau.objects.filter(
        debut=planning.moment(mercredi, SOIR[0]), fin=planning.moment(mercredi, SOIR[1])
    ).first()
    if creneau is not None:
        planning.modifier_creneau(
            creneau=creneau,
            regisseur=creneau.regisseur,
            debut=creneau.debut,
            fin=planning.moment(mercredi, FIN_ECOURTEE),
            par=par,
            note="Départ anticipé : soirée à couvrir",
        )
