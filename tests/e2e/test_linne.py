"""Espace Linné in a browser: a régisseur creates a weekly series whose preview shows one date in conflict
with an existing booking, skips it, and finds the other dates on the room's week view; an association
asks for a room on the public page and the régisseur confirms it; a régisseur records a day's attendance on a
tablet."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from comptes.models import Role
from linne.models import DateIgnoree, DemandeReservation, Reservation, Serie

from ..factories import OrganisationFactory, ReservationFactory, SalleFactory, UserFactory, moment
from .outils import connexion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _mercredi_dans(semaines):
    """A Wednesday at least a week ahead, away from the end-of-year days."""
    jour = timezone.localdate() + datetime.timedelta(weeks=semaines)
    return jour + datetime.timedelta(days=(2 - jour.weekday()) % 7)


def test_a_regisseur_skips_the_date_in_conflict_of_a_weekly_series_and_finds_the_rest_on_the_week_view(
    live_server, page, browser_problems
):
    regisseur = UserFactory(role=Role.REGISSEUR, first_name="Karim")
    salle = SalleFactory(nom="Salle Méliès", capacite=40)
    OrganisationFactory(nom="Atelier Couture du Pile", association=True)
    premier = _mercredi_dans(1)
    en_conflit = premier + datetime.timedelta(weeks=1)
    ReservationFactory(
        salle=salle,
        organisation=OrganisationFactory(nom="Chorale Cantabile", association=True),
        debut=moment(en_conflit, 15),
        fin=moment(en_conflit, 17),
    )

    connexion(page, regisseur.username, "Karim")
    page.goto("/linne/series/nouvelle/")
    expect(page.get_by_role("heading", name="Nouvelle série de réservations")).to_be_visible()
    page.locator("[name=salle]").select_option(label="Salle Méliès")
    page.locator("[name=organisation]").select_option(label="Atelier Couture du Pile")
    page.locator("[name=objet]").fill("Atelier couture hebdomadaire")
    page.locator("[name=type_activite]").select_option("activite_reguliere")
    page.locator("[name=effectif_prevu]").fill("12")
    page.get_by_label("Mercredi").check()
    page.locator("[name=date_debut]").fill(premier.isoformat())
    page.locator("[name=date_fin]").fill((premier + datetime.timedelta(weeks=3)).isoformat())
    page.locator("[name=heure_debut]").fill("14:00")
    page.locator("[name=heure_fin]").fill("16:00")
    page.locator("[name=contact_nom]").fill("Mme Durand")
    page.locator("[name=contact_email]").fill("durand@couture.example")
    page.get_by_role("button", name="Aperçu").click()

    # The preview: four dates, the second in conflict with the choir's booking, with its reason.
    expect(page.get_by_role("heading", name="Aperçu : 4 dates")).to_be_visible()
    impossible = page.locator("tr.date-impossible")
    expect(impossible).to_have_count(1)
    expect(impossible).to_contain_text(en_conflit.strftime("%d/%m/%Y"))
    expect(impossible).to_contain_text("Chorale Cantabile")
    assert not Serie.objects.exists()
    page.get_by_label("Écarter les dates impossibles").check()
    page.get_by_role("button", name="Enregistrer la série").click()

    # The series' page: three bookings, the skipped date kept with its reason.
    expect(page.get_by_text("Atelier couture hebdomadaire").first).to_be_visible()
    serie = Serie.objects.get()
    assert serie.reservations.filter(statut=Reservation.Statut.CONFIRMEE).count() == 3
    assert DateIgnoree.objects.get(serie=serie).date == en_conflit
    expect(page.get_by_text(en_conflit.strftime("%d/%m/%Y")).first).to_be_visible()

    # The week view of the room: the series' booking on the first Wednesday; the choir's on the second.
    page.goto(f"/linne/semaine/?salle={salle.pk}&semaine={premier.isoformat()}")
    calendrier = page.locator("table").first
    expect(calendrier).to_contain_text("Atelier Couture du Pile")
    page.goto(f"/linne/semaine/?salle={salle.pk}&semaine={en_conflit.isoformat()}")
    expect(page.locator("table").first).to_contain_text("Chorale Cantabile")
    expect(page.locator("table").first).not_to_contain_text("Atelier Couture du Pile")


def test_an_association_asks_for_a_room_on_the_public_page_and_the_regisseur_confirms_it(
    live_server, page, browser_problems, tmp_path
):
    regisseur = UserFactory(role=Role.REGISSEUR, first_name="Karim")
    SalleFactory(nom="Salle Méliès", capacite=40)
    jour = _mercredi_dans(2)
    attestation = tmp_path / "attestation.pdf"
    attestation.write_bytes(PDF)

    page.goto("/linne/demande/")
    page.get_by_label("Une fois").check()
    page.locator("[name=nom_organisation]").fill("Les Jardins du Pile")
    page.locator("[name=rna]").fill("W595012345")
    page.locator("[name=contact_nom]").fill("Mme Leroy")
    page.locator("[name=contact_email]").fill("leroy@jardins.example")
    page.locator("[name=objet]").fill("Assemblée générale")
    page.locator("[name=effectif_prevu]").fill("25")
    page.locator("[name=salle]").select_option(label="Salle Méliès")
    page.locator("[name=date]").fill(jour.isoformat())
    page.locator("[name=heure_debut]").fill("18:00")
    page.locator("[name=heure_fin]").fill("20:00")
    page.locator("input[type=file]").set_input_files(str(attestation))
    page.locator("[name=assurance_valide_jusqu_au]").fill((jour + datetime.timedelta(days=200)).isoformat())
    page.get_by_label("J'ai lu le règlement intérieur").check()
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text("Merci").first).to_be_visible()
    demande = DemandeReservation.objects.get()
    assert [m.to for m in mail.outbox] == [["leroy@jardins.example"]]

    connexion(page, regisseur.username, "Karim")
    page.goto("/linne/demandes/")
    page.get_by_role("link", name="Les Jardins du Pile").first.click()
    page.get_by_role("link", name="Accepter").click()
    page.get_by_role("button", name="Accepter et confirmer la réservation").click()
    expect(page.get_by_text("Traitée").first).to_be_visible()
    reservation = Reservation.objects.get(demande=demande)
    assert reservation.statut == Reservation.Statut.CONFIRMEE
    assert reservation.organisation.nom == "Les Jardins du Pile"
    assert timezone.localtime(reservation.debut).date() == jour


def test_a_regisseur_records_yesterdays_attendance_on_a_tablet(live_server, page, browser_problems):
    """The day's list, on a tablet's screen: one row filled in with the people present, another marked as a
    no-show, each saved in place (htmx) without leaving the page."""
    from linne.models import Frequentation

    regisseur = UserFactory(role=Role.REGISSEUR, first_name="Nadia")
    hier = timezone.localdate() - datetime.timedelta(days=1)
    venue = ReservationFactory(
        salle=SalleFactory(nom="Salle Linné 1"),
        organisation=OrganisationFactory(nom="Club de lecture de l'Alma", association=True),
        debut=moment(hier, 10),
        fin=moment(hier, 12),
        effectif_prevu=20,
    )
    absente = ReservationFactory(
        salle=SalleFactory(nom="Salle Linné 2"),
        organisation=OrganisationFactory(nom="Danse du Pile", association=True),
        debut=moment(hier, 14),
        fin=moment(hier, 16),
    )

    page.set_viewport_size({"width": 820, "height": 1180})
    connexion(page, regisseur.username, "Nadia")
    page.goto(f"/linne/frequentation/?jour={hier.isoformat()}")
    ligne = page.locator(f"#ligne-{venue.pk}")
    ligne.get_by_placeholder("Présents").fill("17")
    ligne.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(f"#ligne-{venue.pk}")).to_contain_text("saisie : 17 présents")
    autre = page.locator(f"#ligne-{absente.pk}")
    autre.get_by_label("Absente").check()
    autre.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(f"#ligne-{absente.pk}")).to_contain_text("saisie : absente")
    assert page.url.endswith(f"?jour={hier.isoformat()}")  # saved in place, the page was not left

    saisies = {f.reservation_id: (f.effectif_reel, f.absence) for f in Frequentation.objects.all()}
    assert saisies == {venue.pk: (17, False), absente.pk: (None, True)}
