"""CSV and XLSX export of any list, one place (every list has both)."""

import csv
import datetime
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

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


def exporter(fmt, *, nom, colonnes, objets):
    """`colonnes` is a list of (title, function(obj) -> value)."""
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
        for obj in objets:
            writer.writerow([_texte(get(obj)) for _, get in colonnes])
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(nom[:31])
    entetes = []
    for titre in titres:
        cell = WriteOnlyCell(sheet, value=titre)
        cell.font = Font(bold=True)
        entetes.append(cell)
    sheet.append(entetes)
    for obj in objets:
        sheet.append([_cellule(get(obj)) for _, get in colonnes])
    workbook.save(response)
    return response
