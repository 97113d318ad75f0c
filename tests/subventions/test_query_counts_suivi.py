"""Query-count guards for payments, financial reports and the open-data export: the same count
at 3 and 30 records. The export costs a fixed number of queries per centre (its yearly aid, SUB-3
and LOC-2, is computed by conventions.services.aides_annuelles), never per grant or payment."""

from decimal import Decimal

import pytest
from django.urls import reverse

from subventions.models import CompteRenduFinancier, LigneCRF

from ..factories import CentreFactory, DemandeFactory, LocalFactory, VersementFactory
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
