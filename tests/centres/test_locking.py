import html

import pytest
from django.test import Client
from django.urls import reverse

from ..factories import AgrementFactory, CentreFactory
from .test_centre_edit import _form_data

pytestmark = pytest.mark.django_db


def test_the_second_of_two_concurrent_edits_is_refused_and_shows_what_changed(agent, responsable):
    centre = CentreFactory(telephone="03 20 00 00 00", adresse="1 rue de l'Alma")
    url = reverse("centres:modifier", args=[centre.pk])
    premier, second = Client(), Client()
    premier.force_login(responsable)
    second.force_login(agent)
    # Both open the form at version 1.
    vu_par_premier = premier.get(url).context["form"]["version_vue"].value()
    vu_par_second = second.get(url).context["form"]["version_vue"].value()
    assert vu_par_premier == vu_par_second == 1

    assert premier.post(url, _form_data(centre, telephone="03 20 11 11 11")).status_code == 302
    response = second.post(url, _form_data(centre, adresse="99 rue de Lannoy", version_vue=vu_par_second))

    assert response.status_code == 200
    assert "Vos modifications n'ont pas été enregistrées" in html.unescape(response.content.decode())
    conflit = response.context["form"].conflit.changements
    assert conflit["auteurs"] == [str(responsable)]
    assert [(c.champ, c.avant, c.apres) for c in conflit["changements"]] == [
        ("téléphone", "03 20 00 00 00", "03 20 11 11 11")
    ]
    centre.refresh_from_db()
    assert (centre.telephone, centre.adresse, centre.version) == ("03 20 11 11 11", "1 rue de l'Alma", 2)

    # The second user saw the change; submitting again is a deliberate, informed save.
    assert response.context["form"]["version_vue"].value() == 2
    again = second.post(url, _form_data(centre, adresse="99 rue de Lannoy", version_vue=2))
    assert again.status_code == 302
    centre.refresh_from_db()
    assert (centre.telephone, centre.adresse, centre.version) == ("03 20 11 11 11", "99 rue de Lannoy", 3)


def test_an_edit_without_the_version_it_started_from_is_refused(client, agent):
    centre = CentreFactory()
    client.force_login(agent)
    data = _form_data(centre, telephone="0320")
    del data["version_vue"]
    response = client.post(reverse("centres:modifier", args=[centre.pk]), data)
    assert response.status_code == 200
    centre.refresh_from_db()
    assert centre.telephone == ""


def test_locking_applies_to_agrements_too(agent, responsable):
    agrement = AgrementFactory()
    url = reverse("centres:agrement_modifier", args=[agrement.pk])
    data = {"type": "AGC", "regime": "2012", "statut": "accorde", "debut": "2024-01-01", "version_vue": 1}
    premier, second = Client(), Client()
    premier.force_login(responsable)
    second.force_login(agent)
    assert premier.post(url, {**data, "fin": "2027-06-30"}).status_code == 302
    response = second.post(url, {**data, "fin": "2027-09-30"})
    assert response.status_code == 200
    assert response.context["form"].conflit.changements["changements"][0].apres == "30/06/2027"
    agrement.refresh_from_db()
    assert str(agrement.fin) == "2027-06-30"
