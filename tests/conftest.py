import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from .factories import CentreFactory, OrganisationFactory, creer_persona
from .partage import HACHAGE_RAPIDE, donnees_partagees, media_root, refuser_hors_de_ses_donnees


@pytest.fixture(autouse=True)
def _test_settings(request, settings, tmp_path):
    refuser_hors_de_ses_donnees(request)
    settings.PASSWORD_HASHERS = HACHAGE_RAPIDE
    # The files of shared data stay where they were written; any other test writes into its own folder.
    settings.MEDIA_ROOT = media_root() or tmp_path / "media"


# --- Personas -------------------------------------------------------------------------------------


@pytest.fixture
def caf():
    return OrganisationFactory(caf=True)


@pytest.fixture
def departement_org():
    return OrganisationFactory(departement=True)


@pytest.fixture
def responsable():
    return creer_persona("responsable")


@pytest.fixture
def agent():
    return creer_persona("agent")


@pytest.fixture
def regisseur():
    return creer_persona("regisseur")


@pytest.fixture
def elu():
    return creer_persona("elu")


@pytest.fixture
def partenaire_caf(caf):
    return creer_persona("partenaire_caf", caf)


@pytest.fixture
def partenaire_departement(departement_org):
    return creer_persona("partenaire_departement", departement_org)


@pytest.fixture
def outsider():
    """A logged-in account with no business role (a technical account)."""
    return creer_persona("outsider")


@donnees_partagees
def demo():
    """The demo data of `seed_demo`, built once for the module's tests that read it; returns its day."""
    with override_settings(DEVELOPPEMENT=True):
        call_command("seed_demo", verbosity=0)
    return timezone.localdate()


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
