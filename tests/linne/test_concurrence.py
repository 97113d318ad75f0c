"""No double booking, proven on PostgreSQL: the exclusion constraint refuses two overlapping confirmed
bookings of one room whatever writes them, and two confirmations raced through the service from two
threads end with exactly one confirmed and a clear French message for the other."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from linne import services
from linne.models import Categorie, Reservation, TypeActivite
from tests.factories import OrganisationFactory, ReservationFactory, SalleFactory, UserFactory, moment
from tests.outils import en_meme_temps

S = Reservation.Statut
MARDI = datetime.date(2027, 1, 12)


@pytest.fixture
def sur_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("The exclusion constraint and row locks need PostgreSQL.")


@pytest.mark.django_db
def test_sans_double_reservation_la_contrainte_refuse_une_insertion_brute(sur_postgresql):
    salle = SalleFactory()
    ReservationFactory(salle=salle, debut=moment(MARDI, 10), fin=moment(MARDI, 12))
    # 12:20 + the set-up of 15 minutes meets the 15 minutes of clean-up after 12:00: refused.
    with pytest.raises(IntegrityError, match="reservation_sans_chevauchement"), transaction.atomic():
        ReservationFactory(salle=salle, debut=moment(MARDI, 12, 20), fin=moment(MARDI, 14))
    # A requested, cancelled or refused booking holds nothing; another room is free.
    ReservationFactory(salle=salle, debut=moment(MARDI, 11), fin=moment(MARDI, 13), statut=S.DEMANDEE)
    ReservationFactory(salle=SalleFactory(), debut=moment(MARDI, 11), fin=moment(MARDI, 13))
    ReservationFactory(salle=salle, debut=moment(MARDI, 12, 30), fin=moment(MARDI, 14))
    assert Reservation.objects.filter(salle=salle, statut=S.CONFIRMEE).count() == 2


@pytest.mark.django_db
def test_sans_double_reservation_confirmer_une_demande_qui_chevauche_une_reservation_confirmee_est_refuse_en_francais(
    sur_postgresql,
):
    """The service's check answers first; the constraint would refuse the row anyway."""
    salle = SalleFactory()
    ReservationFactory(salle=salle, debut=moment(MARDI, 10), fin=moment(MARDI, 12))
    demande = ReservationFactory(salle=salle, debut=moment(MARDI, 11), fin=moment(MARDI, 13), statut=S.DEMANDEE)
    with pytest.raises(ValidationError, match="Conflit avec la réservation confirmée"):
        services.changer_statut(reservation=demande, vers=S.CONFIRMEE, par=UserFactory(role="regisseur"))


@pytest.mark.django_db(transaction=True)
def test_sans_double_reservation_deux_confirmations_simultanees_une_seule_passe(sur_postgresql):
    salle = SalleFactory()
    regisseurs = [UserFactory(role="regisseur"), UserFactory(role="regisseur")]
    demandes = [
        ReservationFactory(salle=salle, debut=moment(MARDI, 10), fin=moment(MARDI, 12), statut=S.DEMANDEE),
        ReservationFactory(salle=salle, debut=moment(MARDI, 11), fin=moment(MARDI, 13), statut=S.DEMANDEE),
    ]
    resultats = en_meme_temps(
        *(
            lambda d=d, u=u: services.changer_statut(reservation=d, vers=S.CONFIRMEE, par=u)
            for d, u in zip(demandes, regisseurs, strict=True)
        )
    )
    confirmees = [r for r in resultats.values() if isinstance(r, Reservation)]
    refus = [r for r in resultats.values() if isinstance(r, ValidationError)]
    assert (len(confirmees), len(refus)) == (1, 1), resultats
    assert "Conflit avec la réservation confirmée" in " ".join(refus[0].messages)
    assert Reservation.objects.filter(salle=salle, statut=S.CONFIRMEE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_sans_double_reservation_deux_creations_simultanees_une_seule_passe(sur_postgresql):
    salle = SalleFactory()
    asso = OrganisationFactory(association=True)
    regisseur = UserFactory(role="regisseur")

    def reserver(debut):
        return lambda: services.creer_reservation(
            par=regisseur,
            salle=salle,
            organisation=asso,
            categorie=Categorie.ASSOCIATION,
            objet="Répétition",
            type_activite=TypeActivite.CULTURE,
            debut=moment(MARDI, debut),
            fin=moment(MARDI, debut + 2),
            effectif_prevu=10,
            contact_nom="M. Martin",
            contact_email="martin@asso.example",
        )

    resultats = en_meme_temps(reserver(14), reserver(15))
    assert sorted(type(r).__name__ for r in resultats.values()) == ["Reservation", "ValidationError"], resultats
    assert Reservation.objects.filter(salle=salle).count() == 1
