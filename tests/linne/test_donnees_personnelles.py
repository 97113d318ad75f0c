"""The personal data Espace Linné keeps: a contact's bookings in the person's file, and their effacement
12 months after (RGPD art. 5-1-e), the booking itself kept without anyone."""

import datetime

import pytest
from django.core.files.base import ContentFile

from linne import retention
from linne.models import Justificatif, Reservation
from pilotage.donnees_personnelles import dossier
from roubaix_cs.retention import purger
from tests.factories import DemandeReservationFactory, ReservationFactory, moment

pytestmark = pytest.mark.django_db

AUJOURDHUI = datetime.date(2027, 3, 1)


def test_le_dossier_d_une_personne_liste_ses_reservations_et_demandes_de_salle():
    ReservationFactory(contact_nom="Mme Leroy", contact_email="leroy@asso.example")
    DemandeReservationFactory(contact_nom="Mme Leroy", contact_email="LEROY@asso.example")
    ReservationFactory(contact_email="autre@asso.example")
    trouve = dossier("leroy@asso.example")
    assert not trouve.vide
    assert len(trouve.linne) == 2
    section = next(s for s in trouve.sections if "Espace Linné" in s.titre)
    assert len(section.lignes) == 2


def test_les_contacts_sont_effaces_12_mois_apres_la_reservation_qui_reste(settings):
    settings.RETENTION_DEMANDES_PUBLIC_MOIS = 12
    ancienne = ReservationFactory(
        debut=moment(datetime.date(2026, 2, 2), 10), contact_nom="Mme Ancienne", contact_telephone="0320000000"
    )
    recente = ReservationFactory(debut=moment(datetime.date(2026, 3, 10), 10), contact_nom="Mme Récente")
    assert ancienne.history.filter(contact_nom="Mme Ancienne").exists()
    simule = purger(AUJOURDHUI, simuler=True)
    assert next(p for p in simule if "des réservations de l'Espace Linné" in p.libelle).nombre == 1
    assert Reservation.objects.get(pk=ancienne.pk).contact_nom == "Mme Ancienne"  # simulated: nothing written
    purger(AUJOURDHUI)
    ancienne.refresh_from_db()
    recente.refresh_from_db()
    assert (ancienne.contact_nom, ancienne.contact_email, ancienne.contact_telephone) == (retention.ANONYME, "", "")
    assert ancienne.statut == Reservation.Statut.CONFIRMEE and ancienne.salle_id  # the booking stays
    assert not ancienne.history.filter(contact_nom="Mme Ancienne").exists()
    assert recente.contact_nom == "Mme Récente"
    # A second run has nothing left to do.
    assert all(p.nombre == 0 for p in purger(AUJOURDHUI) if "Espace Linné" in p.libelle)


def test_une_demande_garde_son_contact_tant_qu_une_de_ses_reservations_est_recente(settings):
    settings.RETENTION_DEMANDES_PUBLIC_MOIS = 12
    demande = DemandeReservationFactory(
        contact_nom="M. Demandeur", message="Mon numéro personnel : 06…", empreinte_adresse="a" * 64
    )
    demande.recue_le = moment(datetime.date(2025, 12, 1), 9)
    demande.save()
    ReservationFactory(demande=demande, debut=moment(datetime.date(2026, 6, 1), 10))
    purger(AUJOURDHUI)
    demande.refresh_from_db()
    assert demande.contact_nom == "M. Demandeur"
    purger(datetime.date(2027, 7, 1))
    demande.refresh_from_db()
    assert (demande.contact_nom, demande.message, demande.empreinte_adresse) == (retention.ANONYME, "", "")


def test_l_attestation_d_assurance_est_supprimee_12_mois_apres_sa_validite(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.RETENTION_DEMANDES_PUBLIC_MOIS = 12
    justificatif = Justificatif(
        nature=Justificatif.Nature.ASSURANCE,
        valide_du=datetime.date(2025, 1, 1),
        valide_jusqu_au=datetime.date(2025, 12, 31),
        nom_fichier="attestation.pdf",
    )
    justificatif.fichier.save("attestation.pdf", ContentFile(b"%PDF-1.4"), save=True)
    chemin = justificatif.fichier.path
    purger(AUJOURDHUI)
    justificatif.refresh_from_db()
    assert not justificatif.fichier and justificatif.nom_fichier == ""
    assert not (tmp_path / chemin).exists()
