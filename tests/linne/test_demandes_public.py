"""The public request form of Espace Linné, with the date pinned (Monday 4 May 2026): a room once or for the
season, its acknowledgement e-mail in French, and its defences (CSRF, the trap field, the rate limit per
address, the size and kind of the certificate), never revealing another booking."""

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from linne import demandes
from linne.models import DemandeReservation, Justificatif, Voeu
from roubaix_cs.seuils import (
    DEMANDE_SALLE_ASSURANCE_MAX_OCTETS,
    DEMANDE_SALLE_TAILLE_MAX_OCTETS,
    DEMANDES_SALLE_PAR_ADRESSE_PAR_HEURE,
)
from roubaix_cs.validators import completer_siret
from tests.factories import FermetureFactory, OrganisationFactory, ReservationFactory, SalleFactory, moment

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 5, 4, 10, 0))]

MARDI = datetime.date(2026, 5, 12)
DIMANCHE = datetime.date(2026, 5, 17)
SIRET = completer_siret("4321098765432")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
URL = "/linne/demande/"


def attestation(nom="attestation.pdf", contenu=PDF):
    return SimpleUploadedFile(nom, contenu, content_type="application/pdf")


@pytest.fixture
def salle():
    return SalleFactory(nom="Salle Verte", capacite=40)


def champs_communs(**autres):
    return {
        "nom_organisation": "Les Amis du Pile",
        "siret": SIRET,
        "rna": "",
        "contact_nom": "Claire Dubois",
        "contact_email": "claire.dubois@amis-du-pile.example",
        "contact_telephone": "03 20 00 00 00",
        "objet": "Assemblée générale",
        "type_activite": "reunion",
        "effectif_prevu": "25",
        "message": "Avec un vidéoprojecteur.",
        "assurance_valide_jusqu_au": "2026-12-31",
        "reglement": "on",
        "site_web": "",
        **autres,
    }


def ponctuelle(salle, **autres):
    creneau = {"salle": str(salle.pk), "date": MARDI.isoformat(), "heure_debut": "14:00", "heure_fin": "17:00"}
    return champs_communs(nature="ponctuelle", assurance=attestation(), **{**creneau, **autres})


def saisonniere(salle, **autres):
    voeux = {
        "saison": "2026",
        "voeu1_salle": str(salle.pk),
        "voeu1_jour": "2",
        "voeu1_heure_debut": "14:00",
        "voeu1_heure_fin": "16:00",
        "voeu2_salle": str(salle.pk),
        "voeu2_jour": "3",
        "voeu2_heure_debut": "18:00",
        "voeu2_heure_fin": "20:00",
    }
    return champs_communs(nature="saisonniere", assurance=attestation(), **{**voeux, **autres})


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """The test client, whose requests run their after-commit work (the e-mails) as a real commit would."""

    class Commit:
        def __getattr__(self, nom):
            methode = getattr(client, nom)
            if nom not in ("get", "post"):
                return methode

            def appel(*args, **kwargs):
                with django_capture_on_commit_callbacks(execute=True):
                    return methode(*args, **kwargs)

            return appel

    return Commit()


def erreurs(response):
    return response.context["form"].errors


def test_la_page_publique_s_ouvre_sans_connexion_avec_les_salles_actives(client, salle):
    SalleFactory(nom="Salle fermée aux réservations", active=False)
    response = client.get(reverse("linne:demande"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Salle Verte" in page and "Salle fermée aux réservations" not in page
    assert reverse("linne:reglement") in page
    assert 'name="site_web"' in page and 'class="visually-hidden" aria-hidden="true"' in page
    assert response.context["form"].fields["saison"].initial == 2026  # the next September


def test_une_demande_ponctuelle_est_enregistree_et_accusee_en_francais(client, salle):
    response = client.post(URL, ponctuelle(salle))
    assert response.status_code == 302 and response["Location"] == reverse("linne:demande_envoyee")
    demande = DemandeReservation.objects.get()
    assert demande.nature == "ponctuelle" and demande.statut == "recue"
    assert demande.salle == salle and demande.debut == moment(MARDI, 14) and demande.fin == moment(MARDI, 17)
    assert demande.siret == SIRET and demande.organisation is None
    assert re.fullmatch(r"[0-9a-f]{64}", demande.empreinte_adresse) and "127.0.0.1" not in demande.empreinte_adresse
    assurance = Justificatif.objects.get(nature="assurance")
    assert assurance.demande == demande and assurance.organisation is None and assurance.fichier
    assert assurance.nom_fichier == "attestation.pdf" and len(assurance.sha256) == 64
    assert assurance.valide_jusqu_au == datetime.date(2026, 12, 31)
    reglement = Justificatif.objects.get(nature="reglement")
    assert reglement.valide_du == datetime.date(2026, 5, 4) and reglement.valide_jusqu_au == datetime.date(2026, 6, 30)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    reference = demandes.reference(demande)
    assert message.to == ["claire.dubois@amis-du-pile.example"]
    assert message.subject == f"Votre demande de salle à l'Espace Linné (référence {reference})"
    assert "Nous avons bien reçu votre demande" in message.body and "Salle Verte" in message.body
    assert "mardi 12/05/2026 de 14:00 à 17:00" in message.body and "dans les 10 jours" in message.body
    accuse = client.get(response["Location"]).content.decode()
    assert reference in accuse and "Merci" in accuse and "Les Amis du Pile" not in accuse


def test_une_demande_pour_la_saison_garde_ses_voeux_par_rang(client, salle):
    response = client.post(URL, saisonniere(salle))
    assert response.status_code == 302
    demande = DemandeReservation.objects.get()
    assert demande.nature == "saisonniere" and demande.saison == 2026 and demande.salle is None
    voeux = list(Voeu.objects.order_by("rang").values_list("rang", "jour_semaine", "heure_debut", "statut"))
    assert voeux == [(1, 2, datetime.time(14), "en_attente"), (2, 3, datetime.time(18), "en_attente")]
    assert Justificatif.objects.get(nature="reglement").valide_jusqu_au == datetime.date(2027, 6, 30)
    corps = mail.outbox[0].body
    assert "de septembre 2026 à juin 2027" in corps
    assert "Vœu 1 : Salle Verte, le mercredi de 14:00 à 16:00" in corps and "Vœu 2" in corps


def test_le_premier_voeu_est_obligatoire_et_un_voeu_incomplet_est_refuse(client, salle):
    donnees = saisonniere(salle, voeu1_salle="", voeu1_jour="", voeu1_heure_debut="", voeu1_heure_fin="")
    donnees["voeu2_heure_fin"] = ""
    response = client.post(URL, donnees)
    assert response.status_code == 200
    assert "Indiquez au moins un vœu" in erreurs(response)["voeu1_salle"][0]
    assert erreurs(response)["voeu2_heure_fin"] == ["Complétez ce vœu : la salle, le jour et les heures."]
    assert not DemandeReservation.objects.exists() and not mail.outbox


def test_un_voeu_hors_des_horaires_de_la_salle_est_refuse(client, salle):
    response = client.post(URL, saisonniere(salle, voeu1_jour="6"))  # a Sunday: the room is closed
    assert response.status_code == 200
    assert "La salle « Salle Verte » est fermée le dimanche." in erreurs(response)["voeu1_salle"]


def test_le_piege_rempli_n_enregistre_rien_et_n_envoie_rien(client, salle):
    response = client.post(URL, ponctuelle(salle, site_web="https://spam.example"))
    assert response.status_code == 302 and response["Location"] == reverse("linne:demande_envoyee")
    assert not DemandeReservation.objects.exists() and not Justificatif.objects.exists()
    assert not mail.outbox
    assert "Merci, votre demande est envoyée" in client.get(response["Location"]).content.decode()


def test_au_dela_de_la_limite_par_adresse_la_demande_suivante_est_refusee(client, salle):
    for _ in range(DEMANDES_SALLE_PAR_ADRESSE_PAR_HEURE):
        assert client.post(URL, ponctuelle(salle)).status_code == 302
    response = client.post(URL, ponctuelle(salle))
    assert response.status_code == 429
    assert demandes.MESSAGE_LIMITE in response.content.decode().replace("&#x27;", "'")
    assert DemandeReservation.objects.count() == DEMANDES_SALLE_PAR_ADRESSE_PAR_HEURE
    # Another address is not limited; an hour later, this one is not any more.
    assert client.post(URL, ponctuelle(salle), REMOTE_ADDR="192.0.2.10").status_code == 302
    DemandeReservation.objects.update(recue_le=moment(datetime.date(2026, 5, 4), 8, 59))
    assert client.post(URL, ponctuelle(salle)).status_code == 302


def test_une_attestation_trop_lourde_ou_d_un_autre_type_est_refusee(client, salle):
    lourde = attestation(contenu=PDF + b"0" * DEMANDE_SALLE_ASSURANCE_MAX_OCTETS)
    response = client.post(URL, {**ponctuelle(salle), "assurance": lourde})
    assert response.status_code == 200
    assert erreurs(response)["assurance"] == ["L'attestation dépasse la taille maximale de 5 Mo."]
    deguisee = attestation(contenu=b"MZ\x90\x00 un programme")
    response = client.post(URL, {**ponctuelle(salle), "assurance": deguisee})
    assert erreurs(response)["assurance"][0].startswith("Type de fichier refusé")
    assert not DemandeReservation.objects.exists() and not Justificatif.objects.exists()


def test_une_requete_trop_volumineuse_est_refusee_avant_d_etre_lue(client, salle):
    response = client.post(URL, ponctuelle(salle), CONTENT_LENGTH=str(DEMANDE_SALLE_TAILLE_MAX_OCTETS + 1))
    assert response.status_code == 413
    assert "trop volumineuse" in response.content.decode()
    assert not DemandeReservation.objects.exists()


def test_le_siret_ou_le_rna_est_exige_et_verifie(client, salle):
    response = client.post(URL, ponctuelle(salle, siret="", rna=""))
    assert erreurs(response)["siret"] == ["Indiquez le SIRET ou le numéro RNA de l'association."]
    response = client.post(URL, ponctuelle(salle, siret="12345678901234"))
    assert erreurs(response)["siret"] == ["Ce SIRET n'est pas valide (clé de contrôle incorrecte)."]
    response = client.post(URL, ponctuelle(salle, siret="", rna="w595012345"))
    assert response.status_code == 302
    assert DemandeReservation.objects.get().rna == "W595012345"


def test_le_reglement_doit_etre_accepte_et_l_attestation_valable(client, salle):
    donnees = ponctuelle(salle, assurance_valide_jusqu_au="2026-05-10")
    del donnees["reglement"]
    response = client.post(URL, donnees)
    assert erreurs(response)["reglement"] == [
        "L'acceptation du règlement intérieur est nécessaire pour réserver une salle."
    ]
    assert erreurs(response)["assurance_valide_jusqu_au"] == [
        "L'attestation doit être valable le jour de la réservation."
    ]


def test_le_creneau_respecte_les_regles_de_la_salle(client, salle):
    FermetureFactory(debut=MARDI, fin=MARDI, libelle="Travaux de peinture", motif="travaux")
    response = client.post(URL, ponctuelle(salle, date=DIMANCHE.isoformat()))
    assert "La salle « Salle Verte » est fermée le dimanche." in erreurs(response)["date"]
    response = client.post(URL, ponctuelle(salle))
    assert any("Travaux de peinture" in e for e in erreurs(response)["date"])
    response = client.post(URL, ponctuelle(salle, date="2026-05-04"))
    assert erreurs(response)["date"] == ["Choisissez une date à partir de demain."]
    response = client.post(URL, ponctuelle(salle, date="2027-06-01"))
    assert erreurs(response)["date"] == ["Les salles se réservent au plus 365 jours à l'avance."]
    response = client.post(URL, ponctuelle(salle, effectif_prevu="41"))
    assert any("dépasse la capacité" in e for e in erreurs(response)["date"])


def test_aucune_autre_reservation_n_est_revelee(client, salle):
    """A confirmed private booking on the very slot asked for: neither its organisation nor its contact
    appears on any public answer, and the request is taken (the régisseurs see the conflict)."""
    ReservationFactory(
        salle=salle,
        organisation=OrganisationFactory(nom="Cercle très discret"),
        objet="Réunion confidentielle",
        contact_nom="Mme Secrète",
        contact_email="secrete@discret.example",
        debut=moment(MARDI, 15),
        fin=moment(MARDI, 18),
        public=False,
    )
    pages = [client.get(URL)]
    pages.append(client.post(URL, ponctuelle(salle, heure_fin="23:00")))  # refused: past the closing hour
    assert pages[-1].status_code == 200
    accepte = client.post(URL, ponctuelle(salle), follow=True)
    assert accepte.redirect_chain and DemandeReservation.objects.count() == 1
    pages.append(accepte)
    for page in pages:
        texte = page.content.decode()
        for secret in ("Cercle très discret", "Mme Secrète", "secrete@discret.example", "confidentielle", "Conflit"):
            assert secret not in texte
    assert all("Cercle" not in m.body for m in mail.outbox)


def test_le_jeton_csrf_est_exige(salle):
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, ponctuelle(salle)).status_code == 403
    assert not DemandeReservation.objects.exists()


def test_le_reglement_est_public(client, salle):
    response = client.get(reverse("linne:reglement"))
    assert response.status_code == 200
    assert "Règlement intérieur de l'Espace Linné" in response.content.decode()
