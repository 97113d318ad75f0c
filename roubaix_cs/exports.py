"""CSV and XLSX export of any list, one place (every list has both)."""

import csv
import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone

from . import liens, xlsx

# Rows read from the database per fetch: the export never holds the whole list as model instances.
PAQUET = 2000

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _texte(value, fuseau):
    """A CSV cell: dates and decimals written the French way."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime.datetime):
        return value.astimezone(fuseau).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return str(value)


def lien_absolu(request, vue):
    """function(pk) -> the absolute URL of the view `vue` for that object: `reverse()` and the host are
    computed once for the whole export, not once per row."""
    return liens.gabarit(request.build_absolute_uri(liens.chemin_du_repere(vue)))


def libelles(objets):
    """{pk: str(obj)}, in one query: an export reading its rows with `values_list` names the few
    related objects (users, budget lines) once, as their `__str__` does, not once per row."""
    return {obj.pk: str(obj) for obj in objets}


def _lignes(objets):
    """The objects one fetch of PAQUET rows at a time (prefetches included, Django >= 4.1)."""
    return objets.iterator(chunk_size=PAQUET) if isinstance(objets, QuerySet) else objets


def exporter(fmt, *, nom, colonnes, objets):
    """`colonnes` is a list of (title, function(obj) -> value); `objets` a queryset, read in chunks, or
    any iterable. In the XLSX file dates and numbers stay typed cells (`xlsx.ecrire`)."""
    if fmt not in FORMATS:
        raise Http404("Format d'export inconnu.")
    filename = f"{nom}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response = HttpResponse(content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    titres = [titre for titre, _ in colonnes]
    getters = [get for _, get in colonnes]
    if fmt == "csv":
        # BOM and semicolons: what French spreadsheet software opens without an import wizard.
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(titres)
        fuseau = timezone.get_current_timezone()
        writer.writerows([_texte(get(obj), fuseau) for get in getters] for obj in _lignes(objets))
        return response
    lignes = ([get(obj) for get in getters] for obj in _lignes(objets))
    xlsx.ecrire(response, [xlsx.Feuille(nom, titres, lignes)])
    return response
