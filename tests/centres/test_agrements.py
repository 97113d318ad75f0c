import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from centres.models import Agrement, duree_en_mois

from ..factories import AgrementFactory, CentreFactory

pytestmark = pytest.mark.django_db


def _agrement(centre, type_, debut, fin, statut=Agrement.Statut.ACCORDE):
    return Agrement(centre=centre, type=type_, debut=debut, fin=fin, statut=statut)


@pytest.mark.parametrize(
    ("debut", "fin", "mois"),
    [
        (datetime.date(2024, 1, 1), datetime.date(2027, 12, 31), 48),
        (datetime.date(2024, 1, 15), datetime.date(2028, 1, 14), 48),
        (datetime.date(2024, 1, 1), datetime.date(2024, 1, 31), 1),
        (datetime.date(2024, 1, 1), datetime.date(2028, 1, 1), 49),
    ],
)
def test_avs_1_duration_is_counted_in_started_months(debut, fin, mois):
    assert duree_en_mois(debut, fin) == mois


def test_avs_1_an_agrement_of_48_months_is_accepted():
    _agrement(CentreFactory(), Agrement.Type.AGC, datetime.date(2024, 1, 1), datetime.date(2027, 12, 31)).full_clean()


def test_avs_1_an_agrement_longer_than_48_months_is_refused():
    agrement = _agrement(CentreFactory(), Agrement.Type.AGC, datetime.date(2024, 1, 1), datetime.date(2028, 1, 1))
    with pytest.raises(ValidationError) as error:
        agrement.full_clean()
    assert "de 1 à 48 mois (ici 49 mois)" in str(error.value)


def test_avs_1_an_agrement_ending_before_it_starts_is_refused():
    agrement = _agrement(CentreFactory(), Agrement.Type.AGC, datetime.date(2024, 1, 1), datetime.date(2023, 12, 1))
    with pytest.raises(ValidationError):
        agrement.full_clean()


def test_avs_1_the_form_shows_the_error_next_to_the_end_date_and_saves_nothing(client, agent):
    centre = CentreFactory()
    client.force_login(agent)
    response = client.post(
        reverse("centres:agrement_creer", args=[centre.pk]),
        {"type": "AGC", "regime": "2012", "statut": "accorde", "debut": "2024-01-01", "fin": "2029-06-30"},
    )
    assert response.status_code == 200
    assert "de 1 à 48 mois" in response.context["form"].errors["fin"][0]
    assert not Agrement.objects.exists()


def test_avs_2_an_acf_agrement_without_agc_is_refused():
    acf = _agrement(CentreFactory(), Agrement.Type.ACF, datetime.date(2024, 1, 1), datetime.date(2027, 12, 31))
    with pytest.raises(ValidationError) as error:
        acf.full_clean()
    assert "suppose un agrément AGC" in str(error.value)


def test_avs_2_an_acf_agrement_covered_by_the_centres_agc_is_accepted():
    agc = AgrementFactory()
    _agrement(agc.centre, Agrement.Type.ACF, agc.debut, agc.fin).full_clean()


def test_avs_2_an_acf_agrement_running_past_the_agc_is_refused():
    agc = AgrementFactory(debut=datetime.date(2024, 1, 1), fin=datetime.date(2025, 12, 31))
    acf = _agrement(agc.centre, Agrement.Type.ACF, datetime.date(2024, 1, 1), datetime.date(2026, 6, 30))
    with pytest.raises(ValidationError):
        acf.full_clean()


def test_avs_2_another_centres_agc_does_not_count():
    agc = AgrementFactory()
    acf = _agrement(CentreFactory(), Agrement.Type.ACF, agc.debut, agc.fin)
    with pytest.raises(ValidationError):
        acf.full_clean()


def test_avs_2_a_granted_acf_needs_a_granted_agc():
    agc = AgrementFactory(statut=Agrement.Statut.INSTRUCTION)
    with pytest.raises(ValidationError):
        _agrement(agc.centre, Agrement.Type.ACF, agc.debut, agc.fin).full_clean()
    # Both examined together by the CAF: allowed while in instruction.
    _agrement(agc.centre, Agrement.Type.ACF, agc.debut, agc.fin, statut=Agrement.Statut.INSTRUCTION).full_clean()


def test_avs_2_shortening_the_agc_may_not_leave_a_granted_acf_uncovered(client, agent):
    agc = AgrementFactory(debut=datetime.date(2024, 1, 1), fin=datetime.date(2027, 12, 31))
    AgrementFactory(centre=agc.centre, acf=True, debut=agc.debut, fin=agc.fin)
    client.force_login(agent)
    response = client.post(
        reverse("centres:agrement_modifier", args=[agc.pk]),
        {
            "type": "AGC",
            "regime": "2012",
            "statut": "accorde",
            "debut": "2024-01-01",
            "fin": "2026-12-31",
            "version_vue": agc.version,
        },
    )
    assert response.status_code == 200
    assert "ne serait plus couvert" in str(response.context["form"].non_field_errors())
    agc.refresh_from_db()
    assert agc.fin == datetime.date(2027, 12, 31)


@pytest.mark.parametrize(
    ("statut", "type_", "accepte"),
    [
        ("accorde", "AGC", True),
        ("instruction", "AGC", False),
        ("refuse", "AGC", False),
        ("accorde", "ACF", False),
    ],
)
def test_avs_2_the_acf_stays_tied_to_its_granted_agc_whatever_the_agc_becomes(client, agent, statut, type_, accepte):
    """The AGC covering a granted ACF may not be refused, put back in instruction or retyped."""
    agc = AgrementFactory(debut=datetime.date(2024, 1, 1), fin=datetime.date(2027, 12, 31))
    AgrementFactory(centre=agc.centre, acf=True, debut=agc.debut, fin=agc.fin)
    client.force_login(agent)
    donnees = {"type": type_, "regime": "2012", "statut": statut, "debut": "2024-01-01", "fin": "2027-12-31"}
    response = client.post(reverse("centres:agrement_modifier", args=[agc.pk]), donnees | {"version_vue": agc.version})
    agc.refresh_from_db()
    if accepte:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        attendu = "suppose un agrément AGC accordé" if type_ == "ACF" else "ne serait plus couvert par un agrément AGC"
        assert attendu in str(response.context["form"].errors)
        assert (agc.type, agc.statut) == ("AGC", "accorde")


def test_avs_2_another_granted_agc_covering_the_acf_lets_the_first_be_refused(client, agent):
    agc = AgrementFactory(debut=datetime.date(2024, 1, 1), fin=datetime.date(2027, 12, 31))
    AgrementFactory(centre=agc.centre, debut=datetime.date(2024, 1, 1), fin=datetime.date(2027, 12, 31))
    AgrementFactory(centre=agc.centre, acf=True, debut=agc.debut, fin=agc.fin)
    client.force_login(agent)
    donnees = {"type": "AGC", "regime": "2012", "statut": "refuse", "debut": "2024-01-01", "fin": "2027-12-31"}
    response = client.post(reverse("centres:agrement_modifier", args=[agc.pk]), donnees | {"version_vue": agc.version})
    assert response.status_code == 302


def test_an_agrement_is_added_from_the_centre_page(client, agent):
    centre = CentreFactory()
    client.force_login(agent)
    response = client.post(
        reverse("centres:agrement_creer", args=[centre.pk]),
        {"type": "AGC", "regime": "2025", "statut": "accorde", "debut": "01/01/2026", "fin": "31/12/2029"},
    )
    assert response.status_code == 302
    agrement = centre.agrements.get()
    assert (agrement.debut, agrement.fin, agrement.duree_mois) == (
        datetime.date(2026, 1, 1),
        datetime.date(2029, 12, 31),
        48,
    )
    page = client.get(reverse("centres:detail", args=[centre.pk]), {"onglet": "agrements"})
    assert "31/12/2029" in page.content.decode()
