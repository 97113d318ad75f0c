"""The attendance pages of Espace Linné, with the date pinned (Monday 1 February 2027, noon): the day's list
the régisseurs fill in (a count, a no-show, refused before the end, errors in French, nothing half
saved), with htmx or without; the statistics page and its XLSX file, read by the service and the élus;
the élus and the partners never record anything."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from linne import frequentation, statistiques
from linne.models import Frequentation, TypeActivite

from ..factories import OrganisationFactory, ReservationFactory, SalleFactory, moment

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2027, 2, 1, 12, 0))]

LUNDI = datetime.date(2027, 1, 11)
HTMX = {"HTTP_HX_REQUEST": "true"}


def _reservation(salle, jour, heure, duree=2, **champs):
    debut = moment(jour, heure)
    return ReservationFactory(salle=salle, debut=debut, fin=debut + datetime.timedelta(hours=duree), **champs)


@pytest.fixture
def journee():
    """Monday 11 January 2027: two rooms, three confirmed bookings and a cancelled one."""
    verte, bleue = SalleFactory(nom="Salle Verte"), SalleFactory(nom="Salle Bleue")
    return {
        "matin": _reservation(
            verte, LUNDI, 9, organisation=OrganisationFactory(nom="Chorale du Pile", association=True)
        ),
        "apres_midi": _reservation(bleue, LUNDI, 14, effectif_prevu=30),
        "soir": _reservation(verte, LUNDI, 18),
        "annulee": _reservation(bleue, LUNDI, 18, statut="annulee", motif="Annulée par l'association"),
    }


def _url_saisie(reservation):
    return reverse("linne:frequentation_saisir", args=[reservation.pk])


def _champs(reservation, effectif="", absence=False):
    donnees = {f"r{reservation.pk}-effectif_reel": effectif}
    if absence:
        donnees[f"r{reservation.pk}-absence"] = "on"
    return donnees


# --- The day's list -----------------------------------------------------------------------------------


def test_la_liste_du_jour_montre_les_reservations_confirmees_terminees(client, regisseur, journee):
    client.force_login(regisseur)
    response = client.get(reverse("linne:frequentation"), {"jour": LUNDI.isoformat()})
    assert response.status_code == 200
    assert [ligne["reservation"] for ligne in response.context["lignes"]] == [
        journee["matin"],
        journee["apres_midi"],
        journee["soir"],
    ]
    page = response.content.decode()
    assert "Chorale du Pile" in page and "Attendus : 30" in page and "Absente" in page
    assert "?jour=2027-01-10" in page and "?jour=2027-01-12" in page  # the previous and next days
    assert 'hx-post="' + _url_saisie(journee["matin"]) + '"' in page


def test_la_liste_est_celle_d_aujourd_hui_par_defaut_et_refuse_une_date_illisible(client, regisseur):
    client.force_login(regisseur)
    assert client.get(reverse("linne:frequentation")).context["jour"] == datetime.date(2027, 2, 1)
    response = client.get(reverse("linne:frequentation"), {"jour": "31/02/2027"})
    assert response.context["jour"] == datetime.date(2027, 2, 1)
    assert "La date demandée n&#x27;a pas pu être lue" in response.content.decode()


def test_saisir_un_effectif_revient_au_meme_jour(client, regisseur, journee):
    client.force_login(regisseur)
    matin = journee["matin"]
    response = client.post(_url_saisie(matin), _champs(matin, "17"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('linne:frequentation')}?jour=2027-01-11#ligne-{matin.pk}"
    saisie = Frequentation.objects.get(reservation=matin)
    assert (saisie.effectif_reel, saisie.absence, saisie.saisie_par) == (17, False, regisseur)
    page = client.get(response["Location"]).content.decode()
    assert "Fréquentation enregistrée" in page and "1 saisie sur 3" in page


def test_avec_htmx_la_ligne_est_remplacee_avec_sa_confirmation(client, regisseur, journee):
    client.force_login(regisseur)
    soir = journee["soir"]
    response = client.post(_url_saisie(soir), _champs(soir, "12"), **HTMX)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment and f'id="ligne-{soir.pk}"' in fragment
    assert "Fréquentation enregistrée." in fragment and 'value="12"' in fragment
    assert Frequentation.objects.get(reservation=soir).effectif_reel == 12


def test_une_organisation_absente_est_enregistree_sans_personne(client, regisseur, journee):
    client.force_login(regisseur)
    matin = journee["matin"]
    client.post(_url_saisie(matin), _champs(matin, absence=True))
    saisie = Frequentation.objects.get(reservation=matin)
    assert (saisie.absence, saisie.effectif_reel) == (True, None)
    # Corrected the same day: the organisation came late after all.
    client.post(_url_saisie(matin), _champs(matin, "8"))
    saisie.refresh_from_db()
    assert (saisie.absence, saisie.effectif_reel) == (False, 8) and saisie.history.count() == 2


@pytest.mark.parametrize(
    ("effectif", "absence", "message"),
    [
        ("", False, "Indiquez le nombre de personnes présentes, ou cochez « Absente »."),
        ("5", True, "Une organisation absente n&#x27;a personne de présent"),
        ("-1", False, "supérieure ou égale à 0"),
        ("2001", False, "inférieure ou égale à 2000"),
        ("beaucoup", False, "Saisissez un nombre entier."),
    ],
)
def test_une_saisie_invalide_est_expliquee_en_francais_a_cote_de_la_ligne(
    client, regisseur, journee, effectif, absence, message
):
    client.force_login(regisseur)
    matin = journee["matin"]
    fragment = client.post(_url_saisie(matin), _champs(matin, effectif, absence), **HTMX)
    assert fragment.status_code == 200
    assert message in fragment.content.decode() and f'id="erreurs-{matin.pk}"' in fragment.content.decode()
    page = client.post(_url_saisie(matin), _champs(matin, effectif, absence))
    assert page.status_code == 200 and message in page.content.decode()
    assert not Frequentation.objects.exists()


def test_la_frequentation_se_saisit_une_fois_la_reservation_terminee(client, regisseur):
    a_venir = _reservation(SalleFactory(), datetime.date(2027, 2, 1), 18)
    client.force_login(regisseur)
    assert "n'est pas encore terminée" in client.get(_url_saisie(a_venir)).content.decode()
    response = client.post(_url_saisie(a_venir), _champs(a_venir, "10"))
    assert response.status_code == 200
    assert "La fréquentation se saisit une fois la réservation terminée." in response.content.decode()
    assert not Frequentation.objects.exists()
    aujourd_hui = client.get(reverse("linne:frequentation")).context["lignes"]
    assert aujourd_hui == []  # not ended yet: not in today's list


def test_une_reservation_annulee_ne_prend_pas_de_frequentation(client, regisseur, journee):
    client.force_login(regisseur)
    annulee = journee["annulee"]
    response = client.post(_url_saisie(annulee), _champs(annulee, "10"))
    assert "La fréquentation se saisit pour une réservation confirmée." in response.content.decode()
    assert not Frequentation.objects.exists()


def test_la_page_de_la_reservation_montre_la_frequentation_et_y_mene(client, regisseur, elu, journee):
    matin = journee["matin"]
    frequentation.enregistrer(matin, effectif_reel=14, par=regisseur)
    client.force_login(regisseur)
    page = client.get(matin.get_absolute_url()).content.decode()
    assert "14 personnes présentes" in page and _url_saisie(matin) in page and "Corriger la fréquentation" in page
    client.force_login(elu)
    page = client.get(matin.get_absolute_url()).content.decode()
    assert "14 personnes présentes" in page and _url_saisie(matin) not in page


def test_les_elus_et_les_partenaires_ne_saisissent_rien(client, elu, partenaire_caf, journee):
    matin = journee["matin"]
    for persona in (elu, partenaire_caf):
        client.force_login(persona)
        assert client.get(reverse("linne:frequentation")).status_code == 403
        assert client.get(_url_saisie(matin)).status_code == 403
        assert client.post(_url_saisie(matin), _champs(matin, "10")).status_code == 403
    assert not Frequentation.objects.exists()


def test_les_onglets_menent_a_la_frequentation_pour_le_service_et_aux_statistiques_pour_tous(client, regisseur, elu):
    client.force_login(regisseur)
    page = client.get(reverse("linne:reservation_liste")).content.decode()
    assert reverse("linne:frequentation") in page and reverse("linne:statistiques") in page
    client.force_login(elu)
    page = client.get(reverse("linne:reservation_liste")).content.decode()
    assert reverse("linne:frequentation") not in page and reverse("linne:statistiques") in page


# --- The statistics -----------------------------------------------------------------------------------


@pytest.fixture
def annee_2026(regisseur):
    """2026: two rooms; a QPV association came twice (4 h, 10 and 20 people), another one no-show (2 h)."""
    verte, bleue = SalleFactory(nom="Salle Verte"), SalleFactory(nom="Salle Bleue")
    qpv = OrganisationFactory(nom="Amis du Pile", association=True, quartier_prioritaire=True)
    r1 = _reservation(verte, datetime.date(2026, 3, 2), 10, duree=4, organisation=qpv)
    r2 = _reservation(verte, datetime.date(2026, 3, 9), 10, duree=4, organisation=qpv)
    r3 = _reservation(bleue, datetime.date(2026, 10, 5), 14, type_activite=TypeActivite.FESTIF)
    frequentation.enregistrer(r1, effectif_reel=10, par=regisseur)
    frequentation.enregistrer(r2, effectif_reel=20, par=regisseur)
    frequentation.enregistrer(r3, absence=True, par=regisseur)
    return verte, bleue


def test_les_statistiques_se_lisent_par_le_service_et_les_elus(client, regisseur, elu, partenaire_caf, annee_2026):
    attendues = statistiques.de_l_annee(2026)
    for persona in (regisseur, elu):
        client.force_login(persona)
        response = client.get(reverse("linne:statistiques"), {"annee": 2026})
        assert response.status_code == 200
        stats = response.context["stats"]
        assert (stats.total.presents, stats.total.reservations, stats.total.absences) == (30, 3, 1)
        assert stats.total == attendues.total and stats.heures_par_type == attendues.heures_par_type
        page = response.content.decode()
        assert 'id="table-occupation"' in page and "<svg" in page
        assert "66,7\u00a0%" in page  # the QPV share: 2 bookings of 3
        assert "Réunion, assemblée" in page and "Salle Bleue" in page
    client.force_login(partenaire_caf)
    assert client.get(reverse("linne:statistiques")).status_code == 403
    assert client.get(reverse("linne:statistiques_export")).status_code == 403


def test_les_statistiques_d_une_salle(client, elu, annee_2026):
    verte, _ = annee_2026
    client.force_login(elu)
    response = client.get(reverse("linne:statistiques"), {"annee": 2026, "salle": verte.pk})
    stats = response.context["stats"]
    assert [ligne.salle for ligne in stats.salles] == [verte]
    assert (stats.total.reservations, stats.total.heures_reservees) == (2, Decimal("8.00"))
    assert f"salle={verte.pk}" in response.content.decode()  # the export keeps the room


def test_une_annee_illisible_montre_cette_annee(client, elu):
    client.force_login(elu)
    response = client.get(reverse("linne:statistiques"), {"annee": "deux mille"})
    assert response.status_code == 200 and response.context["stats"].annee == 2027
    assert "L&#x27;année demandée n&#x27;a pas pu être lue" in response.content.decode()


def _feuilles(contenu):
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        classeur = archive.read("xl/workbook.xml").decode()
        chaines = archive.read("xl/sharedStrings.xml").decode()
        return classeur, chaines, archive.read("xl/worksheets/sheet2.xml").decode()


def test_l_export_xlsx_reprend_les_tableaux_de_la_page(client, elu, annee_2026):
    client.force_login(elu)
    response = client.get(reverse("linne:statistiques_export"), {"annee": 2026})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "statistiques-linne-2026.xlsx" in response["Content-Disposition"]
    classeur, chaines, par_salle = _feuilles(response.content)
    for nom in ("Par salle et par mois", "Par salle", "Par mois", "Organisations", "Par type d&apos;activité"):
        assert nom.replace("&apos;", "'") in classeur.replace("&apos;", "'")
    assert "Salle Verte" in chaines and "Total" in chaines and "Personnes présentes" in chaines
    assert "<v>30</v>" in par_salle  # the people present of the year, on the total row
