"""The booking rules of Espace Linné, with the date pinned: opening hours, closures, duration rules,
capacity, buffers, and series with their preview, skipped dates, moves and cancellations."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from linne import services
from linne.models import Categorie, DateIgnoree, Reservation, Serie, TypeActivite
from linne.services import Portee
from tests.factories import FermetureFactory, OrganisationFactory, ReservationFactory, SalleFactory, UserFactory, moment

pytestmark = pytest.mark.django_db

S = Reservation.Statut
LUNDI = datetime.date(2027, 1, 11)
DIMANCHE = datetime.date(2027, 1, 17)
LUNDI_SUIVANT = datetime.date(2027, 1, 18)


@pytest.fixture
def regisseur():
    return UserFactory(role="regisseur")


@pytest.fixture
def salle():
    return SalleFactory(nom="Salle des fêtes", capacite=40)


@pytest.fixture
def asso():
    return OrganisationFactory(nom="Les Amis du Pile", association=True)


def champs(salle, asso, debut, fin, **autres):
    return {
        "salle": salle,
        "organisation": asso,
        "categorie": Categorie.ASSOCIATION,
        "objet": "Atelier couture",
        "type_activite": TypeActivite.ACTIVITE_REGULIERE,
        "debut": debut,
        "fin": fin,
        "effectif_prevu": 12,
        "contact_nom": "Mme Durand",
        "contact_email": "durand@amis-du-pile.example",
        **autres,
    }


def test_une_reservation_valide_est_confirmee_et_valorisee_au_tarif(salle, asso, regisseur):
    r = services.creer_reservation(par=regisseur, **champs(salle, asso, moment(LUNDI, 10), moment(LUNDI, 12, 30)))
    assert r.statut == S.CONFIRMEE
    assert r.debut_bloque == moment(LUNDI, 9, 45) and r.fin_bloque == moment(LUNDI, 12, 45)
    assert str(r.valeur) == "50.00" and str(r.montant) == "50.00"
    assert r.history.count() == 1


def test_loc_2_une_mise_a_disposition_gratuite_garde_sa_valeur_et_ne_facture_rien(salle, asso, regisseur):
    r = services.creer_reservation(
        par=regisseur, gratuit=True, **champs(salle, asso, moment(LUNDI, 10), moment(LUNDI, 12))
    )
    assert str(r.valeur) == "40.00" and str(r.montant) == "0.00" and str(r.aide_en_nature) == "40.00"


@pytest.mark.parametrize(
    ("debut", "fin", "morceau"),
    [
        (moment(LUNDI, 7), moment(LUNDI, 9), "Hors des heures d'ouverture"),
        (moment(LUNDI, 21), moment(LUNDI, 23), "Hors des heures d'ouverture"),
        (moment(DIMANCHE, 10), moment(DIMANCHE, 12), "fermée le dimanche"),
        (moment(LUNDI, 10), moment(LUNDI, 10, 30), "60 minutes au moins"),
        (moment(LUNDI, 8), moment(LUNDI, 17), "480 minutes au plus"),
    ],
)
def test_un_creneau_hors_des_regles_de_la_salle_est_refuse_en_francais(salle, asso, regisseur, debut, fin, morceau):
    with pytest.raises(ValidationError) as erreur:
        services.creer_reservation(par=regisseur, **champs(salle, asso, debut, fin))
    assert any(morceau in m for m in erreur.value.messages)
    assert not Reservation.objects.exists()


def test_la_capacite_de_la_salle_borne_l_effectif(salle, asso, regisseur):
    with pytest.raises(ValidationError, match="dépasse la capacité"):
        services.creer_reservation(
            par=regisseur, **champs(salle, asso, moment(LUNDI, 10), moment(LUNDI, 12), effectif_prevu=41)
        )


def test_une_fermeture_du_site_ou_de_la_salle_refuse_la_reservation(salle, asso, regisseur):
    FermetureFactory(debut=LUNDI, fin=LUNDI, libelle="Inventaire")
    with pytest.raises(ValidationError, match="Inventaire"):
        services.creer_reservation(par=regisseur, **champs(salle, asso, moment(LUNDI, 10), moment(LUNDI, 12)))
    autre_jour = LUNDI + datetime.timedelta(days=1)
    FermetureFactory(salle=salle, debut=autre_jour, fin=autre_jour, motif="travaux", libelle="Peinture")
    autre_salle = SalleFactory(nom="Petite salle")
    with pytest.raises(ValidationError, match="Peinture"):
        services.creer_reservation(par=regisseur, **champs(salle, asso, moment(autre_jour, 10), moment(autre_jour, 12)))
    services.creer_reservation(
        par=regisseur, **champs(autre_salle, asso, moment(autre_jour, 10), moment(autre_jour, 12))
    )


def test_les_battements_d_installation_et_de_rangement_comptent_dans_le_chevauchement(salle, asso, regisseur):
    services.creer_reservation(par=regisseur, **champs(salle, asso, moment(LUNDI, 10), moment(LUNDI, 12)))
    # 12:15 clean-up + 15 min set-up: 12:15 overlaps, 12:30 fits.
    with pytest.raises(ValidationError, match="Conflit avec la réservation confirmée"):
        services.creer_reservation(par=regisseur, **champs(salle, asso, moment(LUNDI, 12, 15), moment(LUNDI, 14)))
    services.creer_reservation(par=regisseur, **champs(salle, asso, moment(LUNDI, 12, 30), moment(LUNDI, 14)))


def test_une_demande_peut_chevaucher_mais_sa_confirmation_est_refusee(salle, asso, regisseur):
    services.creer_reservation(par=regisseur, **champs(salle, asso, moment(LUNDI, 10), moment(LUNDI, 12)))
    demande = services.creer_reservation(
        par=regisseur, confirmer=False, **champs(salle, asso, moment(LUNDI, 11), moment(LUNDI, 13))
    )
    with pytest.raises(ValidationError, match="Conflit"):
        services.changer_statut(reservation=demande, vers=S.CONFIRMEE, par=regisseur)
    services.changer_statut(reservation=demande, vers=S.REFUSEE, par=regisseur, motif="Salle prise")
    demande.refresh_from_db()
    assert demande.statut == S.REFUSEE and demande.motif == "Salle prise"


def _serie(salle, asso, regisseur, **autres):
    valeurs = champs(salle, asso, None, None)
    for cle in ("debut", "fin"):
        valeurs.pop(cle)
    valeurs.update(
        jours="0",
        intervalle_semaines=1,
        date_debut=LUNDI,
        date_fin=LUNDI + datetime.timedelta(weeks=3),
        heure_debut=datetime.time(18),
        heure_fin=datetime.time(20),
    )
    valeurs.update(autres)
    return services.creer_serie(par=regisseur, **valeurs)


def test_les_dates_d_une_regle_toutes_les_deux_semaines_sur_deux_jours():
    dates = services.dates_de_la_regle(
        jours=[0, 3], intervalle_semaines=2, date_debut=datetime.date(2027, 1, 13), date_fin=datetime.date(2027, 2, 11)
    )
    assert dates == [
        datetime.date(2027, 1, 14),
        datetime.date(2027, 1, 25),
        datetime.date(2027, 1, 28),
        datetime.date(2027, 2, 8),
        datetime.date(2027, 2, 11),
    ]


def test_une_serie_en_conflit_est_refusee_sauf_a_ecarter_les_dates_qui_restent_notees(salle, asso, regisseur):
    ReservationFactory(salle=salle, debut=moment(LUNDI_SUIVANT, 19), fin=moment(LUNDI_SUIVANT, 21))
    with pytest.raises(ValidationError, match="18/01/2027"):
        _serie(salle, asso, regisseur)
    assert not Serie.objects.exists()
    serie = _serie(salle, asso, regisseur, ecarter_impossibles=True)
    assert serie.reservations.count() == 3
    ignoree = DateIgnoree.objects.get(serie=serie)
    assert ignoree.date == datetime.date(2027, 1, 18) and "Conflit" in ignoree.motif


def test_annuler_une_celle_ci_et_les_suivantes_ou_toute_la_serie(salle, asso, regisseur):
    serie = _serie(salle, asso, regisseur)
    r1, r2, r3, r4 = serie.reservations.order_by("debut")
    assert services.annuler(reservation=r2, portee=Portee.UNE, motif="Férié local", par=regisseur) == 1
    assert services.annuler(reservation=r3, portee=Portee.SUIVANTES, motif="Fin anticipée", par=regisseur) == 2
    assert [r.statut for r in serie.reservations.order_by("debut")] == [S.CONFIRMEE, S.ANNULEE, S.ANNULEE, S.ANNULEE]
    assert services.annuler(reservation=r1, portee=Portee.TOUTES, motif="Association dissoute", par=regisseur) == 1
    assert not serie.reservations.actives().exists()


def test_deplacer_la_serie_refuse_tout_si_une_date_est_prise(salle, asso, regisseur):
    serie = _serie(salle, asso, regisseur)
    r1, r2, r3, r4 = serie.reservations.order_by("debut")
    ReservationFactory(salle=salle, debut=moment(r3.debut.date(), 15), fin=moment(r3.debut.date(), 16))
    with pytest.raises(ValidationError, match="25/01/2027"):
        services.deplacer(
            reservation=r2,
            portee=Portee.SUIVANTES,
            nouveau_debut=moment(r2.debut.date(), 14),
            nouvelle_fin=moment(r2.debut.date(), 16),
            par=regisseur,
        )
    assert {r.debut.hour for r in serie.reservations.all()} == {17}  # 18:00 Paris = 17:00 UTC, unchanged
    n = services.deplacer(
        reservation=r2,
        portee=Portee.SUIVANTES,
        nouveau_debut=moment(r2.debut.date(), 19),
        nouvelle_fin=moment(r2.debut.date(), 21),
        par=regisseur,
    )
    assert n == 3
    r1.refresh_from_db()
    r4.refresh_from_db()
    assert r1.debut == moment(LUNDI, 18) and r4.debut == moment(r4.debut.date(), 19)
