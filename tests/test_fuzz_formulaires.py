"""Every form of the project under hostile input (issue 12, point 3).

The forms are found by walking the URL patterns as the URL × role matrix does (its rules give the
objects, in the states where each form is offered): each page is opened as a role allowed to use it
(the responsable, and the élu for their own mandates), its forms are read from the page's context,
and each is posted with hostile values in every field, one field at a time, then all fields at once.
For each POST: no server error, a refusal is a French message shown next to the field or at the top,
nothing is saved by a refused POST, no markup is sent back unescaped. The same forms posted by the
read-only roles and anonymously are refused, with nothing saved. A last check fails if a form class
of the project was never bound and validated by the walk.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from comptes.models import Role
from conventions.models import Convention
from roubaix_cs.validators import completer_siret

from . import fuzz
from . import test_url_matrix as matrice
from .factories import (
    ConventionFactory,
    DeliberationFactory,
    DemandeFactory,
    OrganisationFactory,
    SalleFactory,
    SeanceFactory,
    UserFactory,
    VersionPdfFactory,
)
from .test_url_matrix import MATRIX, PERSONAS, _avenant, _outcome

# The matrix's data, built once for the module, and its SIRET setting: fixtures used here by name.
world = matrice.world
_world_du_module = matrice._world_du_module
_ville_siret = matrice._ville_siret

MANDATS = "deliberations:mandat_liste"
# The pages that show a form to fill (not the one-button actions, whose POST is an action, not a form).
# The responsable opens them (200) and an empty POST shows them again with their errors (200).
PAGES_DE_FORMULAIRE = sorted(name for name, rule in MATRIX.items() if rule.get[1] == 200 and rule.post[1] == 200)
# Who may use each form, and who may not (whatever they send): refused, nothing saved.
AUTORISES = {
    MANDATS: ("responsable", "elu"),
    # The pages of a forgotten password and of an invitation link are for the person logged out.
    "comptes:password_reset": ("anonyme",),
    "comptes:password_reset_confirm": ("anonyme",),
    "comptes:invitation": ("anonyme",),
    "pilotage:preferences": ("responsable", "elu"),  # one's own e-mails: per kind of alert, or the élu's summary
    "linne:demande": ("anonyme",),  # Espace Linné's public request form, for people not logged in
}
REFUSES = ("elu", "partenaire", "regisseur", "anonyme")
# An élu writes their own mandates.
ECRITURES_PERMISES = {
    (MANDATS, "elu"): {"deliberations_mandat", "deliberations_historicalmandat"},
    # Everyone in the service chooses their own e-mails, an élu their weekly summary.
    ("pilotage:preferences", "regisseur"): {"pilotage_preferencealerte"},
    ("pilotage:preferences", "elu"): {"pilotage_resumeelu"},
}
# One's own account: everyone logged in changes their password (only anonymous is refused), and the
# pages of a forgotten password or an invitation answer anyone (the e-mailed link is the proof).
ANONYME_SEUL_REFUSE = {"comptes:password_change"}
# Espace Linné's answers are the service's, the régisseurs included: refused to the other roles only (the
# hostile walk, as the responsable, is the same form).
ECRIVENT_AUSSI = {
    "linne:demande_accepter": ("regisseur",),
    "linne:demande_refuser": ("regisseur",),
    "linne:voeu_attribuer": ("regisseur",),
}
POUR_TOUS = {"comptes:password_reset", "comptes:password_reset_confirm", "comptes:invitation", "linne:demande"}


def _lien_valide(world):
    """The e-mailed link of an account (a reset or an invitation): its form is shown only then."""
    compte = UserFactory(role=Role.ELU, email="invite@example.org")
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(compte.pk)),
        "token": default_token_generator.make_token(compte),
    }


def _a_inscrire(world):
    """A validated grant, and a draft deliberation to put it on."""
    DeliberationFactory()
    return {"pk": DemandeFactory(centre=world.centre, statut="validee", montant_propose=Decimal("18000")).pk}


def _de_quoi_rediger(world):
    """A grant, a convention and an avenant waiting for a deliberation: the lists offer them."""
    SeanceFactory(date=datetime.date(2026, 12, 14))
    DemandeFactory(centre=world.centre, statut="validee", montant_propose=Decimal("18000"))
    ConventionFactory(centre=world.centre, statut=Convention.Statut.APPROUVEE, parties=[world.caf])
    _avenant(world)
    return {}


def _a_voter(world):
    """A deliberation ready for the council, with a grant whose amount the vote may amend."""
    deliberation = VersionPdfFactory(deliberation__statut="prete").deliberation
    demande = DemandeFactory(centre=world.centre, statut="deliberation", montant_propose=Decimal("18000"))
    deliberation.demandes.add(demande)
    return {"pk": deliberation.pk}


def _salle_ouverte(world):
    """A room open to the public's requests (Monday to Saturday, 8:00–22:00)."""
    SalleFactory(nom="Salle du formulaire public")
    return {}


def _jour_ouvre():
    """A day of next week the room is open (not a Sunday): a one-off request's plausible date."""
    jour = timezone.localdate() + datetime.timedelta(days=7)
    return jour + datetime.timedelta(days=1) if jour.weekday() == 6 else jour


# The objects in the state where the form is offered with all its fields, when the matrix's own are
# not (a link's token, lists with options, a vote's amounts).
KWARGS = {
    "linne:demande": _salle_ouverte,
    "comptes:password_reset_confirm": _lien_valide,
    "comptes:invitation": _lien_valide,
    "deliberations:inscrire": _a_inscrire,
    "deliberations:creer": _de_quoi_rediger,
    "deliberations:voter": _a_voter,
}


def _lundi_prochain():
    aujourd_hui = datetime.date.today()
    return aujourd_hui + datetime.timedelta(days=7 - aujourd_hui.weekday())


def _premier(form, champ):
    return fuzz._premier_choix(form.fields[champ])


# What a careful user types where a plausible value per kind of field is not enough: the valid data
# into which each hostile value goes, so that it reaches the saving code, not an unrelated refusal.
VALEURS = {
    "centres:local_creer": lambda w, form: {"centre": str(w.centre.pk)},
    "comptes:password_change": lambda w, form: {"old_password": "motdepasse-de-test"},
    "conventions:partie_creer": lambda w, form: {"organisation": str(OrganisationFactory().pk)},
    "deliberations:creer": lambda w, form: {
        "seance": _premier(form, "seance"),
        "demandes": [_premier(form, "demandes")],
    },
    "deliberations:executoire": lambda w, form: {"ar_actes": "059-215905128-20260210-2026_042-DE"},
    "deliberations:voter": lambda w, form: {"pour": "40", "contre": "2", "abstentions": "0"},
    "pilotage:reunion_participant_ajouter": lambda w, form: {
        "organisation": str(w.caf.pk),
        "nom": "Julie Martin",
        "email": "julie.martin@example.org",
    },
    "pilotage:reunion_action_creer": lambda w, form: {"porteur_user": _premier(form, "porteur_user")},
    "subventions:crf": lambda w, form: {"date_reception": "2026-06-30"},
    # An action of the Cellule de veille's plan is owned by a person or an organisation: here, an organisation.
    "pilotage:veille_action_creer": lambda w, form: {"porteur_organisation": _premier(form, "porteur_organisation")},
    # A cash plan has at least one month entered: the first month's receipts.
    "pilotage:veille_plan": lambda w, form: {f"encaissements_{form.mois[0]:%Y_%m}": "42000"},
    "subventions:ligne_creer": lambda w, form: {"chapitre": "65", "compte": "6574"},
    # A one-off request of the public page: a room, a day it is open and hours within them, a valid SIRET, an
    # insurance certificate valid on that day (the file is the walk's PDF).
    "linne:demande": lambda w, form: {
        "nature": "ponctuelle",
        "salle": _premier(form, "salle"),
        "date": _jour_ouvre().isoformat(),
        "heure_debut": "10:00",
        "heure_fin": "12:00",
        "siret": completer_siret("4321098765432"),
        "effectif_prevu": "12",
        "assurance_valide_jusqu_au": (timezone.localdate() + datetime.timedelta(days=300)).isoformat(),
    },
    # A booking on a day its room opens (the factory's rooms close on Sundays).
    "linne:reservation_creer": lambda w, form: {"date": _lundi_prochain().isoformat()},
}


def _valeurs(name, world, cle, form):
    return VALEURS[name](world, form) if cle == "form" and name in VALEURS else None


def _url(name, world):
    return reverse(name, kwargs=KWARGS.get(name, MATRIX[name].kwargs)(world))


ESPION = fuzz.Espion()
VISITEES = set()
BILAN = {"posts": 0, "pages": 0, "formulaires": 0, "valides": [], "baseline_refusee": []}


@pytest.fixture(scope="module", autouse=True)
def _espion():
    with pytest.MonkeyPatch.context() as monkeypatch:
        ESPION.installer(monkeypatch)
        yield


# --- The hostile cases of a form -----------------------------------------------------------------


def cas_hostiles(form, valeurs=None):
    """(case, field kind, value label, data): valid data, then one hostile value per field, then all at once."""
    # As a browser does, the form always sends something (its CSRF token): never an empty POST.
    base = {"csrfmiddlewaretoken": "jeton", **fuzz.donnees_valides(form), **(valeurs or {})}
    yield "valide", None, None, base
    champs = {form.add_prefix(n): c for n, c in form.fields.items() if not c.disabled and fuzz.genre(c) != "fichier"}
    for nom, champ in champs.items():
        sorte = fuzz.genre(champ)
        for label, valeur in fuzz.valeurs_hostiles(champ).items():
            multiple = isinstance(champ, fuzz.forms.MultipleChoiceField)
            yield f"{nom}={label}", sorte, label, {**base, nom: [valeur] if multiple else valeur}
    for label, valeur in fuzz.UNIVERSELLES.items():
        yield f"tous={label}", None, None, {**base, **dict.fromkeys(champs, valeur)}
    for debut, fin in fuzz.paires_debut_fin(form):
        yield (
            f"{fin}<{debut}",
            None,
            None,
            {**base, form.add_prefix(debut): "2026-06-30", form.add_prefix(fin): "2026-01-01"},
        )


def fichiers_du_cas(form, cas):
    """A genuine PDF in each file field; a hostile name or a disguised content for the file cases."""
    fichiers = {}
    for nom in fuzz.champs_fichier(form):
        if cas == "valide":
            fichiers[nom] = fuzz.fichier_pdf()
        elif cas == "tous=script":
            fichiers[nom] = fuzz.fichier_pdf(f"{fuzz.SCRIPT}.pdf")
        elif cas == "tous=unicode":
            fichiers[nom] = fuzz.fichier_pdf(f"{fuzz.UNICODE}\x00.pdf")
        elif cas == "tous=long":
            fichiers[nom] = fuzz.SimpleUploadedFile(f"{'A' * 300}.pdf", b"MZ\x90\x00 not a pdf")
        else:
            fichiers[nom] = fuzz.fichier_pdf()
    return fichiers


def poster(client, url, cle, form, cas, sorte, label, donnees, lignes_avant):
    """POST one case in a rolled-back savepoint: the problems seen, and whether it was accepted."""
    BILAN["posts"] += 1
    problemes = []
    with transaction.atomic():
        try:
            response = client.post(url, {**donnees, **fichiers_du_cas(form, cas)})
        except Exception as erreur:  # the test client re-raises the view's exception: a server error
            transaction.set_rollback(True)
            return [f"{cas}: erreur serveur {type(erreur).__name__}: {str(erreur)[:200]}"], True
        try:
            problemes += _examiner(client, response, cle, cas, sorte, label, lignes_avant)
        finally:
            transaction.set_rollback(True)
    return problemes, response.status_code != 200


def _examiner(client, response, cle, cas, sorte, label, lignes_avant):
    if response.status_code >= 500:
        return [f"{cas}: statut {response.status_code}"]
    html = response.content.decode()
    problemes = [f"{cas}: renvoyé sans échappement {brut!r}" for brut in fuzz.reflete_brut(html)]
    if cas == "valide":
        BILAN["valides" if response.status_code == 302 else "baseline_refusee"].append(
            (
                response.wsgi_request.path,
                response.status_code,
                getattr(response.context and response.context.get(cle), "errors", None),
            )
        )
    if response.status_code == 200:
        form = fuzz.formulaires_du_contexte(response).get(cle)
        if form is None or not form.is_bound:
            return [*problemes, f"{cas}: page 200 sans le formulaire rempli"]
        if not form.errors:
            problemes.append(f"{cas}: page 200 sans message d'erreur")
        if anglais := fuzz.messages_non_francais(form):
            problemes.append(f"{cas}: message non français {anglais}")
        if caches := fuzz.messages_non_affiches(form, html):
            problemes.append(f"{cas}: message absent de la page {caches} ({list(form.errors)})")
        if diff := fuzz.differences(lignes_avant, fuzz.compter_lignes()):
            problemes.append(f"{cas}: refusé mais enregistré à moitié {diff}")
        return problemes
    if response.status_code == 302:
        if cas == "valide":
            return problemes
        if label in fuzz.TOUJOURS_REFUSEES.get(sorte, ()):
            problemes.append(f"{cas}: valeur acceptée ({response['Location']})")
        if label == "script" or cas == "tous=script":
            suite = client.get(response["Location"])
            if suite.status_code >= 500:
                problemes.append(f"{cas}: la page suivante répond {suite.status_code}")
            elif not suite.streaming:
                problemes += [
                    f"{cas}: page suivante, sans échappement {b!r}" for b in fuzz.reflete_brut(suite.content.decode())
                ]
        return problemes
    return [*problemes, f"{cas}: statut inattendu {response.status_code}"]


# --- The walks -------------------------------------------------------------------------------------


def _se_connecter(client, world, persona):
    client.logout()
    if world.personas[persona] is not None:
        client.force_login(world.personas[persona])


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES_DE_FORMULAIRE)
def test_every_form_refuses_hostile_values_without_server_error(client, world, name):
    lien = _url(name, world)
    problemes = []
    for persona in AUTORISES.get(name, ("responsable",)):

        def ouvrir(persona=persona):
            """Log in and open the page (a reset link leads to the page of its form): its URL and forms."""
            _se_connecter(client, world, persona)
            page = client.get(lien, follow=True)
            assert page.status_code == 200, (name, persona, page.status_code)
            return page.request["PATH_INFO"], fuzz.formulaires_du_contexte(page)

        url, formulaires = ouvrir()
        assert formulaires, f"{name}: aucun formulaire dans la page"
        BILAN["pages"] += 1
        cas_par_form = {
            cle: list(cas_hostiles(form, _valeurs(name, world, cle, form))) for cle, form in formulaires.items()
        }
        lignes_avant = fuzz.compter_lignes()
        for cle, form in formulaires.items():
            BILAN["formulaires"] += 1
            for cas, sorte, label, donnees in cas_par_form[cle]:
                vus, accepte = poster(client, url, cle, form, cas, sorte, label, donnees, lignes_avant)
                problemes += [f"{persona} {cle} {p}" for p in vus]
                if accepte:  # rolled back, but a password changed or a link used leaves the session behind
                    url, _ = ouvrir()
                    lignes_avant = fuzz.compter_lignes()
    VISITEES.add(name)
    assert not problemes, f"{name}:\n" + "\n".join(problemes)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES_DE_FORMULAIRE)
def test_read_only_roles_and_anonymous_cannot_post_any_form(client, world, name):
    """Valid data and hostile data alike: 403 (or the login page) and nothing written."""
    if name in POUR_TOUS:
        pytest.skip("une page de son propre compte, ouverte à tous (le lien envoyé par courriel fait preuve)")
    url = _url(name, world)
    _se_connecter(client, world, AUTORISES.get(name, ("responsable",))[0])
    formulaires = fuzz.formulaires_du_contexte(client.get(url))
    cas_par_form = {
        cle: list(cas_hostiles(form, _valeurs(name, world, cle, form))) for cle, form in formulaires.items()
    }
    problemes = []
    for persona in REFUSES:
        if name in ANONYME_SEUL_REFUSE and persona != "anonyme" or persona in ECRIVENT_AUSSI.get(name, ()):
            continue
        if persona == "regisseur" and MATRIX[name].post[PERSONAS.index(persona)] == 200:
            continue  # Espace Linné's forms are the régisseurs' too
        _se_connecter(client, world, persona)
        permises = ECRITURES_PERMISES.get((name, persona), set())
        lignes_avant = fuzz.compter_lignes()
        for cle, form in formulaires.items():
            for cas, _, _, donnees in [c for c in cas_par_form[cle] if c[0] in ("valide", "tous=script")]:
                BILAN["posts"] += 1
                with transaction.atomic():
                    response = client.post(url, {**donnees, **fichiers_du_cas(form, cas)})
                    issue = _outcome(response)
                    ecrit = set(fuzz.differences(lignes_avant, fuzz.compter_lignes()))
                    transaction.set_rollback(True)
                if permises:
                    if issue not in (200, "redirect") or ecrit - permises:
                        problemes.append(f"{persona} {cle} {cas}: {issue}, écrit {ecrit}")
                elif issue not in (403, "login") or ecrit:
                    problemes.append(f"{persona} {cle} {cas}: {issue}, écrit {ecrit}")
    assert not problemes, f"{name}:\n" + "\n".join(problemes)


def test_every_form_class_of_the_project_was_bound_and_validated():
    if set(PAGES_DE_FORMULAIRE) != VISITEES:
        pytest.skip("la promenade n'a pas parcouru toutes les pages de formulaire (sélection partielle)")
    classes = fuzz.classes_de_formulaires()
    jamais = sorted(c.__qualname__ for c in classes - ESPION.validees)
    print(
        f"\nFormulaires du projet : {len(classes)}, liés et validés : {len(classes) - len(jamais)} ; "
        f"pages : {BILAN['pages']}, formulaires de page : {BILAN['formulaires']}, POST : {BILAN['posts']}"
    )
    for refus in BILAN["baseline_refusee"]:
        print("données valides refusées :", refus)
    assert not jamais, f"Classes de formulaire jamais liées ni validées par la promenade : {jamais}"


@pytest.mark.django_db
def test_an_error_on_a_list_without_options_is_read_at_the_top(client, world):
    """No validated grant yet: the list shows no box, so its error is repeated at the top of the form."""
    client.force_login(world.personas["responsable"])
    response = client.post(reverse("deliberations:creer"), {"objet": "Subventions", "demandes": [str(2**63)]})
    assert "demandes" in response.context["form"].errors
    assert "Subventions validées : Sélectionnez un choix valide." in response.content.decode()


@pytest.mark.django_db
def test_a_tampered_version_is_explained_at_the_top(client, world):
    """The hidden version of an edited record, sent unreadable: a French message the user reads."""
    client.force_login(world.personas["responsable"])
    url = reverse("centres:modifier", args=[world.centre.pk])
    form = fuzz.formulaires_du_contexte(client.get(url))["form"]
    response = client.post(url, {**fuzz.donnees_valides(form), "version_vue": fuzz.SCRIPT})
    assert response.status_code == 200
    assert "rechargez la page, puis enregistrez à nouveau" in response.content.decode()


@pytest.mark.django_db
def test_a_period_ending_on_the_last_representable_day_is_refused_not_a_crash(client, world):
    """31/12/9999 has no next day: the length of an agrément or a convention is still computed."""
    client.force_login(world.personas["responsable"])
    url = reverse("centres:agrement_creer", args=[world.centre.pk])
    form = fuzz.formulaires_du_contexte(client.get(url))["form"]
    response = client.post(url, {**fuzz.donnees_valides(form), "fin": "9999-12-31"})
    assert response.status_code == 200
    assert "fin" in response.context["form"].errors
