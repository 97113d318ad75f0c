"""Login protection (issue 12, point 4): a username and address pair locked after too many failures,
unlocked by the responsable or by time; password reset by an e-mailed link; sessions that end when idle."""

import datetime
import html
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from comptes.models import Role
from comptes.securite import adresse_client

from ..factories import UserFactory
from ..outils import contenu, messages_de
from ..requetes import garde

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "motdepasse-de-test"
ICI, AILLEURS = "10.0.0.1", "192.0.2.77"
DEBUT = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=datetime.UTC)


def _connexion(client, username, mot_de_passe, adresse=ICI):
    return client.post(reverse("comptes:login"), {"username": username, "password": mot_de_passe}, REMOTE_ADDR=adresse)


def _connecte(client):
    return SESSION_KEY in client.session


def _echouer(client, username, fois=None, adresse=ICI):
    for _ in range(fois or settings.AXES_FAILURE_LIMIT):
        reponse = _connexion(client, username, "mauvais-mot-de-passe", adresse)
    return reponse


@pytest.fixture
def responsable():
    return UserFactory(username="mnadal", role=Role.RESPONSABLE, email="m.nadal@ville-roubaix.fr")


# --- Lockout -----------------------------------------------------------------------------------------


def test_five_failures_lock_the_pair_and_the_right_password_is_then_refused(client, responsable):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert _connexion(client, "mnadal", "mauvais").status_code == 200
    cinquieme = _connexion(client, "mnadal", "mauvais")
    assert cinquieme.status_code == 429
    assert "Trop d'essais de connexion" in html.unescape(contenu(cinquieme))

    reponse = _connexion(client, "mnadal", MOT_DE_PASSE)
    assert reponse.status_code == 429
    assert not _connecte(client)
    page = html.unescape(contenu(reponse))
    assert "Réessayez dans 15 minutes" in page
    assert "demandez à la responsable de service de débloquer le compte" in page
    assert "depuis un autre" in page
    assert 'href="/comptes/mot-de-passe/oublie/"' in page  # the way out by e-mail


def test_the_lock_holds_only_for_that_address_another_one_still_logs_in(client, responsable):
    _echouer(client, "mnadal", adresse=AILLEURS)  # someone elsewhere tries the responsable's name
    assert _connexion(client, "mnadal", MOT_DE_PASSE, adresse=AILLEURS).status_code == 429

    reponse = _connexion(client, "mnadal", MOT_DE_PASSE, adresse=ICI)
    assert reponse.status_code == 302
    assert _connecte(client)


def test_the_lock_holds_only_for_that_username_from_that_address(client, responsable):
    UserFactory(username="collegue")
    _echouer(client, "mnadal")
    assert _connexion(client, "collegue", MOT_DE_PASSE).status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, responsable):
    _echouer(client, "mnadal", fois=4)
    assert _connexion(client, "mnadal", MOT_DE_PASSE).status_code == 302
    client.logout()
    _echouer(client, "mnadal", fois=4)
    assert _connexion(client, "mnadal", MOT_DE_PASSE).status_code == 302


def test_the_lock_lifts_by_itself_after_the_cooling_off(client, responsable):
    with time_machine.travel(DEBUT, tick=False) as voyage:
        _echouer(client, "mnadal")
        voyage.shift(datetime.timedelta(minutes=10))
        reponse = _connexion(client, "mnadal", MOT_DE_PASSE)
        assert reponse.status_code == 429
        assert "Réessayez dans 5 minutes" in contenu(reponse)  # the cooling-off runs from the lock
        voyage.shift(datetime.timedelta(minutes=5, seconds=1))
        assert _connexion(client, "mnadal", MOT_DE_PASSE).status_code == 302


def test_the_client_address_behind_the_proxy_is_the_one_it_appended(rf, settings):
    """Behind nginx, the address nginx appended to X-Forwarded-For, never what the client wrote."""
    settings.PROXIES_INVERSES = 1
    requete = rf.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert adresse_client(requete) == "203.0.113.9"
    assert adresse_client(rf.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="pas une adresse")) == (
        "127.0.0.1"
    )
    settings.PROXIES_INVERSES = 0
    assert adresse_client(requete) == "127.0.0.1"


# --- Unlocking ---------------------------------------------------------------------------------------


def test_the_responsable_sees_the_locked_pair_and_unlocks_it(client, responsable):
    agent = UserFactory(username="agent-bloque")
    _echouer(client, agent.username)
    _echouer(client, "inconnu", fois=2, adresse=AILLEURS)  # under the limit: not listed
    client.force_login(responsable)

    page = contenu(client.get(reverse("comptes:blocages")))
    assert "agent-bloque" in page and ICI in page
    assert "inconnu" not in page

    reponse = client.post(reverse("comptes:debloquer"), {"username": "agent-bloque", "ip_address": ICI}, follow=True)
    assert "La connexion de « agent-bloque » depuis l'adresse 10.0.0.1 est débloquée." in messages_de(reponse)
    assert "Aucune connexion n'est bloquée." in contenu(reponse)
    client.logout()
    assert _connexion(client, "agent-bloque", MOT_DE_PASSE).status_code == 302


def test_unlocking_a_pair_no_longer_locked_or_invalid_says_so(client, responsable):
    client.force_login(responsable)
    reponse = client.post(reverse("comptes:debloquer"), {"username": "x", "ip_address": ICI}, follow=True)
    assert "La connexion de « x » depuis l'adresse 10.0.0.1 n'était plus bloquée." in messages_de(reponse)
    reponse = client.post(reverse("comptes:debloquer"), {"username": "x\x00", "ip_address": "1.2.3"}, follow=True)
    assert messages_de(reponse) == ["Choisissez une connexion bloquée dans la liste."]


def test_unlocking_goes_back_to_the_page_of_the_button_never_elsewhere(client, responsable):
    client.force_login(responsable)
    paire = {"username": "x", "ip_address": ICI}
    compte = f"/comptes/{responsable.pk}/"
    assert client.post(reverse("comptes:debloquer"), {**paire, "next": compte})["Location"] == compte
    ailleurs = client.post(reverse("comptes:debloquer"), {**paire, "next": "https://example.org/"})
    assert ailleurs["Location"] == reverse("comptes:blocages")


def test_only_the_responsable_unlocks(client, responsable):
    _echouer(client, "mnadal")
    client.force_login(UserFactory(role=Role.AGENT))
    assert client.get(reverse("comptes:blocages")).status_code == 403
    assert client.post(reverse("comptes:debloquer"), {"username": "mnadal", "ip_address": ICI}).status_code == 403
    assert AccessAttempt.objects.filter(username="mnadal").exists()


def test_a_superuser_unlocks_in_the_admin(client, responsable):
    _echouer(client, "mnadal")
    tentative = AccessAttempt.objects.get(username="mnadal")
    client.force_login(UserFactory(username="technique", role="", is_staff=True, is_superuser=True))
    reponse = client.post(reverse("admin:axes_accessattempt_delete", args=[tentative.pk]), {"post": "yes"}, follow=True)
    assert reponse.status_code == 200
    assert not AccessAttempt.objects.filter(username="mnadal").exists()


def test_the_page_of_locks_costs_the_same_queries_whatever_their_number(client, responsable):
    client.force_login(responsable)
    compte = iter(range(1000))

    def grandir(n):
        for _ in range(n):
            AccessAttempt.objects.create(
                username=f"u{next(compte)}",
                ip_address=ICI,
                user_agent="x",
                failures_since_start=5,
                get_data="",
                post_data="",
                http_accept="",
                path_info="/comptes/connexion/",
            )

    garde(client, "comptes:blocages responsable", reverse("comptes:blocages"), grandir)


# --- Password reset ----------------------------------------------------------------------------------


def _lien(message):
    return re.search(r"https?://[^/\s]+(/comptes/mot-de-passe/nouveau/\S+/)", message.body).group(1)


def test_a_reset_link_is_emailed_in_french_and_sets_a_new_password(client, responsable, mailoutbox):
    reponse = client.post(reverse("comptes:password_reset"), {"email": "M.Nadal@ville-roubaix.fr"}, follow=True)
    assert "Si cette adresse est celle d'un compte actif" in contenu(reponse)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["m.nadal@ville-roubaix.fr"]
    assert message.subject == "Mission Centres Sociaux : choisir un nouveau mot de passe"
    assert "« mnadal »" in message.body and "valable 3 jours" in message.body

    formulaire = client.get(_lien(message), follow=True)
    assert "Nouveau mot de passe" in contenu(formulaire)
    nouveau = "un-nouveau-mot-de-passe-solide"
    fin = client.post(
        formulaire.redirect_chain[-1][0], {"new_password1": nouveau, "new_password2": nouveau}, follow=True
    )
    assert "Votre nouveau mot de passe est enregistré" in contenu(fin)
    responsable.refresh_from_db()
    assert responsable.check_password(nouveau)
    # The link served once.
    assert "Ce lien ne marche plus" in contenu(client.get(_lien(message), follow=True))


def test_the_reset_page_says_the_same_whether_the_address_has_an_account_or_not(client, responsable, mailoutbox):
    connue = client.post(reverse("comptes:password_reset"), {"email": "m.nadal@ville-roubaix.fr"}, follow=True)
    inconnue = client.post(reverse("comptes:password_reset"), {"email": "personne@example.org"}, follow=True)
    assert connue.redirect_chain == inconnue.redirect_chain
    jeton = re.compile(r"[A-Za-z0-9]{64}")  # the CSRF token, masked anew on every page
    assert jeton.sub("", contenu(connue)) == jeton.sub("", contenu(inconnue))
    assert len(mailoutbox) == 1


def test_no_reset_email_for_a_deactivated_account(client, mailoutbox):
    UserFactory(email="parti@ville-roubaix.fr", is_active=False)
    client.post(reverse("comptes:password_reset"), {"email": "parti@ville-roubaix.fr"})
    assert mailoutbox == []


def test_a_new_password_by_email_unlocks_the_locked_logins(client, responsable, mailoutbox):
    _echouer(client, "mnadal")
    client.post(reverse("comptes:password_reset"), {"email": "m.nadal@ville-roubaix.fr"})
    formulaire = client.get(_lien(mailoutbox[0]), follow=True)
    nouveau = "un-nouveau-mot-de-passe-solide"
    client.post(formulaire.redirect_chain[-1][0], {"new_password1": nouveau, "new_password2": nouveau})
    assert _connexion(client, "mnadal", nouveau).status_code == 302


def test_the_login_page_links_to_the_reset(client):
    assert 'href="/comptes/mot-de-passe/oublie/"' in contenu(client.get(reverse("comptes:login")))


# --- Idle sessions -------------------------------------------------------------------------------------


def test_active_use_keeps_the_session_two_idle_hours_end_it(client, settings):
    assert settings.SESSION_INACTIVITE_SECONDES == 2 * 60 * 60
    utilisateur = UserFactory()
    accueil = reverse("accueil")
    with time_machine.travel(DEBUT, tick=False) as voyage:
        client.force_login(utilisateur)
        for _ in range(4):  # every 1 h 50 for 7 h 20, longer than any fixed lifetime would allow
            voyage.shift(datetime.timedelta(hours=1, minutes=50))
            assert client.get(accueil).status_code == 200
        voyage.shift(datetime.timedelta(hours=2, seconds=1))
        reponse = client.get(accueil)
        assert reponse.status_code == 302
        assert reponse["Location"].startswith(reverse("comptes:login"))
        assert not _connecte(client)


def test_a_request_rewrites_the_session_only_once_a_tenth_of_the_idle_period_has_passed(client):
    """A page costs the same queries from one request to the next (the query guards count them)."""
    utilisateur = UserFactory()
    accueil = reverse("accueil")
    with time_machine.travel(DEBUT, tick=False) as voyage:
        client.force_login(utilisateur)
        marque = client.session["derniere_activite"]
        voyage.shift(datetime.timedelta(minutes=11))
        client.get(accueil)
        assert client.session["derniere_activite"] == marque
        voyage.shift(datetime.timedelta(minutes=2))
        client.get(accueil)
        assert client.session["derniere_activite"] == marque + 13 * 60


def test_the_idle_period_is_a_setting(client, settings):
    settings.SESSION_INACTIVITE_SECONDES = 15 * 60
    utilisateur = UserFactory()
    with time_machine.travel(DEBUT, tick=False) as voyage:
        client.force_login(utilisateur)
        voyage.shift(datetime.timedelta(minutes=16))
        assert client.get(reverse("accueil")).status_code == 302
