"""The text of a deliberation is plain text: the PDF and the pages escape it once, when they show it."""

import pytest

from deliberations import services
from subventions.models import DemandeSubvention
from tests.factories import CentreFactory, DemandeFactory, OrganisationFactory, SeanceFactory


@pytest.mark.django_db
def test_visas_keep_apostrophes(responsable):
    centre = CentreFactory(
        nom="Centre social de l'Alma", organisation=OrganisationFactory(nom="Association de l'Alma", association=True)
    )
    d = DemandeFactory(centre=centre, proposee=True, statut=DemandeSubvention.Statut.VALIDEE)
    delib = services.rediger(seance=SeanceFactory(), objet="x", par=responsable, demandes=[d])
    assert "Association de l'Alma" in delib.visas
    assert "&#x27;" not in delib.visas + delib.articles + delib.considerants
