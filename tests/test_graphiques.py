"""The server-side SVG charts (roubaix_cs/graphiques.py): well-formed, accessible, French numbers,
escaped labels, and sound on empty, zero, negative and missing data."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from roubaix_cs.formats import NBSP, NNBSP
from roubaix_cs.graphiques import COULEUR_NEGATIF, Serie, barres, courbes, graduations

SVG = "{http://www.w3.org/2000/svg}"


def _arbre(svg):
    """The chart parsed as XML: it must be well-formed to be inlined in a page or a PDF."""
    return ET.fromstring(str(svg))  # noqa: S314 - our own markup


def _textes(arbre):
    return [t.text for t in arbre.iter(f"{SVG}text")]


def _rects(arbre):
    return [r for r in arbre.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]


@pytest.mark.parametrize(
    ("mini", "maxi", "attendu"),
    [
        (0, 100, ["0", "20", "40", "60", "80", "100"]),
        (0, 123456, ["0", "50000", "100000", "150000"]),
        (-20000, 123456, ["-50000", "0", "50000", "100000", "150000"]),
        (900, 940, ["900", "910", "920", "930", "940"]),
        (Decimal("0.3"), Decimal("0.7"), ["0.3", "0.4", "0.5", "0.6", "0.7"]),
        (0, 0, ["0", "0.2", "0.4", "0.6", "0.8", "1"]),  # nothing to span: one unit
        (500, 500, ["0", "100", "200", "300", "400", "500"]),  # a single value: from zero
        (-7, -7, ["-8", "-6", "-4", "-2", "0"]),
    ],
)
def test_ticks_are_round_and_cover_the_values(mini, maxi, attendu):
    ticks = graduations(mini, maxi)
    assert [f"{t:f}" for t in ticks] == attendu
    assert ticks[0] <= min(mini, maxi) and ticks[-1] >= max(mini, maxi)


def test_a_bar_chart_is_an_accessible_image_with_its_data_in_french():
    svg = barres([("CS Alma", Decimal("123456.78")), ("CS Pile", 4000)], titre="Subventions votées", unite="€")
    arbre = _arbre(svg)
    titre, desc = arbre.find(f"{SVG}title"), arbre.find(f"{SVG}desc")
    assert arbre.get("role") == "img"
    assert arbre.get("aria-labelledby") == f"{titre.get('id')} {desc.get('id')}"
    assert titre.text == "Subventions votées"
    assert desc.text == f"CS Alma : 123{NNBSP}456,78{NBSP}€ ; CS Pile : 4{NNBSP}000{NBSP}€."
    assert f"123{NNBSP}456,78{NBSP}€" in _textes(arbre)
    assert f"150{NNBSP}000{NBSP}€" in _textes(arbre)  # the last tick
    largeurs = [float(r.get("width")) for r in _rects(arbre)]
    assert largeurs[0] > largeurs[1] > 0
    assert "style=" not in str(svg)  # the pages' content policy refuses inline styles


def test_labels_are_escaped_and_long_ones_cut_with_their_full_text_kept():
    long = "Centre social du Nouveau Roubaix et de ses quartiers voisins"
    svg = barres([('<script>alert("x")</script>', 1), (long, 2)], titre="Titre <b>&", description="Voir & lire")
    assert "<script>" not in str(svg)
    arbre = _arbre(svg)
    assert '<script>alert("x")</script>' in _textes(arbre)  # shown as text, not markup
    assert arbre.find(f"{SVG}title").text == "Titre <b>&"
    assert any(t.endswith("…") and len(t) <= 30 for t in _textes(arbre))
    assert [r.find(f"{SVG}title").text for r in _rects(arbre)][1] == f"{long} : 2"


def test_negative_values_go_left_of_zero_in_red_and_missing_ones_draw_no_bar():
    arbre = _arbre(barres([("Excédent", 50000), ("Déficit", -20000), ("Inconnu", None)], titre="Résultats"))
    excedent, deficit = _rects(arbre)
    zero = float(deficit.get("x")) + float(deficit.get("width"))
    assert float(excedent.get("x")) == pytest.approx(zero)
    assert deficit.get("fill") == COULEUR_NEGATIF
    assert "non renseigné" in _textes(arbre)
    assert "Inconnu : non renseigné" in arbre.find(f"{SVG}desc").text


@pytest.mark.parametrize(
    "donnees",
    [[], [("A", None), ("B", None)], [("A", float("nan")), ("B", Decimal("Infinity"))], [("A", "n/a")]],
)
def test_no_value_to_draw_says_so(donnees):
    arbre = _arbre(barres(donnees, titre="Vide"))
    assert "Aucune donnée à représenter" in _textes(arbre)
    assert not _rects(arbre)


def test_only_zeros_draw_empty_bars_on_a_one_unit_axis():
    arbre = _arbre(barres([("A", 0), ("B", Decimal("0.00"))], titre="Zéros"))
    assert [float(r.get("width")) for r in _rects(arbre)] == [0, 0]
    assert "1" in _textes(arbre)


def test_each_chart_has_its_own_ids_and_the_same_data_the_same_markup():
    premier = barres([("A", 1)], titre="Un")
    assert premier == barres([("A", 1)], titre="Un")
    assert _arbre(premier).find(f"{SVG}title").get("id") != _arbre(barres([("A", 2)], titre="Un")).find(
        f"{SVG}title"
    ).get("id")
    assert 'id="choisi-titre"' in str(barres([("A", 1)], titre="Un", ident="choisi"))


def test_a_line_chart_breaks_at_a_missing_year_and_tells_its_series_apart():
    svg = courbes(
        [2023, 2024, 2025],
        [Serie("Usagers", [900, None, 940]), Serie("Familles <adhérentes>", [270, 280, 282])],
        titre="Évolution des publics",
    )
    arbre = _arbre(svg)
    usagers, familles = list(arbre.iter(f"{SVG}path"))
    assert usagers.get("d").count("M") == 2 and "L" not in usagers.get("d")  # two lone points
    assert familles.get("d").count("L") == 2
    assert usagers.get("stroke") != familles.get("stroke")
    assert familles.get("stroke-dasharray")  # told apart without colour too
    assert {"2023", "2024", "2025", "Familles <adhérentes>"} <= set(_textes(arbre))
    points = [c.find(f"{SVG}title").text for c in arbre.iter(f"{SVG}circle")]
    assert "Usagers, 2025 : 940" in points and len(points) == 5
    desc = arbre.find(f"{SVG}desc").text
    assert "Usagers : 2023 900, 2024 non renseigné, 2025 940" in desc


def test_a_line_chart_of_one_year_or_of_nothing():
    seul = _arbre(courbes(["2025"], [Serie("Charges", [Decimal("-1500.5")])], titre="Une année", unite="€"))
    assert len(list(seul.iter(f"{SVG}circle"))) == 1
    assert f"-1{NNBSP}500,5{NBSP}€" in seul.find(f"{SVG}desc").text
    assert "Aucune donnée à représenter" in _textes(_arbre(courbes([], [], titre="Rien")))
    assert "Aucune donnée à représenter" in _textes(_arbre(courbes(["2025"], [Serie("A", [None])], titre="Rien")))


def test_a_line_chart_from_zero_when_asked_or_when_values_straddle_it():
    assert "0" not in _textes(_arbre(courbes(["a", "b"], [Serie("S", [900, 940])], titre="T")))
    assert "0" in _textes(_arbre(courbes(["a", "b"], [Serie("S", [900, 940])], titre="T", depuis_zero=True)))
    assert "0" in _textes(_arbre(courbes(["a", "b"], [Serie("S", [-10, 40])], titre="T")))


def test_a_narrow_chart_has_fewer_ticks_so_that_their_labels_do_not_touch():
    donnees = [("Ville", 88000), ("CAF", 440820), ("Autres", 325839)]

    def ticks(largeur):
        """The labels of the axis (smaller than the others), and where they are."""
        arbre = _arbre(barres(donnees, titre="Produits", unite="€", largeur=largeur))
        return [(float(t.get("x")), t.text) for t in arbre.iter(f"{SVG}text") if t.get("font-size") == "10"]

    large, etroit = ticks(640), ticks(330)
    assert len(large) > len(etroit) >= 2
    ecarts = [b[0] - a[0] for a, b in zip(etroit, etroit[1:], strict=False)]
    assert min(ecarts) > max(len(texte) for _, texte in etroit) * 10 * 0.6  # label widths at 10 px
