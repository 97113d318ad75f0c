"""LOC-2 at the Espace Linné: a room lent free or below its price list to an association is in-kind
aid; SUB-3: it counts in the association's yearly aid for the 23 000 € rule, the SCDL file and the
cross-funder view (through the extension point roubaix_cs.extensions.aides_en_nature)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptes.models import Organisation
from conventions.services import aide_annuelle, aides_annuelles_de
from linne import aides_en_nature
from linne.models import Reservation
from pilotage.financeurs import financeurs_du_centre
from roubaix_cs import extensions
from roubaix_cs.validators import completer_siret
from subventions.annexe import _lignes_nature
from subventions.concours import concours_de_l_annee
from subventions.models import Versement

from ..factories import CentreFactory, DemandeFactory, OrganisationFactory, ReservationFactory, SalleFactory, moment

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 6, 1, 10, 0))]
D = Decimal


@pytest.fixture
def association():
    return OrganisationFactory(
        nom="Association Alma", nature=Organisation.Nature.ASSOCIATION, siret=completer_siret("8000000000001")
    )


@pytest.fixture
def centre(association):
    return CentreFactory(nom="Centre social de l'Alma", organisation=association)


@pytest.fixture
def salle():
    return SalleFactory()


def _pret(salle, organisation, jour, *, valeur, montant="0", statut=Reservation.Statut.CONFIRMEE, heure=10):
    """A booking of `salle` on `jour` valued `valeur` at the price list, `montant` charged."""
    return ReservationFactory(
        salle=salle,
        organisation=organisation,
        debut=moment(jour, heure),
        valeur=D(valeur),
        montant=D(montant),
        statut=statut,
        motif="" if statut in (Reservation.Statut.CONFIRMEE, Reservation.Statut.DEMANDEE) else "Salle non disponible",
    )


# --- The extension point -------------------------------------------------------------------------


def test_loc_2_free_and_below_price_bookings_are_summed_by_organisation_and_paris_year(salle, association):
    autre = OrganisationFactory(association=True)
    _pret(salle, association, datetime.date(2026, 3, 2), valeur="400")  # free
    _pret(salle, association, datetime.date(2026, 3, 3), valeur="300", montant="100")  # below the price: 200
    _pret(salle, association, datetime.date(2026, 3, 4), valeur="300", montant="300")  # full price: nothing
    _pret(salle, association, datetime.date(2026, 3, 5), valeur="500", statut=Reservation.Statut.ANNULEE)
    _pret(salle, association, datetime.date(2026, 3, 6), valeur="500", statut=Reservation.Statut.DEMANDEE)
    _pret(salle, association, datetime.date(2025, 6, 2), valeur="70")
    _pret(salle, autre, datetime.date(2026, 3, 9), valeur="90")
    # 1 January 2027 at 00:30 in Paris is still 2026 in UTC: counted in 2027.
    ReservationFactory(
        salle=salle,
        organisation=association,
        debut=moment(datetime.date(2027, 1, 1), 0, 30),
        valeur=D("50"),
        montant=D("0"),
    )
    with CaptureQueriesContext(connection) as requetes:
        resultat = aides_en_nature.par_organisation([association.pk, autre.pk], [2025, 2026, 2027])
    assert len(requetes) == 1
    assert resultat == {association.pk: {2025: D("70"), 2026: D("600"), 2027: D("50")}, autre.pk: {2026: D("90")}}
    assert aides_en_nature.par_organisation([association.pk], [2024]) == {}
    assert extensions.aides_en_nature([association.pk], [2026]) == {association.pk: {2026: D("600")}}


# --- SUB-3: the yearly aid -----------------------------------------------------------------------


def test_loc_2_sub_3_free_loans_count_in_the_yearly_in_kind_aid_of_the_centre_s_association(salle, centre):
    avant = aide_annuelle(centre=centre, annee=2026, numeraire=D("18000"))
    assert (avant.nature, avant.prets_de_salles, avant.total) == (0, 0, D("18000"))
    _pret(salle, centre.organisation, datetime.date(2026, 3, 2), valeur="3000")
    _pret(salle, centre.organisation, datetime.date(2026, 3, 3), valeur="2500", montant="500")
    aide = aide_annuelle(centre=centre, annee=2026, numeraire=D("18000"))
    assert (aide.nature, aide.prets_de_salles, aide.total) == (D("5000"), D("5000"), D("23000"))
    assert not aide.seuil_depasse  # exactly 23 000 €: not above


def test_sub_3_free_loans_push_the_aid_above_23000_so_a_convention_is_required(salle, centre):
    _pret(salle, centre.organisation, datetime.date(2026, 3, 2), valeur="5000.01")
    aide = aide_annuelle(centre=centre, annee=2026, numeraire=D("18000"))
    assert aide.total == D("23000.01")
    assert aide.seuil_depasse and aide.convention_manquante


def test_loc_2_a_booking_charged_at_full_price_or_cancelled_adds_nothing(salle, centre):
    _pret(salle, centre.organisation, datetime.date(2026, 3, 2), valeur="6000", montant="6000")
    _pret(salle, centre.organisation, datetime.date(2026, 3, 3), valeur="6000", statut=Reservation.Statut.ANNULEE)
    _pret(salle, centre.organisation, datetime.date(2026, 3, 4), valeur="6000", statut=Reservation.Statut.REFUSEE)
    aide = aide_annuelle(centre=centre, annee=2026, numeraire=D("18000"))
    assert (aide.nature, aide.total, aide.convention_manquante) == (0, D("18000"), False)


def test_loc_2_a_booking_of_another_organisation_does_not_count_for_the_centre(salle, centre):
    _pret(salle, OrganisationFactory(association=True), datetime.date(2026, 3, 2), valeur="9000")
    assert aide_annuelle(centre=centre, annee=2026).nature == 0


def test_sub_3_the_yearly_aid_of_many_beneficiaries_reads_the_loans_in_a_fixed_number_of_queries():
    def mesurer(nombre):
        salle = SalleFactory()  # a room of each measure: their loans never overlap
        centres = []
        for rang in range(nombre):
            centre = CentreFactory(organisation=OrganisationFactory(association=True))
            _pret(salle, centre.organisation, datetime.date(2026, 3, 2) + datetime.timedelta(days=rang), valeur="10")
            centres.append(centre)
        with CaptureQueriesContext(connection) as requetes:
            aides = aides_annuelles_de(centres, [2026])
        assert all(aides[c.pk][2026].prets_de_salles == D("10") for c in centres)
        return len(requetes)

    assert mesurer(1) == mesurer(4)


def test_sub_3_sub_14_free_loans_above_23000_refuse_a_payment_without_a_signed_convention(
    client_of, agent, salle, centre
):
    demande = DemandeFactory(votee=True, centre=centre)  # 18 000 € voted for 2026
    _pret(salle, centre.organisation, datetime.date(2026, 3, 2), valeur="5000.01")
    response = client_of(agent).post(
        reverse("subventions:versement_creer", args=[demande.pk]),
        {"type": Versement.Type.UNIQUE, "montant": "9000", "date": "2026-03-01", "reference": "M-2026-001"},
    )
    assert response.status_code == 200
    erreurs = " ".join(response.context["form"].non_field_errors())
    assert (
        "atteint 23\u202f000,01\u00a0€ (dont 5\u202f000,01\u00a0€ en nature, prêts de salles de l'Espace Linné"
        in erreurs
    )
    assert "une convention signée couvrant l'année est requise avant tout versement" in erreurs
    assert not Versement.objects.exists()


def test_sub_3_the_centre_page_shows_the_loans_as_their_own_part_of_the_in_kind_aid(client_of, agent, salle, centre):
    _pret(salle, centre.organisation, datetime.date(2026, 3, 2), valeur="1234.50")
    response = client_of(agent).get(reverse("centres:detail", args=[centre.pk]), {"onglet": "conventions"})
    assert response.status_code == 200
    assert "1\u202f234,50\u00a0€ de prêts de salles de l'Espace Linné" in response.content.decode()


# --- The SCDL file, the budget annex, the cross-funder view ------------------------------------


def test_loc_2_the_scdl_in_kind_row_carries_the_loans(client_of, responsable, salle, centre, settings):
    settings.VILLE_NOM, settings.VILLE_SIRET = "Ville de Roubaix", "21590512800017"
    _pret(salle, centre.organisation, datetime.date(2026, 3, 2), valeur="800")
    _pret(salle, centre.organisation, datetime.date(2026, 9, 7), valeur="400", montant="100")
    response = client_of(responsable).get(reverse("subventions:scdl", args=[2026]))
    assert response.status_code == 200
    lignes = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    nature = [ligne for ligne in lignes if ligne["nature"] == "aide en nature"]
    assert [(ligne["nomBeneficiaire"], ligne["montant"]) for ligne in nature] == [("Association Alma", "1100.00")]
    assert "prêts de salles de l'Espace Linné" in nature[0]["objet"]
    assert "autres aides en nature" not in nature[0]["objet"]


def test_loc_2_the_budget_annex_lists_the_loans_on_their_own_line(salle, centre):
    _pret(salle, centre.organisation, datetime.date(2026, 3, 2), valeur="800")
    beneficiaire = next(iter(concours_de_l_annee(2026).beneficiaires.values()))
    assert beneficiaire.aide.nature == D("800")
    lignes = _lignes_nature(beneficiaire, 2026)
    assert [(ligne.objet, ligne.nature) for ligne in lignes] == [
        ("Prêts de salles de l'Espace Linné (gratuits ou sous le tarif)", D("800"))
    ]


def test_loc_2_the_cross_funder_view_counts_the_loans_in_the_city_s_in_kind_contribution(agent, salle, centre):
    _pret(salle, centre.organisation, datetime.date(2026, 3, 2), valeur="800")
    _pret(salle, centre.organisation, datetime.date(2026, 3, 3), valeur="800", montant="800")
    annee = next(a for a in financeurs_du_centre(centre, agent) if a.annee == 2026)
    ville = next(c for c in annee.contributions if c.financeur == settings.VILLE_NOM)
    assert ville.nature == D("800")
    assert "prêts de salles de l'Espace Linné" in ville.source
