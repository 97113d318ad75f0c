"""The attendance of past bookings and the snapshot the statistics read (linne.frequentation), and the
year's statistics per room and month (linne.statistiques); the date pinned."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from linne import frequentation, statistiques
from linne.models import Categorie, Fermeture, Frequentation, Reservation, TypeActivite
from linne.retention import ANONYME, purger

from ..factories import FermetureFactory, OrganisationFactory, ReservationFactory, SalleFactory, UserFactory, moment

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2027, 2, 1, 12, 0))]
D = Decimal


@pytest.fixture
def regisseur():
    return UserFactory(role="regisseur")


def _reservation(salle, jour, heure, duree=2, **champs):
    debut = moment(jour, heure)
    return ReservationFactory(salle=salle, debut=debut, fin=debut + datetime.timedelta(hours=duree), **champs)


def test_the_snapshot_is_taken_once_for_each_ended_confirmed_booking():
    salle = SalleFactory()
    passee = _reservation(salle, datetime.date(2027, 1, 11), 10)
    _reservation(salle, datetime.date(2027, 1, 12), 10, statut=Reservation.Statut.ANNULEE, motif="Annulée")
    _reservation(salle, datetime.date(2027, 3, 1), 10)  # to come
    assert frequentation.figer_passees() == 1
    assert frequentation.figer_passees() == 0
    instantane = Frequentation.objects.get()
    assert (instantane.reservation, instantane.duree_heures, instantane.date) == (
        passee,
        D("2.00"),
        datetime.date(2027, 1, 11),
    )
    assert instantane.organisation_nom == passee.organisation.nom


def test_attendance_is_recorded_after_the_booking_only(regisseur):
    salle = SalleFactory()
    passee = _reservation(salle, datetime.date(2027, 1, 11), 10)
    a_venir = _reservation(salle, datetime.date(2027, 3, 1), 10)
    with pytest.raises(ValidationError, match="une fois la réservation terminée"):
        frequentation.enregistrer(a_venir, effectif_reel=10, par=regisseur)
    with pytest.raises(ValidationError):
        frequentation.enregistrer(passee, par=regisseur)  # neither a count nor a no-show
    saisie = frequentation.enregistrer(passee, effectif_reel=18, par=regisseur)
    assert (saisie.effectif_reel, saisie.saisie_par, saisie.saisie) == (18, regisseur, True)
    absente = frequentation.enregistrer(passee, effectif_reel=18, absence=True, par=regisseur)
    assert (absente.pk, absente.effectif_reel, absente.absence) == (saisie.pk, None, True)
    assert absente.history.count() == 2


def test_the_statistics_survive_the_erasure_of_the_contacts(regisseur):
    salle = SalleFactory()
    reservation = _reservation(salle, datetime.date(2026, 1, 12), 10)
    frequentation.enregistrer(reservation, effectif_reel=12, par=regisseur)
    avant = statistiques.de_l_annee(2026)
    purger(datetime.date(2027, 2, 1))
    reservation.refresh_from_db()
    assert reservation.contact_nom == ANONYME
    apres = statistiques.de_l_annee(2026)
    assert (apres.total.presents, apres.organisations_accueillies) == (avant.total.presents, 1) == (12, 1)


def test_occupancy_is_booked_hours_over_opening_hours_less_the_closures(regisseur):
    # January 2027: Monday to Saturday 8–22 (14 h), 26 such days; the site closed until 1 January (a
    # Friday), a room closure on Saturday 2: 24 open days for that room, 336 hours.
    salle = SalleFactory()
    FermetureFactory(debut=datetime.date(2026, 12, 24), fin=datetime.date(2027, 1, 1))
    FermetureFactory(
        salle=salle, debut=datetime.date(2027, 1, 2), fin=datetime.date(2027, 1, 2), motif=Fermeture.Motif.TRAVAUX
    )
    qpv = OrganisationFactory(association=True, quartier_prioritaire=True)
    _reservation(salle, datetime.date(2027, 1, 11), 10, duree=4, organisation=qpv)
    _reservation(salle, datetime.date(2027, 1, 18), 10, duree=4)
    frequentation.figer_passees()
    stats = statistiques.de_l_annee(2027)
    janvier = stats.salles[0].mois[0]
    assert (janvier.heures_ouverture, janvier.heures_reservees, janvier.occupation) == (
        D("336.00"),
        D("8.00"),
        D("2.4"),
    )
    assert stats.arretees_au == datetime.date(2027, 1, 31)
    assert stats.salles[0].mois[1].heures_ouverture == D("0")  # February has not begun to count
    assert (stats.reservations_qpv, stats.part_qpv) == (1, D("50.0"))


def test_the_nightly_task_snapshots_the_ended_bookings():
    from django.conf import settings

    from linne.tasks import figer_frequentations

    _reservation(SalleFactory(), datetime.date(2027, 1, 11), 10)
    assert settings.CELERY_BEAT_SCHEDULE["frequentations-linne"]["task"] == "linne.tasks.figer_frequentations"
    assert figer_frequentations() == 1
    assert figer_frequentations() == 0


def test_hours_by_kind_count_the_bookings_that_took_place_not_the_no_shows(regisseur):
    salle = SalleFactory()
    reunion = _reservation(salle, datetime.date(2026, 3, 2), 10, duree=3)
    _reservation(salle, datetime.date(2026, 3, 3), 10, duree=2, type_activite=TypeActivite.SPORT)
    festif = _reservation(
        salle, datetime.date(2026, 3, 4), 10, duree=4, type_activite=TypeActivite.FESTIF, categorie=Categorie.AUTRE
    )
    frequentation.figer_passees()
    frequentation.enregistrer(reunion, effectif_reel=12, par=regisseur)
    frequentation.enregistrer(festif, absence=True, par=regisseur)
    stats = statistiques.de_l_annee(2026)
    assert stats.heures_par_type == [("Réunion, assemblée", D("3.00")), ("Activité physique", D("2.00"))]
    assert stats.heures_par_categorie == [("Association", D("5.00"))]
    # The no-show's hours stay booked (the room was held for it).
    assert (stats.total.heures_reservees, stats.total.absences, stats.total.saisies) == (D("9.00"), 1, 2)


def test_an_organisation_hosted_ten_times_is_recurring_nine_times_is_not():
    salle = SalleFactory()
    fidele = OrganisationFactory(nom="Chorale fidèle", association=True)
    presque = OrganisationFactory(nom="Club presque fidèle", association=True)
    lundi = datetime.date(2026, 1, 5)
    for semaine in range(statistiques.RECURRENCE_MIN):
        _reservation(salle, lundi + datetime.timedelta(weeks=semaine), 10, organisation=fidele)
    for semaine in range(statistiques.RECURRENCE_MIN - 1):
        _reservation(salle, lundi + datetime.timedelta(weeks=semaine), 15, organisation=presque)
    frequentation.figer_passees()
    stats = statistiques.de_l_annee(2026)
    assert (stats.organisations_accueillies, stats.organisations_recurrentes) == (2, 1)


def test_the_statistics_of_one_room_leave_the_others_out():
    verte, bleue = SalleFactory(nom="Salle Verte"), SalleFactory(nom="Salle Bleue")
    _reservation(verte, datetime.date(2026, 5, 4), 10, duree=4)
    _reservation(bleue, datetime.date(2026, 5, 4), 10, duree=2)
    _reservation(bleue, datetime.date(2026, 6, 1), 10, duree=2)
    frequentation.figer_passees()
    tout = statistiques.de_l_annee(2026)
    seule = statistiques.de_l_annee(2026, salles=[bleue])
    assert [ligne.salle for ligne in tout.salles] == [bleue, verte]
    assert [ligne.salle for ligne in seule.salles] == [bleue]
    assert (seule.total.reservations, seule.total.heures_reservees) == (2, D("4.00"))
    assert seule.total.heures_ouverture == tout.salles[0].annee.heures_ouverture
    assert (seule.total_mois[4].reservations, seule.total_mois[5].reservations) == (1, 1)


def test_a_year_without_data_and_a_year_not_begun_count_nothing():
    salle = SalleFactory()
    _reservation(salle, datetime.date(2026, 5, 4), 10)
    frequentation.figer_passees()
    vide = statistiques.de_l_annee(2025)
    assert (vide.total.reservations, vide.total.presents, vide.total.occupation) == (0, 0, D("0.0"))
    assert (vide.organisations_accueillies, vide.part_qpv, vide.heures_par_type) == (0, None, [])
    future = statistiques.de_l_annee(2028)
    assert future.arretees_au < datetime.date(2028, 1, 1)
    assert (future.total.heures_ouverture, future.total.occupation, future.total.reservations) == (D("0"), None, 0)


def test_a_closed_room_shows_in_the_years_it_served_only():
    ancienne = SalleFactory(nom="Ancienne salle")
    _reservation(ancienne, datetime.date(2026, 5, 4), 10)
    frequentation.figer_passees()
    ancienne.active = False
    ancienne.save()
    assert [ligne.salle for ligne in statistiques.de_l_annee(2026).salles] == [ancienne]
    assert statistiques.de_l_annee(2025).salles == []
