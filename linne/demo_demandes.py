"""Demo data of the room requests (called by linne/demo.py): per centre, one request of an association of its
neighbourhood, in turn one-off or for the next season, waiting, accepted, allocated or refused, so that the
requests, their wishes in competition, the alerts and the to-dos grow with `seed_demo --scale`.

Idempotent: a centre's request is created once (by its association's name). No e-mail is sent by the demo.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import demandes
from .models import Categorie, DemandeReservation, Justificatif, Salle, TypeActivite, Voeu

N = DemandeReservation.Nature
# What each centre's request is, by its rank among ten: (nature, answer).
SCENARIOS = [
    (N.PONCTUELLE, None),
    (N.SAISONNIERE, None),
    (N.PONCTUELLE, "accepter"),
    (N.SAISONNIERE, None),  # its first wish competes with the second centre's
    (N.PONCTUELLE, "refuser"),
    (N.PONCTUELLE, None),
    (N.SAISONNIERE, "attribuer"),
    (N.SAISONNIERE, "refuser"),
    (N.PONCTUELLE, None),
    (N.SAISONNIERE, None),
]
OBJETS = [
    ("Assemblée générale", TypeActivite.REUNION),
    ("Atelier de couture", TypeActivite.ACTIVITE_REGULIERE),
    ("Repas de quartier", TypeActivite.FESTIF),
    ("Cours de gymnastique douce", TypeActivite.SPORT),
    ("Formation des bénévoles", TypeActivite.FORMATION),
]


def _jour_ouvert(jour):
    """The rooms are closed on Sundays: the next Monday instead."""
    return jour + datetime.timedelta(days=1) if jour.weekday() == 6 else jour


def _moment(jour, heure, minute=0):
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure, minute)))


def charger(contexte, salles):
    today, users, centres = contexte["today"], contexte["users"], contexte["centres"]
    if not salles:
        return
    regisseur = users["regisseur"]
    deja = set(DemandeReservation.objects.values_list("nom_organisation", flat=True))
    saison = demandes.prochaine_saison(today)
    for rang, centre in enumerate(centres):
        nom = f"Association des habitants — {centre.nom}"
        if nom in deja:
            continue
        nature, reponse = SCENARIOS[rang % 10]
        objet, type_activite = OBJETS[rang % len(OBJETS)]
        champs = {
            "nature": nature,
            "nom_organisation": nom,
            "rna": f"W59{rang:07d}",
            "contact_nom": f"Contact {rang + 1} de l'association",
            "contact_email": f"association{rang + 1}@exemple.org",
            "objet": objet,
            "type_activite": type_activite,
            "effectif_prevu": 10 + rang % 10,  # within the smallest room's capacity
            "public": type_activite == TypeActivite.FESTIF,
            "reglement_accepte_le": timezone.now(),
        }
        salle = salles[rang % len(salles)]
        if nature == N.PONCTUELLE:
            jour = _jour_ouvert(today + datetime.timedelta(days=7 + rang))
            # The accepted one at noon, between the season's series (morning, afternoon and evening slots).
            debut, fin = ((11, 30), (13, 30)) if reponse == "accepter" else ((10, 0), (12, 0))
            champs |= {"salle": salle, "debut": _moment(jour, *debut), "fin": _moment(jour, *fin)}
        else:
            champs["saison"] = saison
        demande = DemandeReservation.objects.create(**champs)
        _justificatifs(demande, today, saison)
        if nature == N.SAISONNIERE:
            _voeux(demande, rang, salles)
        _repondre(demande, reponse, regisseur, today)


def _justificatifs(demande, today, saison):
    Justificatif.objects.create(
        nature=Justificatif.Nature.ASSURANCE,
        demande=demande,
        nom_fichier="attestation-assurance.pdf",
        valide_du=today,
        valide_jusqu_au=demandes.bornes_saison(saison)[1],
    )
    Justificatif.objects.create(
        nature=Justificatif.Nature.REGLEMENT,
        demande=demande,
        valide_du=today,
        valide_jusqu_au=demandes.fin_de_validite_du_reglement(demande),
    )


def _voeux(demande, rang, salles):
    """Three ranked wishes; the first of a block's second and fourth requests compete (same room, Wednesday,
    overlapping hours); each block of ten centres asks for its own hours."""
    bloc = rang // 10
    heure = 8 + 2 * (bloc % 6)
    creneaux = [
        (salles[0], 2, heure + (1 if rang % 10 == 3 else 0)),
        (salles[1 % len(salles)], (bloc + rang) % 6, heure),
        (salles[2 % len(salles)], 4, 18 if bloc % 2 else 16),
    ]
    if rang % 10 == 6:  # the allocated one: a slot of its own, every block another room, weekday or hour
        n = len(salles)
        creneaux[0] = (salles[bloc % n], (bloc // n) % 6, 8 + 2 * ((bloc // (6 * n)) % 5))
    for numero, (salle, jour, debut) in enumerate(creneaux, start=1):
        Voeu.objects.create(
            demande=demande,
            rang=numero,
            salle=salle,
            jour_semaine=jour,
            heure_debut=datetime.time(debut),
            heure_fin=datetime.time(debut + 2),
        )


def _repondre(demande, reponse, regisseur, today):
    """Answer as the scenario says; a slot that another booking or a closure took that year leaves the
    request waiting, as it would for the régisseur."""
    try:
        with transaction.atomic():
            _repondre_sans_filet(demande, reponse, regisseur, today)
    except ValidationError:
        pass


def _repondre_sans_filet(demande, reponse, regisseur, today):
    if reponse == "accepter":
        demandes.accepter(demande=demande, par=regisseur, categorie=Categorie.ASSOCIATION, gratuit=True, prevenir=False)
    elif reponse == "attribuer":
        demandes.attribuer(
            voeu=demande.voeux.get(rang=1),
            par=regisseur,
            categorie=Categorie.ASSOCIATION,
            gratuit=False,
            today=today,
            prevenir=False,
        )
    elif reponse == "refuser":
        demandes.refuser(demande=demande, par=regisseur, motif="La salle est déjà prêtée à ces dates.", prevenir=False)


def salles_actives():
    return list(Salle.objects.actives().order_by("pk"))
