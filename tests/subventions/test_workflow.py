"""The request's workflow (subventions.services.TRANSITIONS) through the pages, its rules and its
history: SUB-11 (CER), SUB-15 (credits), SUB-4 (overdue CRF and the responsable's override)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from centres.models import Centre
from roubaix_cs.formats import montant
from subventions import services
from subventions.models import CompteRenduFinancier, DemandeSubvention

from ..etapes import panneau
from ..factories import DemandeFactory, LigneBudgetaireFactory, OrganisationFactory
from ..outils import contenu, messages_de
from .outils_demandes import cer, transition

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 9, 1, 10, 0))]
S = DemandeSubvention.Statut
TODAY = datetime.date(2026, 9, 1)
REFUS_CER = (
    "Aucun contrat d'engagement républicain signé et valide dans les documents du centre : il est requis "
    "pour toute subvention (loi n° 2000-321 du 12 avril 2000, art. 10-1)."
)
REFUS_CRF = (
    "Le compte rendu financier d'une subvention précédente pour le même objet est en retard (dû dans les 6 mois "
    "suivant la fin de l'exercice, loi n° 2000-321 du 12 avril 2000, art. 10) : "
    "la responsable peut passer outre en écrivant le motif de la dérogation."
)


@pytest.fixture
def proposee():
    """Proposed 18 000 € on a 2026 line of 500 000 €; the centre's CER is in its vault."""
    demande = DemandeFactory(proposee=True)
    cer(demande.centre)
    return demande


def _statut(demande):
    demande.refresh_from_db()
    return demande.statut


# --- The whole workflow, client-level ---------------------------------------------------------


def test_the_workflow_from_reception_to_notification_with_every_step_in_the_history(client, agent, responsable):
    demande = DemandeFactory(referent=agent)
    cer(demande.centre)
    ligne = LigneBudgetaireFactory()
    client.force_login(agent)

    response = transition(client, demande, S.INSTRUCTION, "Dossier complet")
    assert messages_de(response) == ["Demande en instruction."]
    response = client.post(
        reverse("subventions:instruction", args=[demande.pk]),
        {
            "montant_propose": "18000",
            "ligne_budgetaire": ligne.pk,
            "note_analyse": "Projet social solide.",
            "version_vue": 2,
        },
        follow=True,
    )
    assert messages_de(response) == ["Instruction enregistrée."]
    response = transition(client, demande, S.PROPOSEE, "Proposition de 18 000 €")
    assert messages_de(response) == ["Demande proposée."]

    client.force_login(responsable)
    response = transition(client, demande, S.VALIDEE, "Validé en réunion d'équipe")
    assert messages_de(response) == ["Demande validée."]

    # What the deliberation does to the grant: put on it, voted, exécutoire (deliberations calls these).
    services.inscrire_a_deliberation(demande=demande, reference="2026/042", par=agent)
    services.enregistrer_vote(demande=demande, reference="2026/042", date_vote=datetime.date(2026, 2, 10), par=agent)
    services.enregistrer_executoire(demande=demande, reference="2026/042", date=datetime.date(2026, 2, 20), par=agent)
    client.force_login(agent)
    assert messages_de(transition(client, demande, S.NOTIFIEE, "Courrier envoyé")) == ["Demande notifiée."]

    demande.refresh_from_db()
    assert demande.statut == S.NOTIFIEE
    assert (demande.montant_vote, demande.deliberation_numero) == (Decimal("18000.00"), "2026/042")
    assert (demande.date_vote, demande.date_executoire) == (datetime.date(2026, 2, 10), datetime.date(2026, 2, 20))
    motifs = {(r.history_change_reason, r.history_user) for r in demande.history.all()}
    assert {
        ("Mettre en instruction — Dossier complet", agent),
        ("Proposer — Proposition de 18 000 €", agent),
        ("Valider la proposition — Validé en réunion d'équipe", responsable),
        ("Inscrite à une délibération — délibération n° 2026/042", agent),
        ("Votée par le conseil municipal — délibération n° 2026/042", agent),
        ("Délibération n° 2026/042 exécutoire le 20/02/2026", agent),
        ("Notifier au centre — Courrier envoyé", agent),
    } <= motifs
    page = contenu(client.get(demande.get_absolute_url()))
    assert "Valider la proposition — Validé en réunion d&#x27;équipe" in page
    assert "Notifier au centre — Courrier envoyé" in page


def test_an_agent_cannot_validate_a_proposal(client, agent, proposee):
    client.force_login(agent)
    etapes = panneau(client.get(proposee.get_absolute_url()))
    assert etapes.primaires == [("Valider la proposition", True)]  # shown, disabled: reserved
    assert "Réservé à la responsable de service." in etapes.text()
    assert S.VALIDEE not in [vers for vers, _ in etapes.envois]
    response = transition(client, proposee, S.VALIDEE)
    assert messages_de(response) == ["« Valider la proposition » est réservé à la responsable de service."]
    assert _statut(proposee) == S.PROPOSEE


def test_the_responsable_sees_the_validation_button(client, responsable, proposee):
    client.force_login(responsable)
    assert panneau(client.get(proposee.get_absolute_url())).primaires == [("Valider la proposition", False)]


def test_proposing_needs_an_amount_and_an_analysis_note(client, agent):
    demande = DemandeFactory(statut=S.INSTRUCTION)
    client.force_login(agent)
    response = transition(client, demande, S.PROPOSEE)
    assert messages_de(response) == ["Indiquez le montant proposé.", "Rédigez la note d'analyse."]
    assert _statut(demande) == S.INSTRUCTION


def test_an_impossible_step_is_refused_in_french(client, agent):
    demande = DemandeFactory()
    client.force_login(agent)
    response = transition(client, demande, S.VOTEE)
    assert messages_de(response) == ["Passage impossible de « Reçue » à « Votée »."]


@pytest.mark.parametrize(("depuis", "vers"), [(S.VALIDEE, S.DELIBERATION), (S.DELIBERATION, S.VOTEE)])
def test_no_vote_and_no_deliberation_without_a_real_deliberation(client, agent, responsable, depuis, vers):
    """One path: a grant goes on a deliberation and is voted only through the deliberation's services;
    no button of the grant page, and no POST to it, does it."""
    demande = DemandeFactory(proposee=True, statut=depuis)
    for user in (agent, responsable):
        client.force_login(user)
        page = contenu(client.get(demande.get_absolute_url()))
        assert "Constater le vote" not in page
        assert 'name="montant_vote"' not in page and 'name="deliberation_numero"' not in page
        response = transition(client, demande, vers, montant_vote="99999", deliberation_numero="2026/999")
        assert messages_de(response) == [f"Passage impossible de « {S(depuis).label} » à « {S(vers).label} »."]
        demande.refresh_from_db()
        assert (demande.statut, demande.montant_vote, demande.deliberation_numero) == (depuis, None, "")


def test_a_validated_grant_offers_to_put_it_on_a_deliberation(client, agent):
    demande = DemandeFactory(proposee=True, statut=S.VALIDEE)
    client.force_login(agent)
    assert reverse("deliberations:inscrire", args=[demande.pk]) in contenu(client.get(demande.get_absolute_url()))


@pytest.mark.parametrize("statut", [S.AJOURNEE, S.VALIDEE, S.RETIREE, S.VOTEE])
def test_only_a_grant_in_deliberation_is_voted(agent, statut):
    demande = DemandeFactory(proposee=True, statut=statut)
    with pytest.raises(ValidationError, match="seule une subvention en délibération est votée"):
        services.enregistrer_vote(
            demande=demande, reference="2026/042", date_vote=datetime.date(2026, 2, 10), par=agent
        )
    demande.refresh_from_db()
    assert (demande.statut, demande.montant_vote) == (statut, None)


@pytest.mark.parametrize(
    ("jour", "refus"),
    [(datetime.date(2026, 2, 9), True), (datetime.date(2026, 2, 10), False), (datetime.date(2026, 2, 11), False)],
)
def test_del_4_a_grant_is_executoire_on_or_after_its_vote(agent, jour, refus):
    demande = DemandeFactory(votee=True, date_executoire=None)  # voted on 10/02/2026 by 2026/042
    if refus:
        with pytest.raises(ValidationError, match="exécutoire après son vote"):
            services.enregistrer_executoire(demande=demande, reference="2026/042", date=jour, par=agent)
    else:
        services.enregistrer_executoire(demande=demande, reference="2026/042", date=jour, par=agent)
    demande.refresh_from_db()
    assert demande.date_executoire == (None if refus else jour)


def test_the_executoire_date_comes_only_from_the_deliberation_that_voted_the_grant(agent):
    demande = DemandeFactory(votee=True, date_executoire=None)
    with pytest.raises(ValidationError, match="n'a pas été votée par la délibération n° 2026/043"):
        services.enregistrer_executoire(
            demande=demande, reference="2026/043", date=datetime.date(2026, 3, 1), par=agent
        )


@pytest.mark.parametrize(
    ("vers", "depuis", "message"),
    [
        (S.REJETEE, S.INSTRUCTION, "Demande rejetée."),
        (S.RETIREE, S.RECUE, "Demande retirée."),
        (S.AJOURNEE, S.PROPOSEE, "Demande ajournée."),
    ],
)
def test_rejecting_withdrawing_and_adjourning_need_a_reason(client, responsable, vers, depuis, message):
    demande = DemandeFactory(statut=depuis)
    client.force_login(responsable)
    assert messages_de(transition(client, demande, vers, "  ")) == ["Indiquez le motif."]
    assert _statut(demande) == depuis
    assert messages_de(transition(client, demande, vers, "Hors du champ de la politique de la ville")) == [message]
    assert _statut(demande) == vers
    dernier = demande.history.first()
    assert dernier.history_user == responsable
    assert dernier.history_change_reason.endswith(" — Hors du champ de la politique de la ville")


def test_an_agent_may_not_reject_a_request(client, agent):
    demande = DemandeFactory(statut=S.INSTRUCTION)
    client.force_login(agent)
    assert messages_de(transition(client, demande, S.REJETEE, "Incomplet")) == [
        "« Rejeter » est réservé à la responsable de service."
    ]


def test_an_adjourned_request_goes_back_to_instruction(client, agent):
    demande = DemandeFactory(statut=S.AJOURNEE)
    client.force_login(agent)
    assert messages_de(transition(client, demande, S.INSTRUCTION)) == ["Demande en instruction."]


# --- SUB-11: the contrat d'engagement républicain ------------------------------------------------


def test_sub_11_validation_is_refused_without_a_cer_in_the_vault(client, responsable):
    demande = DemandeFactory(proposee=True)
    client.force_login(responsable)
    assert messages_de(transition(client, demande, S.VALIDEE)) == [REFUS_CER]
    assert _statut(demande) == S.PROPOSEE


def test_sub_11_validation_is_accepted_with_a_valid_cer(client, responsable):
    demande = DemandeFactory(proposee=True)
    cer(demande.centre, valide_au=datetime.date(2027, 12, 31))
    client.force_login(responsable)
    assert messages_de(transition(client, demande, S.VALIDEE)) == ["Demande validée."]
    assert _statut(demande) == S.VALIDEE


def test_sub_11_an_expired_cer_does_not_count(client, responsable):
    demande = DemandeFactory(proposee=True)
    cer(demande.centre, valide_du=datetime.date(2022, 1, 2), valide_au=datetime.date(2026, 8, 31))
    client.force_login(responsable)
    assert messages_de(transition(client, demande, S.VALIDEE)) == [REFUS_CER]


def test_sub_11_another_centre_s_cer_does_not_count(client, responsable):
    demande = DemandeFactory(proposee=True)
    cer(DemandeFactory().centre)
    client.force_login(responsable)
    assert messages_de(transition(client, demande, S.VALIDEE)) == [REFUS_CER]


def test_sub_11_the_instruction_page_shows_the_cer_missing_then_valid(client, agent):
    demande = DemandeFactory(proposee=True)
    client.force_login(agent)
    pieces = response_pieces(client, demande)
    assert "Contrat d&#x27;engagement républicain signé" in pieces and "Manquante" in pieces
    cer(demande.centre)
    pieces = response_pieces(client, demande)
    assert "Contrat d&#x27;engagement républicain" in pieces
    ligne = next(li for li in pieces.split("<li") if "engagement républicain signé" in li)
    assert "Valide" in ligne


def response_pieces(client, demande):
    page = contenu(client.get(demande.get_absolute_url()))
    return page.split('id="titre-pieces"')[1].split("</section>")[0]


# --- SUB-15: the available credits ---------------------------------------------------------------


def test_sub_15_validation_is_refused_above_the_available_credits(client, responsable):
    ligne = LigneBudgetaireFactory(credits_votes=Decimal("30000"), decisions_modificatives=Decimal("-5000"))
    DemandeFactory(proposee=True, statut=S.VALIDEE, ligne_budgetaire=ligne, montant_propose=Decimal("4000"))
    DemandeFactory(votee=True, ligne_budgetaire=ligne, montant_vote=Decimal("6000"))
    demande = DemandeFactory(proposee=True, ligne_budgetaire=ligne, montant_propose=Decimal("15000.50"))
    cer(demande.centre)
    client.force_login(responsable)
    response = transition(client, demande, S.VALIDEE)
    assert messages_de(response) == [
        f"Crédits insuffisants sur la ligne {ligne} : {montant(Decimal('15000'))} disponibles "
        f"pour {montant(Decimal('15000.50'))} proposés : on n'engage pas au-delà des crédits ouverts."
    ]
    assert _statut(demande) == S.PROPOSEE
    # Exactly the available credits: accepted.
    DemandeSubvention.objects.filter(pk=demande.pk).update(montant_propose=Decimal("15000"))
    assert messages_de(transition(client, demande, S.VALIDEE)) == ["Demande validée."]


def test_sub_15_the_instruction_page_shows_what_the_line_has_left(client, agent):
    ligne = LigneBudgetaireFactory(credits_votes=Decimal("20000"))
    DemandeFactory(votee=True, ligne_budgetaire=ligne, montant_vote=Decimal("5000"))
    demande = DemandeFactory(proposee=True, ligne_budgetaire=ligne, montant_propose=Decimal("18000"))
    client.force_login(agent)
    page = contenu(client.get(demande.get_absolute_url()))
    assert f'<dd class="col-sm-7" id="disponible">\n            {montant(Decimal("15000"))}' in page
    assert montant(Decimal("-3000")) in page
    assert "(crédits insuffisants)" in page


# --- SUB-4: last year's financial report overdue, and the responsable's override -----------------


@pytest.fixture
def crf_en_retard(proposee):
    """Last year's grant for the same purpose, voted; its report was due on 30/06/2026."""
    return DemandeFactory(centre=proposee.centre, annee=2025, votee=True, montant_vote=Decimal("15000"))


def test_sub_4_validation_is_refused_while_last_year_s_report_is_overdue(client, responsable, proposee, crf_en_retard):
    client.force_login(responsable)
    response = transition(client, proposee, S.VALIDEE)
    assert messages_de(response) == [REFUS_CRF]
    assert _statut(proposee) == S.PROPOSEE
    page = contenu(client.get(proposee.get_absolute_url()))
    assert "En retard : dû le 30/06/2026" in page
    assert "La validation est bloquée sauf dérogation motivée" in page


def test_sub_4_a_received_report_lifts_the_block(client, responsable, proposee, crf_en_retard):
    CompteRenduFinancier.objects.create(demande=crf_en_retard, date_reception=datetime.date(2026, 8, 20))
    client.force_login(responsable)
    assert messages_de(transition(client, proposee, S.VALIDEE)) == ["Demande validée."]


def test_sub_4_a_report_not_yet_due_does_not_block(client, responsable, proposee):
    DemandeFactory(centre=proposee.centre, annee=2026, nature="investissement", votee=True)
    precedente = DemandeFactory(centre=proposee.centre, annee=2025, votee=True)
    CompteRenduFinancier.objects.create(demande=precedente, date_reception=datetime.date(2026, 5, 1))
    client.force_login(responsable)
    assert messages_de(transition(client, proposee, S.VALIDEE)) == ["Demande validée."]


def test_sub_4_another_purpose_s_overdue_report_does_not_block(client, responsable, proposee):
    DemandeFactory(centre=proposee.centre, annee=2025, nature="compensation_loyers", votee=True)
    client.force_login(responsable)
    assert messages_de(transition(client, proposee, S.VALIDEE)) == ["Demande validée."]


def test_sub_4_the_responsable_overrides_with_a_written_reason(client, responsable, proposee, crf_en_retard):
    client.force_login(responsable)
    formulaire = client.get(reverse("subventions:instruction", args=[proposee.pk])).context["form"]
    assert "derogation_crf_motif" in formulaire.fields
    response = client.post(
        reverse("subventions:instruction", args=[proposee.pk]),
        {
            "montant_propose": "18000",
            "ligne_budgetaire": proposee.ligne_budgetaire_id,
            "note_analyse": proposee.note_analyse,
            "derogation_crf_motif": "CRF 2025 annoncé pour octobre, trésorerie tendue",
            "version_vue": proposee.version,
        },
        follow=True,
    )
    assert messages_de(response) == ["Instruction enregistrée."]
    assert messages_de(transition(client, proposee, S.VALIDEE, "Dérogation accordée")) == ["Demande validée."]
    proposee.refresh_from_db()
    assert proposee.statut == S.VALIDEE
    assert proposee.derogation_crf_par == responsable
    assert proposee.derogation_crf_motif == "CRF 2025 annoncé pour octobre, trésorerie tendue"


def test_sub_4_agents_cannot_write_the_override(client, agent, proposee, crf_en_retard):
    client.force_login(agent)
    url = reverse("subventions:instruction", args=[proposee.pk])
    response = client.get(url)
    assert "derogation_crf_motif" not in response.context["form"].fields
    assert "derogation_crf_motif" not in contenu(response)
    response = client.post(
        url,
        {
            "montant_propose": "18000",
            "ligne_budgetaire": proposee.ligne_budgetaire_id,
            "note_analyse": proposee.note_analyse,
            "derogation_crf_motif": "Je passe outre",
            "version_vue": proposee.version,
        },
    )
    assert response.status_code == 302
    proposee.refresh_from_db()
    assert proposee.derogation_crf_motif == ""


# --- Renewal --------------------------------------------------------------------------------------


def test_renewal_keeps_the_stable_fields_and_links_the_previous_request(client, agent):
    precedente = DemandeFactory(
        votee=True, referent=agent, cofinanceurs="CAF du Nord", loyers_charges_justifies=Decimal("12000")
    )
    ligne_2027 = LigneBudgetaireFactory(annee=2027, compte=precedente.ligne_budgetaire.compte)
    client.force_login(agent)
    response = client.post(reverse("subventions:reconduire", args=[precedente.pk]), follow=True)
    suivante = DemandeSubvention.objects.get(precedente=precedente)
    assert response.redirect_chain[-1][0] == suivante.get_absolute_url()
    assert messages_de(response) == ["La demande est reconduite pour 2027 : vérifiez-la avant de l'instruire."]
    assert (suivante.centre, suivante.annee, suivante.nature, suivante.objet) == (
        precedente.centre,
        2027,
        precedente.nature,
        precedente.objet,
    )
    assert (suivante.montant_demande, suivante.cofinanceurs, suivante.referent) == (
        precedente.montant_demande,
        "CAF du Nord",
        agent,
    )
    assert suivante.ligne_budgetaire == ligne_2027
    assert suivante.loyers_charges_justifies == Decimal("12000.00")
    assert (suivante.statut, suivante.date_reception, suivante.montant_propose, suivante.note_analyse) == (
        S.RECUE,
        TODAY,
        None,
        "",
    )
    assert suivante.montant_vote is None
    assert "reconduite de" in contenu(response)


def test_a_request_cannot_be_renewed_twice(client, agent):
    precedente = DemandeFactory(votee=True)
    client.force_login(agent)
    client.post(reverse("subventions:reconduire", args=[precedente.pk]), follow=True)
    response = client.post(reverse("subventions:reconduire", args=[precedente.pk]), follow=True)
    assert messages_de(response) == ["Cette demande a déjà été reconduite."]
    assert response.redirect_chain[-1][0] == precedente.get_absolute_url()
    assert DemandeSubvention.objects.filter(precedente=precedente).count() == 1
    assert "Reconduire en 2027" not in contenu(response)


@pytest.mark.parametrize(
    ("siret", "valide"),
    [("", False), ("12345678901234", False), ("21590512800017", True)],  # absent, wrong key (Luhn), valid
)
def test_sub_10_a_cash_grant_is_validated_only_with_the_beneficiary_s_valid_siret(responsable, proposee, siret, valide):
    Centre.objects.filter(pk=proposee.centre_id).update(siret=siret)
    if valide:
        services.changer_statut(demande=proposee, vers=S.VALIDEE, par=responsable)
    else:
        with pytest.raises(ValidationError, match="SIRET du bénéficiaire .* est absent ou invalide"):
            services.changer_statut(demande=proposee, vers=S.VALIDEE, par=responsable)
    assert _statut(proposee) == (S.VALIDEE if valide else S.PROPOSEE)


def test_sub_10_the_association_s_siret_is_the_beneficiary_s(responsable, proposee):
    association = OrganisationFactory(association=True, siret="21590512800017")
    Centre.objects.filter(pk=proposee.centre_id).update(siret="", organisation=association)
    services.changer_statut(demande=proposee, vers=S.VALIDEE, par=responsable)
    assert _statut(proposee) == S.VALIDEE
