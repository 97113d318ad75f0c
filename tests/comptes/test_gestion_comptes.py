"""Accounts managed by the service (issue 12, point 6): the responsable opens the accounts of élus,
partners and the team with an e-mailed invitation, edits them, deactivates a leaver's and reactivates
it; agents read them; every change is in the account's history with who, what and why."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from comptes import services
from comptes.models import Role, User
from comptes.retention import anonymiser_compte

from ..factories import OrganisationFactory, UserFactory
from ..outils import contenu, messages_de

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "Un-mot-de-passe-solide-2026"
DEBUT = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def client_resp(client, responsable):
    client.force_login(responsable)
    return client


@pytest.fixture
def ouvrir(client_resp, django_capture_on_commit_callbacks, mailoutbox):
    """Open an account as the responsable; the invitation is sent once the request has committed."""

    def _ouvrir(**champs):
        donnees = {
            "first_name": "Léa",
            "last_name": "Martin",
            "username": "lea.martin",
            "email": "Lea.Martin@caf59.fr",
            "role": Role.PARTENAIRE,
            "motif": "",
            **champs,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return client_resp.post(reverse("comptes:creer"), donnees)

    return _ouvrir


def _lien(mail):
    return re.search(r"https?://\S+/comptes/invitation/\S+/", mail.body).group(0)


def _choisir_mot_de_passe(lien, mot_de_passe=MOT_DE_PASSE):
    """Follow the invitation link in a fresh browser; returns (page of the link, response of the form)."""
    navigateur = Client()
    page = navigateur.get(lien, follow=True)
    if "new_password1" not in contenu(page):
        return page, None
    action = page.redirect_chain[-1][0]
    return page, navigateur.post(action, {"new_password1": mot_de_passe, "new_password2": mot_de_passe})


def _se_connecter(username, mot_de_passe=MOT_DE_PASSE):
    navigateur = Client()
    navigateur.post(reverse("comptes:login"), {"username": username, "password": mot_de_passe})
    return SESSION_KEY in navigateur.session


def _historique(compte):
    return list(compte.history.order_by("history_date", "history_id"))


# --- Opening an account, the invitation ----------------------------------------------------------------


def test_opening_an_account_emails_a_french_invitation(ouvrir, responsable, caf, mailoutbox):
    reponse = ouvrir(organisation=caf.pk, motif="Nouveau contact CAF")

    compte = User.objects.get(username="lea.martin")
    assert reponse.status_code == 302 and reponse["Location"] == reverse("comptes:detail", args=[compte.pk])
    assert messages_de(reponse) == [
        "Compte de Léa Martin ouvert. Une invitation à choisir son mot de passe est envoyée à lea.martin@caf59.fr."
    ]
    assert (compte.role, compte.organisation, compte.email) == (Role.PARTENAIRE, caf, "lea.martin@caf59.fr")
    assert not compte.has_usable_password()  # nobody typed a password: she chooses it
    assert compte.invitation_envoyee_le is not None
    [mail] = mailoutbox
    assert mail.to == ["lea.martin@caf59.fr"]
    assert mail.subject == "Votre compte Mission Centres Sociaux — Ville de Roubaix"
    assert "Votre identifiant : lea.martin" in mail.body
    assert "ne sert qu'une fois et reste valable 3 jours" in mail.body
    [creation] = _historique(compte)
    assert (creation.history_type, creation.history_user, creation.history_change_reason) == (
        "+",
        responsable,
        "Nouveau contact CAF",
    )


def test_the_invitation_link_sets_the_password_once(ouvrir, caf, mailoutbox):
    ouvrir(organisation=caf.pk)
    lien = _lien(mailoutbox[0])

    page, reponse = _choisir_mot_de_passe(lien)
    assert "Choisir votre mot de passe" in contenu(page)
    assert reponse.status_code == 302 and reponse["Location"] == reverse("comptes:login")
    assert _se_connecter("lea.martin")

    page, reponse = _choisir_mot_de_passe(lien, "Un-autre-mot-de-passe-2026")
    assert reponse is None
    assert "Ce lien ne fonctionne plus" in contenu(page)
    assert _se_connecter("lea.martin")  # the first password holds


def test_the_invitation_link_expires(ouvrir, caf, mailoutbox):
    with time_machine.travel(DEBUT, tick=False):
        ouvrir(organisation=caf.pk)
    lien = _lien(mailoutbox[0])
    expire = DEBUT + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)
    with time_machine.travel(DEBUT + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60), tick=False):
        assert "new_password1" in contenu(Client().get(lien, follow=True))  # just before: still valid
    with time_machine.travel(expire, tick=False):
        page, reponse = _choisir_mot_de_passe(lien)
    assert reponse is None and "il a expiré" in contenu(page)
    assert not User.objects.get(username="lea.martin").has_usable_password()


def test_a_new_invitation_is_sent_and_recorded(client_resp, django_capture_on_commit_callbacks, mailoutbox):
    compte = UserFactory(role=Role.ELU, email="elu@ville-roubaix.fr")
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client_resp.post(reverse("comptes:inviter", args=[compte.pk]), follow=True)

    assert "Une invitation à choisir son mot de passe est envoyée à elu@ville-roubaix.fr." in messages_de(reponse)
    [mail] = mailoutbox
    assert mail.to == ["elu@ville-roubaix.fr"]
    derniere = _historique(compte)[-1]
    assert derniere.history_change_reason == services.MOTIF_INVITATION
    assert "Invitation envoyée le" in contenu(reponse)


def test_no_invitation_for_a_deactivated_account(client_resp, django_capture_on_commit_callbacks, mailoutbox):
    compte = UserFactory(role=Role.ELU, email="elu@ville-roubaix.fr", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client_resp.post(reverse("comptes:inviter", args=[compte.pk]), follow=True)
    assert "Ce compte est désactivé : réactivez-le avant de renvoyer une invitation." in messages_de(reponse)
    assert mailoutbox == []


def test_the_link_of_an_account_deactivated_since_no_longer_works(ouvrir, caf, mailoutbox):
    ouvrir(organisation=caf.pk)
    User.objects.filter(username="lea.martin").update(is_active=False)
    page, reponse = _choisir_mot_de_passe(_lien(mailoutbox[0]))
    assert reponse is None and "le compte a été désactivé" in contenu(page)


# --- What the form refuses ---------------------------------------------------------------------------


def test_a_partner_account_needs_an_organisation(ouvrir, mailoutbox):
    reponse = ouvrir(organisation="")
    assert reponse.status_code == 200
    assert reponse.context["form"].errors["organisation"] == [
        "Un compte partenaire doit être rattaché à une organisation : c'est ce qu'il peut consulter."
    ]
    assert reponse.context["form"].non_field_errors() == []  # said once, next to the field
    assert not User.objects.filter(username="lea.martin").exists()
    assert mailoutbox == []


def test_an_elu_needs_no_organisation(ouvrir):
    assert ouvrir(role=Role.ELU, organisation="").status_code == 302


def test_the_email_is_unique_among_active_accounts_only(ouvrir):
    ancien = UserFactory(role=Role.PARTENAIRE, organisation=OrganisationFactory(), email="lea.martin@caf59.fr")
    reponse = ouvrir(role=Role.ELU)
    assert reponse.context["form"].errors["email"] == ["Un compte actif utilise déjà cette adresse e-mail."]

    ancien.is_active = False  # a leaver's address may go to whoever replaces her
    ancien.save()
    assert ouvrir(role=Role.ELU).status_code == 302


def test_a_role_is_required_technical_accounts_stay_in_the_admin(ouvrir):
    reponse = ouvrir(role="")
    assert "role" in reponse.context["form"].errors


# --- Editing, deactivating, reactivating ---------------------------------------------------------------


def test_editing_records_who_what_and_why(client_resp, responsable, caf):
    compte = UserFactory(role=Role.ELU, email="elu@ville-roubaix.fr")
    donnees = {
        "first_name": compte.first_name,
        "last_name": compte.last_name,
        "email": compte.email,
        "role": Role.PARTENAIRE,
        "organisation": caf.pk,
        "motif": "Rejoint la CAF",
    }
    reponse = client_resp.post(reverse("comptes:modifier", args=[compte.pk]), donnees, follow=True)

    compte.refresh_from_db()
    assert (compte.role, compte.organisation) == (Role.PARTENAIRE, caf)
    [evenement] = [e for e in reponse.context["evenements"] if e.action == "Modification"]
    assert evenement.auteur == responsable and evenement.motif == "Rejoint la CAF"
    assert {(c.champ, c.avant, c.apres) for c in evenement.changements} == {
        ("rôle", "Élu(e)", "Partenaire"),
        ("organisation", "—", str(caf)),
    }


def test_editing_needs_a_reason(client_resp):
    compte = UserFactory(role=Role.ELU, email="elu@ville-roubaix.fr")
    donnees = {"first_name": "A", "last_name": "B", "email": compte.email, "role": Role.ELU, "motif": ""}
    reponse = client_resp.post(reverse("comptes:modifier", args=[compte.pk]), donnees)
    assert reponse.context["form"].errors["motif"] == ["Ce champ est obligatoire."]


def test_deactivation_refuses_login_ends_sessions_and_keeps_the_history(client_resp, responsable):
    compte = UserFactory(role=Role.AGENT, username="partant")
    compte.set_password(MOT_DE_PASSE)
    compte.save()
    navigateur = Client()
    navigateur.force_login(compte)
    assert navigateur.get(reverse("comptes:liste")).status_code == 200
    autre = UserFactory(role=Role.AGENT)
    navigateur_autre = Client()
    navigateur_autre.force_login(autre)

    reponse = client_resp.post(reverse("comptes:desactiver", args=[compte.pk]), {"motif": "Départ en retraite"})

    assert reponse.status_code == 302
    assert "Compte de " in messages_de(reponse)[0] and "désactivé" in messages_de(reponse)[0]
    compte.refresh_from_db()
    assert not compte.is_active
    sessions = [s.get_decoded().get(SESSION_KEY) for s in Session.objects.all()]
    assert str(compte.pk) not in sessions and str(autre.pk) in sessions  # only the leaver's sessions end
    assert navigateur.get(reverse("comptes:liste"))["Location"].startswith(reverse("comptes:login"))
    assert not _se_connecter("partant")
    assert navigateur_autre.get(reverse("comptes:liste")).status_code == 200
    derniere = _historique(compte)[-1]
    assert (derniere.is_active, derniere.history_user, derniere.history_change_reason) == (
        False,
        responsable,
        "Départ en retraite",
    )
    page = client_resp.get(reverse("comptes:detail", args=[compte.pk]))
    assert "Désactivé : ne peut plus se connecter" in contenu(page)
    assert "Départ en retraite" in contenu(page)


def test_deactivation_needs_a_reason(client_resp):
    compte = UserFactory(role=Role.ELU)
    reponse = client_resp.post(reverse("comptes:desactiver", args=[compte.pk]), {"motif": ""})
    assert reponse.context["form"].errors["motif"] == ["Ce champ est obligatoire."]
    compte.refresh_from_db()
    assert compte.is_active


def test_the_responsable_cannot_deactivate_herself(client_resp, responsable):
    UserFactory(role=Role.RESPONSABLE)  # even with another responsable
    reponse = client_resp.post(reverse("comptes:desactiver", args=[responsable.pk]), {"motif": "Essai"})
    assert reponse.context["form"].non_field_errors() == ["Vous ne pouvez pas désactiver votre propre compte."]
    responsable.refresh_from_db()
    assert responsable.is_active
    assert reverse("comptes:desactiver", args=[responsable.pk]) not in contenu(
        client_resp.get(reverse("comptes:detail", args=[responsable.pk]))
    )


def _quitter_le_role(client, responsable):
    donnees = {
        "first_name": "Marie",
        "last_name": "Nadal",
        "email": "m.nadal@ville-roubaix.fr",
        "role": Role.AGENT,
        "motif": "Change de poste",
    }
    return client.post(reverse("comptes:modifier", args=[responsable.pk]), donnees)


def test_the_last_active_responsable_keeps_her_role(client_resp, responsable):
    UserFactory(role=Role.RESPONSABLE, is_active=False)  # a deactivated one does not count
    reponse = _quitter_le_role(client_resp, responsable)
    assert reponse.status_code == 200
    assert "garder un compte de responsable actif" in reponse.context["form"].errors["role"][0]
    responsable.refresh_from_db()
    assert responsable.role == Role.RESPONSABLE


def test_a_responsable_may_leave_the_role_when_another_remains(client_resp, responsable):
    UserFactory(role=Role.RESPONSABLE)
    assert _quitter_le_role(client_resp, responsable).status_code == 302
    responsable.refresh_from_db()
    assert responsable.role == Role.AGENT


def test_the_last_active_responsable_cannot_be_deactivated(responsable):
    admin = UserFactory(role="", is_superuser=True)
    with pytest.raises(ValidationError, match="garder un compte de responsable actif"):
        services.desactiver_compte(compte=responsable, par=admin, motif="Départ")
    responsable.refresh_from_db()
    assert responsable.is_active
    seconde = UserFactory(role=Role.RESPONSABLE)
    services.desactiver_compte(compte=responsable, par=seconde, motif="Départ")
    responsable.refresh_from_db()
    assert not responsable.is_active


def test_reactivation(client_resp, responsable):
    compte = UserFactory(role=Role.ELU, is_active=False, email="elu@ville-roubaix.fr")
    reponse = client_resp.post(reverse("comptes:reactiver", args=[compte.pk]), {"motif": "Réélu"})
    assert reponse.status_code == 302
    compte.refresh_from_db()
    assert compte.is_active
    assert _historique(compte)[-1].history_change_reason == "Réélu"


def test_reactivation_refused_when_the_email_went_to_another_active_account(client_resp):
    compte = UserFactory(role=Role.ELU, is_active=False, email="elu@ville-roubaix.fr")
    UserFactory(role=Role.ELU, email="elu@ville-roubaix.fr")
    reponse = client_resp.post(reverse("comptes:reactiver", args=[compte.pk]), {"motif": "Réélu"})
    assert "Un autre compte actif utilise la même adresse e-mail" in reponse.context["form"].non_field_errors()[0]
    compte.refresh_from_db()
    assert not compte.is_active


# --- Who sees what ---------------------------------------------------------------------------------


def test_agents_read_the_accounts_without_any_button_to_change_them(client, agent, responsable):
    client.force_login(agent)
    liste = contenu(client.get(reverse("comptes:liste")))
    assert str(responsable) in liste and reverse("comptes:creer") not in liste
    fiche = contenu(client.get(reverse("comptes:detail", args=[responsable.pk])))
    assert reverse("comptes:modifier", args=[responsable.pk]) not in fiche
    assert reverse("comptes:inviter", args=[responsable.pk]) not in fiche
    for nom in ("modifier", "inviter", "desactiver", "reactiver"):
        assert client.post(reverse(f"comptes:{nom}", args=[responsable.pk]), {"motif": "x"}).status_code == 403
    assert client.post(reverse("comptes:creer"), {}).status_code == 403


@pytest.mark.parametrize("persona", ["elu", "partenaire_caf", "regisseur"])
def test_read_only_roles_get_403_on_every_account_page(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    cible = UserFactory(role=Role.ELU)
    urls = [reverse("comptes:liste"), reverse("comptes:export", args=["csv"]), reverse("comptes:creer")]
    urls += [reverse(f"comptes:{n}", args=[cible.pk]) for n in ("detail", "modifier", "inviter", "desactiver")]
    urls.append(reverse("comptes:reactiver", args=[cible.pk]))
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"motif": "x"}).status_code == 403, url
    cible.refresh_from_db()
    assert cible.is_active


def test_technical_accounts_stay_out_of_the_pages(client_resp):
    technique = UserFactory(role="", username="technique")
    superuser = UserFactory(role=Role.AGENT, is_superuser=True, username="admin-tech")
    liste = contenu(client_resp.get(reverse("comptes:liste")))
    assert "technique" not in liste and "admin-tech" not in liste
    for compte in (technique, superuser):
        assert client_resp.get(reverse("comptes:detail", args=[compte.pk])).status_code == 404
        assert client_resp.post(reverse("comptes:desactiver", args=[compte.pk]), {"motif": "x"}).status_code == 404


def test_the_menu_shows_accounts_to_the_team_only(client, agent, elu):
    client.force_login(agent)
    assert reverse("comptes:liste") in contenu(client.get(reverse("accueil")))
    client.force_login(elu)
    assert f'href="{reverse("comptes:liste")}"' not in contenu(client.get(reverse("accueil")))


# --- The list: last login, filters, exports ---------------------------------------------------------


def test_the_last_login_is_shown(client_resp):
    vu = UserFactory(
        role=Role.ELU, last_name="Vu", last_login=timezone.make_aware(datetime.datetime(2026, 3, 2, 14, 5))
    )
    jamais = UserFactory(role=Role.ELU, last_name="Jamais")
    liste = client_resp.get(reverse("comptes:liste"))
    lignes = {c.pk: c for c in liste.context["page"]}
    assert lignes[vu.pk].last_login and lignes[jamais.pk].last_login is None
    assert "02/03/2026 14:05" in contenu(liste)
    assert "02/03/2026 à 14:05" in contenu(client_resp.get(reverse("comptes:detail", args=[vu.pk])))
    assert "jamais" in contenu(client_resp.get(reverse("comptes:detail", args=[jamais.pk])))


@pytest.fixture
def annuaire(caf):
    departement = OrganisationFactory(departement=True)
    return {
        "caf": UserFactory(role=Role.PARTENAIRE, organisation=caf, last_name="Caf", email="a@caf59.fr"),
        "dep": UserFactory(role=Role.PARTENAIRE, organisation=departement, last_name="Dep"),
        "elu": UserFactory(role=Role.ELU, last_name="Conseil"),
        "parti": UserFactory(role=Role.ELU, last_name="Parti", is_active=False),
    }


@pytest.mark.parametrize(
    ("params", "attendus"),
    [
        ({"role": Role.PARTENAIRE}, {"caf", "dep"}),
        ({"organisation": "caf"}, {"caf"}),
        ({"actif": "non"}, {"parti"}),
        ({"actif": "oui", "role": Role.ELU}, {"elu"}),
        ({"q": "caf59"}, {"caf"}),
    ],
)
def test_the_list_filters(client_resp, annuaire, caf, params, attendus):
    params = {k: caf.pk if v == "caf" else v for k, v in params.items()}
    page = client_resp.get(reverse("comptes:liste"), params).context["page"]
    assert {c.pk for c in page} == {annuaire[n].pk for n in attendus}


def test_an_organisation_out_of_range_is_a_filter_error(client_resp):
    reponse = client_resp.get(reverse("comptes:liste"), {"organisation": str(2**64)})
    assert reponse.status_code == 200 and reponse.context["filtre"].errors


def test_the_exports_follow_the_filters(client_resp, annuaire):
    reponse = client_resp.get(reverse("comptes:export", args=["csv"]), {"role": Role.ELU})
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0] == [
        "Nom",
        "Prénom",
        "Identifiant",
        "Rôle",
        "Organisation",
        "E-mail",
        "Actif",
        "Dernière connexion",
        "Invitation envoyée le",
    ]
    assert sorted((ligne[0], ligne[6]) for ligne in lignes[1:]) == [("Conseil", "oui"), ("Parti", "non")]

    reponse = client_resp.get(reverse("comptes:export", args=["xlsx"]), {"role": Role.PARTENAIRE})
    feuille = load_workbook(io.BytesIO(reponse.content)).active
    assert sorted(r[0] for r in feuille.iter_rows(min_row=2, values_only=True)) == ["Caf", "Dep"]


def test_an_account_anonymised_at_the_end_of_its_retention_is_not_reactivated(client_resp):
    compte = UserFactory(role=Role.ELU, is_active=False)
    anonymiser_compte(compte)
    assert reverse("comptes:reactiver", args=[compte.pk]) not in contenu(
        client_resp.get(reverse("comptes:detail", args=[compte.pk]))
    )
    reponse = client_resp.post(reverse("comptes:reactiver", args=[compte.pk]), {"motif": "Retour"})
    assert "anonymisé à la fin de sa durée de conservation" in reponse.context["form"].non_field_errors()[0]
    compte.refresh_from_db()
    assert not compte.is_active


def test_the_account_page_shows_a_locked_login_and_the_responsable_unlocks_it(client_resp, agent):
    compte = UserFactory(role=Role.ELU, username="bloque")
    navigateur = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        navigateur.post(reverse("comptes:login"), {"username": "bloque", "password": "faux"}, REMOTE_ADDR="10.0.0.9")
    fiche = client_resp.get(reverse("comptes:detail", args=[compte.pk]))
    assert fiche.context["verrouillage"][0]["ip_address"] == "10.0.0.9"
    assert "Connexion bloquée depuis l'adresse 10.0.0.9" in contenu(fiche)
    assert reverse("comptes:debloquer") in contenu(fiche)

    lecteur = Client()
    lecteur.force_login(agent)  # agents see the lock, only the responsable lifts it
    assert reverse("comptes:debloquer") not in contenu(lecteur.get(reverse("comptes:detail", args=[compte.pk])))

    fiche_url = reverse("comptes:detail", args=[compte.pk])
    retour = client_resp.post(
        reverse("comptes:debloquer"), {"username": "bloque", "ip_address": "10.0.0.9", "next": fiche_url}
    )
    assert retour["Location"] == fiche_url  # back to the account page
    assert 'name="next" value="' + fiche_url + '"' in contenu(fiche)
    assert client_resp.get(fiche_url).context["verrouillage"] == []
