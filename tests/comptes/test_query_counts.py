"""Query-count guards: the accounts list and an account page cost the same at 3 and 30 records."""

import pytest
from django.urls import reverse

from comptes.models import Role

from ..factories import OrganisationFactory, UserFactory
from ..requetes import garde

pytestmark = pytest.mark.django_db


def _comptes(n):
    """n partners, each of its own organisation, having logged in."""
    for _ in range(n):
        UserFactory(partenaire=True, last_login="2026-03-02T10:00:00+01:00")


@pytest.mark.parametrize("persona", ["responsable", "agent"])
def test_the_accounts_list_does_not_grow_with_the_accounts(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    garde(client, f"comptes:liste {persona}", reverse("comptes:liste"), _comptes)


def test_the_accounts_export_does_not_grow_with_the_accounts(client, agent):
    client.force_login(agent)
    garde(client, "comptes:export xlsx agent", reverse("comptes:export", args=["xlsx"]), _comptes)


@pytest.mark.parametrize("persona", ["responsable", "agent"])
def test_an_account_page_does_not_grow_with_its_history(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    compte = UserFactory(role=Role.PARTENAIRE, organisation=OrganisationFactory())

    def changements(n):
        """n changes by n authors, each to another organisation (the history names both)."""
        for _ in range(n):
            compte.organisation = OrganisationFactory()
            compte._history_user = UserFactory(role=Role.RESPONSABLE)
            compte._change_reason = "Change d'organisation"
            compte.save()

    garde(client, f"comptes:detail {persona}", reverse("comptes:detail", args=[compte.pk]), changements)
