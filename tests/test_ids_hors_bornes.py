"""An id too big for any database (2^63 and beyond) in a choice of records is an invalid choice
explained in French, never a server error (SQLite raised OverflowError binding it)."""

import pytest
from django.urls import reverse

from comptes.models import Organisation
from deliberations.forms import DeliberationCreateForm
from roubaix_cs.forms import ID_MAX

from .factories import CentreFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

TROP_GRAND = str(ID_MAX + 1)  # 9223372036854775808: 19 digits


@pytest.mark.parametrize("valeur", [TROP_GRAND, "9" * 30, f"-{TROP_GRAND}"])
def test_a_multiple_choice_with_an_id_out_of_range_is_a_form_error(client, agent, valeur):
    caf = OrganisationFactory(nature=Organisation.Nature.CAF)
    centre = CentreFactory()
    client.force_login(agent)
    donnees = {
        "nom": centre.nom,
        "statut": centre.statut,
        "forme_juridique": centre.forme_juridique,
        "gestion": centre.gestion,
        "adresse": centre.adresse,
        "code_postal": centre.code_postal,
        "commune": centre.commune,
        "quartier": centre.quartier,
        "version_vue": centre.version,
        "partenaires": [caf.pk, valeur],
    }
    response = client.post(reverse("centres:modifier", args=[centre.pk]), donnees)
    assert response.status_code == 200
    assert "partenaires" in response.context["form"].errors
    assert not centre.partenaires.exists()


def test_a_single_choice_with_an_id_out_of_range_is_a_form_error():
    form = DeliberationCreateForm({"seance": TROP_GRAND, "objet": "Subventions", "demandes": [TROP_GRAND]})
    assert not form.is_valid()
    assert {"seance", "demandes"} <= set(form.errors)
    assert "Sélectionnez un choix valide" in form.errors["seance"][0]


@pytest.mark.parametrize(
    ("liste", "parametre"),
    [
        ("subventions:liste", "centre"),
        ("subventions:liste", "referent"),
        ("conventions:liste", "centre"),
        ("centres:visite_liste", "centre"),
        ("deliberations:liste", "seance"),
    ],
)
def test_a_list_filter_with_an_id_out_of_range_is_explained_not_a_crash(client, agent, liste, parametre):
    client.force_login(agent)
    response = client.get(reverse(liste), {parametre: TROP_GRAND})
    assert response.status_code == 200
    assert parametre in response.context["filtre"].form.errors
