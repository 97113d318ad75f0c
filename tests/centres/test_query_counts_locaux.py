"""Query-count guards for premises, works and the documents vault: same count at 3 and 30 records.

Counts include the session, the user, and the savepoint pair of ATOMIC_REQUESTS."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..factories import CentreFactory, DocumentFactory, LocalFactory, TravauxFactory, UserFactory

pytestmark = pytest.mark.django_db


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow_parc(n, caf):
    """n centres, each with premises, works and documents by different users; and Linné's premises."""
    for i in range(n):
        centre = CentreFactory(partenaires=[caf])
        local = LocalFactory(centre=centre, commission_prochaine=None if i % 2 else "2027-01-01")
        travaux = TravauxFactory(local=local)
        DocumentFactory(centre=centre, travaux=travaux, depose_par=UserFactory())
        DocumentFactory(centre=centre, rib=True, depose_par=UserFactory())
        LocalFactory(linne=True, nom=f"Espace Linné {i}")


def _grow_local(local, n):
    """n works with a document each, and n edits of the premises (a long history)."""
    for i in range(n):
        travaux = TravauxFactory(local=local)
        DocumentFactory(centre=local.centre, travaux=travaux, type="travaux", depose_par=UserFactory())
        local.observations = f"Visite {i}"
        local.version += 1
        local.save()


LISTES = [
    ("centres:local_liste", {}, 8),
    ("centres:local_liste", {"occupant": "centre", "commission_jours": "90", "tri": "-avantage"}, 8),
    ("centres:travaux_liste", {}, 8),
    ("centres:travaux_liste", {"etat": "en_cours", "annee": "2026"}, 8),
]


@pytest.mark.parametrize(("name", "params", "plafond"), LISTES)
@pytest.mark.parametrize("persona", ["agent", "regisseur", "elu"])
def test_premises_and_works_lists_do_not_grow_with_the_data(client, caf, persona, name, params, plafond, request):
    client.force_login(request.getfixturevalue(persona))
    url = reverse(name)
    _grow_parc(3, caf)
    small = _count(client, url, params)
    _grow_parc(27, caf)
    large = _count(client, url, params)
    assert small == large <= plafond, (small, large)


@pytest.mark.parametrize(("persona", "plafond"), [("agent", 7), ("partenaire_caf", 8), ("elu", 7)])
def test_document_list_does_not_grow_with_the_data(client, caf, persona, plafond, request):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("centres:document_liste")
    _grow_parc(3, caf)
    small = _count(client, url)
    _grow_parc(27, caf)
    large = _count(client, url, {})
    assert small == large <= plafond, (small, large)


@pytest.mark.parametrize(
    ("name", "plafond"), [("centres:local_export", 5), ("centres:travaux_export", 5), ("centres:document_export", 5)]
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_do_not_grow_with_the_data(client, caf, agent, name, fmt, plafond):
    client.force_login(agent)
    url = reverse(name, kwargs={"fmt": fmt})
    _grow_parc(3, caf)
    small = _count(client, url)
    _grow_parc(27, caf)
    assert small == _count(client, url) <= plafond


@pytest.mark.parametrize(("persona", "plafond"), [("agent", 11), ("regisseur", 10), ("elu", 11)])
def test_premises_page_does_not_grow_with_its_works_documents_and_history(client, persona, plafond, request):
    client.force_login(request.getfixturevalue(persona))
    local = LocalFactory()
    url = reverse("centres:local_detail", args=[local.pk])
    _grow_local(local, 3)
    small = _count(client, url)
    _grow_local(local, 27)
    large = _count(client, url)
    assert small == large <= plafond, (small, large)


def test_download_costs_the_same_whatever_the_vault_size(client, caf, agent):
    client.force_login(agent)
    _grow_parc(3, caf)
    document = DocumentFactory()
    url = reverse("centres:document_telecharger", args=[document.pk])
    small = _count(client, url)
    _grow_parc(27, caf)
    assert small == _count(client, url) <= 5
