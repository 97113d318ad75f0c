"""Espace Linné's management pages, the date pinned: rooms (their hours and prices), closures, bookings
(create, edit under optimistic locking, confirm or refuse), the lists' filters and exports, and who may
do what (the régisseurs write, the élus read without the contacts nor the notes, the partners nothing)."""

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from comptes.models import Organisation
from linne import services
from linne.models import Categorie, Fermeture, HoraireOuverture, Reservation, Salle, Tarif, TypeActivite
from tests.factories import (
    FermetureFactory,
    OrganisationFactory,
    ReservationFactory,
    SalleFactory,
    moment,
)

JOUR = datetime.datetime(2027, 1, 4, 10, 0)  # a Monday
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]

S = Reservation.Statut
LUNDI = datetime.date(2027, 1, 11)
DIMANCHE = datetime.date(2027, 1, 17)


@pytest.fixture
def salle():
    return SalleFactory(nom="Salle des fêtes", capacite=40)


@pytest.fixture
def asso():
    return OrganisationFactory(nom="Les Amis du Pile", association=True)


def texte(response):
    """The page as its reader reads it (the entities unescaped)."""
    return html.unescape(response.content.decode())


def donnees_reservation(salle, organisation, jour=LUNDI, debut="10:00", fin="12:00", **autres):
    return {
        "salle": salle.pk,
        "organisation": organisation.pk,
        "date": jour.isoformat(),
        "heure_debut": debut,
        "heure_fin": fin,
        "objet": "Assemblée générale",
        "type_activite": TypeActivite.REUNION,
        "effectif_prevu": "25",
        "contact_nom": "Mme Durand",
        "contact_email": "durand@amis-du-pile.example",
        "confirmer": "on",
        **autres,
    }


# --- Who may do what ---------------------------------------------------------------------------------


def test_un_elu_lit_la_reservation_sans_ses_contacts_ni_ses_notes_ni_les_boutons(client, elu, regisseur):
    reservation = ReservationFactory(
        contact_nom="Mme Secrète",
        contact_telephone="0600000000",
        notes_internes="Clé chez le gardien",
        statut=S.DEMANDEE,
    )
    url = reverse("linne:reservation_detail", args=[reservation.pk])
    client.force_login(elu)
    page = client.get(url).content.decode()
    assert reservation.objet in page
    for cache in ("Mme Secrète", "0600000000", "Clé chez le gardien", "Modifier la réservation", "Confirmer"):
        assert cache not in page
    assert (
        client.post(reverse("linne:reservation_transition", args=[reservation.pk]), {"vers": "confirmee"}).status_code
        == 403
    )
    client.force_login(regisseur)
    page = client.get(url).content.decode()
    for lu in ("Mme Secrète", "0600000000", "Clé chez le gardien", "Modifier la réservation", "Confirmer"):
        assert lu in page


def test_le_menu_mene_l_elu_et_le_regisseur_aux_reservations_jamais_le_partenaire(
    client, elu, regisseur, partenaire_caf
):
    lien = reverse("linne:reservation_liste")
    for user, voit in ((elu, True), (regisseur, True), (partenaire_caf, False)):
        client.force_login(user)
        assert (f'href="{lien}"' in client.get(reverse("accueil")).content.decode()) is voit


# --- Rooms ---------------------------------------------------------------------------------------------


def test_une_salle_se_cree_puis_se_modifie_sous_verrou_optimiste(client, regisseur):
    client.force_login(regisseur)
    donnees = {
        "nom": "Salle Linné 1",
        "capacite": "60",
        "accessible_pmr": "on",
        "duree_min_minutes": "60",
        "duree_max_minutes": "240",
        "battement_avant_minutes": "15",
        "battement_apres_minutes": "30",
        "active": "on",
    }
    response = client.post(reverse("linne:salle_creer"), donnees)
    salle = Salle.objects.get(nom="Salle Linné 1")
    assert response.status_code == 302 and response["Location"] == salle.get_absolute_url()
    url = reverse("linne:salle_modifier", args=[salle.pk])
    assert client.post(url, {**donnees, "capacite": "80", "version_vue": "1"}).status_code == 302
    response = client.post(url, {**donnees, "capacite": "90", "version_vue": "1"})  # the page seen before
    assert response.status_code == 200
    assert "modifié par quelqu'un d'autre" in texte(response)
    salle.refresh_from_db()
    assert salle.capacite == 80 and salle.history.count() == 2
    response = client.post(url, {**donnees, "duree_max_minutes": "30", "version_vue": "2"})
    assert response.context["form"].errors["duree_max_minutes"] == [
        "La durée maximale doit être au moins égale à la durée minimale."
    ]


def _horaires(salle, **jours):
    donnees = {"version_vue": str(salle.version)}
    for jour in range(7):
        ouverture, fermeture = jours.get(f"j{jour}", ("", ""))
        donnees[f"ouverture_{jour}"], donnees[f"fermeture_{jour}"] = ouverture, fermeture
    return donnees


def test_les_horaires_d_une_salle_se_saisissent_jour_par_jour_avec_leur_historique(client, regisseur, salle):
    client.force_login(regisseur)
    url = reverse("linne:salle_horaires", args=[salle.pk])
    response = client.post(url, _horaires(salle, j0=("09:00", "12:00"), j2=("14:00", "22:00")))
    assert response.status_code == 302
    horaires = {h.jour_semaine: (h.ouverture, h.fermeture) for h in salle.horaires.all()}
    assert horaires == {0: (datetime.time(9), datetime.time(12)), 2: (datetime.time(14), datetime.time(22))}
    assert HoraireOuverture.history.filter(salle_id=salle.pk, history_type="-").count() == 4  # closed days
    page = client.get(salle.get_absolute_url()).content.decode()
    assert "Horaires du mardi" in page and "09:00–12:00" in page


@pytest.mark.parametrize(
    ("jours", "champ", "message"),
    [
        ({"j0": ("12:00", "09:00")}, "fermeture_0", "L'heure de fermeture doit suivre l'heure d'ouverture."),
        ({"j1": ("09:00", "")}, "fermeture_1", "Indiquez l'heure de fermeture du mardi, ou videz les deux heures."),
        ({"j1": ("", "10:00")}, "ouverture_1", "Indiquez l'heure d'ouverture du mardi, ou videz les deux heures."),
    ],
)
def test_des_horaires_impossibles_sont_refuses_a_cote_du_champ(client, regisseur, salle, jours, champ, message):
    client.force_login(regisseur)
    response = client.post(reverse("linne:salle_horaires", args=[salle.pk]), _horaires(salle, **jours))
    assert response.context["form"].errors[champ] == [message]
    assert message in texte(response)
    assert salle.horaires.count() == 6  # unchanged


def test_des_horaires_envoyes_apres_un_autre_changement_de_la_salle_sont_refuses(client, regisseur, salle):
    client.force_login(regisseur)
    url = reverse("linne:salle_horaires", args=[salle.pk])
    donnees = _horaires(salle, j0=("09:00", "12:00"))
    assert client.post(url, donnees).status_code == 302
    response = client.post(url, _horaires(salle, j0=("10:00", "12:00")) | {"version_vue": donnees["version_vue"]})
    assert "modifiée par quelqu'un d'autre" in texte(response)
    assert salle.horaires.get().ouverture == datetime.time(9)


def test_la_grille_tarifaire_se_saisit_par_public_et_vide_signifie_gratuit(client, regisseur, salle):
    client.force_login(regisseur)
    url = reverse("linne:salle_tarifs", args=[salle.pk])
    donnees = {"version_vue": "1", "tarif_association": "", "tarif_centre_social": "12.50", "tarif_autre": "60"}
    assert client.post(url, donnees).status_code == 302
    assert dict(salle.tarifs.values_list("categorie", "tarif_horaire")) == {
        Categorie.CENTRE_SOCIAL: Decimal("12.50"),
        Categorie.AUTRE: Decimal("60.00"),
    }
    response = client.post(url, {"version_vue": "2", "tarif_autre": "-5"})
    assert response.context["form"].errors["tarif_autre"] == ["Le tarif ne peut pas être négatif."]
    assert Tarif.objects.filter(salle=salle).count() == 2


# --- Closures ------------------------------------------------------------------------------------------


def test_une_fermeture_du_site_previent_des_reservations_confirmees_qu_elle_touche(client, regisseur, salle):
    ReservationFactory(salle=salle, debut=moment(datetime.date(2027, 2, 15), 10))
    client.force_login(regisseur)
    donnees = {"debut": "2027-02-15", "fin": "2027-02-19", "motif": "vacances", "libelle": "Vacances d'hiver"}
    response = client.post(reverse("linne:fermeture_creer"), donnees, follow=True)
    fermeture = Fermeture.objects.get()
    assert fermeture.salle is None and fermeture.history.count() == 1
    page = response.content.decode()
    assert "1 réservation confirmée tombe pendant cette fermeture" in page
    response = client.post(reverse("linne:fermeture_creer"), {**donnees, "fin": "2027-02-14"})
    assert response.context["form"].errors["fin"] == ["La fermeture doit finir le jour de son début ou après."]


def test_une_fermeture_se_modifie_puis_se_supprime(client, regisseur, salle):
    fermeture = FermetureFactory(salle=salle)
    client.force_login(regisseur)
    url = reverse("linne:fermeture_modifier", args=[fermeture.pk])
    donnees = {"salle": salle.pk, "debut": "2026-12-24", "fin": "2026-12-26", "motif": "ferie", "libelle": "Noël"}
    assert client.post(url, donnees).status_code == 302
    fermeture.refresh_from_db()
    assert fermeture.fin == datetime.date(2026, 12, 26) and fermeture.libelle == "Noël"
    assert client.get(reverse("linne:fermeture_supprimer", args=[fermeture.pk])).status_code == 200
    assert client.post(reverse("linne:fermeture_supprimer", args=[fermeture.pk])).status_code == 302
    assert not Fermeture.objects.exists()
    assert Fermeture.history.filter(history_type="-").count() == 1


def test_la_liste_des_fermetures_se_filtre_par_salle_annee_et_motif(client, elu, salle):
    FermetureFactory(salle=None, libelle="Fermeture générale")
    FermetureFactory(
        salle=salle,
        libelle="Parquet",
        motif=Fermeture.Motif.TRAVAUX,
        debut=datetime.date(2027, 3, 1),
        fin=datetime.date(2027, 3, 5),
    )
    FermetureFactory(salle=salle, libelle="Ancienne", debut=datetime.date(2025, 3, 1), fin=datetime.date(2025, 3, 5))
    client.force_login(elu)
    url = reverse("linne:fermeture_liste")

    def libelles(**params):
        return {f.libelle for f in client.get(url, params).context["page"]}

    assert libelles() == {"Fermeture générale", "Parquet", "Ancienne"}
    assert libelles(salle="site") == {"Fermeture générale"}
    assert libelles(salle=salle.pk, annee=2027) == {"Parquet"}
    assert libelles(annee=2027) == {"Fermeture générale", "Parquet"}  # 24/12/2026 – 01/01/2027
    assert libelles(motif="travaux") == {"Parquet"}
    assert "Nouvelle fermeture" not in client.get(url).content.decode()


# --- Bookings --------------------------------------------------------------------------------------------


def test_une_reservation_creee_est_confirmee_valorisee_et_tarifee_selon_l_organisation(client, regisseur, salle):
    ville = OrganisationFactory(nom="Ville de Roubaix", nature=Organisation.Nature.VILLE)
    Tarif.objects.create(salle=salle, categorie=Categorie.SERVICE_MUNICIPAL, tarif_horaire=Decimal("10"))
    client.force_login(regisseur)
    response = client.post(reverse("linne:reservation_creer"), donnees_reservation(salle, ville, gratuit="on"))
    reservation = Reservation.objects.get()
    assert response["Location"] == reservation.get_absolute_url()
    assert reservation.statut == S.CONFIRMEE and reservation.cree_par == regisseur
    assert reservation.categorie == Categorie.SERVICE_MUNICIPAL
    assert reservation.valeur == Decimal("20.00") and reservation.montant == Decimal("0.00")
    page = client.get(reservation.get_absolute_url()).content.decode()
    assert "Service municipal" in page and "20,00" in page and "Aide en nature" in page


def test_une_reservation_non_confirmee_reste_demandee_puis_se_confirme_ou_se_refuse(client, regisseur, salle, asso):
    client.force_login(regisseur)
    client.post(reverse("linne:reservation_creer"), donnees_reservation(salle, asso, confirmer=""))
    reservation = Reservation.objects.get()
    assert reservation.statut == S.DEMANDEE
    url = reverse("linne:reservation_transition", args=[reservation.pk])
    page = client.post(url, {"vers": "refusee"}, follow=True).content.decode()
    assert "Indiquez le motif." in page
    reservation.refresh_from_db()
    assert reservation.statut == S.DEMANDEE
    client.post(url, {"vers": "confirmee"})
    reservation.refresh_from_db()
    assert reservation.statut == S.CONFIRMEE


def test_le_refus_d_une_demande_garde_son_motif(client, regisseur):
    reservation = ReservationFactory(statut=S.DEMANDEE)
    client.force_login(regisseur)
    client.post(
        reverse("linne:reservation_transition", args=[reservation.pk]),
        {"vers": "refusee", "commentaire": "Salle en travaux"},
    )
    reservation.refresh_from_db()
    assert reservation.statut == S.REFUSEE and reservation.motif == "Salle en travaux"


def test_une_confirmation_en_conflit_est_refusee_en_francais(client, regisseur, salle, asso):
    ReservationFactory(salle=salle, debut=moment(LUNDI, 10))
    demandee = ReservationFactory(salle=salle, debut=moment(LUNDI, 11), statut=S.DEMANDEE)
    client.force_login(regisseur)
    page = client.get(demandee.get_absolute_url()).content.decode()
    assert "Conflit avec la réservation confirmée" in page  # the primary step, disabled with its reason
    response = client.post(
        reverse("linne:reservation_transition", args=[demandee.pk]), {"vers": "confirmee"}, follow=True
    )
    assert "Conflit avec la réservation confirmée" in response.content.decode()
    demandee.refresh_from_db()
    assert demandee.statut == S.DEMANDEE


@pytest.mark.parametrize(
    ("jour", "debut", "fin", "effectif", "raison"),
    [
        (DIMANCHE, "10:00", "12:00", "25", "est fermée le dimanche"),
        (LUNDI, "10:00", "10:30", "25", "se réserve pour 60 minutes au moins"),
        (LUNDI, "10:00", "12:00", "45", "dépasse la capacité de la salle"),
        (LUNDI, "07:00", "09:00", "25", "Hors des heures d'ouverture"),
    ],
)
def test_les_regles_de_la_salle_violees_sont_montrees_sur_le_formulaire(
    client, regisseur, salle, asso, jour, debut, fin, effectif, raison
):
    client.force_login(regisseur)
    donnees = donnees_reservation(salle, asso, jour=jour, debut=debut, fin=fin, effectif_prevu=effectif)
    response = client.post(reverse("linne:reservation_creer"), donnees)
    assert response.status_code == 200
    assert raison in " ".join(response.context["form"].non_field_errors())
    assert raison in texte(response)
    assert not Reservation.objects.exists()


def test_un_conflit_avec_une_reservation_confirmee_est_refuse(client, regisseur, salle, asso):
    ReservationFactory(salle=salle, debut=moment(LUNDI, 12, 10))  # its set-up starts at 11:55
    client.force_login(regisseur)
    response = client.post(reverse("linne:reservation_creer"), donnees_reservation(salle, asso))
    assert "Conflit avec la réservation confirmée" in response.content.decode()
    assert Reservation.objects.count() == 1


def test_l_organisation_se_choisit_par_sa_recherche_sans_javascript(client, regisseur, salle, asso):
    OrganisationFactory.create_batch(60, association=True)
    client.force_login(regisseur)
    donnees = donnees_reservation(salle, asso)
    donnees["organisation"], donnees["organisation_recherche"] = "", "Amis du Pile"
    client.post(reverse("linne:reservation_creer"), donnees)
    assert Reservation.objects.get().organisation == asso
    reponse = client.get(
        reverse("comptes:organisation_autocompletion"), {"champ": "organisation", "organisation_recherche": "Pile"}
    )
    assert reponse.status_code == 200 and "Les Amis du Pile" in reponse.content.decode()


def test_la_modification_d_une_reservation_verifie_le_creneau_et_garde_l_historique(client, regisseur, salle, asso):
    reservation = services.creer_reservation(
        par=regisseur,
        salle=salle,
        organisation=asso,
        categorie=Categorie.ASSOCIATION,
        objet="Atelier",
        type_activite=TypeActivite.ACTIVITE_REGULIERE,
        debut=moment(LUNDI, 10),
        fin=moment(LUNDI, 12),
        effectif_prevu=10,
        contact_nom="Mme Durand",
        contact_email="durand@example.org",
    )
    client.force_login(regisseur)
    url = reverse("linne:reservation_modifier", args=[reservation.pk])
    donnees = donnees_reservation(salle, asso, version_vue="1", categorie="association")
    response = client.post(url, {**donnees, "heure_fin": "13:00"})
    assert response.status_code == 302
    reservation.refresh_from_db()
    assert reservation.fin == moment(LUNDI, 13) and reservation.valeur == Decimal("60.00")
    assert reservation.version == 2 and reservation.history.count() == 2
    response = client.post(url, {**donnees, "version_vue": "2", "date": DIMANCHE.isoformat()})
    assert "est fermée le dimanche" in response.content.decode()
    reservation.refresh_from_db()
    assert timezone_date(reservation.debut) == LUNDI


def timezone_date(moment_):
    from django.utils import timezone

    return timezone.localtime(moment_).date()


def test_deux_modifications_concurrentes_la_seconde_est_refusee_sans_rien_ecrire(client, regisseur, agent, salle, asso):
    reservation = ReservationFactory(salle=salle, organisation=asso, objet="Avant")
    url = reverse("linne:reservation_modifier", args=[reservation.pk])
    donnees = donnees_reservation(salle, asso, version_vue=str(reservation.version), categorie="association")
    client.force_login(agent)
    assert client.post(url, {**donnees, "objet": "Par l'agent"}).status_code == 302
    client.force_login(regisseur)
    response = client.post(url, {**donnees, "objet": "Par le régisseur"})
    assert response.status_code == 200
    page = texte(response)
    assert "a été modifié par quelqu'un d'autre" in page and "Par l'agent" in page
    reservation.refresh_from_db()
    assert reservation.objet == "Par l'agent"


# --- Lists and exports ---------------------------------------------------------------------------------


@pytest.fixture
def trois_reservations(salle, asso):
    autre_salle = SalleFactory(nom="Petite salle")
    centre = OrganisationFactory(nom="Centre social Alma")
    return [
        ReservationFactory(
            salle=salle,
            organisation=asso,
            objet="Loto",
            public=True,
            type_activite=TypeActivite.FESTIF,
            notes_internes="Note interne loto",
            contact_nom="M. Loto",
        ),
        ReservationFactory(
            salle=autre_salle, organisation=centre, objet="Atelier", debut=moment(LUNDI, 14), statut=S.DEMANDEE
        ),
        ReservationFactory(
            salle=salle,
            organisation=centre,
            objet="Réunion",
            debut=moment(datetime.date(2027, 2, 1), 10),
            statut=S.ANNULEE,
            motif="Report",
        ),
    ]


def test_la_liste_des_reservations_se_filtre_et_se_trie(client, elu, salle, asso, trois_reservations):
    client.force_login(elu)
    url = reverse("linne:reservation_liste")

    def objets(**params):
        return [r.objet for r in client.get(url, params).context["page"]]

    assert objets() == ["Réunion", "Atelier", "Loto"]  # the most recent first
    assert objets(tri="debut") == ["Loto", "Atelier", "Réunion"]
    assert objets(salle=salle.pk, tri="debut") == ["Loto", "Réunion"]
    assert objets(statut="demandee") == ["Atelier"]
    assert objets(organisation=asso.pk) == ["Loto"]
    assert objets(du="2027-01-12") == ["Réunion"]
    assert objets(au="2027-01-11", tri="debut") == ["Loto", "Atelier"]
    assert objets(public="oui") == ["Loto"]
    assert objets(type_activite="festif") == ["Loto"]
    assert objets(tri="organisation", statut="confirmee") == ["Loto"]
    assert "Nouvelle réservation" not in client.get(url).content.decode()


def test_l_export_des_reservations_suit_les_filtres_et_cache_les_contacts_aux_elus(
    client, elu, regisseur, salle, trois_reservations
):
    url = reverse("linne:reservation_export", args=["csv"])
    client.force_login(regisseur)
    texte = client.get(url, {"salle": salle.pk, "tri": "debut"}).content.decode("utf-8-sig")
    lignes = texte.strip().splitlines()
    assert lignes[0].startswith("Date;Début;Fin;Salle;Organisation;Objet")
    assert "Contact" in lignes[0] and "Notes internes" in lignes[0]
    assert len(lignes) == 3 and lignes[1].startswith("11/01/2027;10:00;12:00;Salle des fêtes;Les Amis du Pile;Loto")
    assert "Note interne loto" in texte and "M. Loto" in texte
    client.force_login(elu)
    texte = client.get(url).content.decode("utf-8-sig")
    assert "Contact" not in texte and "Note interne loto" not in texte and "M. Loto" not in texte
    assert len(texte.strip().splitlines()) == 4
    xlsx = client.get(reverse("linne:reservation_export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_les_exports_des_salles_et_des_fermetures(client, elu, salle):
    FermetureFactory(salle=salle, libelle="Parquet")
    client.force_login(elu)
    salles = client.get(reverse("linne:salle_export", args=["csv"])).content.decode("utf-8-sig")
    assert "Salle des fêtes;40;" in salles
    fermetures = client.get(reverse("linne:fermeture_export", args=["csv"])).content.decode("utf-8-sig")
    assert "24/12/2026;01/01/2027;Salle des fêtes;Congés, fermeture annuelle;Parquet" in fermetures
    assert client.get(reverse("linne:fermeture_export", args=["ods"])).status_code == 404


def test_la_liste_des_salles_se_filtre_et_compte_les_reservations_a_venir(client, elu, salle):
    SalleFactory(nom="Petite salle", capacite=10, accessible_pmr=False, active=False)
    ReservationFactory(salle=salle)
    ReservationFactory(salle=salle, statut=S.ANNULEE, motif="Report")
    client.force_login(elu)
    url = reverse("linne:salle_liste")
    page = client.get(url).context["page"]
    assert [(s.nom, s.n_a_venir) for s in page] == [("Petite salle", 0), ("Salle des fêtes", 1)]
    assert [s.nom for s in client.get(url, {"active": "oui"}).context["page"]] == ["Salle des fêtes"]
    assert [s.nom for s in client.get(url, {"accessible_pmr": "non"}).context["page"]] == ["Petite salle"]
    assert [s.nom for s in client.get(url, {"capacite": "20"}).context["page"]] == ["Salle des fêtes"]
    assert [s.nom for s in client.get(url, {"tri": "-capacite"}).context["page"]] == ["Salle des fêtes", "Petite salle"]
