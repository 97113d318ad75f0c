"""The priority neighbourhoods (QPV) of Espace Linné's statistics: the public request form asks whether the
association is active in one, and answering the request marks its organisation (never unmarks it); the
date pinned (Monday 4 May 2026)."""

import datetime

import pytest

from comptes.models import Organisation
from linne import demandes
from linne.models import DemandeReservation

from ..factories import DemandeReservationFactory, OrganisationFactory, SalleFactory, VoeuFactory, moment
from .test_demandes_public import URL, ponctuelle

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 5, 4, 10, 0))]

MARDI = datetime.date(2026, 5, 12)
LIBELLE = "Votre association est active dans un quartier prioritaire de la politique de la ville"


@pytest.fixture
def salle():
    return SalleFactory(nom="Salle Verte", capacite=40)


def _demande(salle, **champs):
    return DemandeReservationFactory(salle=salle, debut=moment(MARDI, 14), fin=moment(MARDI, 17), **champs)


def test_le_formulaire_public_demande_si_l_association_est_active_en_qpv(client, salle):
    assert LIBELLE in client.get(URL).content.decode()
    assert client.post(URL, ponctuelle(salle, quartier_prioritaire="on")).status_code == 302
    assert client.post(URL, ponctuelle(salle, contact_email="autre@amis-du-pile.example")).status_code == 302
    assert list(DemandeReservation.objects.order_by("pk").values_list("quartier_prioritaire", flat=True)) == [
        True,
        False,
    ]


def test_accepter_une_demande_qpv_marque_l_organisation_creee(regisseur, salle):
    demande = _demande(salle, nom_organisation="Les Amis du Pile", siret="", quartier_prioritaire=True)
    demandes.accepter(demande=demande, par=regisseur, categorie="association", gratuit=True, prevenir=False)
    organisation = Organisation.objects.get(nom="Les Amis du Pile")
    assert organisation.quartier_prioritaire is True


def test_accepter_une_demande_qpv_marque_l_organisation_retrouvee_avec_son_historique(regisseur, salle):
    existante = OrganisationFactory(nom="Le Jardin Partagé", association=True)
    demande = _demande(salle, nom_organisation="Le Jardin Partagé", siret="", quartier_prioritaire=True)
    demandes.accepter(demande=demande, par=regisseur, categorie="association", gratuit=True, prevenir=False)
    existante.refresh_from_db()
    assert existante.quartier_prioritaire is True
    derniere = existante.history.first()
    assert derniere.history_user == regisseur and "quartier prioritaire" in derniere.history_change_reason


def test_une_demande_sans_qpv_ne_demarque_jamais_l_organisation(regisseur, salle):
    existante = OrganisationFactory(nom="Le Jardin Partagé", association=True, quartier_prioritaire=True)
    demande = _demande(salle, nom_organisation="Le Jardin Partagé", siret="", quartier_prioritaire=False)
    avant = existante.history.count()
    demandes.accepter(demande=demande, par=regisseur, categorie="association", gratuit=True, prevenir=False)
    existante.refresh_from_db()
    assert existante.quartier_prioritaire is True and existante.history.count() == avant


def test_attribuer_un_voeu_d_une_demande_qpv_marque_l_organisation(regisseur, salle):
    demande = DemandeReservationFactory(
        saisonniere=True, saison=2026, nom_organisation="Chorale du Pile", siret="", quartier_prioritaire=True
    )
    voeu = VoeuFactory(demande=demande, salle=salle, jour_semaine=2)
    serie = demandes.attribuer(voeu=voeu, par=regisseur, categorie="association", gratuit=True, prevenir=False)
    assert serie.organisation.nom == "Chorale du Pile" and serie.organisation.quartier_prioritaire is True
