import pytest

from comptes.models import Role

from .factories import CentreFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hashing cost is irrelevant to what the tests check; keep the suite fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def caf():
    return OrganisationFactory(caf=True)


@pytest.fixture
def departement_org():
    return OrganisationFactory(departement=True)


@pytest.fixture
def responsable():
    return UserFactory(username="responsable", role=Role.RESPONSABLE)


@pytest.fixture
def agent():
    return UserFactory(username="agent", role=Role.AGENT)


@pytest.fixture
def regisseur():
    return UserFactory(username="regisseur", role=Role.REGISSEUR)


@pytest.fixture
def elu():
    return UserFactory(username="elu", role=Role.ELU)


@pytest.fixture
def partenaire_caf(caf):
    return UserFactory(username="caf", role=Role.PARTENAIRE, organisation=caf)


@pytest.fixture
def partenaire_departement(departement_org):
    return UserFactory(username="departement", role=Role.PARTENAIRE, organisation=departement_org)


@pytest.fixture
def outsider():
    """A logged-in account with no business role (a technical account)."""
    return UserFactory(username="technique", role="")


@pytest.fixture
def centre_caf(caf):
    """A centre the CAF is partner of (in partenaire_caf's scope)."""
    return CentreFactory(partenaires=[caf])


@pytest.fixture
def centre_hors_caf():
    """A centre no partner organisation follows."""
    return CentreFactory()


@pytest.fixture
def client_of(client):
    def login(user):
        client.force_login(user)
        return client

    return login
