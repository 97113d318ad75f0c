"""The query guard of the meetings' pages: the list, a meeting's page, the actions' list and the exports
cost the same whatever the number of meetings, participants, actions, files examined and history rows
(tests/requetes.py), for the team and for a partner."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from comptes.models import Role
from pilotage import reunions
from pilotage.models import Action, ParticipantReunion, Reunion

from ..factories import (
    ActionFactory,
    CentreFactory,
    OrganisationFactory,
    ParticipantReunionFactory,
    ReunionFactory,
    SituationVeilleFactory,
    UserFactory,
    lecteurs,
)
from ..partage import calcule_une_fois
from ..requetes import Page, mesurer, verifier

JOUR = datetime.datetime(2026, 11, 2, 10, 0)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]


def _grandir(n, etat):
    """n more meetings the CAF takes part in (and n it does not), each with participants (an account and
    contacts), actions of both kinds of owner, a file examined; and, on the meeting the detail page shows,
    n more participants, actions, files and changes."""
    caf, suivie = etat["caf"], etat["suivie"]
    for _ in range(n):
        i = etat["n"] = etat["n"] + 1
        for organisation in (caf, OrganisationFactory()):
            reunion = ReunionFactory(
                type=Reunion.Type.CELLULE_VEILLE if i % 2 else Reunion.Type.COPIL_STRATEGIQUE,
                date=datetime.date(2026, 1 + i % 12, 1 + i % 28),
                organisateur=etat["organisateur"],
            )
            ParticipantReunionFactory(reunion=reunion, organisation=organisation)
            ParticipantReunion.objects.create(
                reunion=reunion,
                user=UserFactory(role=Role.PARTENAIRE, organisation=organisation),
                organisation=organisation,
            )
            ActionFactory(reunion=reunion, porteur_user=etat["organisateur"], echeance=datetime.date(2026, 10, 1))
            ActionFactory(reunion=reunion, porteur_user=None, porteur_organisation=organisation)
            reunion.situations.add(SituationVeilleFactory(centre=CentreFactory()))
        ParticipantReunionFactory(reunion=suivie, organisation=caf, email=f"contact{i}@caf.example")
        ParticipantReunion.objects.create(
            reunion=suivie, user=UserFactory(role=Role.PARTENAIRE, organisation=caf), organisation=caf
        )
        action = ActionFactory(reunion=suivie, porteur_user=None, porteur_organisation=caf)
        reunions.changer_statut_action(action=action, vers=Action.Statut.EN_COURS, par=etat["organisateur"])
        suivie.situations.add(SituationVeilleFactory(centre=CentreFactory()))
        suivie.lieu = f"Salle {i}"
        suivie.save()


@calcule_une_fois
def reunions_grandies():
    """The meetings' pages read by an agent and a CAF partner, at 3 then 30 rounds of growth."""
    with time_machine.travel(JOUR, tick=False):
        caf = OrganisationFactory(caf=True)
        personas = lecteurs("agent", "partenaire_caf", organisation=caf)
        organisateur = UserFactory(role=Role.RESPONSABLE)
        suivie = ReunionFactory(organisateur=organisateur, type=Reunion.Type.CELLULE_VEILLE)
        suivie.convoquee_le = datetime.datetime(2026, 9, 1, 10, 0, tzinfo=datetime.UTC)
        suivie.save()
        etat = {"n": 0, "caf": caf, "suivie": suivie, "organisateur": organisateur}
        detail = reverse("pilotage:reunion_detail", args=[suivie.pk])
        pages = []
        for persona in personas:
            pages += [
                Page(f"pilotage:reunions {persona}", reverse("pilotage:reunions")),
                Page(f"pilotage:reunion_detail {persona}", detail),
                Page(f"pilotage:actions {persona}", reverse("pilotage:actions")),
                Page(f"pilotage:reunions_export xlsx {persona}", reverse("pilotage:reunions_export", args=["xlsx"])),
                Page(f"pilotage:actions_export xlsx {persona}", reverse("pilotage:actions_export", args=["xlsx"])),
            ]
        pages.append(
            Page(
                "pilotage:reunions?organisation&tri agent",
                reverse("pilotage:reunions"),
                {"organisation": caf.pk, "tri": "-date", "annee": 2026},
            )
        )
        pages.append(Page("pilotage:actions?en_retard agent", reverse("pilotage:actions"), {"en_retard": "oui"}))
        return mesurer(pages, lambda n: _grandir(n, etat), personas)


CLES = [
    f"{page} {persona}"
    for persona in ("agent", "partenaire_caf")
    for page in (
        "pilotage:reunions",
        "pilotage:reunion_detail",
        "pilotage:actions",
        "pilotage:reunions_export xlsx",
        "pilotage:actions_export xlsx",
    )
] + ["pilotage:reunions?organisation&tri agent", "pilotage:actions?en_retard agent"]


@pytest.mark.parametrize("cle", CLES)
def test_the_meetings_pages_cost_the_same_whatever_their_number(reunions_grandies, cle):
    verifier(reunions_grandies, cle)
