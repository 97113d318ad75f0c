"""The attendance of past bookings and the snapshot the statistics read (linne.frequentation), and the
year's statistics per room and month (linne.statistiques); the date pinned."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from linne import frequentation, statistiques
from linne.models import Fermeture, Frequentation, Reservation
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
