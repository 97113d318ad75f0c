"""Query-count guards for payments, financial reports and the open-data export: the same count
at 3 and 30 records. The open-data export and page cost a fixed number of queries whatever the number
of beneficiaries (their yearly aid, SUB-3 and LOC-2, is computed at once by
conventions.services.aides_annuelles_de), grants or payments."""

from decimal import Decimal

import pytest
from django.urls import reverse

from comptes.models import Organisation
from conventions.models import Convention, Partie
from subventions.models import CompteRenduFinancier, LigneCRF

from ..factories import (
    CentreFactory,
    ConventionFactory,
    DemandeFactory,
    EngagementFactory,
    LocalFactory,
    OrganisationFactory,
    VersementFactory,
)
from ..requetes import garde

pytestmark = pytest.mark.django_db


def _versements(demande, n, par):
    VersementFactory.create_batch(n, demande=demande, montant=Decimal("1"), cree_par=par)


def test_the_payment_page_does_not_grow_with_the_payments(client_of, agent):
    client = client_of(agent)
    demande = DemandeFactory(votee=True)
    LocalFactory(centre=demande.centre)
    url = reverse("subventions:versement_creer", args=[demande.pk])
    garde(client, "subventions:versement_creer agent", url, lambda n: _versements(demande, n, agent))


def test_the_report_page_does_not_grow_with_its_lines(client_of, agent):
    client = client_of(agent)
    demande = DemandeFactory(votee=True)
    crf = CompteRenduFinancier.objects.create(demande=demande)
    url = reverse("subventions:crf", args=[demande.pk])

    def lignes(n):
        for i in range(n):
            LigneCRF.objects.create(crf=crf, libelle=f"Poste {i}", budget=Decimal("100"), realise=Decimal(90 + i))

    garde(client, "subventions:crf agent", url, lignes)


def test_the_export_does_not_grow_with_the_grants_and_payments(client_of, agent, settings):
    settings.VILLE_SIRET = "21590512800017"
    client = client_of(agent)
    centres = [CentreFactory() for _ in range(3)]
    for centre in centres:
        LocalFactory(centre=centre)
    url = reverse("subventions:scdl", args=[2026])

    def subventions(n):
        for i in range(n):
            demande = DemandeFactory(votee=True, centre=centres[i % 3], montant_vote=Decimal("1000"))
            _versements(demande, 2, agent)

    garde(client, "subventions:scdl agent", url, subventions)


def _beneficiaires(agent):
    """grandir(n): n more beneficiaries, each with its premises, a convention signed by the city,
    a voted grant and two payments; one in two is an association running two centres."""
    ville = OrganisationFactory(nom="Ville de Roubaix", nature=Organisation.Nature.VILLE)

    def grandir(n):
        for i in range(n):
            association = OrganisationFactory() if i % 2 else None
            centres = [CentreFactory(organisation=association) for _ in range(2 if association else 1)]
            for centre in centres:
                LocalFactory(centre=centre)
                demande = DemandeFactory(votee=True, centre=centre, montant_vote=Decimal("1000"))
                _versements(demande, 2, agent)
            convention = ConventionFactory(centre=centres[0], statut=Convention.Statut.EN_COURS)
            EngagementFactory(convention=convention, financeur=ville, annee=2026, montant=Decimal("30000"))
            Partie.objects.create(convention=convention, organisation=ville, date_signature=convention.debut)

    return grandir


def test_od_the_export_does_not_grow_with_the_beneficiaries(client_of, agent, settings):
    settings.VILLE_SIRET = "21590512800017"
    url = reverse("subventions:scdl", args=[2026])
    garde(client_of(agent), "subventions:scdl?beneficiaires agent", url, _beneficiaires(agent))


def test_od_the_open_data_page_does_not_grow_with_the_beneficiaries(client_of, agent, settings):
    settings.VILLE_SIRET = "21590512800017"
    url = reverse("subventions:donnees_ouvertes")
    garde(
        client_of(agent),
        "subventions:donnees_ouvertes?beneficiaires agent",
        url,
        _beneficiaires(agent),
        {"annee": 2026},
    )
