"""Espace Linné's series through their pages, the date pinned: the preview that shows the date in conflict,
the series saved with its impossible dates skipped, and cancelling or moving one booking, it and the
following ones, or the whole series (« portée »), each in one transaction."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from linne.models import DateIgnoree, Reservation, Serie, TypeActivite
from tests.factories import OrganisationFactory, ReservationFactory, SalleFactory, SerieFactory, moment

JOUR = datetime.datetime(2027, 1, 4, 10, 0)  # a Monday
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]

S = Reservation.Statut
LUNDIS = [datetime.date(2027, 1, 11), datetime.date(2027, 1, 18), datetime.date(2027, 1, 25), datetime.date(2027, 2, 1)]


def texte(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def salle():
    return SalleFactory(nom="Salle des fêtes", capacite=40)


@pytest.fixture
def asso():
    return OrganisationFactory(nom="Les Amis du Pile", association=True)


def regle(salle, asso, **autres):
    return {
        "salle": salle.pk,
        "organisation": asso.pk,
        "objet": "Chorale",
        "type_activite": TypeActivite.ACTIVITE_REGULIERE,
        "effectif_prevu": "20",
        "jours": ["0"],
        "intervalle_semaines": "1",
        "date_debut": "2027-01-11",
        "date_fin": "2027-02-01",
        "heure_debut": "18:00",
        "heure_fin": "20:00",
        "contact_nom": "Mme Chantre",
        "contact_email": "chantre@example.org",
        **autres,
    }


# --- The preview, then the series saved --------------------------------------------------------------


def test_l_apercu_montre_la_date_en_conflit_puis_la_serie_s_enregistre_en_l_ecartant(client, regisseur, salle, asso):
    ReservationFactory(salle=salle, debut=moment(LUNDIS[1], 18, 30), organisation=OrganisationFactory(nom="Judo club"))
    client.force_login(regisseur)
    url = reverse("linne:serie_creer")
    page = texte(client.get(url))
    assert 'value="apercu"' in page and "Enregistrer la série" not in page

    response = client.post(url, {**regle(salle, asso), "action": "apercu"})
    page = texte(response)
    assert response.status_code == 200 and not response.context["form"].errors
    assert [d.possible for d in response.context["apercu"]] == [True, False, True, True]
    assert "Aperçu : 4 dates" in page and "1 date ne peut pas être réservée." in page
    assert "Conflit avec la réservation confirmée de Judo club le 18/01/2027" in page
    assert "Écarter les dates impossibles" in page and "Enregistrer la série" in page
    assert not Serie.objects.exists()

    # Saved without skipping it: refused, with the date and its reason, nothing written.
    response = client.post(url, {**regle(salle, asso), "action": "enregistrer"})
    assert "Le 18/01/2027 ne peut pas être réservé : Conflit avec la réservation confirmée" in texte(response)
    assert response.context["apercu"] and not Serie.objects.exists() and Reservation.objects.count() == 1

    response = client.post(url, {**regle(salle, asso), "action": "enregistrer", "ecarter_impossibles": "on"})
    serie = Serie.objects.get()
    assert response["Location"] == serie.get_absolute_url()
    assert sorted(timezone.localtime(r.debut).date() for r in serie.reservations.all()) == [
        LUNDIS[0],
        LUNDIS[2],
        LUNDIS[3],
    ]
    assert serie.reservations.filter(statut=S.CONFIRMEE).count() == 3
    ecartee = DateIgnoree.objects.get(serie=serie)
    assert ecartee.date == LUNDIS[1] and "Conflit avec la réservation confirmée de Judo club" in ecartee.motif
    page = texte(client.get(serie.get_absolute_url()))
    assert "Série enregistrée : 3 réservations, 1 date écartée." in page
    assert "le lundi chaque semaine, 18:00–20:00, du 11/01/2027 au 01/02/2027" in page
    assert "lundi 18/01/2027" in page and "Mme Chantre" in page and "Annuler la série" in page


@pytest.mark.parametrize(
    ("changement", "champ", "message"),
    [
        ({"heure_fin": "17:00"}, "heure_fin", "La réservation doit finir après son début."),
        ({"date_fin": "2027-01-01"}, "date_fin", "La série doit finir après son début."),
        ({"jours": []}, "jours", "Cochez au moins un jour de la semaine."),
        (
            {"intervalle_semaines": "9"},
            "intervalle_semaines",
            "Assurez-vous que cette valeur est inférieure ou égale à 8.",
        ),
    ],
)
def test_une_regle_impossible_est_refusee_a_cote_du_champ(client, regisseur, salle, asso, changement, champ, message):
    client.force_login(regisseur)
    response = client.post(reverse("linne:serie_creer"), {**regle(salle, asso), **changement, "action": "apercu"})
    assert response.context["form"].errors[champ] == [message]
    assert message in texte(response)


def test_une_regle_sans_date_ou_trop_longue_est_expliquee(client, regisseur, salle, asso):
    client.force_login(regisseur)
    url = reverse("linne:serie_creer")
    response = client.post(url, {**regle(salle, asso), "jours": ["2"], "date_fin": "2027-01-11", "action": "apercu"})
    assert "Aucune date ne correspond à cette règle entre ces deux dates." in texte(response)
    jours = [str(j) for j in range(7)]
    response = client.post(url, {**regle(salle, asso), "jours": jours, "date_fin": "2028-06-30", "action": "apercu"})
    assert "une série en compte 366 au plus" in texte(response)
    assert not Serie.objects.exists()


def test_sans_bouton_le_formulaire_enregistre_la_serie(client, regisseur, salle, asso):
    client.force_login(regisseur)
    response = client.post(reverse("linne:serie_creer"), regle(salle, asso))
    serie = Serie.objects.get()
    assert response["Location"] == serie.get_absolute_url() and serie.reservations.count() == 4


def test_un_elu_lit_la_serie_sans_son_contact_ni_ses_boutons(client, elu):
    serie = SerieFactory(contact_nom="Mme Chantre")
    client.force_login(elu)
    page = texte(client.get(serie.get_absolute_url()))
    assert serie.objet in page and "lundi 11/01/2027" in page
    assert "Mme Chantre" not in page and "Annuler la série" not in page and "Déplacer la série" not in page


# --- Cancel and move one booking, the following ones or the whole series ----------------------------------


def _statuts(serie):
    return [r.statut for r in serie.reservations.order_by("debut")]


def _heures(serie):
    return [f"{timezone.localtime(r.debut):%d/%m %H:%M}" for r in serie.reservations.order_by("debut")]


A, C = S.ANNULEE, S.CONFIRMEE


@pytest.mark.parametrize(
    ("portee", "attendus", "message"),
    [
        ("une", [C, A, C, C], "Réservation annulée."),
        ("suivantes", [C, A, A, A], "3 réservations annulées."),
        ("toutes", [A, A, A, A], "4 réservations annulées."),
    ],
)
def test_annuler_une_reservation_de_serie_selon_sa_portee(client, regisseur, portee, attendus, message):
    serie = SerieFactory()
    deuxieme = serie.reservations.order_by("debut")[1]
    client.force_login(regisseur)
    url = reverse("linne:reservation_annuler", args=[deuxieme.pk])
    assert "Toute la série" in texte(client.get(url))
    response = client.post(url, {"portee": portee, "motif": "  "})
    assert response.context["form"].errors["motif"] == ["Indiquez le motif de l'annulation."]
    assert _statuts(serie) == [C, C, C, C]
    response = client.post(url, {"portee": portee, "motif": "Chorale dissoute"}, follow=True)
    assert message in texte(response)
    assert _statuts(serie) == attendus
    assert all(r.motif == "Chorale dissoute" for r in serie.reservations.filter(statut=A))
    assert deuxieme.history.first().history_change_reason == "Annuler — Chorale dissoute"


def test_une_reservation_hors_serie_s_annule_sans_portee(client, regisseur):
    reservation = ReservationFactory()
    client.force_login(regisseur)
    url = reverse("linne:reservation_annuler", args=[reservation.pk])
    assert "portee" not in client.get(url).context["form"].fields
    client.post(url, {"motif": "Report"})
    reservation.refresh_from_db()
    assert reservation.statut == A and reservation.motif == "Report"
    response = client.get(url, follow=True)  # already cancelled: said, and back to its page
    assert "Cette réservation est annulée : elle ne peut plus être annulée." in texte(response)


@pytest.mark.parametrize(
    ("portee", "attendues"),
    [
        ("une", ["11/01 18:00", "18/01 14:00", "25/01 18:00", "01/02 18:00"]),
        ("suivantes", ["11/01 18:00", "18/01 14:00", "25/01 14:00", "01/02 14:00"]),
        ("toutes", ["11/01 14:00", "18/01 14:00", "25/01 14:00", "01/02 14:00"]),
    ],
)
def test_deplacer_une_reservation_de_serie_selon_sa_portee(client, regisseur, portee, attendues):
    serie = SerieFactory()
    deuxieme = serie.reservations.order_by("debut")[1]
    client.force_login(regisseur)
    url = reverse("linne:reservation_deplacer", args=[deuxieme.pk])
    donnees = {"portee": portee, "salle": serie.salle_id, "date": "2027-01-18", "heure_debut": "14:00"}
    response = client.post(url, {**donnees, "heure_fin": "16:00"})
    assert response.status_code == 302
    assert _heures(serie) == attendues
    serie.refresh_from_db()
    assert serie.heure_debut == (datetime.time(14) if portee == "toutes" else datetime.time(18))


def test_un_deplacement_impossible_est_refuse_et_rien_ne_bouge(client, regisseur):
    serie = SerieFactory()
    premiere = serie.reservations.order_by("debut").first()
    client.force_login(regisseur)
    url = reverse("linne:reservation_deplacer", args=[premiere.pk])
    donnees = {"portee": "toutes", "salle": serie.salle_id, "heure_debut": "18:00", "heure_fin": "20:00"}
    response = client.post(url, {**donnees, "date": "2027-01-17"})  # Sundays: closed
    page = texte(response)
    assert "Le 11/01/2027 ne peut pas être déplacé" in page and "est fermée le dimanche" in page
    assert _heures(serie) == ["11/01 18:00", "18/01 18:00", "25/01 18:00", "01/02 18:00"]
    response = client.post(url, {**donnees, "date": "2027-01-11", "heure_debut": "20:00"})
    assert response.context["form"].errors["heure_fin"] == ["La réservation doit finir après son début."]


def test_la_page_de_la_serie_annule_les_suivantes_et_deplace_toute_la_serie(client, regisseur):
    serie = SerieFactory()
    occurrences = list(serie.reservations.order_by("debut"))
    autre_salle = SalleFactory(nom="Petite salle")
    client.force_login(regisseur)
    url = reverse("linne:serie_annuler", args=[serie.pk])
    response = client.post(url, {"portee": "suivantes", "a_partir_de": occurrences[2].pk, "motif": "Fin de saison"})
    assert response["Location"] == serie.get_absolute_url()
    assert _statuts(serie) == [C, C, A, A]

    url = reverse("linne:serie_deplacer", args=[serie.pk])
    formulaire = client.get(url).context["form"]
    assert [o.pk for o in formulaire.fields["a_partir_de"].queryset] == [occurrences[0].pk, occurrences[1].pk]
    donnees = {
        "portee": "toutes",
        "a_partir_de": occurrences[0].pk,
        "salle": autre_salle.pk,
        "date": "2027-01-12",  # to Tuesdays
        "heure_debut": "10:00",
        "heure_fin": "12:00",
        "motif": "Travaux",
    }
    response = client.post(url, donnees, follow=True)
    assert "2 réservations déplacées dans la série." in texte(response)
    assert _heures(serie) == ["12/01 10:00", "19/01 10:00", "25/01 18:00", "01/02 18:00"]
    serie.refresh_from_db()
    assert serie.salle == autre_salle and serie.heure_debut == datetime.time(10)
    assert occurrences[0].history.first().history_change_reason == "Réservation déplacée — Travaux"


def test_la_serie_annulee_toute_entiere_n_offre_plus_ses_actions(client, regisseur):
    serie = SerieFactory()
    client.force_login(regisseur)
    url = reverse("linne:serie_annuler", args=[serie.pk])
    client.post(url, {"portee": "toutes", "motif": "Association dissoute"})
    assert _statuts(serie) == [A, A, A, A]
    page = texte(client.get(serie.get_absolute_url()))
    assert "Annuler la série" not in page and "dont 0 active" in page
    response = client.post(url, {"portee": "toutes", "motif": "Encore"})
    assert "Cette série n'a plus de réservation à annuler." in texte(response)
