import datetime
from decimal import Decimal

import pytest

from comptes.models import Organisation, Role
from deliberations import services
from deliberations.models import Mandat
from subventions.models import DemandeSubvention

from ..factories import (
    CentreFactory,
    DemandeFactory,
    OrganisationFactory,
    SeanceFactory,
    UserFactory,
    VersionPdfFactory,
)

SEANCE = datetime.date(2026, 3, 12)


def demande_validee(montant=Decimal("18000.00"), **kwargs):
    """A validated grant of a centre run by its own association (the body élus may sit on)."""
    kwargs.setdefault("centre", CentreFactory(organisation=OrganisationFactory(nature=Organisation.Nature.ASSOCIATION)))
    return DemandeFactory(proposee=True, statut=DemandeSubvention.Statut.VALIDEE, montant_propose=montant, **kwargs)


@pytest.fixture
def seance():
    return SeanceFactory(date=SEANCE, date_convocation=SEANCE - datetime.timedelta(days=10))


@pytest.fixture
def elu_rapporteur():
    return UserFactory(role=Role.ELU, first_name="Karim", last_name="Rapporteur")


@pytest.fixture
def elu_administrateur():
    """An élu on the board of the first grant's association (see `deux_demandes`)."""
    return UserFactory(role=Role.ELU, first_name="Sophie", last_name="Administratrice")


@pytest.fixture
def deux_demandes(elu_administrateur):
    premiere = demande_validee(Decimal("18000.00"))
    seconde = demande_validee(Decimal("12500.00"))
    Mandat.objects.create(elu=elu_administrateur, organisation=premiere.centre.organisation)
    return [premiere, seconde]


@pytest.fixture
def brouillon(seance, deux_demandes, responsable, elu_rapporteur):
    return services.rediger(
        seance=seance,
        objet="Subventions de fonctionnement 2026",
        par=responsable,
        demandes=deux_demandes,
        rapporteur=elu_rapporteur,
        commission="Cohésion sociale",
        date_commission=SEANCE - datetime.timedelta(days=7),
    )


@pytest.fixture
def prete(brouillon, responsable):
    """Ready for the session, with a generated PDF."""
    services.marquer_prete(deliberation=brouillon, par=responsable)
    VersionPdfFactory(deliberation=brouillon, generee_par=responsable)
    brouillon.refresh_from_db()
    return brouillon
