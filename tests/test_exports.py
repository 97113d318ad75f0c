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


TEXTES = [
    ("Texte", lambda r: r[0]),
    ("Montant", lambda r: r[1]),
    ("Surface (m²)", lambda r: r[2]),
    ("Le", lambda r: r[3]),
]


def _lignes_lues(colonnes, objets, nom="essai"):
    reponse = exporter("xlsx", nom=nom, colonnes=colonnes, objets=objets)
    return load_workbook(io.BytesIO(reponse.content)).active


def test_the_xlsx_texts_read_as_written_and_never_as_formulas():
    textes = ["Crèche « Les Mômes » & <goûter>", "=1+1", "+33 3 20", "@SOMME(A1)", "_x0041_", " marge ", "l1\nl2"]
    feuille = _lignes_lues(TEXTES, [(texte, None, None, None) for texte in textes])
    cellules = [ligne[0] for ligne in feuille.iter_rows(min_row=2)]
    assert [c.value for c in cellules] == textes
    assert {c.data_type for c in cellules} == {"s"}  # "=1+1" is not a formula


def test_the_xlsx_leaves_out_what_xml_forbids():
    feuille = _lignes_lues(TEXTES, [("Bip\x07 fin\x00\x1b de\ud800 ligne\ufffe", None, None, None)])
    assert feuille["A2"].value == "Bip fin de ligne"


def test_the_xlsx_amounts_are_numbers_shown_with_two_decimals():
    lignes = [("CS Alma", Decimal("18000.50"), Decimal("120.5"), datetime.date(2026, 2, 10))]
    feuille = _lignes_lues(TEXTES, lignes)
    texte, montant, surface, jour = feuille[2]
    assert (texte.value, texte.data_type) == ("CS Alma", "s")
    assert (montant.value, montant.data_type) == (18000.5, "n")
    assert montant.number_format == '#,##0.00\\ "€"'  # 18 000,50 € in French Excel
    # One decimal place: not an amount, a plain number.
    assert (surface.value, surface.number_format) == (120.5, "General")
    assert jour.is_date and jour.value == datetime.datetime(2026, 2, 10)


def test_an_empty_xlsx_export_has_its_header_frozen_in_bold():
    feuille = _lignes_lues(TEXTES, [])
    assert [c.value for c in feuille[1]] == ["Texte", "Montant", "Surface (m²)", "Le"]
    assert all(c.font.b for c in feuille[1])
    assert feuille.max_row == 1
    assert feuille.freeze_panes == "A2"
    assert feuille.column_dimensions["C"].width >= len("Surface (m²)")


def test_the_xlsx_sheet_name_is_one_excel_accepts():
    assert _lignes_lues(TEXTES, [], nom="suivi: [2026]/budget*? des centres sociaux").title == (
        "suivi- -2026--budget-- des cent"  # 31 characters, none of []:*?/\\
    )
