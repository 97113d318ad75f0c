"""The query guard of the safety register: its home page, the printable register, the lists of checks,
visits and incidents with their exports, and an incident's page cost the same whatever the number of
kinds of check, checks, visits, incidents, actions, rooms and history rows (tests/requetes.py), for a
régisseur and the responsable."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from ..factories import (
    ActionIncidentFactory,
    ControleFactory,
    IncidentFactory,
    SalleFactory,
    TypeControleFactory,
    UserFactory,
    VisiteCommissionFactory,
    lecteurs,
    moment,
)
from ..partage import calcule_une_fois
from ..requetes import Page, mesurer, verifier

JOUR = datetime.datetime(2026, 12, 1, 9, 0)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]

PERSONAS = ("regisseur", "responsable")
PAGES = (
    "linne:registre",
    "linne:registre_pdf",
    "linne:controle_liste",
    "linne:controle_export xlsx",
    "linne:visite_commission_liste",
    "linne:visite_commission_export xlsx",
    "linne:incident_liste",
    "linne:incident_export xlsx",
    "linne:incident_detail",
)


def _grandir(n, etat):
    """n more kinds of check (each with two checks), visits, rooms, incidents (open, with a booking and two
    actions, one given to someone), actions and changes of the followed incident."""
    suivi = etat["incident"]
    for _ in range(n):
        i = etat["n"] = etat["n"] + 1
        type_controle = TypeControleFactory()
        ControleFactory(type_controle=type_controle, date=datetime.date(2025, 1, 1) + datetime.timedelta(days=i))
        ControleFactory(
            type_controle=type_controle,
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
            resultat="observations",
            observations=f"Observation {i}",
        )
        VisiteCommissionFactory(date=datetime.date(2020, 1, 1) + datetime.timedelta(days=i))
        salle = SalleFactory()
        incident = IncidentFactory(salle=salle, survenu_le=moment(datetime.date(2026, 6, 1), 10))
        ActionIncidentFactory(incident=incident, responsable=UserFactory(role="agent"))
        ActionIncidentFactory(incident=incident, faite_le=datetime.date(2026, 6, 2))
        ActionIncidentFactory(incident=suivi, responsable=UserFactory(role="regisseur"))
        suivi.description = f"Récit {i}"
        suivi.version += 1
        suivi.save()


@calcule_une_fois
def securite_grandie():
    """The pages read by a régisseur and the responsable, at 3 then 30 rounds of growth."""
    with time_machine.travel(JOUR, tick=False):
        personas = lecteurs(*PERSONAS)
        incident = IncidentFactory(salle=SalleFactory(nom="Salle suivie"))
        etat = {"n": 0, "incident": incident}
        urls = {
            "linne:registre": reverse("linne:registre"),
            "linne:registre_pdf": reverse("linne:registre_pdf"),
            "linne:controle_liste": reverse("linne:controle_liste"),
            "linne:controle_export xlsx": reverse("linne:controle_export", args=["xlsx"]),
            "linne:visite_commission_liste": reverse("linne:visite_commission_liste"),
            "linne:visite_commission_export xlsx": reverse("linne:visite_commission_export", args=["xlsx"]),
            "linne:incident_liste": reverse("linne:incident_liste"),
            "linne:incident_export xlsx": reverse("linne:incident_export", args=["xlsx"]),
            "linne:incident_detail": reverse("linne:incident_detail", args=[incident.pk]),
        }
        pages = [Page(f"{page} {persona}", urls[page]) for persona in PERSONAS for page in PAGES]
        pages.append(
            Page(
                "linne:incident_liste?filtres regisseur",
                urls["linne:incident_liste"],
                {"statut": "ouvert", "nature": "accident", "salle": incident.salle_id, "tri": "salle"},
            )
        )
        return mesurer(pages, lambda n: _grandir(n, etat), personas)


CLES = [f"{page} {persona}" for persona in PERSONAS for page in PAGES] + ["linne:incident_liste?filtres regisseur"]


@pytest.mark.parametrize("cle", CLES)
def test_les_pages_du_registre_coutent_autant_quel_que_soit_leur_nombre(securite_grandie, cle):
    verifier(securite_grandie, cle)
