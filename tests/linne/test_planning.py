"""The régisseurs' rota (linne.planning): a shift's refusals, the copy of the template week (a DST week
included), what the shifts leave uncovered, and the uncovered days as deadlines."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from linne import deadlines, planning
from linne.models import Creneau, Fermeture
from roubaix_cs.seuils import EFFECTIF_DEUX_REGISSEURS, PLANNING_HORIZON_JOURS

from ..factories import (
    CreneauTypeFactory,
    FermetureFactory,
    ReservationFactory,
    SalleFactory,
    UserFactory,
    moment,
)
from ..requetes import requetes_de

pytestmark = pytest.mark.django_db

LUNDI = datetime.date(2027, 1, 11)
MARDI = LUNDI + datetime.timedelta(days=1)


def _creer(regisseur, jour, de, a, par=None):
    return planning.creer_creneau(regisseur=regisseur, debut=moment(jour, de), fin=moment(jour, a), par=par)


def _heures(trous):
    return [
        (f"{timezone.localtime(t.debut):%H:%M}", f"{timezone.localtime(t.fin):%H:%M}", t.requis, t.presents)
        for t in trous
    ]


# --- Shifts -----------------------------------------------------------------------------------------


def test_a_shift_is_created_with_its_history(regisseur, responsable):
    creneau = _creer(regisseur, LUNDI, 8, 14, par=responsable)
    assert creneau.history.get().history_user == responsable


def test_a_shift_overlapping_another_of_the_same_regisseur_is_refused(regisseur):
    _creer(regisseur, LUNDI, 8, 14)
    with pytest.raises(ValidationError) as refus:
        _creer(regisseur, LUNDI, 13, 18)
    assert "chevauche" in str(refus.value) and "08:00" in str(refus.value)
    assert Creneau.objects.count() == 1
    _creer(regisseur, LUNDI, 14, 18)  # back to back is no overlap
    _creer(UserFactory(regisseur=True), LUNDI, 8, 14)  # another régisseur at the same hours


def test_an_edit_is_checked_against_the_other_shifts_not_itself(regisseur):
    premier = _creer(regisseur, LUNDI, 8, 14)
    second = _creer(regisseur, LUNDI, 15, 18)
    planning.modifier_creneau(
        creneau=premier, regisseur=regisseur, debut=moment(LUNDI, 9), fin=moment(LUNDI, 14), par=None
    )
    with pytest.raises(ValidationError):
        planning.modifier_creneau(
            creneau=second, regisseur=regisseur, debut=moment(LUNDI, 13), fin=moment(LUNDI, 18), par=None
        )


@pytest.mark.parametrize("persona", ["agent", "elu"])
def test_a_shift_goes_only_to_an_active_regisseur(persona, request):
    with pytest.raises(ValidationError, match="régisseur en poste"):
        _creer(request.getfixturevalue(persona), LUNDI, 8, 14)
    with pytest.raises(ValidationError, match="régisseur en poste"):
        _creer(UserFactory(regisseur=True, is_active=False), LUNDI, 8, 14)


def test_a_shift_does_not_span_midnight(regisseur):
    with pytest.raises(ValidationError, match="minuit"):
        planning.creer_creneau(regisseur=regisseur, debut=moment(LUNDI, 20), fin=moment(MARDI, 2), par=None)
    # Until midnight is allowed.
    planning.creer_creneau(regisseur=regisseur, debut=moment(LUNDI, 20), fin=moment(MARDI, 0), par=None)


def test_a_shift_is_deleted(regisseur):
    creneau = _creer(regisseur, LUNDI, 8, 14)
    planning.supprimer_creneau(creneau=creneau, par=None)
    assert not Creneau.objects.exists()


# --- The template week ------------------------------------------------------------------------------


def test_the_template_week_is_copied_and_overlaps_are_skipped_and_reported(regisseur):
    CreneauTypeFactory(regisseur=regisseur, jour_semaine=0, heure_debut=datetime.time(8), heure_fin=datetime.time(15))
    CreneauTypeFactory(regisseur=regisseur, jour_semaine=2, heure_debut=datetime.time(15), heure_fin=datetime.time(22))
    _creer(regisseur, LUNDI + datetime.timedelta(days=2), 18, 20)  # already on duty Wednesday evening
    copie = planning.copier_semaine_type(LUNDI, None)
    assert [(timezone.localtime(c.debut), timezone.localtime(c.fin)) for c in copie.crees] == [
        (moment(LUNDI, 8), moment(LUNDI, 15))
    ]
    assert len(copie.ignores) == 1 and "13/01/2027" in str(copie.ignores[0])
    assert Creneau.objects.count() == 2
    # A second copy creates nothing more: every shift is there already.
    assert planning.copier_semaine_type(LUNDI, None).crees == []
    assert Creneau.objects.count() == 2


def test_the_copy_may_replace_the_week(regisseur):
    CreneauTypeFactory(regisseur=regisseur, jour_semaine=2, heure_debut=datetime.time(15), heure_fin=datetime.time(22))
    _creer(regisseur, LUNDI + datetime.timedelta(days=2), 18, 20)
    copie = planning.copier_semaine_type(LUNDI, None, remplacer=True)
    assert len(copie.crees) == 1 and not copie.ignores
    assert Creneau.objects.get().fin == moment(LUNDI + datetime.timedelta(days=2), 22)


def test_the_copy_skips_a_regisseur_no_longer_in_post():
    ancien = UserFactory(regisseur=True)
    CreneauTypeFactory(regisseur=ancien)
    ancien.is_active = False
    ancien.save()
    copie = planning.copier_semaine_type(LUNDI, None)
    assert not copie.crees and "plus celui d'un régisseur" in str(copie.ignores[0])


def test_the_copy_starts_on_a_monday(regisseur):
    with pytest.raises(ValidationError):
        planning.copier_semaine_type(MARDI, None)


def test_the_copy_keeps_wall_clock_hours_across_the_change_to_summer_time(regisseur):
    """The week of 22/03/2027–28/03/2027: Sunday 28 March, clocks go forward at 2:00 (UTC+1 → UTC+2)."""
    CreneauTypeFactory(regisseur=regisseur, jour_semaine=5, heure_debut=datetime.time(8), heure_fin=datetime.time(18))
    CreneauTypeFactory(regisseur=regisseur, jour_semaine=6, heure_debut=datetime.time(8), heure_fin=datetime.time(18))
    copie = planning.copier_semaine_type(datetime.date(2027, 3, 22), None)
    samedi, dimanche = sorted(Creneau.objects.all(), key=lambda c: c.debut)
    assert len(copie.crees) == 2
    assert [f"{timezone.localtime(c.debut):%H:%M}–{timezone.localtime(c.fin):%H:%M}" for c in (samedi, dimanche)] == [
        "08:00–18:00",
        "08:00–18:00",
    ]
    assert samedi.debut.utcoffset() is not None
    assert timezone.localtime(samedi.debut).utcoffset() == datetime.timedelta(hours=1)
    assert timezone.localtime(dimanche.debut).utcoffset() == datetime.timedelta(hours=2)


# --- The coverage -----------------------------------------------------------------------------------


@pytest.fixture
def salle():
    """Open Monday to Saturday 8:00–22:00 (tests/factories.py)."""
    return SalleFactory()


def test_an_opening_hours_gap_is_uncovered(salle, regisseur):
    _creer(regisseur, LUNDI, 8, 15)
    _creer(UserFactory(regisseur=True), LUNDI, 16, 22)
    trous = planning.couverture(LUNDI, LUNDI)[LUNDI]
    assert _heures(trous) == [("15:00", "16:00", 1, 0)]
    assert trous[0].motif == "ouverture"


def test_the_opening_hours_are_the_union_of_the_active_rooms(salle, regisseur):
    SalleFactory(horaires=[0])  # 8–22 too, on Monday only
    fermee = SalleFactory(horaires=[0], active=False)
    fermee.horaires.filter(jour_semaine=0).update(ouverture=datetime.time(6))  # inactive: not counted
    assert _heures(planning.couverture(LUNDI, LUNDI)[LUNDI]) == [("08:00", "22:00", 1, 0)]


def test_a_booking_outside_the_covered_time_is_uncovered(salle, regisseur):
    _creer(regisseur, LUNDI, 8, 22)
    dimanche = LUNDI + datetime.timedelta(days=6)  # closed on Sundays
    reservation = ReservationFactory(salle=salle, debut=moment(dimanche, 10), fin=moment(dimanche, 12))
    trous = planning.couverture(LUNDI, dimanche)
    assert trous[LUNDI] == []
    # Its blocked time: the set-up (15 min) and the clean-up (15 min) included.
    assert _heures(trous[dimanche]) == [("09:45", "12:15", 1, 0)]
    assert trous[dimanche][0].reservation == reservation and reservation.objet in trous[dimanche][0].motif


def test_a_booking_of_more_than_the_threshold_needs_two_regisseurs(salle, regisseur):
    _creer(regisseur, LUNDI, 8, 22)
    ReservationFactory(salle=salle, debut=moment(LUNDI, 18), fin=moment(LUNDI, 20), effectif_prevu=60)
    ReservationFactory(
        salle=SalleFactory(), debut=moment(LUNDI, 10), fin=moment(LUNDI, 12), effectif_prevu=EFFECTIF_DEUX_REGISSEURS
    )  # at the threshold: one is enough
    trous = planning.couverture(LUNDI, LUNDI)[LUNDI]
    assert _heures(trous) == [("17:45", "20:15", 2, 1)]
    _creer(UserFactory(regisseur=True), LUNDI, 17, 21)
    assert planning.couverture(LUNDI, LUNDI)[LUNDI] == []


class _Trous:
    """Equal to any non-empty list of gaps."""

    def __eq__(self, other):
        return bool(other)


_ANY_GAP = _Trous()


def test_a_whole_site_closure_removes_the_opening_requirement(salle):
    FermetureFactory(salle=None, debut=LUNDI, fin=LUNDI, motif=Fermeture.Motif.FERIE)
    assert planning.couverture(LUNDI, MARDI) == {LUNDI: [], MARDI: _ANY_GAP}


def test_a_room_closure_removes_that_room_only(salle):
    SalleFactory(horaires=[0]).horaires.filter(jour_semaine=0).update(fermeture=datetime.time(23))
    FermetureFactory(salle=salle, debut=LUNDI, fin=LUNDI)
    assert _heures(planning.couverture(LUNDI, LUNDI)[LUNDI]) == [("08:00", "23:00", 1, 0)]
    FermetureFactory(salle=None, debut=LUNDI, fin=LUNDI)
    # A confirmed booking on a closed day still needs its régisseur.
    ReservationFactory(salle=salle, debut=moment(LUNDI, 10), fin=moment(LUNDI, 12))
    assert _heures(planning.couverture(LUNDI, LUNDI)[LUNDI]) == [("09:45", "12:15", 1, 0)]


def test_the_coverage_costs_four_queries_whatever_the_period(salle, regisseur):
    assert requetes_de(lambda: planning.couverture(LUNDI, LUNDI)) == 4
    for i in range(10):
        jour = LUNDI + datetime.timedelta(days=i)
        _creer(regisseur, jour, 8, 12)
        ReservationFactory(salle=salle, debut=moment(jour, 14), fin=moment(jour, 15))
        FermetureFactory(salle=None, debut=jour, fin=jour)
    assert requetes_de(lambda: planning.couverture(LUNDI, LUNDI + datetime.timedelta(days=30))) == 4


# --- The deadline -----------------------------------------------------------------------------------


def test_each_uncovered_day_of_the_horizon_is_a_deadline_for_the_regisseurs(salle, regisseur, time_machine):
    time_machine.move_to(moment(LUNDI, 7), tick=False)
    for i in range(PLANNING_HORIZON_JOURS + 7):
        jour = LUNDI + datetime.timedelta(days=i)
        if jour.weekday() < 6:
            _creer(regisseur, jour, 8, 22)
    creneau = Creneau.objects.get(debut=moment(MARDI + datetime.timedelta(days=1), 8))
    planning.modifier_creneau(
        creneau=creneau,
        regisseur=regisseur,
        debut=creneau.debut,
        fin=moment(MARDI + datetime.timedelta(days=1), 18),
        par=None,
    )
    trouvees = [d for d in deadlines.upcoming(LUNDI) if d.kind == deadlines.KIND_CRENEAU]
    assert len(trouvees) == 1
    (echeance,) = trouvees
    mercredi = MARDI + datetime.timedelta(days=1)
    assert echeance.due == mercredi
    assert "13/01/2027" in echeance.label and "18:00–22:00" in echeance.label
    assert echeance.url.endswith(f"?semaine={LUNDI:%Y-%m-%d}")
    assert echeance.object_key == "linne.creneau:20270113"
    assert echeance.roles == {"regisseur"}
    assert deadlines.KIND_CRENEAU in deadlines.TYPES
    # Beyond the horizon, an uncovered day is no deadline yet.
    lointain = LUNDI + datetime.timedelta(days=PLANNING_HORIZON_JOURS + 1)
    Creneau.objects.filter(debut__date=lointain).delete()
    assert [d.due for d in deadlines.upcoming(LUNDI) if d.kind == deadlines.KIND_CRENEAU] == [mercredi]
