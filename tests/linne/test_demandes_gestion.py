"""The régisseurs' answer to the room requests, with the date pinned (Monday 4 May 2026): a one-off request
accepted as a confirmed booking (its organisation found or created, its documents attached), refused on a
conflict with nothing written; a season's wishes and their conflicts, one allocated as a series with its
skipped dates; the decision and reminder e-mails; the deadlines, the to-dos and the query guards."""

import datetime

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse

from comptes.models import Organisation, Role
from linne import deadlines as linne_deadlines
from linne import demandes
from linne import todos as linne_todos
from linne.models import DateIgnoree, Justificatif, Reservation, Serie
from linne.services import MESSAGE_CHEVAUCHEMENT
from pilotage import alertes
from pilotage.models import Alerte
from roubaix_cs.validators import completer_siret
from tests.factories import (
    DemandeReservationFactory,
    FermetureFactory,
    OrganisationFactory,
    ReservationFactory,
    SalleFactory,
    UserFactory,
    VoeuFactory,
    moment,
)
from tests.requetes import garde

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 5, 4, 10, 0))]

AUJOURD_HUI = datetime.date(2026, 5, 4)
MARDI = datetime.date(2026, 5, 12)
SIRET = completer_siret("4321098765432")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def salle():
    return SalleFactory(nom="Salle Verte", capacite=40)


@pytest.fixture
def apres_commit(django_capture_on_commit_callbacks):
    """Run a call and the work it queued after its commit (the e-mails), as a real commit would."""

    def executer(appel, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return appel(*args, **kwargs)

    return executer


def avec_justificatifs(demande):
    assurance = Justificatif(
        nature="assurance",
        demande=demande,
        nom_fichier="attestation.pdf",
        valide_du=AUJOURD_HUI,
        valide_jusqu_au=datetime.date(2026, 12, 31),
    )
    assurance.fichier.save("attestation.pdf", ContentFile(PDF), save=False)
    assurance.save()
    Justificatif.objects.create(
        nature="reglement", demande=demande, valide_du=AUJOURD_HUI, valide_jusqu_au=datetime.date(2026, 6, 30)
    )
    return demande


def ponctuelle(salle, **champs):
    defauts = {
        "nom_organisation": "Les Amis du Pile",
        "siret": SIRET,
        "contact_email": "claire@amis-du-pile.example",
        "debut": moment(MARDI, 14),
        "fin": moment(MARDI, 17),
    }
    return avec_justificatifs(DemandeReservationFactory(salle=salle, **{**defauts, **champs}))


# --- A one-off request ----------------------------------------------------------------------------------


def test_accepter_une_demande_cree_la_reservation_l_organisation_et_rattache_les_justificatifs(
    client, regisseur, salle, apres_commit
):
    demande = ponctuelle(salle)
    client.force_login(regisseur)
    url = reverse("linne:demande_accepter", args=[demande.pk])
    assert client.get(url).status_code == 200
    response = apres_commit(client.post, url, {"categorie": "association", "gratuit": "on"})
    assert response.status_code == 302 and response["Location"] == demande.get_absolute_url()
    demande.refresh_from_db()
    organisation = Organisation.objects.get(nom="Les Amis du Pile")
    assert organisation.nature == "association" and organisation.siret == SIRET
    assert demande.statut == "traitee" and demande.organisation == organisation and demande.traitee_par == regisseur
    reservation = Reservation.objects.get()
    assert (
        reservation.statut == "confirmee"
        and reservation.demande == demande
        and reservation.organisation == organisation
    )
    assert reservation.debut == moment(MARDI, 14) and reservation.gratuit and reservation.montant == 0
    assert reservation.valeur == 60  # 3 hours at 20 €/h: in-kind aid
    assert set(Justificatif.objects.values_list("organisation", flat=True)) == {organisation.pk}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["claire@amis-du-pile.example"]
    assert message.subject.startswith("Réponse à votre demande de salle à l'Espace Linné")
    assert "est acceptée : la réservation est confirmée" in message.body
    assert "Le mardi 12/05/2026 de 14:00 à 17:00" in message.body and "Mise à disposition gratuite" in message.body
    page = client.get(demande.get_absolute_url()).content.decode()
    assert "Traitée" in page and 'id="actions"' not in page


def test_l_organisation_est_retrouvee_par_son_siret_puis_par_son_nom(regisseur, salle):
    par_siret = OrganisationFactory(nom="Amis du Pile (ancien nom)", siret=SIRET, association=True)
    demande = ponctuelle(salle)
    assert demandes.organisation_trouvee(demande) == par_siret
    par_nom = OrganisationFactory(nom="Le Jardin Partagé", association=True)
    autre = ponctuelle(salle, nom_organisation="le jardin partagé ", siret="")
    assert demandes.organisation_trouvee(autre) == par_nom
    demandes.accepter(demande=demande, par=regisseur, categorie="association", gratuit=False)
    assert Organisation.objects.count() == 2 and Reservation.objects.get().organisation == par_siret


def test_un_conflit_a_l_acceptation_est_refuse_en_francais_sans_rien_ecrire(client, regisseur, salle, apres_commit):
    ReservationFactory(salle=salle, debut=moment(MARDI, 16), fin=moment(MARDI, 18))
    demande = ponctuelle(salle)
    client.force_login(regisseur)
    page = client.get(demande.get_absolute_url()).content.decode()
    assert "Conflit avec la réservation confirmée" in page  # the staff sees the conflict
    organisations = Organisation.objects.count()
    response = apres_commit(
        client.post, reverse("linne:demande_accepter", args=[demande.pk]), {"categorie": "association"}
    )
    assert response.status_code == 200
    assert MESSAGE_CHEVAUCHEMENT in response.context["form"].non_field_errors() or any(
        "Conflit avec la réservation confirmée" in e for e in response.context["form"].non_field_errors()
    )
    demande.refresh_from_db()
    assert demande.statut == "recue" and demande.organisation is None
    assert Organisation.objects.count() == organisations and Reservation.objects.count() == 1
    assert not Justificatif.objects.filter(organisation__isnull=False).exists()
    assert not mail.outbox


def test_refuser_une_demande_envoie_le_motif(client, regisseur, salle, apres_commit):
    demande = ponctuelle(salle)
    client.force_login(regisseur)
    url = reverse("linne:demande_refuser", args=[demande.pk])
    response = client.post(url, {"motif": ""})
    assert response.status_code == 200 and "motif" in response.context["form"].errors
    response = apres_commit(client.post, url, {"motif": "La salle est réservée aux activités régulières ce jour-là."})
    assert response.status_code == 302
    demande.refresh_from_db()
    assert demande.statut == "refusee" and demande.motif_refus.startswith("La salle est réservée")
    assert not Reservation.objects.exists()
    assert "Nous ne pouvons pas donner suite" in mail.outbox[0].body
    assert "Motif : La salle est réservée aux activités régulières ce jour-là." in mail.outbox[0].body
    # Answered: a second answer is refused.
    with pytest.raises(demandes.ValidationError):
        demandes.accepter(demande=demande, par=regisseur, categorie="association", gratuit=False)


def test_un_elu_lit_la_demande_sans_ses_contacts(client, elu, regisseur, salle):
    demande = ponctuelle(salle, contact_nom="Claire Dubois", message="Code de la porte : 1234")
    client.force_login(elu)
    page = client.get(demande.get_absolute_url()).content.decode()
    assert "Les Amis du Pile" in page
    for prive in (
        "Claire Dubois",
        "claire@amis-du-pile.example",
        "Code de la porte",
        'id="actions"',
        "attestation.pdf",
    ):
        assert prive not in page
    export = client.get(reverse("linne:demandes_export", args=["csv"])).content.decode()
    assert "Les Amis du Pile" in export and "claire@amis-du-pile.example" not in export
    client.force_login(regisseur)
    page = client.get(demande.get_absolute_url()).content.decode()
    assert "Claire Dubois" in page and "claire@amis-du-pile.example" in page


def test_le_justificatif_se_telecharge_par_le_service_seulement(client, regisseur, elu, salle):
    demande = ponctuelle(salle)
    assurance = demande.justificatifs.get(nature="assurance")
    url = reverse("linne:justificatif_telecharger", args=[assurance.pk])
    client.force_login(elu)
    assert client.get(url).status_code == 403
    client.force_login(regisseur)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith('attachment; filename="attestation.pdf"')


# --- A season's wishes --------------------------------------------------------------------------------


@pytest.fixture
def saison(salle):
    """Two seasonal requests for 2026 whose first wishes compete (the same room on Wednesday, 14-16 and
    15-17), a closure at Christmas, and a confirmed booking on one Wednesday of the season."""
    premiere = avec_justificatifs(
        DemandeReservationFactory(saisonniere=True, saison=2026, nom_organisation="Chorale du Pile", siret=SIRET)
    )
    voeu1 = VoeuFactory(demande=premiere, rang=1, salle=salle, jour_semaine=2, heure_debut=datetime.time(14))
    voeu2 = VoeuFactory(
        demande=premiere,
        rang=2,
        salle=salle,
        jour_semaine=3,
        heure_debut=datetime.time(18),
        heure_fin=datetime.time(20),
    )
    seconde = DemandeReservationFactory(saisonniere=True, saison=2026, nom_organisation="Club d'échecs")
    rival = VoeuFactory(
        demande=seconde, rang=1, salle=salle, jour_semaine=2, heure_debut=datetime.time(15), heure_fin=datetime.time(17)
    )
    FermetureFactory(debut=datetime.date(2026, 12, 24), fin=datetime.date(2027, 1, 1))
    ReservationFactory(
        salle=salle, debut=moment(datetime.date(2026, 10, 7), 13), fin=moment(datetime.date(2026, 10, 7), 15)
    )
    return premiere, voeu1, voeu2, rival


def test_la_page_d_attribution_montre_les_voeux_et_leurs_conflits(client, regisseur, saison):
    premiere, voeu1, voeu2, rival = saison
    tableau = demandes.tableau_attribution(2026, AUJOURD_HUI)
    lignes = {ligne.voeu.pk: ligne for creneau in tableau for ligne in creneau.lignes}
    assert lignes[voeu1.pk].conflits == [rival] and lignes[rival.pk].conflits == [voeu1]
    assert lignes[voeu2.pk].conflits == []
    assert lignes[voeu1.pk].dates == 44  # the Wednesdays from 2 September 2026 to 30 June 2027
    assert lignes[voeu1.pk].dates_en_conflit == 1 and lignes[voeu1.pk].dates_impossibles == 1  # 7/10, 30/12
    assert lignes[voeu2.pk].dates_en_conflit == 0
    client.force_login(regisseur)
    page = client.get(reverse("linne:attribution"), {"saison": 2026}).content.decode()
    assert "vœux en concurrence" in page and "Club d&#x27;échecs (vœu 1, 15:00–17:00)" in page
    assert "1 déjà prise par une réservation confirmée" in page


def test_attribuer_un_voeu_cree_la_serie_et_ecarte_les_dates_impossibles(client, regisseur, saison, apres_commit):
    premiere, voeu1, voeu2, rival = saison
    client.force_login(regisseur)
    url = reverse("linne:voeu_attribuer", args=[voeu1.pk])
    apercu = client.get(url)
    assert apercu.status_code == 200 and len(apercu.context["impossibles"]) == 2
    response = apres_commit(client.post, url, {"categorie": "association"})
    assert response.status_code == 302
    serie = Serie.objects.get()
    assert serie.date_debut == datetime.date(2026, 9, 1) and serie.date_fin == datetime.date(2027, 6, 30)
    assert serie.jours == "2" and serie.heure_debut == datetime.time(14) and serie.organisation.nom == "Chorale du Pile"
    assert serie.reservations.count() == 42
    assert sorted(DateIgnoree.objects.values_list("date", flat=True)) == [
        datetime.date(2026, 10, 7),
        datetime.date(2026, 12, 30),
    ]
    voeu1.refresh_from_db()
    voeu2.refresh_from_db()
    premiere.refresh_from_db()
    rival.refresh_from_db()
    assert voeu1.statut == "attribue" and voeu1.serie == serie and voeu2.statut == "non_retenu"
    assert rival.statut == "en_attente"  # another request's wish waits for its own answer
    assert premiere.statut == "traitee" and premiere.organisation == serie.organisation
    assert set(premiere.justificatifs.values_list("organisation", flat=True)) == {serie.organisation_id}
    corps = mail.outbox[0].body
    assert "pour la saison 2026-2027" in corps and "Dates réservées : 42, du 02/09/2026 au 30/06/2027" in corps
    assert "Ces dates ne sont pas réservées" in corps and "le 30/12/2026 : Fermeture" in corps
    # The allocated request leaves the table; the rival's wish no longer competes with anything pending.
    tableau = demandes.tableau_attribution(2026, AUJOURD_HUI)
    assert [ligne.voeu for creneau in tableau for ligne in creneau.lignes] == [rival]


def test_une_demande_pour_la_saison_ne_s_accepte_pas_comme_une_ponctuelle(regisseur, saison):
    premiere = saison[0]
    with pytest.raises(demandes.ValidationError, match="vœu par vœu"):
        demandes.accepter(demande=premiere, par=regisseur, categorie="association", gratuit=False)


# --- Reminders ---------------------------------------------------------------------------------------


def test_le_rappel_part_deux_jours_avant_une_seule_fois(salle):
    apres_demain = ReservationFactory(
        salle=salle, debut=moment(datetime.date(2026, 5, 6), 10), contact_email="a@x.example"
    )
    ReservationFactory(salle=salle, debut=moment(datetime.date(2026, 5, 7), 10))  # in three days: not yet
    ReservationFactory(salle=salle, debut=moment(datetime.date(2026, 5, 6), 14), statut="annulee", motif="Annulée")
    from linne.tasks import rappels_du_jour

    assert rappels_du_jour() == {"envoyes": 1, "echecs": 0}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@x.example"]
    assert mail.outbox[0].subject == "Rappel : votre réservation à l'Espace Linné le 06/05/2026"
    assert "Salle Verte" in mail.outbox[0].body and "mercredi 06/05/2026 de 10:00 à 12:00" in mail.outbox[0].body
    apres_demain.refresh_from_db()
    assert apres_demain.rappel_envoye_le is not None
    assert rappels_du_jour() == {"envoyes": 0, "echecs": 0}
    assert demandes.envoyer_rappel(reservation_id=apres_demain.pk) == 0  # a second worker claims nothing
    assert len(mail.outbox) == 1


def test_un_rappel_qui_echoue_reste_du(salle, monkeypatch):
    reservation = ReservationFactory(salle=salle, debut=moment(datetime.date(2026, 5, 6), 10))

    def panne(*args, **kwargs):
        raise ConnectionError("serveur de courrier injoignable")

    monkeypatch.setattr(demandes.EmailMultiAlternatives, "send", panne)
    assert demandes.envoyer_rappels(AUJOURD_HUI) == {"envoyes": 0, "echecs": 1}
    reservation.refresh_from_db()
    assert reservation.rappel_envoye_le is None


# --- Deadlines, alerts and to-dos -------------------------------------------------------------------


def test_chaque_demande_en_attente_est_une_echeance_pour_les_regisseurs(salle, regisseur, responsable, agent):
    demande = ponctuelle(salle)
    DemandeReservationFactory(salle=salle, statut="refusee", motif_refus="Complet")
    echeances = [e for e in linne_deadlines.upcoming(AUJOURD_HUI) if e.kind == linne_deadlines.KIND_DEMANDE]
    assert [(e.due, e.threshold, e.object_key) for e in echeances] == [
        (AUJOURD_HUI + datetime.timedelta(days=10), "J-10", f"linne.demandereservation:{demande.pk}")
    ]
    assert echeances[0].url == demande.get_absolute_url() and "Les Amis du Pile" in echeances[0].label
    alertes.synchroniser(AUJOURD_HUI)
    assert set(Alerte.objects.filter(kind="linne_demande_salle").values_list("user__role", flat=True)) == {
        Role.REGISSEUR,
        Role.RESPONSABLE,
    }
    demandes.refuser(demande=demande, par=regisseur, motif="Complet")
    assert linne_deadlines.upcoming(AUJOURD_HUI) == []


def test_les_demandes_en_attente_sont_a_faire_pour_le_service(client, salle, regisseur, elu):
    ponctuelle(salle)
    DemandeReservationFactory(saisonniere=True)
    DemandeReservationFactory(salle=salle, statut="traitee")
    (todo,) = linne_todos.a_faire(regisseur)
    assert todo.count == 2 and todo.url == f"{reverse('linne:demandes')}?statut=recue"
    assert linne_todos.a_faire(elu) == []
    client.force_login(regisseur)
    page = client.get(reverse("accueil")).content.decode()
    assert 'data-todo="linne.demandes_a_traiter"' in page and "Demandes de salle à traiter" in page
    liste = client.get(todo.url)
    assert liste.context["page"].paginator.count == 2


# --- Query guards ----------------------------------------------------------------------------------


def test_la_liste_des_demandes_ne_grandit_pas_avec_elles(client, regisseur, salle):
    client.force_login(regisseur)

    def grandir(n):
        for _ in range(n):
            ponctuelle(salle)
            VoeuFactory(salle=salle)

    garde(client, "linne:demandes regisseur", reverse("linne:demandes"), grandir)


def test_la_page_d_une_demande_ne_grandit_pas_avec_son_historique(client, regisseur, salle):
    client.force_login(regisseur)
    demande = DemandeReservationFactory(saisonniere=True, saison=2026)
    rangs = iter(range(1, 4))

    def grandir(n):
        for _ in range(n):
            demande.objet = f"{demande.objet}+"
            demande._history_user = UserFactory(role=Role.REGISSEUR)
            demande.save()
            Justificatif.objects.create(
                nature="reglement", demande=demande, valide_du=AUJOURD_HUI, valide_jusqu_au=datetime.date(2027, 6, 30)
            )
        rang = next(rangs, None)
        if rang:
            VoeuFactory(demande=demande, rang=rang, salle=salle)

    garde(client, "linne:demande_detail regisseur", reverse("linne:demande_detail", args=[demande.pk]), grandir)


def test_la_page_d_attribution_ne_grandit_pas_avec_les_voeux(client, regisseur):
    client.force_login(regisseur)

    def grandir(n):
        for i in range(n):
            salle = SalleFactory()
            demande = DemandeReservationFactory(saisonniere=True, saison=2026)
            VoeuFactory(demande=demande, rang=1, salle=salle, jour_semaine=i % 5)
            VoeuFactory(demande=demande, rang=2, salle=salle, jour_semaine=(i + 1) % 5)
            ReservationFactory(salle=salle, debut=moment(datetime.date(2026, 10, 7 + i % 3), 14))
            FermetureFactory(salle=salle, debut=datetime.date(2026, 11, 2), fin=datetime.date(2026, 11, 3))

    garde(client, "linne:attribution regisseur", reverse("linne:attribution"), grandir, {"saison": 2026})
