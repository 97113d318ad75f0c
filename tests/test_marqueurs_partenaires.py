"""Partner scope everywhere (issue 16): the whole demo read as the CAF, the Département and an élu.

The demo data is built once; a marker goes into every free text of every row and of its history
(tests/marqueurs.py, after the classification of tests/champs_lisibles.py); the team generates every
PDF of the matrix (their HTML captured: what `render_pdf` is given is the whole text of the PDF); then
each of the three demo readers opens every URL of the matrix (tests/test_url_matrix.py, the objects of
tests/pages_demo.py):

- each page it may read, for every object of the demo in its scope (beyond MAX_OBJETS, a sample with
  one of each status), the tabs and pages of the first ones, its htmx fragment, its exports in CSV and
  XLSX, its PDF downloads, its own calendar feed, and its search fields searched with the start of the
  internal markers (which must find no more than a term found nowhere);
- one object outside its scope per page (404), and every other URL (its matrix outcome: 403, 405…).

No reader may read an internal marker anywhere, nor a text of a class its role does not read, nor a
text of a record outside its scope; what its role reads, it reads (LUS_ATTENDUS). The team reads the
same internal markers on its pages: they are there to be found.

New pages, exports, PDFs and models come in by themselves: the URLs through the matrix, their objects
through tests/pages_demo.py, the texts through the classification (which fails on an unclassified one).
"""

import datetime
import re
import sys
import time
from collections import Counter, defaultdict
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from html import unescape
from itertools import product
from unittest import mock
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client, TestCase, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from centres.models import Centre
from comptes import flux_calendrier
from comptes.models import User
from comptes.permissions import SERVICE as COMPTES_SERVICE
from roubaix_cs import pdf
from roubaix_cs.exports import exporter
from roubaix_cs.lecture import TOUT, champs_caches, regles

from .champs_lisibles import CHAMPS, HORS_TEXTE, INTERNE, classe
from .factories import DemandeFactory
from .marqueurs import (
    LONGUEUR_MAX,
    PREFIXE_INTERNE,
    PREFIXE_LISIBLE,
    TERME_ABSENT,
    PorteeAmbigue,
    Registre,
    champs_marques,
    chemins_de_portee,
    lire,
    marquer,
    modeles_du_projet,
    textes,
)
from .pages_demo import (
    ABSENTES_DE_LA_DEMO,
    CONSTANTES,
    FLUX_PERSONNELS,
    OBJETS,
    SIRET_DE_DEMO,
    Objet,
    le_plus_riche,
    parametres,
)
from .partage import calcule_une_fois
from .test_url_matrix import LOGIN, MATRIX, PERSONAS, REDIRECT

pytestmark = pytest.mark.django_db

# The demo accounts read (centres/management/commands/seed_demo.py), with their column of the matrix.
LECTEURS = {"caf": "partenaire", "departement": "partenaire", "elu": "elu"}
EQUIPE = "responsable"

# Objects opened per page and reader: all of them up to this many, else a sample with one of each status.
MAX_OBJETS = 8
# The first objects of a page (the richest first) whose other parts (tabs, pages of a list) are opened
# too, and whose exports are read in every format.
MAX_OBJETS_EN_ENTIER = 3
FORMATS = ("csv", "xlsx")

# Pages whose object must be one the walk's generations gave a file (the demo itself gives none).
OBJETS_GENERES = {"centres:visite_pdf": Objet("centres.Visite", {"rapports__isnull": False})}

# Query keys of a link that shows another part of the same page: its tabs, the pages of its list.
PARTIES_DE_PAGE = frozenset({"onglet", "page"})
HREF = re.compile(r'href="([^"#]*)"')
# The search fields: a list's `q`, a search-as-you-type field's `<field>_recherche` (`choix` by default).
RECHERCHES = ("q", "choix_recherche")

# What each reader must have read somewhere, when the demo has a record of it in its scope: the public
# side of DESIGN.md §2 (a centre's public data, the conventions the partner is party to, the minutes of
# the meetings its organisation attends, the files of the Cellule de veille; the élus' visits, grants
# and deliberations).
LUS_ATTENDUS = {
    "partenaire": [
        "centres.Centre.nom",
        "centres.Contact.nom",
        "centres.Document.titre",
        "conventions.Convention.objet",
        "conventions.Objectif.intitule",
        "pilotage.Reunion.compte_rendu",
        "pilotage.Reunion.decisions",
        "pilotage.SituationVeille.analyse",
    ],
    "elu": [
        "centres.Centre.nom",
        "centres.Visite.observations",
        "conventions.Convention.objet",
        "subventions.DemandeSubvention.objet",
        "deliberations.Deliberation.objet",
        "deliberations.Deliberation.articles",
    ],
}
# Files that are deposited, not rendered by the project: no marker can be in them.
FICHIERS_DEPOSES = {"centres:document_telecharger"}
# PDFs the walk opens but whose demo has no text yet, with the reason (remove a line once its demo exists).

# Values that make a URL of the matrix reverse, for the URLs a reader is refused before any object is read.
ESSAIS = {
    "pk": [1],
    "fmt": list(FORMATS),
    "annee": [2026],
    "tableau": ["annees"],
    "jeton": ["inconnu", "00000000-0000-0000-0000-000000000000"],  # a personal token, a room feed's UUID
    "uidb64": ["MQ"],
    "token": ["perime"],
}


@dataclass
class Ouverture:
    """One GET by one reader, and what it let it read."""

    lecteur: str
    nom: str  # the URL name
    url: str
    attendu: object
    obtenu: object
    genre: str = ""  # page, export, pdf, flux (tests/marqueurs.py: lire)
    fuites: list = field(default_factory=list)  # [(marker, why it should not have been read)]
    lus: frozenset = frozenset()  # the fields read, legitimately
    marques: frozenset = frozenset()  # every marker read
    duree: float = 0.0


@dataclass
class Parcours:
    registre: Registre
    ouvertures: list = field(default_factory=list)
    sans_objet: dict = field(default_factory=dict)  # {(reader, URL name): why the page could not be opened}
    generations: dict = field(default_factory=dict)  # {URL name: generations asked}
    recherches: list = field(default_factory=list)  # [(reader, url, markers found, markers of a term found nowhere)]
    equipe: set = field(default_factory=set)  # the markers the team read on its pages
    visibles: dict = field(default_factory=dict)  # {reader: {model label: records in its scope}}
    durees: dict = field(default_factory=dict)
    courriels: list = field(default_factory=list)  # an Ouverture per e-mail and recipient outside the team


def _outcome(response):
    if response.status_code == 302:
        return LOGIN if response["Location"].startswith(reverse("comptes:login") + "?next=") else REDIRECT
    return response.status_code


def _reverse(nom, kwargs):
    try:
        return reverse(nom, kwargs=kwargs)
    except NoReverseMatch:
        return None


def au_hasard(nom):
    """A URL of `nom` with placeholder keywords (for a reader refused before any object is read)."""
    noms = sorted(parametres(nom))
    for valeurs in product(*(ESSAIS.get(n, []) + [1, "x"] for n in noms)):
        url = _reverse(nom, dict(zip(noms, valeurs, strict=True)))
        if url is not None:
            return url
    raise AssertionError(f"{nom} : aucune adresse d'essai ne convient, complétez ESSAIS")


def _avec_formats(nom, kwargs, formats=FORMATS):
    if "fmt" not in parametres(nom):
        return [kwargs]
    return [k for fmt in formats if _reverse(nom, k := {**kwargs, "fmt": fmt}) is not None]


def echantillon(queryset, n=MAX_OBJETS):
    """Up to `n` pks of `queryset`, the richest first (tests/pages_demo.py): all when they fit, else one
    of each status, then evenly spread."""
    pks = sorted(set(queryset.values_list("pk", flat=True)))
    if not pks:
        return []
    choisis = [le_plus_riche(queryset.model._default_manager.filter(pk__in=pks))]
    if len(pks) > n and any(f.name == "statut" for f in queryset.model._meta.concrete_fields):
        par_statut = {}
        for pk, statut in queryset.order_by("pk").values_list("pk", "statut"):
            par_statut.setdefault(statut, pk)
        choisis += par_statut.values()
    choisis += pks[:: max(1, len(pks) // n)]
    return list(dict.fromkeys(choisis))[:n]


def _objet(nom):
    """The object a page opens: its row of OBJETS (tests/pages_demo.py); a generation, its status panel's."""
    return OBJETS_GENERES.get(nom) or OBJETS.get(nom) or OBJETS.get(nom.replace("generer", "statut"))


def variantes(nom, portee):
    """([URL keywords] of page `nom` for the reader of `portee`, the keywords of one object outside its
    scope or None, why it has nothing to open or "")."""
    if not parametres(nom) - {"fmt"}:
        return _avec_formats(nom, {}), None, ""
    constante = CONSTANTES.get(nom)
    if constante is not None:
        return _avec_formats(nom, {k: v for k, v in constante().items() if k != "fmt"}), None, ""
    objet = _objet(nom)
    if objet is None:
        return [], None, "aucune ligne dans OBJETS (tests/pages_demo.py)"
    modele = apps.get_model(objet.modele)
    tous = modele._default_manager.filter(**objet.filtre)
    visibles = tous.filter(pk__in=portee.queryset(modele).values("pk"))
    pks = echantillon(visibles)
    if not pks:
        return [], None, f"aucun {objet.modele} {objet.filtre or ''} à lire dans la démonstration"
    kwargs = [
        k
        for rang, pk in enumerate(pks)
        for k in _avec_formats(nom, {objet.parametre: pk}, FORMATS if rang < MAX_OBJETS_EN_ENTIER else FORMATS[-1:])
    ]
    hors = tous.exclude(pk__in=visibles.values("pk")).order_by("pk").values_list("pk", flat=True).first()
    return kwargs, (None if hors is None else _avec_formats(nom, {objet.parametre: hors})[0]), ""


@contextmanager
def pdf_en_html():
    """`render_pdf` gives the HTML it would have made a PDF of: its whole text, read in a millisecond."""
    vrai = pdf.render_pdf

    def rendre(gabarit, contexte):
        return render_to_string(gabarit, contexte).encode()

    paquets = {config.name.split(".")[0] for config in apps.get_app_configs()}
    with ExitStack() as pile:
        pile.enter_context(mock.patch.object(pdf, "render_pdf", rendre))  # for the modules imported later
        for nom, module in list(sys.modules.items()):
            if nom.split(".")[0] in paquets and getattr(module, "render_pdf", None) is vrai:
                pile.enter_context(mock.patch.object(module, "render_pdf", rendre))
        yield


def parties_de_la_page(url, texte):
    """The links of a page to its other parts (tabs, pages of a list): same path, only PARTIES_DE_PAGE."""
    chemin = urlsplit(url).path
    trouvees = set()
    for href in HREF.findall(texte):
        lien = urlsplit(unescape(href))
        cles = {k for k, _ in parse_qsl(lien.query)}
        if not lien.netloc and lien.path in ("", chemin) and cles and cles <= PARTIES_DE_PAGE:
            trouvees.add(f"{chemin}?{lien.query}")
    return sorted(trouvees)


class Marche:
    """The walk of one reader through the matrix."""

    def __init__(self, registre, user, lecteur, parcours):
        self.registre, self.user, self.lecteur = registre, user, lecteur
        self.role = LECTEURS[lecteur]
        self.parcours = parcours
        self.client = Client()
        self.client.force_login(user)
        self.portee = registre.portee(user)
        self.vues = set()

    def ouvrir(self, nom, url, attendu, hx=False):
        debut = time.monotonic()
        reponse = self.client.get(url, headers={"HX-Request": "true"} if hx else {})
        lu = lire(reponse)
        marques = self.registre.marques(lu.texte)
        fuites = self.registre.fuites(marques, self.user, self.role)
        refusees = {m.champ for m in marques if self.registre.raison(m, self.user, self.role)}
        ouverture = Ouverture(
            lecteur=self.lecteur,
            nom=nom,
            url=url + (" (htmx)" if hx else ""),
            attendu=attendu,
            obtenu=_outcome(reponse),
            genre=lu.genre,
            fuites=fuites,
            lus=frozenset(m.champ for m in marques) - refusees,
            marques=frozenset(marques),
            duree=time.monotonic() - debut,
        )
        self.parcours.ouvertures.append(ouverture)
        return ouverture, lu

    def page(self, nom, url, en_entier):
        """A page it may read, and (`en_entier`) its other parts; its text when it is an HTML page."""
        if url in self.vues:
            return None
        self.vues.add(url)
        ouverture, lu = self.ouvrir(nom, url, 200)
        if ouverture.obtenu != 200 or lu.genre != "page":
            return None
        for partie in parties_de_la_page(url, lu.texte) if en_entier else ():
            if partie not in self.vues:
                self.vues.add(partie)
                self.ouvrir(nom, partie, 200)
        return lu

    def rechercher(self, nom, url, texte):
        """Each search field of the page, searched with the start of every internal marker, finds no
        more than with a term found nowhere; a search-as-you-type field searched with the start of the
        readable markers suggests only records in the reader's scope."""
        autocompletion = "autocompletion" in nom
        for cle in RECHERCHES:
            if f'name="{cle}"' not in texte and not (autocompletion and cle == "choix_recherche"):
                continue
            interne, _ = self.ouvrir(nom, f"{url}?{urlencode({cle: PREFIXE_INTERNE})}", 200)
            absent, _ = self.ouvrir(nom, f"{url}?{urlencode({cle: TERME_ABSENT})}", 200)
            self.parcours.recherches.append((self.lecteur, interne.url, interne.marques, absent.marques))
            if autocompletion:
                self.ouvrir(nom, f"{url}?{urlencode({cle: PREFIXE_LISIBLE})}", 200)

    def tout(self):
        colonne = PERSONAS.index(self.role)
        for nom, regle in MATRIX.items():
            attendu = regle.get[colonne]
            if nom in FLUX_PERSONNELS:  # read at one's own secret address, not by a login
                jeton = flux_calendrier.regenerer(user=self.user).jeton
                self.ouvrir(nom, reverse(nom, kwargs={"jeton": jeton}), 200)
                self.ouvrir(nom, au_hasard(nom), attendu)
                continue
            if attendu != 200:
                self.ouvrir(nom, au_hasard(nom), attendu)
                continue
            kwargs, hors, pourquoi = variantes(nom, self.portee)
            if not kwargs:
                self.parcours.sans_objet[(self.lecteur, nom)] = pourquoi
            for rang, k in enumerate(kwargs):
                url = reverse(nom, kwargs=k)
                lu = self.page(nom, url, en_entier=rang < MAX_OBJETS_EN_ENTIER)
                if rang == 0 and lu is not None:
                    self.ouvrir(nom, url, 200, hx=True)
                    self.rechercher(nom, url, lu.texte)
            if hors is not None:
                self.ouvrir(nom, reverse(nom, kwargs=hors), 404)


def generer_les_pdf(client, parcours):
    """As the team: every generation of the matrix (a POST `…generer` beside its `…statut` panel), for
    this year and the last, or for each object of its panel, its task run as the commit would run it."""
    colonne = PERSONAS.index(EQUIPE)
    for nom, regle in MATRIX.items():
        statut = nom.replace("generer", "statut")
        if not nom.endswith("generer") or statut not in MATRIX or regle.post[colonne] != REDIRECT:
            continue
        kwargs = []
        if statut in CONSTANTES:
            annee = CONSTANTES[statut]()["annee"]
            kwargs = [{"annee": annee}, {"annee": annee - 1}]
        elif (objet := _objet(nom)) is not None:
            modele = apps.get_model(objet.modele)
            kwargs = [{objet.parametre: pk} for pk in echantillon(modele._default_manager.filter(**objet.filtre))]
        for k in kwargs:
            with TestCase.captureOnCommitCallbacks(execute=True):
                client.post(reverse(nom, kwargs=k))
        parcours.generations[nom] = len(kwargs)


def envoyer_les_courriels(resultat, users):
    """The e-mails of the next Monday's jobs (the alerts of the day, the digests, the élus' weekly
    summary): those to the readers are read like their pages; to anyone outside the team, no internal
    text."""
    from pilotage import alertes, tasks

    lundi = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())
    mail.outbox = []
    alertes.synchroniser(lundi)
    tasks.envoyer_resumes(lundi.isoformat())
    lecteurs = {users[lecteur].email: lecteur for lecteur in LECTEURS}
    # The service, the régisseurs included: they read Espace Linné's internal texts on its pages (its notes, its
    # safety register), and the alerts they get are Linné's alone (linne.deadlines).
    equipe = set(User.objects.filter(role__in=COMPTES_SERVICE).values_list("email", flat=True))
    for message in mail.outbox:
        texte = "\n".join([message.subject, message.body, *(contenu for contenu, _ in message.alternatives)])
        marques = resultat.registre.marques(texte)
        for adresse in {*message.to, *message.cc, *message.bcc} - equipe:
            lecteur = lecteurs.get(adresse)
            if lecteur is None:
                fuites = sorted((str(m), "texte interne au service") for m in marques if m.champ.interne)
            else:
                fuites = resultat.registre.fuites(marques, users[lecteur], LECTEURS[lecteur])
            lus = frozenset(m.champ for m in marques if str(m) not in dict(fuites))
            resultat.courriels.append(
                Ouverture(lecteur or adresse, "courriel", message.subject, 0, 0, "courriel", fuites, lus, marques)
            )


# Pages where the team reads the internal markers: the proof that they are written and found.
PAGES_DE_L_EQUIPE = ["centres:detail", "conventions:detail", "subventions:detail", "subventions:instruction"]


def _chrono(durees, etape, debut):
    durees[etape] = time.monotonic() - debut
    return time.monotonic()


@calcule_une_fois
def parcours():
    """The walk of the three readers on the marked demo (figures only: the data is rolled back)."""
    debut = etape = time.monotonic()
    with override_settings(DEVELOPPEMENT=True, VILLE_SIRET=SIRET_DE_DEMO), pdf_en_html():
        call_command("seed_demo", verbosity=0)
        resultat = Parcours(marquer())
        etape = _chrono(resultat.durees, "démonstration marquée", etape)
        users = {u.username: u for u in User.objects.filter(username__in=[EQUIPE, *LECTEURS])}
        equipe = Client()
        equipe.force_login(users[EQUIPE])
        generer_les_pdf(equipe, resultat)
        for nom in PAGES_DE_L_EQUIPE:
            objet = OBJETS[nom]
            pk = le_plus_riche(apps.get_model(objet.modele)._default_manager.filter(**objet.filtre))
            page = equipe.get(reverse(nom, kwargs={objet.parametre: pk}))
            resultat.equipe |= resultat.registre.marques(lire(page).texte)
        etape = _chrono(resultat.durees, "PDF et équipe", etape)
        for lecteur in LECTEURS:
            marche = Marche(resultat.registre, users[lecteur], lecteur, resultat)
            marche.tout()
            resultat.visibles[lecteur] = {
                champ.label: len(marche.portee.visibles(apps.get_model(champ.label)))
                for champ in resultat.registre.champs
            }
            etape = _chrono(resultat.durees, lecteur, etape)
        envoyer_les_courriels(resultat, users)
        etape = _chrono(resultat.durees, "courriels", etape)
    resultat.durees["total"] = time.monotonic() - debut
    return resultat


# --- The classification follows the code -------------------------------------------------------


def test_every_free_text_is_classified():
    absents = [
        f"{m._meta.label}.{nom}" for m in modeles_du_projet() for nom in textes(m) if classe(m._meta.label, nom) is None
    ]
    assert not absents, f"textes sans classe dans tests/champs_lisibles.py : {absents}"


def test_every_classified_field_is_a_text_of_its_model():
    modeles = {m._meta.label: m for m in modeles_du_projet()}
    perimes = [
        f"{label}.{nom}"
        for label, classes in CHAMPS.items()
        for noms in classes.values()
        for nom in noms
        if label not in modeles or nom not in textes(modeles[label])
    ]
    assert not perimes, f"champs classés qui ne sont pas (ou plus) des textes de leur modèle : {perimes}"


def test_every_marked_text_takes_a_marker():
    courts = [
        f"{m._meta.label}.{f.name} ({f.max_length})"
        for m in modeles_du_projet()
        for f in m._meta.concrete_fields
        if f.name in textes(m)
        and classe(m._meta.label, f.name) != HORS_TEXTE
        and f.max_length is not None
        and f.max_length < LONGUEUR_MAX
    ]
    assert not courts, f"trop courts pour un marqueur (HORS_TEXTE s'ils ne sont pas des textes) : {courts}"


def test_every_model_with_texts_knows_whose_records_it_follows():
    marques = {champ.label for champ in champs_marques()}
    ambigus = []
    for modele in modeles_du_projet():
        if modele._meta.label not in marques or hasattr(modele._default_manager.all(), "visibles_par"):
            continue
        try:
            chemins_de_portee(modele)
        except PorteeAmbigue as erreur:
            ambigus.append(str(erreur))
    assert not ambigus, f"modèles rattachés à plusieurs enregistrements : déclarez-les dans PORTEE ({ambigus})"


@pytest.mark.parametrize("role", ["elu", "partenaire"])
def test_a_reading_rule_hides_the_internal_texts_of_its_model(role):
    """Where a model has a reading rule (`roubaix_cs.lecture`, that its page and its history follow), the
    rule hides its internal texts from the read-only roles."""
    lecteur = User(role=role)
    montres = [
        f"{modele._meta.label}.{nom}"
        for modele in regles()
        for nom in CHAMPS.get(modele._meta.label, {}).get(INTERNE, [])
        if not ({nom, TOUT} & champs_caches(lecteur, modele))
    ]
    assert not montres, f"textes internes que la règle de lecture montre à « {role} » : {montres}"


# --- The markers tell what a reader should not read --------------------------------------------


def test_a_marker_read_out_of_place_is_told_with_its_reason(partenaire_caf, centre_caf, centre_hors_caf):
    demande = DemandeFactory(centre=centre_caf)
    registre = marquer()
    historique = Centre.history.filter(id=centre_caf.pk).first()
    ligne = historique.history_id
    dans_la_page = [
        *Centre.objects.order_by("pk").values_list("nom", flat=True),  # its centre and another
        Centre.objects.get(pk=centre_caf.pk).notes_internes,
        historique.notes_internes,
        type(demande).objects.get(pk=demande.pk).objet,
    ]
    marques = registre.marques("<td>" + "</td><td>".join(dans_la_page) + "</td>")
    assert len(marques) == 5
    assert registre.fuites(marques, partenaire_caf, "partenaire") == [
        (f"centres.Centre.nom n° {centre_hors_caf.pk}", "enregistrement hors de son périmètre"),
        (f"centres.Centre.notes_internes n° {centre_caf.pk}", "texte interne au service"),
        (f"centres.Centre.notes_internes n° {centre_caf.pk} (historique {ligne})", "texte interne au service"),
        (f"subventions.DemandeSubvention.objet n° {demande.pk}", "texte que ce rôle ne lit pas (elu)"),
    ]


def test_markers_are_read_in_xlsx_exports_and_folded_calendar_lines(centre_caf):
    registre = marquer()
    nom = Centre.objects.get(pk=centre_caf.pk).nom
    xlsx = exporter("xlsx", nom="essai", colonnes=[("Centre", lambda c: c)], objets=[nom])
    ligne = f"SUMMARY:Assemblée générale du {nom}, une ligne plus longue que 75 octets"
    pli = ligne.index(nom) + 5  # a folded line (RFC 5545 §3.1) cuts the marker
    pliee = f"{ligne[:pli]}\r\n {ligne[pli:]}"
    ics = HttpResponse(f"BEGIN:VCALENDAR\r\n{pliee}\r\nEND:VCALENDAR\r\n", content_type="text/calendar")
    assert nom not in pliee
    for reponse, genre in [(xlsx, "export"), (ics, "flux")]:
        lu = lire(reponse)
        assert lu.genre == genre
        assert {str(m) for m in registre.marques(lu.texte)} == {f"centres.Centre.nom n° {centre_caf.pk}"}


# --- The walk ----------------------------------------------------------------------------------


def _ouvertures(parcours, lecteur, nom):
    return [o for o in parcours.ouvertures if o.lecteur == lecteur and o.nom == nom]


@pytest.mark.parametrize("nom", sorted(MATRIX))
@pytest.mark.parametrize("lecteur", sorted(LECTEURS))
def test_no_reader_reads_what_is_not_theirs(parcours, lecteur, nom):
    ouvertures = _ouvertures(parcours, lecteur, nom)
    assert ouvertures or (lecteur, nom) in parcours.sans_objet, f"{nom} jamais ouverte par {lecteur}"
    statuts = [(o.url, o.obtenu, o.attendu) for o in ouvertures if o.obtenu != o.attendu]
    assert not statuts, f"{lecteur} : (adresse, réponse, attendue) {statuts}"
    fuites = {o.url: o.fuites for o in ouvertures if o.fuites}
    assert not fuites, f"{lecteur} lit ce qui ne le regarde pas : {fuites}"


@pytest.mark.parametrize("lecteur", sorted(LECTEURS))
def test_every_page_a_reader_may_read_is_opened(parcours, lecteur):
    """Every page but those whose object the demo does not have (ABSENTES_DE_LA_DEMO, with their reason;
    the walk's own generations give some of them one)."""
    sans = {
        nom: pourquoi
        for (qui, nom), pourquoi in parcours.sans_objet.items()
        if qui == lecteur and nom not in ABSENTES_DE_LA_DEMO
    }
    assert not sans, f"pages que {lecteur} peut lire, jamais ouvertes : {sans}"


@pytest.mark.parametrize("lecteur", sorted(LECTEURS))
def test_a_reader_reads_what_its_role_reads(parcours, lecteur):
    lus = {str(champ) for o in parcours.ouvertures if o.lecteur == lecteur for champ in o.lus}
    attendus = {
        champ
        for champ in LUS_ATTENDUS[LECTEURS[lecteur]]
        if parcours.visibles[lecteur].get(champ.rpartition(".")[0])  # the demo has one in its scope
    }
    assert len(attendus) >= 4, f"{lecteur} n'a presque rien à lire dans la démonstration : {attendus}"
    assert attendus <= lus, f"{lecteur} ne lit nulle part : {sorted(attendus - lus)}"


@pytest.mark.parametrize("lecteur", sorted(LECTEURS))
def test_searching_the_internal_texts_finds_nothing(parcours, lecteur):
    recherches = [r for r in parcours.recherches if r[0] == lecteur]
    assert len(recherches) >= 3, recherches
    trouve = {url: sorted(map(str, interne - absent)) for _, url, interne, absent in recherches if interne != absent}
    assert not trouve, f"une recherche dans les textes internes trouve des enregistrements : {trouve}"


@pytest.mark.parametrize("lecteur", sorted(LECTEURS))
def test_out_of_scope_objects_are_not_found(parcours, lecteur):
    """The demo has records outside each partner's scope (a centre the Département does not follow, a
    convention the CAF is not party to, a non-public document): the walk asked for them."""
    hors = [
        o for o in parcours.ouvertures if o.lecteur == lecteur and o.attendu == 404 and o.nom not in FLUX_PERSONNELS
    ]
    if LECTEURS[lecteur] == "partenaire":
        assert hors
    assert all(o.obtenu == 404 for o in hors), [(o.url, o.obtenu) for o in hors if o.obtenu != 404]


def test_the_team_reads_the_internal_markers(parcours):
    """The proof that the markers are written and found: the team reads the notes on its pages."""
    lus = {str(m.champ) for m in parcours.equipe if m.champ.interne}
    assert {
        "centres.Centre.notes_internes",
        "conventions.Convention.notes_internes",
        "subventions.DemandeSubvention.note_analyse",
    } <= lus


def test_every_generated_pdf_is_read_with_its_markers(parcours):
    """Every generation of the matrix made PDFs, and each kind of PDF a reader downloads carries the
    demo's texts (the élus read them all: visit reports, deliberations, budget annex, yearly report)."""
    assert parcours.generations and all(parcours.generations.values()), parcours.generations
    par_page = defaultdict(set)
    for o in parcours.ouvertures:
        if o.genre == "pdf" and o.obtenu == 200 and o.nom not in FICHIERS_DEPOSES:
            par_page[(o.lecteur, o.nom)] |= o.lus
    assert len([cle for cle in par_page if cle[0] == "elu"]) >= len(parcours.generations)
    muets = sorted(cle for cle, lus in par_page.items() if not lus)
    assert not muets, f"PDF où le parcours ne lit aucun texte : {muets}"


def test_no_email_outside_the_team_carries_what_its_reader_may_not_read(parcours):
    resume = [c for c in parcours.courriels if c.lecteur == "elu"]
    assert resume and resume[0].lus, (
        "l'élu n'a pas reçu son résumé de la semaine, ou il ne dit rien de la démonstration"
    )
    fuites = {(c.lecteur, c.url): c.fuites for c in parcours.courriels if c.fuites}
    assert not fuites, f"courriels qui disent ce que leur destinataire ne doit pas lire : {fuites}"


def test_the_walk_report(parcours, capsys):
    """Not a check: what the walk opened, per reader and kind, and its time (shown with pytest -s)."""
    par_genre = defaultdict(Counter)
    for o in parcours.ouvertures:
        par_genre[o.lecteur][o.genre if o.obtenu == 200 else f"refus {o.obtenu}"] += 1
    lignes = sum(parcours.registre.lignes.values())
    with capsys.disabled():
        print(f"\n  marqueurs : {len(parcours.registre.champs)} champs, {lignes} lignes (historique compris)")
        for lecteur, compte in sorted(par_genre.items()):
            print(f"  {lecteur} : {dict(sorted(compte.items()))}")
        print(f"  générations : {parcours.generations}")
        print(f"  courriels hors de l'équipe : {Counter(c.lecteur for c in parcours.courriels)}")
        print(f"  durées (s) : { {etape: round(d, 1) for etape, d in parcours.durees.items()} }")
    assert parcours.ouvertures
