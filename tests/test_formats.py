"""Numbers as people write them in French."""

from decimal import Decimal

import pytest

from roubaix_cs.formats import NBSP, NNBSP, nombre, pourcentage


@pytest.mark.parametrize(
    ("valeur", "texte"),
    [
        (Decimal("180.00"), "180"),
        (Decimal("12.50"), "12,5"),
        (Decimal("1250"), f"1{NNBSP}250"),
        (Decimal("-3.25"), "-3,25"),
        (Decimal("0.00"), "0"),
        (None, "—"),
    ],
)
def test_a_head_count_shows_no_needless_decimals(valeur, texte):
    assert nombre(valeur) == texte


@pytest.mark.parametrize(
    ("valeur", "texte"),
    [
        (Decimal("62.5"), f"62,5{NBSP}%"),
        (Decimal("100"), f"100,0{NBSP}%"),
        (Decimal("0.0"), f"0,0{NBSP}%"),
        (None, "—"),
    ],
)
def test_a_share_shows_one_decimal_and_its_percent_sign(valeur, texte):
    assert pourcentage(valeur) == texte
