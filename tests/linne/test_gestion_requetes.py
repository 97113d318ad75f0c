"""The query guard of Espace Linné's management pages: the bookings' list and its export, a booking's page,
the rooms' list, a room's page, the closures' list and a series' page cost the same whatever the number
of rooms, bookings, occurrences, closures, skipped dates and history rows (tests/requetes.py), for a
régisseur (who manages) and an élu (who reads)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from linne.models import DateIgnoree, Fermeture, HoraireOuverture, Reservation, Tarif

from ..factories import (
    FermetureFactory,
    OrganisationFactory,
    ReservationFactory,
    SalleFactory,
    SerieFactory,
    lecteurs,
    moment,
)
from ..partage import calcule_une_fois
from ..requetes import Page, mesurer, verifier

JOUR = datetime.datetime(2027, 1, 4, 10, 0)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]

PERSONAS = ("regisseur", "elu")
PAGES = (
    "linne:reservation_liste",
    "linne:reservation_export xlsx",
    "linne:reservation_detail",
    "linne:salle_liste",
    "linne:salle_detail",
    "linne:fermeture_liste",
    "linne:serie_detail",
)


def _grandir(n, etat):
    """n more rooms (with their hours and prices), bookings of other organisations in the followed room,
    occurrences and skipped dates of the followed series, closures (of the room and of the site), and
    changes of the followed room, its hours and prices, the booking and the series."""
    salle, serie, suivie = etat["salle"], etat["serie"], etat["suivie"]
    for _ in range(n):
        i = etat["n"] = etat["n"] + 1
        SalleFactory()
        jour = datetime.date(2027, 3, 1) + datetime.timedelta(days=i)
        ReservationFactory(salle=salle, organisation=OrganisationFactory(), debut=moment(jour, 9), public=i % 2 == 0)
        lundi = datetime.date(2027, 2, 8) + datetime.timedelta(weeks=i)
        ReservationFactory(
            salle=serie.salle, organisation=serie.organisation, serie=serie, debut=moment(lundi, 18), statut="confirmee"
        )
        DateIgnoree.objects.create(serie=serie, date=lundi + datetime.timedelta(days=1), motif=f"Fermeture {i}")
        FermetureFactory(salle=salle, debut=jour, fin=jour, libelle=f"Travaux {i}")
        Fermeture.objects.create(debut=jour, fin=jour, motif="ferie", libelle=f"Férié {i}")
        salle.equipements = f"Équipement {i}"
        salle.save()
        horaire = HoraireOuverture.objects.get(salle=salle, jour_semaine=0)
        horaire.fermeture = datetime.time(21 if i % 2 else 22)
        horaire.save()
        tarif = Tarif.objects.get(salle=salle, categorie="association")
        tarif.tarif_horaire = Decimal(20 + i)
        tarif.save()
        suivie.objet = f"Objet {i}"
        suivie.notes_internes = f"Note {i}"
        suivie.save()
        serie.objet = f"Chorale {i}"
        serie.save()


@calcule_une_fois
def gestion_grandie():
    """The pages read by a régisseur and an élu, at 3 then 30 rounds of growth."""
    with time_machine.travel(JOUR, tick=False):
        personas = lecteurs(*PERSONAS)
        salle = SalleFactory(nom="Salle suivie")
        serie = SerieFactory(salle=SalleFactory(nom="Salle de la série"))
        suivie = serie.reservations.order_by("debut").first()
        suivie.statut = Reservation.Statut.DEMANDEE  # its page computes whether it may be confirmed
        suivie.save()
        etat = {"n": 0, "salle": salle, "serie": serie, "suivie": suivie}
        urls = {
            "linne:reservation_liste": reverse("linne:reservation_liste"),
            "linne:reservation_export xlsx": reverse("linne:reservation_export", args=["xlsx"]),
            "linne:reservation_detail": reverse("linne:reservation_detail", args=[suivie.pk]),
            "linne:salle_liste": reverse("linne:salle_liste"),
            "linne:salle_detail": reverse("linne:salle_detail", args=[salle.pk]),
            "linne:fermeture_liste": reverse("linne:fermeture_liste"),
            "linne:serie_detail": reverse("linne:serie_detail", args=[serie.pk]),
        }
        pages = [Page(f"{page} {persona}", urls[page]) for persona in PERSONAS for page in PAGES]
        pages.append(
            Page(
                "linne:reservation_liste?filtres regisseur",
                urls["linne:reservation_liste"],
                {"salle": salle.pk, "organisation": serie.organisation_id, "statut": "confirmee", "tri": "salle"},
            )
        )
        return mesurer(pages, lambda n: _grandir(n, etat), personas)


CLES = [f"{page} {persona}" for persona in PERSONAS for page in PAGES] + ["linne:reservation_liste?filtres regisseur"]


@pytest.mark.parametrize("cle", CLES)
def test_les_pages_de_gestion_coutent_autant_quel_que_soit_leur_nombre(gestion_grandie, cle):
    verifier(gestion_grandie, cle)
