"""The régisseurs' rota's pages (linne.views_planning): the week with its uncovered hours in words, a
shift's and a template shift's forms, the copy of the template week, who may use them (the service; the
élus and the partners 403), the régisseur's home block and the shifts in the personal calendar feed."""

import datetime

import pytest
from django.urls import reverse

from comptes import flux_calendrier
from linne import planning
from linne.models import Creneau, CreneauType

from ..factories import (
    CreneauFactory,
    CreneauTypeFactory,
    DemandeReservationFactory,
    ReservationFactory,
    SalleFactory,
    UserFactory,
    moment,
)

pytestmark = pytest.mark.django_db

LUNDI = datetime.date(2027, 1, 11)
MERCREDI = LUNDI + datetime.timedelta(days=2)


@pytest.fixture(autouse=True)
def _lundi(time_machine):
    time_machine.move_to(moment(LUNDI, 7), tick=False)


def _semaine(client, jour=LUNDI, **entetes):
    return client.get(reverse("linne:planning"), {"semaine": jour.isoformat()}, **entetes)


def test_the_week_shows_shifts_bookings_and_uncovered_hours_in_words(client, regisseur):
    SalleFactory(nom="Salle Alma")
    regisseur.first_name, regisseur.last_name = "Karim", "Dupont"
    regisseur.save()
    CreneauFactory(regisseur=regisseur, debut=moment(LUNDI, 8), fin=moment(LUNDI, 22))
    ReservationFactory(
        salle=SalleFactory(nom="Grande salle"),
        objet="Grand loto",
        debut=moment(LUNDI, 18),
        fin=moment(LUNDI, 20),
        effectif_prevu=80,
    )
    client.force_login(regisseur)
    response = _semaine(client, MERCREDI)  # any day of the week shows its Monday
    page = response.content.decode()
    assert response.context["lundi"] == LUNDI
    assert "Karim Dupont" in page and "08:00–22:00" in page
    assert "Grand loto" in page
    assert "Non couvert 17:45–20:15" in page and "1 régisseur présent sur 2 requis" in page
    assert "Non couvert 08:00–22:00" in page  # Tuesday: nobody
    assert f"?semaine={LUNDI + datetime.timedelta(days=7):%Y-%m-%d}" in page


def test_the_week_swaps_alone_for_htmx(client, regisseur):
    client.force_login(regisseur)
    response = _semaine(client, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith("{#") or page.lstrip().startswith('<div id="planning">')
    assert "<html" not in page


def test_an_unreadable_week_falls_back_to_this_week(client, regisseur):
    client.force_login(regisseur)
    response = client.get(reverse("linne:planning"), {"semaine": "n'importe quoi"})
    assert response.context["lundi"] == LUNDI and "pas pu être lue" in response.content.decode()


@pytest.mark.parametrize("persona", ["elu", "partenaire_caf"])
def test_the_elus_and_the_partners_never_read_the_rota(client, persona, request):
    creneau = CreneauFactory()
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("linne:planning"),
        reverse("linne:semaine_type"),
        reverse("linne:creneau_creer"),
        reverse("linne:creneau_modifier", args=[creneau.pk]),
        reverse("linne:planning_copier"),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("linne:creneau_supprimer", args=[creneau.pk])).status_code == 403
    assert Creneau.objects.exists()


def test_the_menu_offers_the_rota_to_the_service_only(client, regisseur, elu):
    client.force_login(regisseur)
    assert "Planning des régisseurs" in client.get(reverse("linne:semaine")).content.decode()
    client.force_login(elu)
    assert "Planning des régisseurs" not in client.get(reverse("linne:semaine")).content.decode()


def test_a_shift_is_created_from_the_form(client, responsable, regisseur):
    client.force_login(responsable)
    donnees = {"regisseur": regisseur.pk, "date": "2027-01-13", "heure_debut": "15:00", "heure_fin": "00:00"}
    response = client.post(reverse("linne:creneau_creer"), donnees)
    assert response.status_code == 302 and response.url.endswith("?semaine=2027-01-11")
    creneau = Creneau.objects.get()
    assert (creneau.debut, creneau.fin) == (moment(MERCREDI, 15), moment(MERCREDI + datetime.timedelta(days=1), 0))
    assert creneau.history.get().history_user == responsable


def test_an_overlapping_shift_is_refused_on_the_form(client, regisseur):
    CreneauFactory(regisseur=regisseur, debut=moment(MERCREDI, 8), fin=moment(MERCREDI, 15))
    client.force_login(regisseur)
    donnees = {"regisseur": regisseur.pk, "date": "2027-01-13", "heure_debut": "14:00", "heure_fin": "18:00"}
    response = client.post(reverse("linne:creneau_creer"), donnees)
    assert response.status_code == 200
    assert "chevauche" in response.content.decode()
    assert Creneau.objects.count() == 1


def test_a_non_regisseur_is_not_offered(client, regisseur, agent):
    client.force_login(regisseur)
    response = client.get(reverse("linne:creneau_creer"))
    choix = list(response.context["form"].fields["regisseur"].queryset)
    assert regisseur in choix and agent not in choix


def test_a_shift_is_edited_then_deleted(client, regisseur):
    creneau = CreneauFactory(regisseur=regisseur, debut=moment(MERCREDI, 8), fin=moment(MERCREDI, 15))
    client.force_login(regisseur)
    url = reverse("linne:creneau_modifier", args=[creneau.pk])
    assert client.get(url).context["form"].initial["heure_debut"] == datetime.time(8)
    donnees = {
        "regisseur": regisseur.pk,
        "date": "2027-01-13",
        "heure_debut": "09:00",
        "heure_fin": "15:00",
        "note": "Ouverture",
    }
    assert client.post(url, donnees).status_code == 302
    creneau.refresh_from_db()
    assert creneau.debut == moment(MERCREDI, 9) and creneau.note == "Ouverture"
    assert client.post(reverse("linne:creneau_supprimer", args=[creneau.pk])).status_code == 302
    assert not Creneau.objects.exists()


def test_the_template_week_page_and_its_forms(client, regisseur):
    client.force_login(regisseur)
    url = reverse("linne:creneau_type_creer")
    donnees = {"regisseur": regisseur.pk, "jour_semaine": 2, "heure_debut": "15:00", "heure_fin": "22:00"}
    assert client.post(url, donnees).status_code == 302
    # The same régisseur twice at once on a weekday: refused next to the field.
    response = client.post(url, donnees | {"heure_debut": "20:00", "heure_fin": "22:30"})
    assert response.status_code == 200 and "chevauche" in response.content.decode()
    creneau_type = CreneauType.objects.get()
    page = client.get(reverse("linne:semaine_type")).content.decode()
    assert "Mercredi" in page and "15:00–22:00" in page
    modifier = reverse("linne:creneau_type_modifier", args=[creneau_type.pk])
    assert client.post(modifier, donnees | {"heure_fin": "21:00"}).status_code == 302
    creneau_type.refresh_from_db()
    assert creneau_type.heure_fin == datetime.time(21)
    assert client.post(reverse("linne:creneau_type_supprimer", args=[creneau_type.pk])).status_code == 302
    assert not CreneauType.objects.exists()


def test_the_copy_reports_the_skipped_shifts(client, regisseur):
    CreneauTypeFactory(regisseur=regisseur, jour_semaine=0, heure_debut=datetime.time(8), heure_fin=datetime.time(15))
    CreneauTypeFactory(regisseur=regisseur, jour_semaine=2, heure_debut=datetime.time(15), heure_fin=datetime.time(22))
    CreneauFactory(regisseur=regisseur, debut=moment(MERCREDI, 18), fin=moment(MERCREDI, 20))
    client.force_login(regisseur)
    response = client.post(reverse("linne:planning_copier"), {"semaine": "2027-01-13"}, follow=True)
    page = response.content.decode()
    assert "1 créneau créé" in page
    assert "1 créneau non copié" in page and "13/01/2027 15:00–22:00" in page
    assert Creneau.objects.count() == 2


def test_the_regisseur_home_shows_their_shifts_todays_bookings_and_the_requests(client, regisseur):
    autre = UserFactory(regisseur=True)
    CreneauFactory(regisseur=regisseur, debut=moment(LUNDI, 8), fin=moment(LUNDI, 15), note="Ouverture du site")
    CreneauFactory(
        regisseur=regisseur,
        debut=moment(LUNDI + datetime.timedelta(days=8), 8),
        fin=moment(LUNDI + datetime.timedelta(days=8), 15),
    )
    CreneauFactory(regisseur=autre, debut=moment(MERCREDI, 15), fin=moment(MERCREDI, 22), note="Pas le mien")
    ReservationFactory(
        salle=SalleFactory(nom="Atelier"), objet="Atelier couture", debut=moment(LUNDI, 14), fin=moment(LUNDI, 16)
    )
    DemandeReservationFactory(nom_organisation="Les Jardins du Pile")
    client.force_login(regisseur)
    page = client.get(reverse("accueil")).content.decode()
    assert "Mes créneaux des 7 prochains jours" in page
    assert "Ouverture du site" in page and "Pas le mien" not in page
    assert "Atelier couture" in page and "Installation dès 13:45, rangement jusqu'à 16:15" in page
    assert "Les Jardins du Pile" in page and reverse("linne:demandes") in page


def test_the_home_of_the_team_has_no_rota_block(client, agent):
    client.force_login(agent)
    assert "Mes créneaux" not in client.get(reverse("accueil")).content.decode()


def test_the_personal_feed_carries_the_shifts(client, regisseur, responsable):
    autre = UserFactory(regisseur=True)
    mien = CreneauFactory(regisseur=regisseur, debut=moment(MERCREDI, 8), fin=moment(MERCREDI, 15))
    sien = CreneauFactory(regisseur=autre, debut=moment(MERCREDI, 15), fin=moment(MERCREDI, 22))
    feed = client.get(
        reverse("pilotage:calendrier_ics", kwargs={"jeton": flux_calendrier.regenerer(user=regisseur).jeton})
    )
    texte = feed.content.decode()
    assert f"linne-creneau-{mien.pk}@" in texte and f"linne-creneau-{sien.pk}@" not in texte
    feed = client.get(
        reverse("pilotage:calendrier_ics", kwargs={"jeton": flux_calendrier.regenerer(user=responsable).jeton})
    )
    texte = feed.content.decode()
    assert f"linne-creneau-{mien.pk}@" in texte and f"linne-creneau-{sien.pk}@" in texte


def test_the_week_url_of_a_day():
    assert planning.url_semaine(MERCREDI) == f"{reverse('linne:planning')}?semaine=2027-01-11"
