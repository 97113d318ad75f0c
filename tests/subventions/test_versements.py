"""Payments of voted grants: SUB-1, SUB-3, SUB-14, never above the voted amount, the lock."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse

from comptes.models import Organisation
from conventions.models import Convention, Partie
from roubaix_cs.sources_legales import CGCT_L2131_1, LOI_2000_321_ART_10
from subventions import services
from subventions.models import DemandeSubvention, Versement

from ..factories import (
    CentreFactory,
    ConventionFactory,
    DemandeFactory,
    EngagementFactory,
    LocalFactory,
    OrganisationFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 6, 1, 10, 0))]

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def demande():
    """Voted 18 000 € for 2026, exécutoire on 20/02/2026; the centre occupies no premises."""
    return DemandeFactory(votee=True)


def _poster_versement(client, demande, montant, date, type_=Versement.Type.UNIQUE, reference="M-2026-001"):
    return client.post(
        reverse("subventions:versement_creer", args=[demande.pk]),
        {"type": type_, "montant": montant, "date": date, "reference": reference},
    )


def _erreurs(response):
    return " ".join(response.context["form"].non_field_errors())


def _locaux(centre, avantage):
    """Premises lent for free, valued `avantage` a year (LOC-2)."""
    return LocalFactory(centre=centre, valeur_locative=Decimal(avantage), charges_ville=0, loyer_facture=0)


def _convention_signee(
    centre, *, signee_le=datetime.date(2024, 12, 15), debut=datetime.date(2025, 1, 1), numeraire=Decimal("18000")
):
    """Signed by the city, stating its cash for each year (SUB-3); `numeraire=0`: premises only."""
    ville = OrganisationFactory(nom="Ville de Roubaix", nature=Organisation.Nature.VILLE)
    fin = debut.replace(year=debut.year + 4) - datetime.timedelta(days=1)
    convention = ConventionFactory(centre=centre, debut=debut, fin=fin, statut=Convention.Statut.EN_COURS)
    Partie.objects.create(convention=convention, organisation=ville, date_signature=signee_le)
    for annee in range(debut.year, fin.year + 1):
        EngagementFactory(convention=convention, financeur=ville, annee=annee, montant=numeraire)
    return convention


# --- SUB-1 / SUB-14: the deliberation must be exécutoire ----------------------------------------


def test_sub_1_sub_14_a_payment_before_the_executoire_date_is_refused(client_of, agent, demande):
    response = _poster_versement(client_of(agent), demande, "9000", "2026-02-19")
    assert response.status_code == 200
    assert f"Aucun versement avant que la délibération soit exécutoire ({CGCT_L2131_1})" in _erreurs(response)
    assert "exécutoire le 20/02/2026" in response.content.decode()
    assert not Versement.objects.exists()


def test_sub_1_sub_14_a_payment_on_the_executoire_date_is_accepted(client_of, agent, demande):
    response = _poster_versement(client_of(agent), demande, "9000", "2026-02-20")
    assert response.status_code == 302
    assert response["Location"] == reverse("subventions:detail", args=[demande.pk])
    versement = Versement.objects.get()
    assert (versement.montant, versement.date, versement.cree_par) == (
        Decimal("9000.00"),
        datetime.date(2026, 2, 20),
        agent,
    )


def test_sub_1_a_voted_grant_whose_deliberation_is_not_yet_executoire_cannot_be_paid(client_of, agent):
    demande = DemandeFactory(votee=True, date_executoire=None)
    response = _poster_versement(client_of(agent), demande, "9000", "2026-05-01")
    assert f"Aucun versement avant que la délibération soit exécutoire ({CGCT_L2131_1})." in _erreurs(response)
    assert not Versement.objects.exists()


def test_sub_1_a_request_not_voted_cannot_receive_a_payment(client_of, agent):
    demande = DemandeFactory(proposee=True)
    client = client_of(agent)
    response = _poster_versement(client, demande, "9000", "2026-05-01")
    assert response.status_code == 302
    assert not Versement.objects.exists()
    response = client.get(reverse("subventions:versement_creer", args=[demande.pk]), follow=False)
    assert response.status_code == 302
    with pytest.raises(ValidationError, match="pas votée"):
        services.enregistrer_versement(
            demande=demande, type_="unique", montant_=Decimal("1"), date=TODAY, reference="X", par=agent
        )


# --- SUB-3 / SUB-14: above 23 000 € a year, a signed convention first ---------------------------


def test_sub_3_sub_14_above_23000_without_a_signed_convention_the_payment_is_refused(client_of, agent, demande):
    _locaux(demande.centre, "5000.01")  # 18 000 € voted + 5 000,01 € of premises
    response = _poster_versement(client_of(agent), demande, "9000", "2026-03-01")
    erreurs = _erreurs(response)
    assert "atteint 23\u202f000,01\u00a0€ (dont 5\u202f000,01\u00a0€ en nature)" in erreurs
    assert f"une convention signée couvrant l'année est requise avant tout versement ({LOI_2000_321_ART_10})" in erreurs
    assert not Versement.objects.exists()


def test_sub_3_sub_14_above_23000_with_a_signed_convention_covering_the_year_it_is_accepted(client_of, agent, demande):
    _locaux(demande.centre, "20000")
    _convention_signee(demande.centre)
    response = _poster_versement(client_of(agent), demande, "9000", "2026-03-01")
    assert response.status_code == 302
    assert Versement.objects.count() == 1


def test_sub_3_a_convention_that_does_not_state_the_city_s_cash_does_not_allow_the_payment(client_of, agent, demande):
    """A premises-only convention values the premises; it is not the convention the grant needs."""
    _locaux(demande.centre, "20000")
    _convention_signee(demande.centre, numeraire=Decimal("0"))
    response = _poster_versement(client_of(agent), demande, "9000", "2026-03-01")
    assert "une convention signée couvrant l'année est requise" in _erreurs(response)
    assert not Versement.objects.exists()


@pytest.mark.parametrize(
    ("deja", "montant", "accepte"),
    [("9000", "8999.99", True), ("9000", "9000", True), ("9000", "9000.01", False)],
    ids=["below", "at", "above"],
)
def test_sub_3_the_signed_convention_must_cover_every_euro_paid_that_year(
    client_of, agent, demande, deja, montant, accepte
):
    """The convention states 18 000 € of city cash for 2026: what is paid that year, this payment
    included, stays within it (the grant was voted above what the convention provides for)."""
    DemandeSubvention.objects.filter(pk=demande.pk).update(montant_vote=Decimal("20000"))
    _locaux(demande.centre, "20000")
    _convention_signee(demande.centre)
    client = client_of(agent)
    assert _poster_versement(client, demande, deja, "2026-03-01", type_=Versement.Type.AVANCE).status_code == 302
    response = _poster_versement(client, demande, montant, "2026-04-01", type_=Versement.Type.SOLDE, reference="M-2")
    assert (response.status_code == 302) is accepte
    assert Versement.objects.count() == (2 if accepte else 1)
    if not accepte:
        erreurs = _erreurs(response)
        assert "Les conventions signées pour 2026 prévoient 18\u202f000,00\u00a0€ de la Ville en numéraire" in erreurs
        assert "18\u202f000,01\u00a0€ seraient versés" in erreurs
        assert "Un avenant fixant le nouveau montant est nécessaire." in erreurs


def test_sub_3_the_cash_paid_to_the_other_centres_of_the_same_beneficiary_counts(client_of, agent, demande):
    """The association runs two centres: one convention, the payments of both its centres together."""
    association = OrganisationFactory(nom="Association des centres du Pile", nature=Organisation.Nature.ASSOCIATION)
    demande.centre.organisation = association
    demande.centre.save()
    autre = DemandeFactory(votee=True, centre=CentreFactory(organisation=association), montant_vote=Decimal("5000"))
    _locaux(demande.centre, "20000")
    _convention_signee(demande.centre, numeraire=Decimal("20000"))
    client = client_of(agent)
    assert _poster_versement(client, autre, "5000", "2026-03-01").status_code == 302
    response = _poster_versement(client, demande, "15000.01", "2026-03-02", reference="M-2")
    assert "20\u202f000,01\u00a0€ seraient versés" in _erreurs(response)
    assert _poster_versement(client, demande, "15000", "2026-03-02", reference="M-3").status_code == 302


def test_sub_3_exactly_23000_is_not_above_the_threshold(client_of, agent, demande):
    _locaux(demande.centre, "5000")  # 18 000 + 5 000 = 23 000 €: not *above* 23 000 €
    response = _poster_versement(client_of(agent), demande, "9000", "2026-03-01")
    assert response.status_code == 302
    assert Versement.objects.count() == 1


def test_sub_3_all_the_cash_voted_for_the_centre_that_year_counts(client_of, agent, demande):
    DemandeFactory(
        votee=True, centre=demande.centre, nature=DemandeSubvention.Nature.INVESTISSEMENT, montant_vote=Decimal("5001")
    )
    response = _poster_versement(client_of(agent), demande, "9000", "2026-03-01")
    assert "atteint 23\u202f001,00\u00a0€ (dont 0,00\u00a0€ en nature)" in _erreurs(response)


def test_sub_3_a_convention_covering_other_years_does_not_count(client_of, agent, demande):
    _locaux(demande.centre, "20000")
    _convention_signee(demande.centre, debut=datetime.date(2027, 1, 1), signee_le=datetime.date(2026, 1, 10))
    response = _poster_versement(client_of(agent), demande, "9000", "2026-03-01")
    assert "une convention signée couvrant l'année est requise" in _erreurs(response)


def test_sub_3_sub_14_a_payment_dated_before_the_city_signed_the_convention_is_refused(client_of, agent, demande):
    _locaux(demande.centre, "20000")
    _convention_signee(demande.centre, signee_le=datetime.date(2026, 3, 10))
    client = client_of(agent)
    response = _poster_versement(client, demande, "9000", "2026-03-01")
    assert "signée par la Ville que le 10/03/2026 : pas de versement daté d'avant sa signature" in _erreurs(response)
    assert _poster_versement(client, demande, "9000", "2026-03-10").status_code == 302


# --- The voted amount -----------------------------------------------------------------------------


def test_payments_never_exceed_the_voted_amount(client_of, agent, demande):
    client = client_of(agent)
    assert _poster_versement(client, demande, "10000", "2026-03-01", Versement.Type.AVANCE).status_code == 302
    response = _poster_versement(client, demande, "8000.01", "2026-04-01", Versement.Type.SOLDE, "M-2026-002")
    assert "Le total des versements (18\u202f000,01\u00a0€) dépasserait le montant voté (18\u202f000,00\u00a0€)." in (
        _erreurs(response)
    )
    assert list(Versement.objects.values_list("montant", flat=True)) == [Decimal("10000.00")]


def test_the_request_becomes_payee_when_fully_paid(client_of, agent, demande):
    client = client_of(agent)
    _poster_versement(client, demande, "10000", "2026-03-01", Versement.Type.AVANCE)
    demande.refresh_from_db()
    assert demande.statut == DemandeSubvention.Statut.VOTEE
    _poster_versement(client, demande, "8000", "2026-04-01", Versement.Type.SOLDE, "M-2026-002")
    demande.refresh_from_db()
    assert demande.statut == DemandeSubvention.Statut.PAYEE
    assert demande.version == 2
    assert demande.history.first().history_change_reason == "Soldée par le dernier versement"


def test_payments_appear_in_the_requests_history(client_of, agent, demande):
    client = client_of(agent)
    _poster_versement(client, demande, "18000", "2026-03-02")
    response = client.get(reverse("subventions:detail", args=[demande.pk]))
    evenements = [(e.action, e.objet, e.auteur) for e in response.context["evenements"]]
    assert ("Création", "Versement unique du 02/03/2026", agent) in evenements
    assert any(e.motif == "Soldée par le dernier versement" for e in response.context["evenements"])


# --- The form -------------------------------------------------------------------------------------


def test_the_form_shows_the_voted_amount_what_is_paid_what_remains_and_the_executoire_date(client_of, agent, demande):
    Versement.objects.create(
        demande=demande,
        type="avance",
        montant=Decimal("7000"),
        date=datetime.date(2026, 3, 1),
        reference="A",
        cree_par=agent,
    )
    response = client_of(agent).get(reverse("subventions:versement_creer", args=[demande.pk]))
    assert (response.context["deja_verse"], response.context["reste"]) == (Decimal("7000"), Decimal("11000"))
    contenu = response.content.decode()
    for texte in ("18\u202f000,00\u00a0€", "7\u202f000,00\u00a0€", "11\u202f000,00\u00a0€", "20/02/2026", "2026/042"):
        assert texte in contenu
    assert response.context["form"].initial["type"] == Versement.Type.SOLDE


def test_the_form_warns_before_typing_when_a_payment_would_be_blocked(client_of, agent, demande):
    _locaux(demande.centre, "10000")
    response = client_of(agent).get(reverse("subventions:versement_creer", args=[demande.pk]))
    assert any(
        "une convention signée couvrant l'année est requise" in raison for raison in response.context["bloquants"]
    )
    assert "Un versement daté d'aujourd'hui serait refusé" in response.content.decode()


@pytest.mark.parametrize(
    ("montant", "date", "champ", "message"),
    [
        ("0", "2026-03-01", "montant", "Le montant d'un versement doit être positif."),
        ("-5", "2026-03-01", "montant", "Le montant d'un versement doit être positif."),
        ("100", "2026-06-02", "date", "ne peut pas être dans le futur"),
    ],
)
def test_bad_input_gets_a_french_message_next_to_the_field(client_of, agent, demande, montant, date, champ, message):
    response = _poster_versement(client_of(agent), demande, montant, date)
    assert message in " ".join(response.context["form"].errors[champ])
    assert not Versement.objects.exists()


def test_an_unknown_request_is_404(client_of, agent):
    assert client_of(agent).get(reverse("subventions:versement_creer", args=[999999])).status_code == 404


# --- Two payments at once (PostgreSQL row lock) ------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_payments_cannot_both_pass_the_voted_amount(agent):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks (SELECT … FOR UPDATE) need PostgreSQL.")
    demande = DemandeFactory(votee=True)  # 18 000 € voted
    barriere = threading.Barrier(2)
    acceptes, refuses = [], []

    def payer(montant, reference):
        try:
            barriere.wait(timeout=10)
            services.enregistrer_versement(
                demande=demande,
                type_=Versement.Type.AVANCE,
                montant_=montant,
                date=datetime.date(2026, 3, 1),
                reference=reference,
                par=agent,
            )
            acceptes.append(montant)
        except ValidationError as erreur:
            refuses.append((montant, erreur.messages))
        finally:
            connections.close_all()  # each thread has its own connection: close it

    threads = [
        threading.Thread(target=payer, args=(Decimal("10000"), "M-A")),
        threading.Thread(target=payer, args=(Decimal("10000"), "M-B")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acceptes) == 1, (acceptes, refuses)
    assert len(refuses) == 1
    assert "dépasserait le montant voté" in refuses[0][1][0]
    assert sum(Versement.objects.filter(demande=demande).values_list("montant", flat=True)) == acceptes[0]
