"""Demo data of Espace Linné for seed_demo: four rooms with their opening hours and price list, the
season's closures, a season of weekly series (one per centre: the centres' series are lent free of
charge; the dates the closures or a public event take are skipped with their reason), the upcoming public
events, and the requests of the public (linne/demo_demandes.py: one per centre, one-off or for the next
season, waiting, accepted, allocated or refused, some of their wishes competing).

It grows with `seed_demo --scale`: one series per centre, and one more room for every
`SERIES_PAR_SALLE` centres beyond what the four rooms hold. Idempotent: each record is read before it is
written (a room by name, a series by organisation and room, a request by its association's name).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from comptes.models import Organisation

from . import demo_demandes, demo_evaluation, demo_frequentation, demo_planning, demo_securite, services
from .models import (
    Categorie,
    Fermeture,
    HoraireOuverture,
    Reservation,
    Salle,
    Serie,
    Tarif,
    TypeActivite,
)

# name, capacity, m², equipment, hourly rates (association, centre social, service municipal, partner, other)
SALLES = [
    ("Grande salle", 200, "320", "Scène, sonorisation, 200 chaises, office traiteur", (25, 10, 0, 15, 60)),
    ("Salle Linné 1", 40, "70", "Vidéoprojecteur, 8 tables, 40 chaises", (12, 5, 0, 8, 30)),
    ("Salle Linné 2", 25, "45", "Écran, paperboard, 6 tables", (10, 4, 0, 6, 25)),
    ("Atelier", 20, "60", "Éviers, plans de travail, four", (15, 6, 0, 10, 35)),
]
# Opening hours: Monday to Friday 8:00–22:00, Saturday 8:00–18:00; closed on Sunday.
HORAIRES = [(jour, datetime.time(8), datetime.time(22)) for jour in range(5)] + [
    (5, datetime.time(8), datetime.time(18))
]
# The weekly slots a room offers the centres' season series: (weekday, start, end); the evenings are kept
# for the associations (the choir's Thursday rehearsals in every room: a room is added rather than an
# evening taken, whatever the scale), Saturday afternoons for the public events.
# Mornings first, day after day, so that every weekday has its bookings from ten centres on.
CRENEAUX = [(jour, debut, fin) for debut, fin in ((9, 11), (14, 16)) for jour in range(5)] + [(5, 9, 11)]
SERIES_PAR_SALLE = len(CRENEAUX)
ASSOCIATIONS = [
    "Association Les Jardins du Pile (fictive)",
    "Chorale Roubaix Cantabile (fictive)",
    "Club d'échecs de l'Épeule (fictive)",
    "Amicale des locataires du Cul-de-Four (fictive)",
    "Collectif Femmes du Nord (fictif)",
]
# The public events of the season: (weeks from today, room index, organisation index, purpose, kind)
EVENEMENTS = [
    (1, 0, 1, "Concert de Noël de la chorale", TypeActivite.CULTURE),
    (5, 0, 0, "Bourse aux plantes et aux graines", TypeActivite.FESTIF),
    (9, 0, 4, "Journée internationale des droits des femmes : forum", TypeActivite.REUNION),
    (13, 1, 2, "Tournoi d'échecs ouvert à tous", TypeActivite.SPORT),
    (21, 0, 3, "Fête des voisins du quartier", TypeActivite.FESTIF),
    (-3, 0, 1, "Concert d'automne de la chorale", TypeActivite.CULTURE),
]


def saison_de(jour):
    """The season (September to June) that `jour` belongs to, by the year it starts; July and August
    prepare the next one."""
    return jour.year if jour.month >= 7 else jour.year - 1


def _moment(jour, heure):
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure)))


def charger(contexte):
    today, users, centres = contexte["today"], contexte["users"], contexte["centres"]
    par = users["regisseur"]
    saison = saison_de(today)
    debut_saison, fin_saison = datetime.date(saison, 9, 1), datetime.date(saison + 1, 6, 30)
    nombre_salles = max(len(SALLES), -(-len(centres) // SERIES_PAR_SALLE))
    salles = [_salle(index) for index in range(nombre_salles)]
    _fermetures(salles, saison)
    associations = [
        Organisation.objects.get_or_create(nom=nom, defaults={"nature": Organisation.Nature.ASSOCIATION})[0]
        for nom in ASSOCIATIONS
    ]
    _evenements_publics(salles, associations, today, par)
    for index, centre in enumerate(centres):
        if centre.organisation_id is None:
            continue
        salle = salles[index % len(salles)]
        jour, debut, fin = CRENEAUX[(index // len(salles)) % SERIES_PAR_SALLE]
        _serie(
            salle,
            centre.organisation,
            Categorie.CENTRE_SOCIAL,
            f"Activités du {centre.nom_court or centre.nom}",
            (jour, debut, fin),
            debut_saison,
            fin_saison,
            par,
            gratuit=True,
        )
    # Two associations pay for a slot outside those the centres' series take: the choir on Thursday
    # evenings, the chess club every other Saturday afternoon.
    _serie(
        salles[2],
        associations[1],
        Categorie.ASSOCIATION,
        "Répétitions de la chorale",
        (3, 20, 22),
        debut_saison,
        fin_saison,
        par,
    )
    _serie(
        salles[3],
        associations[2],
        Categorie.ASSOCIATION,
        "Club d'échecs : entraînement",
        (5, 14, 16),
        debut_saison,
        fin_saison,
        par,
        intervalle=2,
    )
    demo_demandes.charger(contexte, salles)
    demo_evaluation.charger(contexte)
    demo_planning.charger(contexte)
    demo_securite.charger(contexte)
    demo_frequentation.charger(contexte)  # last: the attendance of the bookings ended by then


def _salle(index):
    if index < len(SALLES):
        nom, capacite, surface, equipements, tarifs = SALLES[index]
    else:
        nom, capacite, surface, equipements, tarifs = (
            f"Salle annexe {index - len(SALLES) + 1}",
            30,
            "50",
            "Tables et chaises",
            (10, 4, 0, 6, 25),
        )
    salle, cree = Salle.objects.get_or_create(
        nom=nom,
        defaults={
            "capacite": capacite,
            "surface_m2": Decimal(surface),
            "equipements": equipements,
            "accessibilite": "Accès de plain-pied, boucle magnétique à l'accueil.",
            "duree_min_minutes": 60,
            "duree_max_minutes": 10 * 60,
        },
    )
    if cree:
        HoraireOuverture.objects.bulk_create(
            HoraireOuverture(salle=salle, jour_semaine=jour, ouverture=ouverture, fermeture=fermeture)
            for jour, ouverture, fermeture in HORAIRES
        )
        Tarif.objects.bulk_create(
            Tarif(salle=salle, categorie=categorie, tarif_horaire=Decimal(prix))
            for categorie, prix in zip(Categorie.values, tarifs, strict=True)
        )
    return salle


def _fermetures(salles, saison):
    """The Christmas holidays (the whole site), the spring works in Salle Linné 2."""
    Fermeture.objects.get_or_create(
        salle=None,
        debut=datetime.date(saison, 12, 21),
        defaults={
            "fin": datetime.date(saison + 1, 1, 1),
            "motif": Fermeture.Motif.VACANCES,
            "libelle": "Fermeture de fin d'année",
        },
    )
    Fermeture.objects.get_or_create(
        salle=salles[2],
        debut=datetime.date(saison + 1, 2, 15),
        defaults={
            "fin": datetime.date(saison + 1, 2, 26),
            "motif": Fermeture.Motif.TRAVAUX,
            "libelle": "Réfection des sols",
        },
    )
    Fermeture.objects.get_or_create(
        salle=None,
        debut=datetime.date(saison + 1, 5, 1),
        defaults={"fin": datetime.date(saison + 1, 5, 1), "motif": Fermeture.Motif.FERIE, "libelle": "Fête du travail"},
    )


def _samedi(today, semaines):
    jour = today + datetime.timedelta(weeks=semaines)
    return jour + datetime.timedelta(days=(5 - jour.weekday()) % 7)


def _evenements_publics(salles, associations, today, par):
    for semaines, salle, organisation, objet, type_activite in EVENEMENTS:
        jour = _samedi(today, semaines)
        if Reservation.objects.filter(objet=objet, organisation=associations[organisation]).exists():
            continue
        if services.raisons_creneau(
            salles[salle], _moment(jour, 14), _moment(jour, 18), effectif=150 if salle == 0 else 30
        ):
            continue  # a closure that day: the event is another year's
        services.creer_reservation(
            par=par,
            salle=salles[salle],
            organisation=associations[organisation],
            categorie=Categorie.ASSOCIATION,
            objet=objet,
            type_activite=type_activite,
            debut=_moment(jour, 14),
            fin=_moment(jour, 18),
            effectif_prevu=150 if salle == 0 else 30,
            public=True,
            gratuit=semaines % 2 == 1,
            contact_nom=f"Contact de {associations[organisation].nom}",
            contact_email=f"contact{organisation + 1}@association.invalid",
        )


def _serie(salle, organisation, categorie, objet, creneau, du, au, par, *, gratuit=False, intervalle=1):
    if Serie.objects.filter(organisation=organisation, salle=salle).exists():
        return
    jour, debut, fin = creneau
    services.creer_serie(
        par=par,
        ecarter_impossibles=True,
        salle=salle,
        organisation=organisation,
        categorie=categorie,
        objet=objet,
        type_activite=TypeActivite.ACTIVITE_REGULIERE,
        effectif_prevu=min(15, salle.capacite),
        gratuit=gratuit,
        jours=str(jour),
        intervalle_semaines=intervalle,
        date_debut=du,
        date_fin=au,
        heure_debut=datetime.time(debut),
        heure_fin=datetime.time(fin),
        contact_nom=f"Référent Linné de {organisation.nom}",
        contact_email=f"linne-{organisation.pk}@demo.invalid",
    )
