"""Big choice lists as search fields (roubaix_cs.autocompletion): the suggestion views are scoped like
their lists, a big list shows only what is chosen, the form still validates on the server."""

import pytest
from django.urls import reverse

from centres.models import Centre
from conventions.models import Convention
from roubaix_cs.autocompletion import AUTOCOMPLETION_SEUIL, AUTOCOMPLETION_SUGGESTIONS

from .factories import CentreFactory, LocalFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

GRAND = AUTOCOMPLETION_SEUIL + 10


def _options(response):
    return response.content.decode().count("<option")


def _suggestions(client, url, champ, terme, *choisis):
    return client.get(reverse(url), {"champ": champ, f"{champ}_recherche": terme, champ: choisis})


# --- The suggestion views ------------------------------------------------------------------------


def test_a_partner_is_suggested_only_the_centres_of_its_scope(client, partenaire_caf, centre_caf, centre_hors_caf):
    client.force_login(partenaire_caf)
    page = _suggestions(client, "centres:autocompletion", "centre", "Centre social").content.decode()
    assert f'value="{centre_caf.pk}"' in page
    assert f'value="{centre_hors_caf.pk}"' not in page


def test_a_centre_out_of_scope_is_not_suggested_even_if_sent_as_chosen(client, partenaire_caf, centre_hors_caf):
    client.force_login(partenaire_caf)
    page = _suggestions(client, "centres:autocompletion", "centre", "", str(centre_hors_caf.pk)).content.decode()
    assert centre_hors_caf.nom not in page


def test_the_chosen_centre_comes_first_then_at_most_the_suggestions_limit(client, agent):
    centres = CentreFactory.create_batch(AUTOCOMPLETION_SUGGESTIONS + 5)
    client.force_login(agent)
    response = _suggestions(client, "centres:autocompletion", "centre", "centre social", str(centres[-1].pk))
    page = response.content.decode()
    assert _options(response) == AUTOCOMPLETION_SUGGESTIONS + 1
    assert page.index(f'value="{centres[-1].pk}" selected') < page.index("<option value=", page.index("selected"))
    assert page.count(f'value="{centres[-1].pk}"') == 1


def test_a_search_matches_every_word_in_the_name_or_the_short_name(client, agent):
    alma = CentreFactory(nom="Centre social de l'Alma", nom_court="Alma")
    CentreFactory(nom="Centre social du Pile", nom_court="Pile")
    client.force_login(agent)
    response = _suggestions(client, "centres:autocompletion", "centre", "social alma")
    assert _options(response) == 1 and f'value="{alma.pk}"' in response.content.decode()
    response = _suggestions(client, "centres:autocompletion", "centre", "nulle part")
    assert "Aucun résultat pour « nulle part »" in response.content.decode()


def test_premises_are_suggested_as_boxes_for_a_multiple_field(client, agent):
    local = LocalFactory(nom="Salle des fêtes")
    client.force_login(agent)
    response = client.get(
        reverse("centres:local_autocompletion"), {"champ": "locaux", "locaux_recherche": "fêtes", "multiple": "1"}
    )
    page = response.content.decode()
    assert 'type="checkbox"' in page and 'name="locaux"' in page and f'value="{local.pk}"' in page


def test_organisations_are_suggested_to_the_team(client, agent):
    organisation = OrganisationFactory(nom="Fondation du Nord")
    client.force_login(agent)
    page = _suggestions(client, "comptes:organisation_autocompletion", "organisation", "fondation").content.decode()
    assert f'value="{organisation.pk}"' in page


def test_a_hostile_field_name_is_not_echoed(client, agent):
    client.force_login(agent)
    page = client.get(reverse("centres:autocompletion"), {"champ": '"><script>', "q": "x"}).content.decode()
    assert "<script>" not in page


# --- The field in a page: a plain select while small, a search field when big -------------------


def test_a_small_list_stays_a_plain_select(client, agent):
    CentreFactory.create_batch(AUTOCOMPLETION_SEUIL - 1)
    client.force_login(agent)
    response = client.get(reverse("centres:travaux_liste"))
    assert 'name="centre_recherche"' not in response.content.decode()
    assert _options(response) >= AUTOCOMPLETION_SEUIL  # every centre, plus "Tous les centres"


def test_a_big_list_in_a_filter_shows_only_the_chosen_centre_and_a_search_box(client, agent):
    centres = CentreFactory.create_batch(GRAND)
    client.force_login(agent)
    petite = client.get(reverse("centres:travaux_liste"))
    choisie = client.get(reverse("centres:travaux_liste"), {"centre": centres[7].pk})
    page = choisie.content.decode()
    assert 'name="centre_recherche"' in page and 'hx-trigger="input changed delay:250ms"' in page
    assert f'<option value="{centres[7].pk}" selected>{centres[7].nom}</option>' in page
    assert _options(choisie) == _options(petite) + 1 < GRAND
    assert choisie.context["page"].paginator.count == 0  # and the filter applies


def test_a_filter_term_sent_without_javascript_picks_the_one_matching_centre(client, agent):
    CentreFactory.create_batch(GRAND)
    alma = CentreFactory(nom="Centre social de l'Alma", nom_court="Alma")
    client.force_login(agent)
    response = client.get(reverse("centres:document_liste"), {"centre": "", "centre_recherche": "alma"})
    assert response.context["filtre"].form.cleaned_data["centre"] == alma


def test_a_partner_cannot_filter_on_a_centre_out_of_scope(client, partenaire_caf, centre_caf, centre_hors_caf):
    client.force_login(partenaire_caf)
    response = client.get(reverse("centres:document_liste"), {"centre": centre_hors_caf.pk})
    assert "centre" in response.context["filtre"].form.errors


def _convention(centre):
    return {"type": "cpom", "centre": centre, "objet": "Projet social", "debut": "2025-01-01", "fin": "2028-12-31"}


def test_the_convention_form_with_many_centres_and_premises_stays_small(client, agent):
    for centre in CentreFactory.create_batch(GRAND):
        LocalFactory(centre=centre)
    client.force_login(agent)
    response = client.get(reverse("conventions:creer"))
    page = response.content.decode()
    assert 'name="centre_recherche"' in page and 'name="locaux_recherche"' in page
    assert page.count('name="locaux"') == 0
    assert _options(response) < 2 * len(Convention.Type.choices) + 20  # the kinds, statuses, referents: no centre


def test_the_convention_form_validates_a_chosen_centre_and_refuses_an_unknown_id(client, agent):
    centres = CentreFactory.create_batch(GRAND)
    client.force_login(agent)
    response = client.post(reverse("conventions:creer"), _convention(10**12))
    assert "centre" in response.context["form"].errors
    response = client.post(reverse("conventions:creer"), _convention(centres[3].pk))
    assert response.status_code == 302
    assert Convention.objects.get().centre == centres[3]


def test_a_form_term_matching_several_centres_asks_to_choose_among_them(client, agent):
    centres = CentreFactory.create_batch(GRAND)
    client.force_login(agent)
    donnees = {**_convention(""), "centre_recherche": "Centre social test"}
    response = client.post(reverse("conventions:creer"), donnees)
    assert response.context["form"].errors["centre"] == [
        "Plusieurs choix correspondent à « Centre social test » : choisissez dans la liste."
    ]
    assert _options(response) > AUTOCOMPLETION_SUGGESTIONS and f'value="{centres[0].pk}"' in response.content.decode()
    donnees["centre_recherche"] = centres[5].nom_court
    assert client.post(reverse("conventions:creer"), donnees).status_code == 302
    assert Convention.objects.get().centre == centres[5]


def test_the_premises_form_still_refuses_a_closed_centre(client, agent):
    CentreFactory.create_batch(GRAND)
    ferme = CentreFactory(statut=Centre.Statut.FERME)
    client.force_login(agent)
    response = client.post(reverse("centres:local_creer"), {"nom": "Salle", "adresse": "1 rue", "centre": ferme.pk})
    assert "centre" in response.context["form"].errors


def test_the_premises_of_a_convention_are_ticked_by_id_or_found_by_a_term(client, agent):
    centre = CentreFactory()
    locaux = LocalFactory.create_batch(GRAND, centre=centre)
    salle = LocalFactory(centre=centre, nom="Salle des fêtes")
    client.force_login(agent)
    donnees = {**_convention(centre.pk), "locaux": [locaux[0].pk], "locaux_recherche": "fêtes"}
    assert client.post(reverse("conventions:creer"), donnees).status_code == 302
    convention = Convention.objects.get()
    assert set(convention.locaux.all()) == {locaux[0], salle}
    page = client.get(reverse("conventions:modifier", args=[convention.pk])).content.decode()
    assert page.count('name="locaux"') == 2  # the two ticked, not the other premises of the centre
