"""Financial reports (CRF, CERFA 15059): SUB-4 due date and overdue detection, SUB-5 gaps."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from subventions import services
from subventions.models import CompteRenduFinancier, DemandeSubvention, LigneCRF, echeance_crf

from ..factories import DemandeFactory, DispositifFactory

pytestmark = pytest.mark.django_db


def _crf(demande, **kwargs):
    return CompteRenduFinancier.objects.create(demande=demande, **kwargs)


# --- SUB-4: due 6 months after the financed year -------------------------------------------------


@pytest.mark.parametrize(
    ("annee", "echeance"),
    [(2025, datetime.date(2026, 6, 30)), (2026, datetime.date(2027, 6, 30)), (2027, datetime.date(2028, 6, 30))],
)
def test_sub_4_the_report_of_year_n_is_due_on_30_june_n_plus_1(annee, echeance):
    assert echeance_crf(annee) == echeance
    assert CompteRenduFinancier(demande=DemandeFactory.build(annee=annee)).echeance == echeance


@pytest.fixture
def precedente():
    """2025 operating grant, voted; its report is due on 30/06/2026."""
    return DemandeFactory(votee=True, annee=2025)


@pytest.fixture
def demande(precedente):
    """This year's request of the same centre for the same purpose."""
    return DemandeFactory(proposee=True, annee=2026, centre=precedente.centre)


def test_sub_4_a_missing_report_is_overdue_from_the_day_after_its_due_date(precedente, demande):
    with time_machine.travel(datetime.datetime(2026, 6, 30, 18, 0), tick=False):
        assert services.crf_en_retard(demande, timezone.localdate()) == []
    with time_machine.travel(datetime.datetime(2026, 7, 1, 8, 0), tick=False):
        assert services.crf_en_retard(demande, timezone.localdate()) == [precedente]


@time_machine.travel(datetime.datetime(2026, 9, 1, 10, 0), tick=False)
def test_sub_4_a_received_report_is_not_overdue_a_report_without_reception_date_still_is(precedente, demande):
    crf = _crf(precedente)
    assert services.crf_en_retard(demande, timezone.localdate()) == [precedente]
    crf.date_reception = datetime.date(2026, 8, 20)
    crf.save()
    assert services.crf_en_retard(demande, timezone.localdate()) == []


@time_machine.travel(datetime.datetime(2026, 9, 1, 10, 0), tick=False)
def test_sub_4_only_earlier_voted_grants_of_the_same_purpose_count(precedente, demande):
    centre = precedente.centre
    dispositif = DemandeFactory(
        votee=True,
        annee=2025,
        centre=centre,
        nature=DemandeSubvention.Nature.DISPOSITIF,
        dispositif=DispositifFactory(),
    )
    DemandeFactory(annee=2025, centre=centre, statut=DemandeSubvention.Statut.REJETEE)
    DemandeFactory(votee=True, annee=2025)  # another centre
    assert services.crf_en_retard(demande, timezone.localdate()) == [precedente]
    assert services.crf_en_retard(dispositif, timezone.localdate()) == []


# --- SUB-5: gaps between budget and actual ------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "realise", "ecart", "pct", "significatif"),
    [
        ("10000", "8000", "-2000", "-20.0", True),
        ("10000", "11500", "1500", "15.0", False),  # exactly 15 %: not above
        ("10000", "11501", "1501", "15.0", True),  # 15.01 %: above, though it rounds to 15.0
        ("3", "1", "-2", "-66.7", True),
        ("0", "500", "500", None, True),  # unbudgeted spending always needs an explanation
        ("0", "0", "0", None, False),
    ],
)
def test_sub_5_gap_in_euros_and_percent_and_the_warning_above_15_percent(budget, realise, ecart, pct, significatif):
    ligne = LigneCRF(libelle="Charges de personnel", budget=Decimal(budget), realise=Decimal(realise))
    assert ligne.ecart == Decimal(ecart)
    assert ligne.ecart_pct == (None if pct is None else Decimal(pct))
    assert ligne.ecart_significatif is significatif


def test_line_math_is_decimal_to_the_cent():
    ligne = LigneCRF(libelle="Petites fournitures", budget=Decimal("0.10") + Decimal("0.20"), realise=Decimal("0.30"))
    assert ligne.ecart == Decimal("0.00")
    assert isinstance(ligne.ecart, Decimal)
    assert isinstance(LigneCRF(libelle="x", budget=Decimal("3"), realise=Decimal("1")).ecart_pct, Decimal)


# --- The CRF page ---------------------------------------------------------------------------------


@pytest.fixture
def votee():
    return DemandeFactory(votee=True, annee=2025)


def _url(demande, nom="subventions:crf"):
    return reverse(nom, args=[demande.pk])


@time_machine.travel(datetime.datetime(2026, 9, 1, 10, 0), tick=False)
def test_the_page_shows_the_lines_with_their_gaps_and_the_sub_5_warning(client_of, agent, votee):
    crf = _crf(votee, date_reception=datetime.date(2026, 5, 2))
    LigneCRF.objects.create(crf=crf, libelle="Charges de personnel", budget=Decimal("10000"), realise=Decimal("8000"))
    LigneCRF.objects.create(crf=crf, libelle="Achats", budget=Decimal("2000"), realise=Decimal("2100"))
    response = client_of(agent).get(_url(votee))
    contenu = response.content.decode()
    assert "Écart de plus de 15 % entre budget et réalisé sur :" in contenu
    assert [ligne.libelle for ligne in response.context["significatives"]] == ["Charges de personnel"]
    for texte in ("-2\u202f000,00\u00a0€", "-20,0 %", "5,0 %", "12\u202f000,00\u00a0€", "10\u202f100,00\u00a0€"):
        assert texte in contenu
    total = response.context["total"]
    assert (total.budget, total.realise, total.ecart, total.ecart_pct) == (
        Decimal("12000"),
        Decimal("10100"),
        Decimal("-1900"),
        Decimal("-15.8"),
    )
    assert "Reçu le 02/05/2026" in contenu


@time_machine.travel(datetime.datetime(2026, 9, 1, 10, 0), tick=False)
def test_the_page_says_when_the_report_is_overdue(client_of, agent, votee):
    response = client_of(agent).get(_url(votee))
    assert response.context["en_retard"] is True
    assert "en retard" in response.content.decode()
    assert "30/06/2026" in response.content.decode()


@time_machine.travel(datetime.datetime(2026, 9, 1, 10, 0), tick=False)
def test_recording_the_reception_creates_the_report(client_of, agent, votee):
    response = client_of(agent).post(_url(votee), {"date_reception": "2026-08-28", "commentaire": "Écarts expliqués."})
    assert response.status_code == 302
    assert response["Location"] == _url(votee)
    crf = CompteRenduFinancier.objects.get(demande=votee)
    assert (crf.date_reception, crf.commentaire) == (datetime.date(2026, 8, 28), "Écarts expliqués.")
    assert (
        services.crf_en_retard(DemandeFactory.build(centre=votee.centre, annee=2026), datetime.date(2026, 9, 1)) == []
    )


@time_machine.travel(datetime.datetime(2026, 9, 1, 10, 0), tick=False)
@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({}, "Indiquez la date de réception du compte rendu ou l'analyse des écarts."),
        ({"date_reception": "2026-09-02"}, "La date de réception ne peut pas être dans le futur."),
    ],
)
def test_bad_input_saves_nothing(client_of, agent, votee, donnees, message):
    response = client_of(agent).post(_url(votee), donnees)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not CompteRenduFinancier.objects.exists()


def test_a_report_is_refused_for_a_request_that_is_not_voted(client_of, agent):
    demande = DemandeFactory(proposee=True)
    client = client_of(agent)
    for url in (_url(demande), _url(demande, "subventions:crf_ligne_creer")):
        response = client.post(url, {"date_reception": "2026-01-05", "libelle": "x", "budget": "1", "realise": "1"})
        assert response.status_code == 302
        assert response["Location"] == demande.get_absolute_url()
        assert (
            "ne concerne qu'une subvention votée ; cette demande est « Proposée »"
            in [str(m) for m in get_messages(response.wsgi_request)][-1]
        )
    assert not CompteRenduFinancier.objects.exists()
    assert not LigneCRF.objects.exists()


def test_two_people_editing_the_report_the_second_save_is_refused(client_of, agent, responsable, votee):
    crf = _crf(votee, date_reception=datetime.date(2026, 5, 2))
    donnees = {"date_reception": "2026-05-02", "version_vue": crf.version}
    assert client_of(agent).post(_url(votee), {**donnees, "commentaire": "Première"}).status_code == 302
    response = client_of(responsable).post(_url(votee), {**donnees, "commentaire": "Seconde"})
    assert response.status_code == 200
    assert response.context["form"].conflit is not None
    crf.refresh_from_db()
    assert crf.commentaire == "Première"


def test_adding_a_line_creates_the_report_when_needed(client_of, agent, votee):
    response = client_of(agent).post(
        _url(votee, "subventions:crf_ligne_creer"),
        {"libelle": "Charges de personnel", "budget": "10000.00", "realise": "8000.50"},
    )
    assert response.status_code == 302
    assert response["Location"] == _url(votee)
    ligne = LigneCRF.objects.get()
    assert (ligne.crf.demande, ligne.crf.date_reception, ligne.realise) == (votee, None, Decimal("8000.50"))


def test_a_line_with_a_negative_amount_is_refused(client_of, agent, votee):
    response = client_of(agent).post(
        _url(votee, "subventions:crf_ligne_creer"), {"libelle": "Achats", "budget": "-1", "realise": "0"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["budget"]
    assert not LigneCRF.objects.exists()
    assert not CompteRenduFinancier.objects.exists()
