import pytest
from django.core.exceptions import ValidationError

from roubaix_cs.validators import completer_siret, valider_rna, valider_siret


@pytest.mark.parametrize("siret", ["73282932000074", "44306184100047", completer_siret("1234567890123")])
def test_a_valid_siret_passes(siret):
    valider_siret(siret)


@pytest.mark.parametrize(
    ("siret", "code"),
    [
        ("7328293200007", "siret_format"),  # 13 digits
        ("732829320000740", "siret_format"),  # 15 digits
        ("7328293200007A", "siret_format"),
        ("732 829 320 00074", "siret_format"),
        ("73282932000075", "siret_luhn"),  # last digit off by one
    ],
)
def test_an_invalid_siret_is_refused_with_its_reason(siret, code):
    with pytest.raises(ValidationError) as error:
        valider_siret(siret)
    assert error.value.code == code


@pytest.mark.parametrize("rna", ["W595012345", "W000000001"])
def test_a_valid_rna_passes(rna):
    valider_rna(rna)


@pytest.mark.parametrize("rna", ["595012345", "W59501234", "W5950123456", "w595012345", "X595012345"])
def test_an_invalid_rna_is_refused(rna):
    with pytest.raises(ValidationError):
        valider_rna(rna)
