"""Big choice lists as search fields: above AUTOCOMPLETION_SEUIL records, a choice of a record shows
only what is chosen, and a search box asks its entity's suggestion view (htmx) for the matching ones.

Each app declares its searchable entities in a module `autocompletions` (list `AUTOCOMPLETIONS`, see
roubaix_cs.extensions): the model, the URL name of its suggestion view, the fields a search looks in.
The view is scoped like the entity's list; the form still validates against its own queryset.
Without JavaScript the search term is sent with the form: one match is the choice, several are shown
to choose from.
"""

import functools
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from .extensions import modules

# Beyond this many choices a list no longer fits a select nor a screen of boxes: the field searches.
AUTOCOMPLETION_SEUIL = 50
# Suggestions per search: enough to pick from, few enough to read.
AUTOCOMPLETION_SUGGESTIONS = 20
# A search looks for each of its first words (a longer term is a paste, not a search).
MOTS_MAX = 5
_NOM_DE_CHAMP = re.compile(r"^[\w-]{1,100}$")


@dataclass(frozen=True)
class Autocompletion:
    modele: type
    url: str  # URL name of the suggestion view
    champs: tuple  # the text fields a search looks in


@functools.cache
def _registre():
    return {auto.modele: auto for module in modules("autocompletions") for auto in module.AUTOCOMPLETIONS}


def autocompletion_de(modele):
    return _registre().get(modele)


def filtrer(queryset, terme, champs):
    """The records of `queryset` where every word of `terme` is in one of `champs`."""
    for mot in terme.split()[:MOTS_MAX]:
        condition = Q()
        for champ in champs:
            condition |= Q(**{f"{champ}__icontains": mot})
        queryset = queryset.filter(condition)
    return queryset if queryset.ordered else queryset.order_by(champs[0], "pk")


class Recherche(str):
    """A search term typed in place of a choice (a form sent without JavaScript)."""


def resoudre(queryset, terme):
    """The one record of `queryset` that `terme` designates, else a French refusal."""
    auto = autocompletion_de(queryset.model)
    trouves = list(filtrer(queryset, terme, auto.champs)[:2]) if auto else []
    if not trouves:
        raise forms.ValidationError(f"Aucun choix ne correspond à « {terme} ».", code="invalid_choice")
    if len(trouves) > 1:
        raise forms.ValidationError(
            f"Plusieurs choix correspondent à « {terme} » : choisissez dans la liste.", code="invalid_choice"
        )
    return trouves[0]


def _ids(valeurs):
    from .forms import ID_MAX

    return [int(v) for v in valeurs if str(v).isdigit() and int(v) <= ID_MAX]


def _options(queryset, choisis, terme, champs, lus=None):
    """The chosen records first (from the rows `lus` when the widget read them), then up to
    AUTOCOMPLETION_SUGGESTIONS matches of `terme`."""
    if lus is not None:
        options = [(objet, True) for objet in lus if objet.pk in set(choisis)]
    else:
        options = [(objet, True) for objet in queryset.filter(pk__in=choisis)] if choisis else []
    if terme.strip():
        suggestions = filtrer(queryset.exclude(pk__in=choisis), terme, champs)[:AUTOCOMPLETION_SUGGESTIONS]
        options += [(objet, False) for objet in suggestions]
    return options


def _choisis(value):
    """(search term, chosen ids) of a widget's value: ids, a list of them, or a term typed in their place."""
    if isinstance(value, Recherche):
        return str(value), []
    valeurs = value if isinstance(value, (list, tuple)) else [value]
    terme = next((str(v) for v in valeurs if isinstance(v, Recherche)), "")
    return terme, _ids(v for v in valeurs if v is not None and not isinstance(v, Recherche))


class _ListeRecherche:
    """What the single and the multiple widget share: is the list big, and where to search it."""

    template_recherche = None

    def _etat(self, value=None):
        """(autocompletion, premiers, lus): `premiers` are the choices when the list is small, None when
        big; `lus` the rows read, among which the chosen ones.

        One query whatever the list's size, so that a page costs the same with 10 or 1 000 records: the
        first AUTOCOMPLETION_SEUIL + 1 records, and the chosen ones wherever they are in the list."""
        queryset = getattr(self.choices, "queryset", None)
        auto = autocompletion_de(queryset.model) if queryset is not None else None
        if auto is None:
            return None, None, None
        choisis = tuple(_choisis(value)[1])
        cache = getattr(self, "_cache_etat", None)
        if cache is None or cache[0] is not queryset or cache[1] != choisis:
            premiers = queryset.values("pk")[: AUTOCOMPLETION_SEUIL + 1]
            lus = list(
                queryset.filter(Q(pk__in=premiers) | Q(pk__in=choisis))
                if choisis
                else queryset[: AUTOCOMPLETION_SEUIL + 1]
            )
            cache = (queryset, choisis, lus if len(lus) <= AUTOCOMPLETION_SEUIL else None, lus)
            self._cache_etat = cache
        return auto, cache[2], cache[3]

    def _terme(self, data, name):
        return str(data.get(f"{name}_recherche", "")).strip()[:100]

    def _contexte_recherche(self, name, value, attrs, auto, multiple, lus):
        queryset = self.choices.queryset
        terme, choisis = _choisis(value)
        parametres = {"champ": name, **({"multiple": "1"} if multiple else {})}
        return {
            "url": f"{reverse(auto.url)}?{urlencode(parametres)}",
            "terme": terme,
            "options": _options(queryset, choisis, terme, auto.champs, lus),
            "id": (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}",
            "nom": name,
            "desactive": bool((attrs or {}).get("disabled") or self.attrs.get("disabled")),
        }


class SelectRecherche(_ListeRecherche, forms.Select):
    """A select of records; above AUTOCOMPLETION_SEUIL, the chosen option and a search box."""

    def get_context(self, name, value, attrs):
        auto, premiers, lus = self._etat(value)
        if auto is None:
            return super().get_context(name, value, attrs)
        iterateur = self.choices
        vide = [("", iterateur.field.empty_label)] if iterateur.field.empty_label is not None else []
        if premiers is not None:  # a small list: the plain select, from the rows already read
            self.choices = vide + [iterateur.choice(objet) for objet in premiers]
            try:
                return super().get_context(name, value, attrs)
            finally:
                self.choices = iterateur
        self.choices = vide
        try:
            context = super().get_context(name, value, attrs)
        finally:
            self.choices = iterateur
        context["recherche"] = self._contexte_recherche(name, value, context["widget"]["attrs"], auto, False, lus)
        context["recherche"]["vide"] = vide[0][1] if vide else None
        return context

    def _render(self, template_name, context, renderer=None):
        if "recherche" in context:
            return _rendre("includes/select_recherche.html", context)
        return super()._render(template_name, context, renderer)

    def value_from_datadict(self, data, files, name):
        valeur = super().value_from_datadict(data, files, name)
        if valeur in (None, "") and (terme := self._terme(data, name)):
            return Recherche(terme)
        return valeur

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and f"{name}_recherche" not in data


class CasesRecherche(_ListeRecherche, forms.SelectMultiple):
    """Boxes to tick, one per record; above AUTOCOMPLETION_SEUIL, the ticked ones and a search box."""

    use_fieldset = True

    def id_for_label(self, id_):
        return ""

    def optgroups(self, name, value, attrs=None):
        return []  # the boxes are drawn from the rows read once (_etat), not from every choice

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        auto, premiers, lus = self._etat(value)
        widget = context["widget"]
        context["invalide"] = "is-invalid" in str(widget["attrs"].get("class", ""))
        context["recherche"] = None
        if auto is not None and premiers is None:
            context["recherche"] = self._contexte_recherche(name, value, widget["attrs"], auto, True, lus)
            return context
        # No suggestion view for this entity: every record, as CheckboxSelectMultiple would.
        objets = premiers if premiers is not None else list(self.choices.queryset)
        choisis = set(_ids(widget["value"]))
        context["options"] = [(objet, objet.pk in choisis) for objet in objets]
        context["id"] = widget["attrs"].get("id") or f"id_{name}"
        context["desactive"] = bool(widget["attrs"].get("disabled"))
        return context

    def value_from_datadict(self, data, files, name):
        valeurs = list(super().value_from_datadict(data, files, name) or [])
        if terme := self._terme(data, name):
            valeurs.append(Recherche(terme))
        return valeurs

    def _render(self, template_name, context, renderer=None):
        return _rendre("includes/cases_recherche.html", context)


def _rendre(template_name, context):
    # The project's templates (the default form renderer only knows Django's and the apps' own).
    return mark_safe(render_to_string(template_name, context))  # noqa: S308 - an autoescaped template


def suggestions(request, queryset):
    """The suggestion view's answer: the options (or boxes) of the records of `queryset` that match the
    term typed in the field `champ`, after those already chosen. `queryset` is the list's own scope."""
    auto = autocompletion_de(queryset.model)
    champ = request.GET.get("champ", "")
    if not _NOM_DE_CHAMP.match(champ):
        champ = "choix"
    terme = str(request.GET.get(f"{champ}_recherche", "")).strip()[:100]
    choisis = _ids(request.GET.getlist(champ))
    contexte = {
        "options": _options(queryset, choisis, terme, auto.champs),
        "terme": terme,
        "nom": champ,
        "id": f"id_{champ}",
        "multiple": request.GET.get("multiple") == "1",
        "desactive": False,
    }
    return render(request, "includes/suggestions.html", contexte)
