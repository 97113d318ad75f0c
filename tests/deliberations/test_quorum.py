"""DEL-2 and DEL-3: quorum at each item, proxies, voters net of the élus who do not take part, the
president's casting vote. The session has 53 members in office; one élu is interested (SUB-13)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from deliberations import services
from deliberations.models import Deliberation, Seance

pytestmark = pytest.mark.django_db


def _voter(deliberation, par, **vote):
    vote = {"presents": 47, "pouvoirs": 5, "pour": 30, "contre": 10, "abstentions": 5, **vote}
    return services.voter(deliberation=deliberation, par=par, **vote)


def _refuse(deliberation, par, message, **vote):
    with pytest.raises(ValidationError, match=message):
        _voter(deliberation, par, **vote)
    deliberation.refresh_from_db()
    assert deliberation.statut == Deliberation.Statut.PRETE


@pytest.mark.parametrize(("presents", "quorum"), [(26, False), (27, True)])
def test_del_2_more_than_half_the_members_in_office_are_present(prete, responsable, presents, quorum):
    vote = {"presents": presents, "pouvoirs": 0, "pour": 20, "contre": 3, "abstentions": 0}
    if quorum:
        assert _voter(prete, responsable, **vote).presents == presents
    else:
        _refuse(prete, responsable, "Quorum non atteint : 26 présents pour 53", **vote)


def test_del_2_proxies_do_not_count_toward_the_quorum(prete, responsable):
    _refuse(prete, responsable, "Quorum non atteint", presents=26, pouvoirs=26, pour=40, contre=3, abstentions=0)


def test_del_2_a_session_convened_again_for_want_of_quorum_needs_none(prete, responsable):
    Seance.objects.filter(pk=prete.seance_id).update(sans_quorum=True)
    assert _voter(prete, responsable, presents=20, pouvoirs=0, pour=15, contre=3, abstentions=0).presents == 20


@pytest.mark.parametrize(
    ("presents", "pouvoirs", "valide"), [(47, 6, True), (47, 7, False), (27, 26, True), (27, 27, False)]
)
def test_del_3_one_proxy_a_member_and_no_more_than_the_absent(prete, responsable, presents, pouvoirs, valide):
    vote = {"presents": presents, "pouvoirs": pouvoirs, "pour": 20, "contre": 3, "abstentions": 0}
    if valide:
        assert _voter(prete, responsable, **vote).pouvoirs == pouvoirs
    else:
        _refuse(prete, responsable, "un conseiller ne porte qu'un pouvoir", **vote)


@pytest.mark.parametrize(("voix", "valide"), [(50, True), (51, True), (52, False)])
def test_del_3_votes_are_no_more_than_the_voters_net_of_those_not_taking_part(prete, responsable, voix, valide):
    """47 present + 5 proxies − 1 interested élu = 51 voters."""
    vote = {"pour": voix - 10, "contre": 10, "abstentions": 0}
    if valide:
        voted = _voter(prete, responsable, **vote)
        assert voted.votants == 51
    else:
        _refuse(prete, responsable, "52 voix et abstentions pour 51 votants", **vote)


@pytest.mark.parametrize(("voix", "valide"), [(49, True), (50, True), (51, False)])
def test_sub_13_del_3_the_proxy_an_interested_elu_carries_is_not_used(prete, responsable, voix, valide):
    """47 present + 5 proxies − 1 interested élu − the proxy he carries = 50 voters."""
    vote = {"pour": voix - 10, "contre": 10, "abstentions": 0, "pouvoirs_hors_vote": 1}
    if valide:
        voted = _voter(prete, responsable, **vote)
        assert (voted.votants, voted.pouvoirs_hors_vote) == (50, 1)
        assert services.presence(voted)["votants"] == 50
    else:
        _refuse(prete, responsable, "51 voix et abstentions pour 50 votants", **vote)


@pytest.mark.parametrize(("pouvoirs", "hors_vote", "valide"), [(5, 1, True), (5, 2, False), (0, 1, False)])
def test_sub_13_an_elu_not_taking_part_carries_one_proxy_at_most(prete, responsable, pouvoirs, hors_vote, valide):
    """One élu does not take part (he sits on a beneficiary's board): he carries one proxy at most,
    and no more than the proxies given."""
    vote = {"pouvoirs": pouvoirs, "pouvoirs_hors_vote": hors_vote, "pour": 20, "contre": 3, "abstentions": 0}
    if valide:
        assert _voter(prete, responsable, **vote).pouvoirs_hors_vote == hors_vote
    else:
        _refuse(prete, responsable, "chacun n'en porte qu'un", **vote)


@pytest.mark.parametrize(
    ("president", "secret", "adoptee"),
    [("pour", False, True), ("contre", False, False), ("abstention", False, False), ("pour", True, False)],
)
def test_del_3_a_tie_is_decided_by_the_president_except_in_a_secret_ballot(
    prete, responsable, president, secret, adoptee
):
    vote = {"pour": 20, "contre": 20, "abstentions": 2, "vote_president": president, "scrutin_secret": secret}
    if adoptee:
        assert _voter(prete, responsable, **vote).statut == Deliberation.Statut.VOTEE
    else:
        _refuse(prete, responsable, "n'est pas adoptée", **vote)


def test_the_vote_form_starts_from_the_session_s_attendance_and_records_the_item_s(client, agent, prete):
    client.force_login(agent)
    formulaire = client.get(reverse("deliberations:voter", args=[prete.pk])).context["form"]
    assert (formulaire["presents"].initial, formulaire["pouvoirs"].initial) == (47, 5)
    donnees = {"presents": 45, "pouvoirs": 4, "pour": 30, "contre": 10, "abstentions": 3, "vote_president": "pour"}
    client.post(reverse("deliberations:voter", args=[prete.pk]), donnees)
    prete.refresh_from_db()
    assert (prete.presents, prete.pouvoirs, prete.votants, prete.vote_president) == (45, 4, 48, "pour")
    page = client.get(prete.get_absolute_url()).content.decode()
    assert "Présents 45 · Pouvoirs 4 · Votants 48" in page


def test_the_vote_form_records_the_proxies_carried_by_the_elus_not_taking_part(client, agent, prete):
    client.force_login(agent)
    donnees = {"presents": 45, "pouvoirs": 4, "pouvoirs_hors_vote": 1, "pour": 30, "contre": 10, "abstentions": 3}
    client.post(reverse("deliberations:voter", args=[prete.pk]), donnees)
    prete.refresh_from_db()
    assert (prete.pouvoirs_hors_vote, prete.votants) == (1, 47)
    assert "Votants 47" in client.get(prete.get_absolute_url()).content.decode()
