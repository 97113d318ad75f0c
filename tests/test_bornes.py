"""Plausible bounds (roubaix_cs/bornes.py): years, dates, amounts and head-counts refused with a French
message next to the field, on the model (admin, services) and on the forms; every database constraint a
form can break is validated by the form first."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.migrations.writer import MigrationWriter
from django.urls import reverse

from roubaix_cs import bornes
from roubaix_cs.formats import montant
from roubaix_cs.validators import completer_siret
from subventions.models import DemandeSubvention, LigneBudgetaire

from .factories import (
    CentreFactory,
    ConventionFactory,
    DemandeFactory,
    DirectionFactory,
    EngagementFactory,
    LigneBudgetaireFactory,
    LocalFactory,
    SeanceFactory,
    TravauxFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 9, 1, 10, 0))]
S = DemandeSubvention.Statut


def _refuse(validateur, valeur):
    try:
        validateur(valeur)
    except ValidationError as erreur:
        return erreur.messages[0]
    return None


# --- The validators themselves --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("annee", "refusee"), [(2015, True), (2016, False), (2026, False), (2028, False), (2029, True), (99999, True)]
)
def test_bounds_a_financial_year_is_within_ten_years_back_and_two_ahead(annee, refusee):
    message = _refuse(bornes.ExerciceDansLaFenetre(), annee)
    assert bool(message) is refusee
    if refusee:
        assert message == (
            "Indiquez une année entre 2016 et 2028 : le service traite les 10 dernières années et prépare au "
            "plus les 2 suivantes."
        )


def test_bounds_the_window_of_years_moves_with_today(time_machine):
    validateur = bornes.ExerciceDansLaFenetre()
    assert _refuse(validateur, 2029)
    time_machine.move_to(datetime.datetime(2027, 1, 2, 10, 0))
    assert _refuse(validateur, 2029) is None  # computed when checked, not when imported


@pytest.mark.parametrize(
    ("jour", "refusee"),
    [
        (datetime.date(1999, 12, 31), True),
        (datetime.date(2000, 1, 1), False),
        (datetime.date(2031, 9, 1), False),
        (datetime.date(2031, 9, 2), True),
        (datetime.date(2999, 1, 1), True),
    ],
)
def test_bounds_a_date_of_the_service_s_life_is_from_2000_to_five_years_ahead(jour, refusee):
    assert bool(_refuse(bornes.DatePlausible(), jour)) is refusee


@pytest.mark.parametrize(
    ("jour", "refusee"),
    [(datetime.date(1901, 6, 30), True), (datetime.date(1901, 7, 1), False), (datetime.date(1950, 1, 1), False)],
)
def test_bounds_a_lease_or_an_association_can_be_as_old_as_the_law_of_1901(jour, refusee):
    assert bool(_refuse(bornes.DATE_ANCIENNE[0], jour)) is refusee


@pytest.mark.parametrize(
    ("valeur", "refusee"),
    [(Decimal("-0.01"), True), (Decimal("0"), False), (Decimal("5000000"), False), (Decimal("5000000.01"), True)],
)
def test_bounds_an_aid_is_not_negative_and_at_most_five_million_euros(valeur, refusee):
    messages = [_refuse(v, valeur) for v in bornes.AIDE]
    assert any(messages) is refusee


@pytest.mark.parametrize(("valeur", "refusee"), [(52, False), (53, False), (54, True), (3_000_000_000, True)])
def test_bounds_a_head_count_is_at_most_the_council_s_size(valeur, refusee):
    message = _refuse(bornes.AuPlusLeConseil(), valeur)
    assert bool(message) is refusee
    if refusee:
        assert message == "Au plus 53 : le conseil municipal compte 53 membres (CGCT L2121-2)."


def test_bounds_the_council_s_size_is_read_from_the_settings_when_checked(settings):
    settings.CONSEIL_MUNICIPAL_MEMBRES = 69
    assert _refuse(bornes.AuPlusLeConseil(), 60) is None


def test_bounds_the_validators_deconstruct_for_migrations():
    for validateur in (bornes.ExerciceDansLaFenetre(), bornes.DatePlausible(), bornes.AuPlusLeConseil()):
        chemin, args, kwargs = validateur.deconstruct()
        assert chemin.startswith("roubaix_cs.bornes.")
        assert type(validateur)(*args, **kwargs) == validateur
    assert bornes.DatePlausible() != bornes.DatePlausible(avance=bornes.AVANCE_ECHEANCE_ANS)
    MigrationWriter.serialize(bornes.DATE_FIN_BAIL)  # no error


# --- Grant requests ---------------------------------------------------------------------------


def _demande(centre, **valeurs):
    return {
        "centre": centre.pk,
        "annee": "2027",
        "nature": "fonctionnement",
        "objet": "Fonctionnement général",
        "montant_demande": "25000",
        "date_reception": "2026-08-28",
        **valeurs,
    }


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        ("montant_demande", "-1", "Le montant ne peut pas être négatif."),
        ("montant_demande", "9999999999.99", "vérifiez le nombre de chiffres"),
        ("annee", "2999", "Indiquez une année entre 2016 et 2028"),
        ("annee", "1900", "Indiquez une année entre 2016 et 2028"),
        ("date_reception", "1900-01-01", "antérieure au 01/01/2000"),
        ("date_reception", "2999-01-01", "postérieure au 01/09/2031"),
        ("autres_subventions_publiques", "-5", "Le montant ne peut pas être négatif."),
    ],
)
def test_bounds_a_request_with_an_absurd_value_is_refused_next_to_the_field(client, agent, champ, valeur, message):
    client.force_login(agent)
    response = client.post(reverse("subventions:creer"), _demande(CentreFactory(), **{champ: valeur}))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[champ])
    assert not DemandeSubvention.objects.exists()


def test_bounds_a_negative_amount_on_the_request_s_edit_form_is_a_form_error(client, agent):
    demande = DemandeFactory()
    client.force_login(agent)
    donnees = _demande(demande.centre, montant_demande="-25000", version_vue=demande.version)
    response = client.post(reverse("subventions:modifier", args=[demande.pk]), donnees)
    assert response.context["form"].errors["montant_demande"] == ["Le montant ne peut pas être négatif."]


def _instruction(demande, **valeurs):
    return {
        "montant_propose": "15000",
        "ligne_budgetaire": demande.ligne_budgetaire_id or LigneBudgetaireFactory().pk,
        "note_analyse": "Analyse.",
        "version_vue": demande.version,
        **valeurs,
    }


def test_bounds_a_negative_proposal_is_a_form_error_not_a_server_error(client, agent):
    demande = DemandeFactory(statut=S.INSTRUCTION)
    client.force_login(agent)
    response = client.post(
        reverse("subventions:instruction", args=[demande.pk]), _instruction(demande, montant_propose="-1")
    )
    assert response.context["form"].errors["montant_propose"] == ["Le montant ne peut pas être négatif."]
    demande.refresh_from_db()
    assert demande.montant_propose is None


@pytest.mark.parametrize(("propose", "confirmation"), [("20000", False), ("20000.01", True), ("200000", True)])
def test_bounds_a_proposal_above_the_amount_requested_needs_a_confirmation(client, agent, propose, confirmation):
    demande = DemandeFactory(statut=S.INSTRUCTION)  # 20 000 € requested
    client.force_login(agent)
    url = reverse("subventions:instruction", args=[demande.pk])
    response = client.post(url, _instruction(demande, montant_propose=propose))
    if not confirmation:
        assert response.status_code == 302
        return
    assert response.context["form"].errors["montant_propose"] == [
        f"La proposition dépasse le montant demandé ({montant(Decimal('20000'))}) : cochez la confirmation et "
        "donnez-en la raison, ou corrigez le montant."
    ]
    # A ticked box without a reason is not enough.
    response = client.post(url, _instruction(demande, montant_propose=propose, confirmer_depassement="on"))
    assert "montant_propose" in response.context["form"].errors
    motif = "Le centre reprend l'accueil de loisirs du quartier voisin."
    response = client.post(
        url, _instruction(demande, montant_propose=propose, confirmer_depassement="on", motif_depassement=motif)
    )
    assert response.status_code == 302
    demande.refresh_from_db()
    assert demande.montant_propose == Decimal(propose)
    assert demande.history.first().history_change_reason == f"Proposition au-delà du montant demandé : {motif}"


def test_bounds_a_confirmed_proposal_is_not_asked_again_when_the_note_changes(client, agent):
    demande = DemandeFactory(statut=S.INSTRUCTION, montant_propose=Decimal("25000"))
    client.force_login(agent)
    response = client.post(
        reverse("subventions:instruction", args=[demande.pk]),
        _instruction(demande, montant_propose="25000", note_analyse="Complément."),
    )
    assert response.status_code == 302


# --- Budget lines -----------------------------------------------------------------------------


def _ligne(**valeurs):
    return {
        "annee": "2026",
        "section": "fonctionnement",
        "chapitre": "65",
        "compte": "65748",
        "fonction": "524",
        "libelle": "Centres sociaux",
        "credits_votes": "100000",
        "decisions_modificatives": "0",
        **valeurs,
    }


@pytest.mark.parametrize(("modification", "refusee"), [("-100000.01", True), ("-100000", False), ("-99999", False)])
def test_bounds_an_amendment_may_not_take_open_credits_below_zero(client, responsable, modification, refusee):
    client.force_login(responsable)
    response = client.post(reverse("subventions:ligne_creer"), _ligne(decisions_modificatives=modification))
    if refusee:
        assert response.context["form"].errors["decisions_modificatives"] == [
            "Une décision modificative ne retire pas plus que les crédits votés : les crédits ouverts seraient "
            f"de {montant(Decimal('-0.01'))}."
        ]
        assert not LigneBudgetaire.objects.exists()
    else:
        assert response.status_code == 302


def test_bounds_an_amendment_may_not_take_open_credits_below_what_is_engaged(client, responsable):
    ligne = LigneBudgetaireFactory(credits_votes=Decimal("100000"))
    DemandeFactory(votee=True, ligne_budgetaire=ligne, montant_vote=Decimal("40000"))
    client.force_login(responsable)
    response = client.post(
        reverse("subventions:ligne_modifier", args=[ligne.pk]),
        _ligne(libelle=ligne.libelle, decisions_modificatives="-60000.01", version_vue=ligne.version),
    )
    assert "montants déjà engagés" in response.context["form"].errors["decisions_modificatives"][0]


def test_bounds_a_budget_line_of_an_absurd_year_or_amount_is_refused(client, responsable):
    client.force_login(responsable)
    response = client.post(reverse("subventions:ligne_creer"), _ligne(annee="0", credits_votes="9999999999.99"))
    erreurs = response.context["form"].errors
    assert set(erreurs) == {"annee", "credits_votes"}


# --- Council sessions -----------------------------------------------------------------------------


def _seance(**valeurs):
    return {
        "date": "2026-10-15",
        "date_convocation": "2026-10-01",
        "lieu": "Hôtel de ville",
        "membres_en_exercice": "53",
        "presents": "40",
        "pouvoirs": "5",
        **valeurs,
    }


@pytest.mark.parametrize(
    ("valeurs", "champ", "message"),
    [
        ({"membres_en_exercice": "0"}, "membres_en_exercice", "Un conseil municipal compte au moins un membre"),
        ({"membres_en_exercice": "54"}, "membres_en_exercice", "Au plus 53"),
        ({"presents": "500"}, "presents", "Au plus 53"),
        ({"membres_en_exercice": "50", "presents": "51"}, "presents", "51 présents pour 50 conseillers"),
        ({"presents": "40", "pouvoirs": "14"}, "pouvoirs", "14 pouvoirs pour 40 présents et 13 absents"),
        ({"presents": "26", "pouvoirs": "27"}, "pouvoirs", "27 pouvoirs pour 26 présents"),
        ({"date": "2999-01-01"}, "date", "postérieure au"),
    ],
)
def test_bounds_a_session_with_impossible_head_counts_is_refused(client, agent, valeurs, champ, message):
    client.force_login(agent)
    response = client.post(reverse("deliberations:seance_creer"), _seance(**valeurs))
    assert message in " ".join(response.context["form"].errors[champ])


@pytest.mark.parametrize(("presents", "pouvoirs"), [("40", "13"), ("27", "26"), ("53", "0")])
def test_bounds_a_session_at_the_limits_of_its_head_counts_is_accepted(client, agent, presents, pouvoirs):
    client.force_login(agent)
    response = client.post(reverse("deliberations:seance_creer"), _seance(presents=presents, pouvoirs=pouvoirs))
    assert response.status_code == 302


def test_bounds_the_session_model_refuses_the_same_in_the_admin_and_services():
    seance = SeanceFactory(membres_en_exercice=53, presents=50, pouvoirs=5)
    with pytest.raises(ValidationError) as erreur:
        seance.full_clean()
    assert set(erreur.value.message_dict) == {"pouvoirs"}


# --- Conventions: the legal visa, the commitments ---------------------------------------------------


@pytest.mark.parametrize(("visa", "refuse"), [("2026-03-09", True), ("2026-03-10", False), ("2026-03-11", False)])
def test_bounds_cpo_6_a_legal_visa_is_not_dated_before_its_sending(visa, refuse):
    convention = ConventionFactory.build(
        centre=CentreFactory(),
        juridique_envoi=datetime.date(2026, 3, 10),
        juridique_visa=datetime.date.fromisoformat(visa),
    )
    try:
        convention.full_clean()
    except ValidationError as erreur:
        assert refuse
        assert erreur.message_dict == {
            "juridique_visa": [
                "Le visa du service juridique ne peut pas précéder l'envoi de la convention (envoyée le 10/03/2026)."
            ]
        }
    else:
        assert not refuse


# --- Every database constraint a form can break: a French message next to a field --------------------

# The constraints no form can break, and why (the others name their field in champs_des_contraintes).
HORS_FORMULAIRES = {
    "centre_partenaire_unique": "CentreForm writes the partners from a list of distinct choices.",
    "partenaire_a_une_organisation": "CompteForm.clean says it next to the organisation.",
    "email_unique_parmi_comptes_actifs": "CompteForm.clean_email says it next to the e-mail.",
    "deliberation_numero_unique": "The number is taken by deliberations.services (retry on the constraint).",
    "deliberation_executoire_apres_transmission_et_publication": "The date is computed by rendre_executoire.",
    "version_pdf_unique": "Versions are numbered by the PDF job.",
    "alerte_unique_par_personne_objet_type_seuil": "Alerts are created by pilotage.alertes.synchroniser only.",
    "preference_alerte_unique_par_personne_type": "Written by pilotage.resumes.enregistrer_preferences.",
    "version_rapport_unique": "Versions are numbered by the visit report job (roubaix_cs.generations).",
    "version_annexe_unique": "Versions are numbered per year by the budget annex job (roubaix_cs.generations).",
    "version_rapport_annuel_unique": "Numbered per year by the yearly report job (roubaix_cs.generations).",
    "version_evaluation_linne_unique": "Numbered per year by the evaluation job (roubaix_cs.generations).",
    "date_ignoree_unique": "Written by linne.services.creer_serie, one row per skipped date.",
    "instantane_unique_par_dossier_et_annee": "Snapshots are taken by pilotage.veille.prendre_instantanes (upsert).",
}


def test_bounds_every_constraint_is_shown_next_to_a_field_or_set_by_a_service_only():
    from django.apps import apps

    sans_champ = []
    for modele in apps.get_models():
        if modele.__module__.startswith(("django.", "axes.", "simple_history.")) or modele.__name__.startswith(
            "Historical"
        ):
            continue
        champs = getattr(modele, "champs_des_contraintes", {})
        for contrainte in modele._meta.constraints:
            if contrainte.name in champs:
                assert champs[contrainte.name] in {f.name for f in modele._meta.fields}
            elif contrainte.name not in HORS_FORMULAIRES:
                sans_champ.append(f"{modele.__name__}.{contrainte.name}")
    assert sans_champ == []


def _erreurs(objet):
    try:
        objet.full_clean()
    except ValidationError as erreur:
        return erreur.message_dict
    return {}


def test_bounds_the_constraints_of_the_premises_and_works_are_next_to_their_fields():
    local = LocalFactory.build(centre=CentreFactory(), debut=datetime.date(2020, 1, 1), fin=datetime.date(2019, 1, 1))
    assert _erreurs(local) == {"fin": ["La fin d'occupation doit suivre son début."]}
    travaux = TravauxFactory.build(
        local=LocalFactory(), debut_prevu=datetime.date(2026, 5, 1), fin_prevue=datetime.date(2026, 4, 1)
    )
    assert _erreurs(travaux) == {"fin_prevue": ["La fin prévue doit suivre le début prévu."]}


def test_bounds_a_direction_leaving_before_it_arrived_is_an_error_next_to_its_departure(client, agent):
    direction = DirectionFactory(debut=datetime.date(2020, 9, 1))
    direction.fin = datetime.date(2020, 8, 31)
    assert _erreurs(direction) == {"fin": ["La date de départ ne peut pas précéder la prise de poste."]}
    direction.fin = datetime.date(2020, 9, 1)  # left the day of arrival: allowed
    assert _erreurs(direction) == {}
    client.force_login(agent)
    for nom, donnees in [
        ("centres:direction_modifier", {"prenom": "A", "nom": "B", "debut": "2020-09-01", "fin": "2020-08-31"}),
        ("centres:direction_terminer", {"fin": "2020-08-31"}),
    ]:
        response = client.post(reverse(nom, args=[direction.pk]), {**donnees, "version_vue": "1"})
        assert response.context["form"].errors["fin"] == ["La date de départ ne peut pas précéder la prise de poste."]


def test_bounds_a_commitment_s_advance_above_its_amount_is_an_error_next_to_the_advance(client, agent):
    engagement = EngagementFactory(montant=Decimal("10000"), avance=Decimal("0"))
    engagement.avance = Decimal("10000.01")
    assert _erreurs(engagement) == {"avance": ["L'avance ne peut pas dépasser le montant de l'année."]}


def test_bounds_a_duplicate_commitment_is_an_error_next_to_the_year():
    engagement = EngagementFactory()
    double = EngagementFactory.build(
        convention=engagement.convention, financeur=engagement.financeur, annee=engagement.annee
    )
    assert _erreurs(double) == {"annee": ["Un engagement existe déjà pour ce financeur et cette année."]}


def test_bounds_a_siret_already_used_is_an_error_next_to_the_siret():
    centre = CentreFactory(siret=completer_siret("1234567890123"))
    autre = CentreFactory.build(nom="Autre centre", siret=centre.siret)
    assert _erreurs(autre)["siret"] == ["Un autre centre porte déjà ce SIRET."]


# --- The vote ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("pour", "refuse"), [("53", False), ("54", True), ("3000000000", True)])
def test_bounds_del_3_a_vote_figure_is_at_most_the_council_s_size(pour, refuse):
    from deliberations.forms import VoteForm

    form = VoteForm(
        {"presents": "40", "pouvoirs": "5", "pour": pour, "contre": "0", "abstentions": "0"},
        seance=SeanceFactory(),
    )
    assert ("pour" in form.errors) is refuse
    if refuse:
        assert form.errors["pour"] == ["Au plus 53 : le conseil municipal compte 53 membres (CGCT L2121-2)."]


def test_bounds_del_2_the_vote_form_refuses_more_present_and_proxies_than_in_office():
    from deliberations.forms import VoteForm

    form = VoteForm(
        {"presents": "50", "pouvoirs": "50", "pour": "50", "contre": "0", "abstentions": "0"},
        seance=SeanceFactory(membres_en_exercice=53),
    )
    assert "50 pouvoirs pour 50 présents et 3 absents" in form.errors["pouvoirs"][0]
