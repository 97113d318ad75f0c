"""A big choice list as a search field, in a browser: typing fetches the matching centres (htmx), the
keyboard picks one, the filter applies; axe-core finds nothing serious in the field."""

import pytest
from playwright.sync_api import expect

from comptes.models import Role
from roubaix_cs.autocompletion import AUTOCOMPLETION_SEUIL

from ..factories import CentreFactory, UserFactory
from .outils import connexion
from .test_accessibilite import _axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_typing_in_the_centre_filter_suggests_and_the_keyboard_picks(page, browser_problems):
    CentreFactory.create_batch(AUTOCOMPLETION_SEUIL + 5)
    alma = CentreFactory(nom="Centre social de l'Alma", nom_court="Alma")
    UserFactory(username="agent", first_name="Aïcha", role=Role.AGENT)
    connexion(page, "agent", "Aïcha")
    page.goto("/centres/documents/")
    recherche = page.get_by_role("searchbox", name="Rechercher dans la liste")
    liste = page.locator("select#id_centre")
    expect(liste.locator("option")).to_have_count(1)  # « Tous les centres » only
    recherche.press_sequentially("alma")
    expect(liste.locator("option", has_text=alma.nom)).to_have_count(1)
    assert _axe(page, "form[aria-label=Filtres]") == []
    recherche.press("Tab")
    expect(liste).to_be_focused()
    liste.press("ArrowDown")
    expect(liste).to_have_value(str(alma.pk))
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("select#id_centre option[selected]")).to_have_text(alma.nom)
    assert browser_problems == []
