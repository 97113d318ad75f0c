"""Hostile input for every form: the values, valid data to put them in, and what each POST must show.

Used by tests/test_fuzz_formulaires.py. A form is read from a page's context (never re-declared
here); its valid data comes from its initial values, or a plausible value per kind of field.
"""

import datetime
import functools
import importlib
import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms.formsets import BaseFormSet
from django.utils import timezone
from django.utils.html import escape

# --- The hostile values --------------------------------------------------------------------------

LONG = "A" * 10_000
SCRIPT = '<script>alert("fuzz")</script>'
HTML = "<img src=x onerror=alert(1)><b>gras</b>"
SQL = "' OR 1=1 --"
NUL = "avant\x00après"
UNICODE = "\u202eevil\u202c 😀 𝕏"  # right-to-left override, then astral characters

# In every field, whatever its kind (a date or amount field re-displays what it was sent).
UNIVERSELLES = {"long": LONG, "script": SCRIPT, "html": HTML, "sql": SQL, "nul": NUL, "unicode": UNICODE}
NOMBRES = {
    "negatif": "-1000",
    "1e20": "1e20",
    "milliards": "9 999 999 999,99",
    "non_numerique": "douze",
    "2^63": str(2**63),
}
DATES = {"an_1": "0001-01-01", "an_9999": "9999-12-31", "31_fevrier": "31/02/2026"}
IDS = {"2^63": str(2**63), "10^30": str(10**30), "negatif": "-1", "non_numerique": "douze"}

# Values no field may accept: the field (or the top of the form) must say why.
TOUJOURS_REFUSEES = {
    "texte": {"nul"},
    "nombre": {"non_numerique", "1e20"},
    "entier": {"non_numerique", "1e20", "milliards"},
    "date": {"31_fevrier", "script"},
    "choix": {"2^63", "10^30", "non_numerique", "script"},
}

MOT_DE_PASSE = "Un-mot-de-passe-solide-2026"  # noqa: S105 - typed in the test's forms
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fichier_pdf(nom="piece.pdf"):
    return SimpleUploadedFile(nom, PDF, content_type="application/pdf")


# --- Forms of a page -----------------------------------------------------------------------------


def formulaires_du_contexte(response):
    """Every form and formset of the page's context, by context name (`form` first)."""
    trouves = {}
    for contexte in response.context or []:
        for nom, valeur in contexte.flatten().items():
            if isinstance(valeur, (forms.BaseForm, BaseFormSet)) and nom not in trouves:
                trouves[nom] = valeur
    return dict(sorted(trouves.items(), key=lambda kv: kv[0] != "form"))


def genre(champ):
    """The kind of a form field, for the hostile values it gets."""
    if isinstance(champ, (forms.ModelChoiceField, forms.ModelMultipleChoiceField)):
        return "choix"
    if isinstance(champ, forms.BooleanField):
        return "booleen"
    if isinstance(champ, forms.FileField):
        return "fichier"
    if isinstance(champ, forms.IntegerField):
        return "entier"
    if isinstance(champ, (forms.DecimalField, forms.FloatField)):
        return "nombre"
    if isinstance(champ, (forms.DateField, forms.DateTimeField)):
        return "date"
    if isinstance(champ, (forms.ChoiceField, forms.MultipleChoiceField)):
        return "choix"
    return "texte"


def valeurs_hostiles(champ):
    """The values posted in this field alone: every hostile text in a text field; in the other kinds,
    theirs and the script (sent back with the error). All fields at once get every hostile text."""
    sorte = genre(champ)
    if sorte == "texte":
        return dict(UNIVERSELLES)
    propres = {"nombre": NOMBRES, "entier": NOMBRES, "date": DATES, "choix": IDS}.get(sorte, {})
    return {"script": SCRIPT, **propres}


def _premier_choix(champ):
    for valeur, _ in champ.choices:
        if valeur not in ("", None):
            return str(valeur)
    return None


def _valeur_plausible(nom, champ):
    """A value a careful user would type in this empty required field."""
    aujourd_hui = timezone.localdate()
    sorte = genre(champ)
    if sorte == "choix":
        premier = _premier_choix(champ)
        multiple = isinstance(champ, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField))
        return ([premier] if premier else []) if multiple else premier
    if sorte == "booleen":
        return True
    if sorte == "date":
        return aujourd_hui.isoformat()
    if sorte == "entier" and ("annee" in nom or "exercice" in nom):
        return str(aujourd_hui.year)
    if sorte in ("nombre", "entier"):
        return str(max(1, champ.min_value or 1))
    if isinstance(champ.widget, forms.PasswordInput):
        return MOT_DE_PASSE
    if isinstance(champ, forms.EmailField):
        return "contact@example.org"
    if isinstance(champ, forms.URLField):
        return "https://example.org"
    return "Texte"[: champ.max_length or 5]


def donnees_valides(form):
    """What the page's form would send once its required fields are filled: {html name: value}."""
    donnees = {}
    for nom, champ in form.fields.items():
        if champ.disabled or genre(champ) == "fichier":
            continue
        valeur = form[nom].value()
        if valeur in (None, "", []) and champ.required:
            valeur = _valeur_plausible(nom, champ)
        if isinstance(valeur, (datetime.date, datetime.datetime)):
            valeur = champ.widget.format_value(valeur) if hasattr(champ.widget, "format_value") else str(valeur)
        if isinstance(valeur, (list, tuple)):
            valeur = [str(getattr(v, "pk", v)) for v in valeur]
        if valeur is False or valeur is None:
            continue
        donnees[form.add_prefix(nom)] = "on" if valeur is True else valeur
    for debut, fin in paires_debut_fin(form):  # a period of a year, when both ends were left to fill
        debut, fin = form.add_prefix(debut), form.add_prefix(fin)
        if donnees.get(debut) and donnees.get(debut) == donnees.get(fin):
            donnees[fin] = (datetime.date.fromisoformat(donnees[debut]) + datetime.timedelta(days=364)).isoformat()
    return donnees


def champs_fichier(form):
    return [form.add_prefix(nom) for nom, champ in form.fields.items() if genre(champ) == "fichier"]


def paires_debut_fin(form):
    """Date fields that bound a period (debut/fin, valide_du/valide_au, ...): (start, end)."""
    noms = [n for n, c in form.fields.items() if genre(c) == "date" and not c.disabled]
    paires = []
    for debut in noms:
        for motif, remplacement in (("debut", "fin"), ("_du", "_au"), ("date_envoi", "date_visa")):
            fin = debut.replace(motif, remplacement)
            if motif in debut and fin != debut and fin in noms:
                paires.append((debut, fin))
    return paires


# --- What a refused POST must show ---------------------------------------------------------------

ANGLAIS = re.compile(
    r"\b(the|this|field|enter|ensure|select|please|must|should|required|invalid|value|characters)\b", re.I
)


def messages_d_erreur(form):
    return {nom: [str(m) for m in liste] for nom, liste in form.errors.items()}


def messages_non_francais(form):
    return [m for liste in messages_d_erreur(form).values() for m in liste if ANGLAIS.search(m)]


def messages_non_affiches(form, html):
    """Error messages of the form that the page does not show (next to the field or at the top)."""
    return [m for liste in messages_d_erreur(form).values() for m in liste if escape(m) not in html]


def reflete_brut(html):
    """The hostile markup as sent, unescaped, in a page."""
    return [v for v in (SCRIPT, HTML) if v in html]


# --- Rows of every table, in one query -----------------------------------------------------------


@functools.cache
def _requete_de_comptage(vendor):
    """One query counting the rows of every table of the installed models, and those tables."""
    existantes = set(connection.introspection.table_names())
    modeles = apps.get_models(include_auto_created=True)
    tables = sorted({m._meta.db_table for m in modeles if m._meta.managed} & existantes)
    q = connection.ops.quote_name
    # Table names of the project's own models, quoted: no outside input reaches this query.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {q(t)})" for t in tables)  # noqa: S608
    return sql, tables


def compter_lignes():
    """{table: rows} of every table of the project's models, in one query."""
    sql, tables = _requete_de_comptage(connection.vendor)
    with connection.cursor() as curseur:
        curseur.execute(sql)
        return dict(zip(tables, curseur.fetchone(), strict=True))


def differences(avant, apres):
    return {t: (avant[t], apres.get(t)) for t in avant if avant[t] != apres.get(t)}


# --- The form classes of the project --------------------------------------------------------------


def _modules_de_formulaires(config):
    """The app's `forms` module and its `forms_<part>` modules (pilotage/forms_reunions.py, say)."""
    for chemin in sorted(Path(config.path).glob("forms*.py")):
        if chemin.stem == "forms" or chemin.stem.startswith("forms_"):
            yield importlib.import_module(f"{config.name}.{chemin.stem}")


def classes_de_formulaires():
    """Every concrete Form / ModelForm defined in the `forms.py` (and `forms_*.py`) of the project's apps."""
    classes = set()
    racine = str(settings.BASE_DIR)
    for config in apps.get_app_configs():
        if not config.path.startswith(racine) or ".venv" in config.path:
            continue
        for module in _modules_de_formulaires(config):
            classes |= _classes_du_module(module)
    return classes


def _classes_du_module(module):
    classes = set()
    for _, classe in inspect.getmembers(module, inspect.isclass):
        if classe.__module__ != module.__name__ or not issubclass(classe, forms.BaseForm):
            continue
        if issubclass(classe, forms.BaseModelForm) and classe._meta.model is None:
            continue  # a base for the project's model forms, not a form of its own
        classes.add(classe)
    return classes


@dataclass
class Espion:
    """Records the form classes bound and validated (full_clean called on a bound form)."""

    validees: set = field(default_factory=set)

    def installer(self, monkeypatch):
        original = forms.BaseForm.full_clean
        espion = self

        def full_clean(form):
            if form.is_bound:
                espion.validees.update(type(form).__mro__)
            return original(form)

        monkeypatch.setattr(forms.BaseForm, "full_clean", full_clean)
