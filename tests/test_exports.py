import datetime
import io
from decimal import Decimal

import pytest
from django.http import Http404
from openpyxl import load_workbook

from roubaix_cs.exports import exporter

COLONNES = [
    ("Centre", lambda r: r["centre"]),
    ("Reçue le", lambda r: r["recue"]),
    ("Déposé le", lambda r: r["depose"]),
    ("Montant", lambda r: r["montant"]),
    ("Exercice", lambda r: r["annee"]),
]
LIGNES = [
    {
        "centre": "CS Alma",
        "recue": datetime.date(2025, 11, 15),
        "depose": datetime.datetime(2025, 11, 15, 23, 30, tzinfo=datetime.UTC),
        "montant": Decimal("18000.50"),
        "annee": 2026,
    },
    # Another type in a column already typed, and empty values: each cell keeps its own type.
    {"centre": 42, "recue": None, "depose": None, "montant": "", "annee": "à définir"},
]


def _feuille():
    reponse = exporter("xlsx", nom="essai", colonnes=COLONNES, objets=LIGNES)
    return load_workbook(io.BytesIO(reponse.content)).active


def test_the_xlsx_cells_keep_their_types():
    feuille = _feuille()
    assert [c.value for c in feuille[1]] == [titre for titre, _ in COLONNES]
    assert all(c.font.b for c in feuille[1])
    centre, recue, depose, montant, annee = feuille[2]
    assert not centre.font.b
    assert (centre.data_type, centre.value) == ("s", "CS Alma")
    assert recue.is_date and recue.value == datetime.datetime(2025, 11, 15)
    assert recue.number_format == "dd/mm/yyyy"
    # Written in local time (settings.TIME_ZONE): 23:30 UTC is 00:30 the next day in Roubaix.
    assert depose.is_date and depose.value == datetime.datetime(2025, 11, 16, 0, 30)
    assert depose.number_format == "dd/mm/yyyy hh:mm"
    assert (montant.data_type, montant.value) == ("n", 18000.5)
    assert (annee.data_type, annee.value) == ("n", 2026)
    assert [c.value for c in feuille[3]] == [42, None, None, None, "à définir"]


def test_an_unknown_format_is_not_found():
    with pytest.raises(Http404):
        exporter("ods", nom="essai", colonnes=COLONNES, objets=LIGNES)
