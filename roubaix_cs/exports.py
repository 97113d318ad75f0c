"""CSV and XLSX export of any list, one place (every list has both)."""

import csv
import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# Rows read from the database per fetch: the export never holds the whole list as model instances.
PAQUET = 2000
# A stand-in id, reversed once to build every row's URL (see `lien_absolu`).
_REPERE = 987654321

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _cellule(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, (datetime.date, int, float, Decimal)):
        return value
    return str(value)


def _texte(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return "" if value is None else str(value)


def lien_absolu(request, vue):
    """function(pk) -> the absolute URL of the view `vue` for that object: `reverse()` and the host are
    computed once for the whole export, not once per row."""
    modele = request.build_absolute_uri(reverse(vue, args=[_REPERE]))
    avant, _, apres = modele.rpartition(str(_REPERE))
    return lambda pk: f"{avant}{pk}{apres}"


def _lignes(objets):
    """The objects one fetch of PAQUET rows at a time (prefetches included, Django >= 4.1)."""
    return objets.iterator(chunk_size=PAQUET) if isinstance(objets, QuerySet) else objets


def exporter(fmt, *, nom, colonnes, objets):
    """`colonnes` is a list of (title, function(obj) -> value); `objets` a queryset, read in chunks, or
    any iterable. XLSX in write-only mode: dates and numbers stay typed cells."""
    if fmt not in FORMATS:
        raise Http404("Format d'export inconnu.")
    filename = f"{nom}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response = HttpResponse(content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    titres = [titre for titre, _ in colonnes]
    if fmt == "csv":
        # BOM and semicolons: what French spreadsheet software opens without an import wizard.
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(titres)
        getters = [get for _, get in colonnes]
        writer.writerows([_texte(get(obj)) for get in getters] for obj in _lignes(objets))
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(nom[:31])
    entetes = []
    for titre in titres:
        cell = WriteOnlyCell(sheet, value=titre)
        cell.font = Font(bold=True)
        entetes.append(cell)
    sheet.append(entetes)
    getters = [get for _, get in colonnes]
    for obj in _lignes(objets):
        sheet.append([_cellule(get(obj)) for get in getters])
    workbook.save(response)
    return response
