import pytest

from comptes.models import Organisation

from ..factories import OrganisationFactory


@pytest.fixture
def ville():
    return OrganisationFactory(nom="Ville de Roubaix", nature=Organisation.Nature.VILLE)


@pytest.fixture
def association():
    return OrganisationFactory(nom="Association du centre social", nature=Organisation.Nature.ASSOCIATION)
