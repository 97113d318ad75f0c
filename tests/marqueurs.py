"""Markers in every free text of the database, found again in what a reader downloads.

`marquer()` writes into every classified text field (tests/champs_lisibles.py) of every row, and of
every row of its history, a marker that names the field and the row: `ZQXI12N34Z` is the internal
field n° 12 of the row 34, `ZQXP7N5H81Z` the readable field n° 7 of the row 5 in the history row 81.
One UPDATE per model and one per history table. `lire(response)` gives the text of a page, an export,
a PDF or a calendar feed, `Registre.marques(texte)` its markers, and `Registre.fuites(marques, user,
role)` those this reader should never have read: an internal text, a text of a class the reader's role
does not read, or a text of a record outside the reader's scope (`Portee`).
"""

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat

from roubaix_cs.lecture import lisible

from .champs_lisibles import HORS_TEXTE, INTERNE, MOTIF_D_HISTORIQUE, classe, lecteurs

# A marker fits any marked text field: the shortest marked CharField must take this many characters.
LONGUEUR_MAX = 30
MARQUE = re.compile(r"ZQX([IP])(\d+)N(\d+)(?:H(\d+))?Z", re.IGNORECASE)
# Search terms: the start of every internal marker, and a term no text contains.
PREFIXE_INTERNE = "ZQXI"
PREFIXE_LISIBLE = "ZQXP"
TERME_ABSENT = "ZQXJ"
# An ICS line longer than 75 octets is folded: a line break and a space (RFC 5545 §3.1).
DEPLIER = re.compile(r"\r?\n[ \t]")

# Models that belong to the records of several others (their rows are readable through any of them),
# with the foreign keys to follow; any other model without its own `visibles_par` follows its one
# foreign key to a model that has a scope (a contact its centre), or has none (an organisation).
PORTEE = {
    # A version of a convention's text (an avenant's among them) is read with the convention.
    "conventions.VersionTexte": ("convention",),
    # An action is read with the meeting that decided it, and with the file whose plan it is (CV-3).
    "pilotage.Action": ("reunion", "situation"),
    # A level decision is part of its file (the meeting that took it may be one the partner missed).
    "pilotage.DecisionNiveau": ("situation",),
}

# Records a reader reads as their own beyond their model's `visibles_par`: the meetings they are
# convened to (the convocation and its calendar event), the actions they or their organisation own.
A_SOI = {
    "pilotage.Reunion": lambda user: Q(participants__user=user),
    "pilotage.Action": lambda user: (
        Q(porteur_user=user) | Q(porteur_organisation__isnull=False, porteur_organisation=user.organisation_id)
    ),
}


def modeles_du_projet():
    """The concrete models of the project's own apps, their historical models left out."""
    for config in apps.get_app_configs():
        chemin = Path(config.path)
        if not chemin.is_relative_to(settings.BASE_DIR) or ".venv" in chemin.parts:
            continue
        for modele in config.get_models():
            if not modele.__name__.startswith("Historical") and not modele._meta.auto_created:
                yield modele


def est_un_texte(champ):
    """A text the service may write: a CharField or TextField without choices (an e-mail or a web
    address is not a text)."""
    return (
        isinstance(champ, (models.CharField, models.TextField))
        and not champ.choices
        and not isinstance(champ, (models.EmailField, models.URLField))
    )


def textes(modele):
    return [f.name for f in modele._meta.concrete_fields if est_un_texte(f)]


def historique(modele):
    """The historical model of `modele` (django-simple-history), or None."""
    manager = getattr(modele._meta, "simple_history_manager_attribute", None)
    return getattr(modele, manager).model if manager else None


@dataclass(frozen=True)
class Champ:
    label: str  # « centres.Centre »
    nom: str

    @property
    def interne(self):
        return self.nom != MOTIF_D_HISTORIQUE and classe(self.label, self.nom) == INTERNE

    @property
    def lecteurs(self):
        return lecteurs(self.label, self.nom)

    def __str__(self):
        return f"{self.label}.{self.nom}"


def champs_marques():
    """Every marked field, in a stable order (its rank is its number in the markers)."""
    champs = []
    for modele in sorted(modeles_du_projet(), key=lambda m: m._meta.label):
        label = modele._meta.label
        champs += [Champ(label, nom) for nom in textes(modele) if classe(label, nom) not in (None, HORS_TEXTE)]
        if historique(modele) is not None:
            champs.append(Champ(label, MOTIF_D_HISTORIQUE))
    return champs


def _texte(*morceaux):
    return Concat(*morceaux, output_field=CharField())


def _en_texte(nom):
    return Cast(nom, output_field=CharField())


@dataclass(frozen=True)
class Marque:
    champ: Champ
    pk: int
    historique: int | None  # the history row, or None for the record itself

    def __str__(self):
        ligne = f" (historique {self.historique})" if self.historique else ""
        return f"{self.champ} n° {self.pk}{ligne}"


class Registre:
    """The markers written, and what each reader may read of them."""

    def __init__(self, champs, lignes):
        self.champs = champs
        self.lignes = lignes  # {Champ: number of rows marked, history rows included}
        self._portees = {}

    def marques(self, texte):
        """The markers of `texte`, each once."""
        trouvees = set()
        for genre, rang, pk, ligne in MARQUE.findall(texte):
            rang = int(rang)
            if rang < len(self.champs) and (genre.upper() == "I") == self.champs[rang].interne:
                trouvees.add(Marque(self.champs[rang], int(pk), int(ligne) if ligne else None))
        return trouvees

    def portee(self, user):
        if user.pk not in self._portees:
            self._portees[user.pk] = Portee(user)
        return self._portees[user.pk]

    def raison(self, marque, user, role):
        """Why `user` (of matrix role `role`) should not have read `marque`, or None."""
        champ = marque.champ
        if champ.interne:
            return "texte interne au service"
        if role not in champ.lecteurs:
            return f"texte que ce rôle ne lit pas ({', '.join(sorted(champ.lecteurs)) or 'personne'})"
        if not self.portee(user).voit(apps.get_model(champ.label), marque.pk):
            return "enregistrement hors de son périmètre"
        return None

    def fuites(self, marques, user, role):
        """[(marker, reason)] of the markers `user` should not have read."""
        return sorted(
            ((str(m), r) for m in marques if (r := self.raison(m, user, role)) is not None),
        )


def _mettre(queryset, valeurs):
    """UPDATE `queryset` with `valeurs` ({field: expression}): every row in one query; a field that a
    constraint wants empty on some rows (a premises' other occupant, when it has a centre) is marked
    where it is not empty. The number of rows marked per field."""
    try:
        with transaction.atomic():
            return dict.fromkeys(valeurs, queryset.update(**valeurs))
    except IntegrityError:
        pass
    marques = {}
    for nom, valeur in valeurs.items():
        try:
            with transaction.atomic():
                marques[nom] = queryset.update(**{nom: valeur})
        except IntegrityError:
            marques[nom] = queryset.exclude(**{nom: ""}).update(**{nom: valeur})
    return marques


def marquer():
    """Write the markers into every row and every history row; return the register."""
    champs = champs_marques()
    rangs = {champ: rang for rang, champ in enumerate(champs)}
    lignes = Counter()
    par_modele = {}
    for champ in champs:
        par_modele.setdefault(champ.label, []).append(champ)
    for label, siens in par_modele.items():
        modele = apps.get_model(label)

        def prefixe(champ):
            return Value(f"ZQX{'I' if champ.interne else 'P'}{rangs[champ]}N")

        propres = {c.nom: c for c in siens if c.nom != MOTIF_D_HISTORIQUE}
        if propres:
            valeurs = {nom: _texte(prefixe(c), _en_texte("pk"), Value("Z")) for nom, c in propres.items()}
            lignes.update({propres[nom]: n for nom, n in _mettre(modele._base_manager.all(), valeurs).items()})
        historiques = historique(modele)
        if historiques is not None:
            tous = {c.nom: c for c in siens}
            valeurs = {
                nom: _texte(prefixe(c), _en_texte("id"), Value("H"), _en_texte("history_id"), Value("Z"))
                for nom, c in tous.items()
            }
            lignes.update({tous[nom]: n for nom, n in _mettre(historiques._base_manager.all(), valeurs).items()})
    return Registre(champs, lignes)


class Portee:
    """The records one reader may read, by model: the model's own `visibles_par`, else the records it
    belongs to (PORTEE, or its one foreign key to a model with a scope), else all; none of a model its
    reading rule hides whole (`roubaix_cs.lecture`)."""

    def __init__(self, user):
        self.user = user
        self._visibles = {}

    def queryset(self, modele):
        if not lisible(self.user, modele):
            return modele._base_manager.none()
        tous = modele._default_manager.all()
        a_soi = A_SOI.get(modele._meta.label)
        if hasattr(tous, "visibles_par"):
            condition = Q(pk__in=tous.visibles_par(self.user).order_by().values("pk"))
        elif chemins := chemins_de_portee(modele):
            condition = Q()
            for chemin in chemins:
                cible = modele._meta.get_field(chemin).related_model
                condition |= Q(**{f"{chemin}__in": self.queryset(cible).order_by().values("pk")})
        else:
            return tous
        return tous.filter(condition | a_soi(self.user) if a_soi else condition).distinct().order_by()

    def visibles(self, modele):
        """The pks of the records of `modele` this reader may read."""
        if modele not in self._visibles:
            self._visibles[modele] = frozenset(self.queryset(modele).order_by().values_list("pk", flat=True))
        return self._visibles[modele]

    def voit(self, modele, pk):
        return pk in self.visibles(modele)


def a_une_portee(modele, _vus=frozenset()):
    """Does `modele` restrict its records by reader (its own `visibles_par`, or through a record)?"""
    if hasattr(modele._default_manager.all(), "visibles_par"):
        return True
    if modele in _vus:
        return False
    return bool(chemins_de_portee(modele, _vus | {modele}))


def chemins_de_portee(modele, _vus=frozenset()):
    """The foreign keys whose records decide which records of `modele` a reader reads (PORTEE, or the one
    foreign key to a model with a scope); () for a model read whole. Raises for a model with several
    such keys that PORTEE does not settle."""
    label = modele._meta.label
    if label in PORTEE:
        return PORTEE[label]
    candidats = [
        f.name
        for f in modele._meta.concrete_fields
        if (f.many_to_one or f.one_to_one)
        and f.related_model is not modele
        and a_une_portee(f.related_model, _vus | {modele})
    ]
    if len(candidats) > 1:
        raise PorteeAmbigue(f"{label} : {candidats}")
    return tuple(candidats)


class PorteeAmbigue(Exception):
    """A model belongs to several scoped records: say in PORTEE through which ones it is read."""


# --- Reading what a response carries -----------------------------------------------------------


def contenu(response):
    """The bytes of a response, a download read to its end."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@dataclass
class Lu:
    """What one response let its reader read: its text (headers included) and its kind."""

    texte: str
    genre: str  # page, export, pdf, flux


def lire(response):
    """The text of a response: an HTML page or fragment, a CSV or XLSX export (its XML parts), a PDF
    (its text), an ICS feed (lines unfolded), with its headers (a file's name)."""
    brut = contenu(response)
    entetes = "\n".join(f"{cle}: {valeur}" for cle, valeur in response.items())
    type_ = response.get("Content-Type", "")
    if brut[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(brut)) as archive:
            texte = "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        return Lu(f"{entetes}\n{texte}", "export")
    if brut[:5] == b"%PDF-":
        from pypdf import PdfReader

        texte = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(brut)).pages)
        return Lu(f"{entetes}\n{texte}", "pdf")
    texte = brut.decode("utf-8", "replace")
    if "text/calendar" in type_:
        return Lu(f"{entetes}\n{DEPLIER.sub('', texte)}", "flux")
    if "application/pdf" in type_:  # a PDF rendered as its HTML (tests: render_pdf captured)
        return Lu(f"{entetes}\n{texte}", "pdf")
    if "text/csv" in type_ or "attachment" in response.get("Content-Disposition", ""):
        return Lu(f"{entetes}\n{texte}", "export")
    return Lu(f"{entetes}\n{texte}", "page")
