"""Query-count guards for premises, works and the documents vault: same count at 3 and 30 records."""

import pytest
from django.urls import reverse

from ..factories import (
    CentreFactory,
    DocumentFactory,
    LocalFactory,
    OrganisationFactory,
    TravauxFactory,
    UserFactory,
    lecteurs,
)
from ..partage import calcule_une_fois
from ..requetes import Page, mesurer, verifier

pytestmark = pytest.mark.django_db


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


LISTES = {
    "centres:local_liste": (reverse("centres:local_liste"), {}),
    "centres:local_liste?occupant=centre&commission_jours=90&tri=-avantage": (
        reverse("centres:local_liste"),
        {"occupant": "centre", "commission_jours": "90", "tri": "-avantage"},
    ),
    "centres:travaux_liste": (reverse("centres:travaux_liste"), {}),
    "centres:travaux_liste?etat=en_cours&annee=2026": (
        reverse("centres:travaux_liste"),
        {"etat": "en_cours", "annee": "2026"},
    ),
}
EXPORTS = ["centres:local_export", "centres:travaux_export", "centres:document_export"]
FORMATS = ["csv", "xlsx"]
LECTEURS_LISTES = ["agent", "regisseur", "elu"]
LECTEURS_DOCUMENTS = ["agent", "partenaire_caf", "elu"]


@calcule_une_fois
def parc():
    """Every page of premises, works and documents, at 3 then 30 centres with their premises."""
    caf = OrganisationFactory(caf=True)
    document = DocumentFactory()
    pages = [
        *(Page(f"{vue} {p}", url, params) for vue, (url, params) in LISTES.items() for p in LECTEURS_LISTES),
        *(Page(f"centres:document_liste {p}", reverse("centres:document_liste")) for p in LECTEURS_DOCUMENTS),
        *(Page(f"{name} {fmt} agent", reverse(name, kwargs={"fmt": fmt})) for name in EXPORTS for fmt in FORMATS),
        Page("centres:document_telecharger agent", reverse("centres:document_telecharger", args=[document.pk])),
    ]
    personas = lecteurs(*{*LECTEURS_LISTES, *LECTEURS_DOCUMENTS}, organisation=caf)
    return mesurer(pages, lambda n: _grow_parc(n, caf), personas)


@pytest.mark.parametrize("vue", LISTES)
@pytest.mark.parametrize("persona", LECTEURS_LISTES)
def test_premises_and_works_lists_do_not_grow_with_the_data(parc, persona, vue):
    verifier(parc, f"{vue} {persona}")


@pytest.mark.parametrize("persona", LECTEURS_DOCUMENTS)
def test_document_list_does_not_grow_with_the_data(parc, persona):
    verifier(parc, f"centres:document_liste {persona}")


@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_do_not_grow_with_the_data(parc, name, fmt):
    verifier(parc, f"{name} {fmt} agent")


def test_download_costs_the_same_whatever_the_vault_size(parc):
    verifier(parc, "centres:document_telecharger agent")


@calcule_une_fois
def fiche_local():
    """The page of a premises, with 3 then 30 works, documents and edits."""
    local = LocalFactory()
    url = reverse("centres:local_detail", args=[local.pk])
    return mesurer(
        [Page(f"centres:local_detail {p}", url) for p in LECTEURS_LISTES],
        lambda n: _grow_local(local, n),
        lecteurs(*LECTEURS_LISTES),
    )


@pytest.mark.parametrize("persona", LECTEURS_LISTES)
def test_premises_page_does_not_grow_with_its_works_documents_and_history(fiche_local, persona):
    verifier(fiche_local, f"centres:local_detail {persona}")
