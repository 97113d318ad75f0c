"""The seams of the money path between apps: a grant goes on a deliberation, leaves it, is voted
(with the council's amendment kept within the credits, SUB-15) only through the deliberation and
the grants' own services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from deliberations import services
from deliberations.models import Deliberation, Seance
from roubaix_cs import formats
from subventions import services as subventions_services
from subventions.models import DemandeSubvention

from ..factories import VersionPdfFactory
from ..outils import messages_de
from .conftest import demande_validee

pytestmark = pytest.mark.django_db
DS = DemandeSubvention.Statut


def test_an_adjourned_grant_leaves_its_draft_deliberation_and_is_never_voted(prete, responsable, deux_demandes):
    ajournee, gardee = deux_demandes
    subventions_services.changer_statut(demande=ajournee, vers=DS.AJOURNEE, par=responsable, commentaire="Pièces")

    prete.refresh_from_db()
    assert list(prete.demandes.all()) == [gardee]
    # Its content changed after its PDF: back to draft, to be checked, regenerated and marked ready again.
    assert (prete.statut, prete.contenu_modifie) == (Deliberation.Statut.BROUILLON, True)
    with pytest.raises(ValidationError, match="prête"):
        services.voter(deliberation=prete, pour=40, contre=5, abstentions=0, par=responsable)
    services.marquer_prete(deliberation=prete, par=responsable)
    with pytest.raises(ValidationError, match="Générez le PDF"):
        services.voter(deliberation=prete, pour=40, contre=5, abstentions=0, par=responsable)
    VersionPdfFactory(deliberation=prete, numero=2, generee_par=responsable)
    Deliberation.objects.filter(pk=prete.pk).update(contenu_modifie=False)  # what generer() does

    services.voter(deliberation=prete, pour=40, contre=5, abstentions=0, par=responsable)
    ajournee.refresh_from_db()
    gardee.refresh_from_db()
    assert (ajournee.statut, ajournee.montant_vote, ajournee.deliberation_numero) == (DS.AJOURNEE, None, "")
    assert (gardee.statut, gardee.montant_vote) == (DS.VOTEE, Decimal("12500.00"))
    assert (
        "Subvention retirée (Ajournée)"
        in prete.history.filter(history_change_reason__startswith="Subvention retirée").get().history_change_reason
    )


def test_the_pdf_generation_clears_the_changed_content_mark(brouillon, responsable, deux_demandes):
    VersionPdfFactory(deliberation=brouillon, generee_par=responsable)
    services.oter_demande(deliberation=brouillon, demande=deux_demandes[0], par=responsable)
    brouillon.refresh_from_db()
    assert brouillon.contenu_modifie
    generation = services.demander_pdf(deliberation=brouillon, par=responsable)
    services.generer(generation.pk)
    brouillon.refresh_from_db()
    assert not brouillon.contenu_modifie


def _voter_avec(deliberation, demande, montant, par):
    return services.voter(
        deliberation=deliberation, pour=40, contre=5, abstentions=0, par=par, amendements={demande: montant}
    )


@pytest.mark.parametrize(
    ("ecart", "accepte"), [(Decimal("-0.01"), True), (Decimal("0"), True), (Decimal("0.01"), False)]
)
def test_sub_15_an_amendment_is_kept_within_the_credits_of_the_line(prete, responsable, deux_demandes, ecart, accepte):
    demande = deux_demandes[0]
    disponible = subventions_services.disponible(demande.ligne_budgetaire, sauf=demande)
    montant = disponible + ecart
    if accepte:
        _voter_avec(prete, demande, montant, responsable)
    else:
        with pytest.raises(ValidationError, match="Amendement refusé"):
            _voter_avec(prete, demande, montant, responsable)
    demande.refresh_from_db()
    prete.refresh_from_db()
    if accepte:
        assert (demande.statut, demande.montant_vote, prete.statut) == (DS.VOTEE, montant, "votee")
        assert demande.history.first().history_change_reason.endswith(f"amendée à {formats.montant(montant)}")
    else:  # nothing is voted, neither the grant nor the deliberation
        assert (demande.statut, demande.montant_vote, prete.statut) == (DS.DELIBERATION, None, "prete")


def test_a_grant_is_put_on_a_draft_deliberation_from_its_page(client, agent, brouillon):
    demande = demande_validee(Decimal("9000.00"))
    client.force_login(agent)
    page = client.get(reverse("deliberations:inscrire", args=[demande.pk]))
    assert list(page.context["form"].fields["deliberation"].queryset) == [brouillon]
    assert f"{reverse('deliberations:creer')}?demande={demande.pk}" in page.content.decode()

    response = client.post(reverse("deliberations:inscrire", args=[demande.pk]), {"deliberation": brouillon.pk})
    assert response.url == brouillon.get_absolute_url()
    demande.refresh_from_db()
    assert demande.statut == DS.DELIBERATION
    assert demande in brouillon.demandes.all()
    assert demande.history.first().history_change_reason == (
        f"Inscrite à une délibération — délibération n° {brouillon.reference}"
    )


def test_a_grant_is_put_only_on_a_draft_deliberation(client, agent, prete):
    demande = demande_validee()
    client.force_login(agent)
    response = client.post(reverse("deliberations:inscrire", args=[demande.pk]), {"deliberation": prete.pk})
    assert response.status_code == 200  # a ready deliberation is not offered
    assert "deliberation" in response.context["form"].errors
    demande.refresh_from_db()
    assert demande.statut == DS.VALIDEE


def test_a_new_deliberation_starts_with_the_grant_ticked(client, agent):
    demande = demande_validee()
    client.force_login(agent)
    page = client.get(f"{reverse('deliberations:creer')}?demande={demande.pk}")
    assert list(page.context["form"].initial["demandes"]) == [demande]


def test_a_grant_taken_off_a_draft_is_validated_again(client, agent, brouillon, deux_demandes):
    client.force_login(agent)
    response = client.post(reverse("deliberations:oter", args=[brouillon.pk, deux_demandes[0].pk]), follow=True)
    assert messages_de(response) == [
        f"{deux_demandes[0]} est retirée de la délibération : elle attend une autre délibération."
    ]
    deux_demandes[0].refresh_from_db()
    assert deux_demandes[0].statut == DS.VALIDEE
    assert list(brouillon.demandes.all()) == [deux_demandes[1]]


def test_a_voted_deliberation_keeps_its_grants(client, agent, prete, deux_demandes):
    services.voter(deliberation=prete, pour=40, contre=5, abstentions=0, par=agent)
    client.force_login(agent)
    response = client.post(reverse("deliberations:oter", args=[prete.pk, deux_demandes[0].pk]), follow=True)
    assert "ne peut plus être retirée" in messages_de(response)[0]
    assert prete.demandes.count() == 2


def test_the_vote_form_records_the_council_s_amendment(client, agent, prete, deux_demandes):
    amendee, telle_quelle = deux_demandes
    client.force_login(agent)
    response = client.post(
        reverse("deliberations:voter", args=[prete.pk]),
        {
            "presents": 47,
            "pouvoirs": 5,
            "pour": 40,
            "contre": 5,
            "abstentions": 0,
            f"montant_{amendee.pk}": "15000.00",
            f"montant_{telle_quelle.pk}": str(telle_quelle.montant_propose),
        },
    )
    assert response.url == prete.get_absolute_url()
    amendee.refresh_from_db()
    telle_quelle.refresh_from_db()
    assert (amendee.montant_propose, amendee.montant_vote) == (Decimal("18000.00"), Decimal("15000.00"))
    assert telle_quelle.montant_vote == telle_quelle.montant_propose
    assert amendee.history.first().history_change_reason.endswith(f"amendée à {formats.montant(Decimal(15000))}")


@pytest.mark.parametrize(
    ("champs", "refus"),
    [
        ({"date_convocation": None}, "La date de convocation de la séance est requise avant tout vote"),
        ({"urgence": True, "urgence_admise": False}, "Le conseil se prononce sur l'urgence"),
        ({"date_convocation": datetime.date(2026, 3, 7)}, "au moins 5 jours francs"),  # 4 clear days
    ],
)
def test_del_1_a_session_holds_a_vote_only_when_lawfully_convened(prete, responsable, champs, refus):
    Seance.objects.filter(pk=prete.seance_id).update(**champs)
    with pytest.raises(ValidationError, match=refus):
        services.voter(deliberation=prete, pour=40, contre=5, abstentions=0, par=responsable)
    prete.refresh_from_db()
    assert prete.statut == Deliberation.Statut.PRETE


def test_del_1_an_urgency_admitted_by_the_council_allows_one_clear_day(prete, responsable):
    Seance.objects.filter(pk=prete.seance_id).update(
        urgence=True, urgence_admise=True, date_convocation=datetime.date(2026, 3, 10)
    )
    services.voter(deliberation=prete, pour=40, contre=5, abstentions=0, par=responsable)
    prete.refresh_from_db()
    assert prete.statut == Deliberation.Statut.VOTEE
