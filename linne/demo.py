"""Demo data of Espace Linné for seed_demo: its rooms (opening hours and price list), then the requests of the
public (linne/demo_demandes.py). Idempotent: what exists is read before it is written."""

import datetime
from decimal import Decimal

from . import demo_demandes
from .models import Categorie, HoraireOuverture, Salle, Tarif

# The rooms of the demo: name, capacity, hourly rate for associations (€).
SALLES = [
    ("Salle polyvalente", 120, Decimal("25.00")),
    ("Salle de réunion Linné", 30, Decimal("12.00")),
    ("Studio de danse", 40, Decimal("18.00")),
]


def charger(contexte):
    salles_de_la_demo()
    demo_demandes.charger(contexte, demo_demandes.salles_actives())


def salles_de_la_demo():
    """The rooms, open Monday to Saturday from 8:00 to 22:00, each with its rate for associations and others."""
    for nom, capacite, tarif in SALLES:
        salle, creee = Salle.objects.get_or_create(nom=nom, defaults={"capacite": capacite})
        if not creee:
            continue
        HoraireOuverture.objects.bulk_create(
            HoraireOuverture(salle=salle, jour_semaine=jour, ouverture=datetime.time(8), fermeture=datetime.time(22))
            for jour in range(6)
        )
        Tarif.objects.bulk_create(
            [
                Tarif(salle=salle, categorie=Categorie.ASSOCIATION, tarif_horaire=tarif),
                Tarif(salle=salle, categorie=Categorie.AUTRE, tarif_horaire=tarif * 2),
            ]
        )
