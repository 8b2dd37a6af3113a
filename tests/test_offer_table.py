"""An unknown field name in an offers range: named when it reads as a field name, never when
it is any other text (a value typed in the field column is not repeated)."""

import pytest

from calculators.errors import InvalidInputError
from calculators.offer.table import offers_from_table


def _table(field: object) -> list[list[object]]:
    return [["field", "A"], ["company", "A"], ["currency", "JPY"], [field, "JP-TOKYO"], ["base_salary", 1e7]]


def test_a_misspelt_field_is_named():
    with pytest.raises(
        InvalidInputError, match=r"^offers range: field name 4 \(location\) is not a known field"
    ):
        offers_from_table(_table("location"))


@pytest.mark.parametrize("text", ["12,000,000", "my secret note", "x" * 41, "=HYPERLINK(1)"])
def test_other_text_in_the_field_column_is_not_repeated(text):
    with pytest.raises(InvalidInputError) as caught:
        offers_from_table(_table(text))
    assert str(caught.value) == (
        "offers range: field name 4 is not a known field (see the field list on the Offers sheet)"
    )
