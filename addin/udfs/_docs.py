"""Help text shared by several functions (Function Wizard / Office.js descriptions)."""

from calculators.defaults import AGE, BASIS, DISCOUNT_RATE, YEARS
from calculators.offer.model import BASES, FIELDS
from calculators.places import PLACES


def _or(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " or " + names[-1]


OFFER_DOC = (
    "Offer range: field names in the first column, the offer's values in the next (as on the Offers sheet)"
)
OFFERS_DOC = "Offers range: field names in the first column, one column per offer"
NAME_DOC = "Which offer column to use when the range holds several (blank: the only one)"
# the defaults and ranges come from their one definition (calculators/defaults.py)
YEARS_DOC = YEARS.doc("Horizon in years")
BASIS_DOC = BASIS.doc(
    _or(list(BASES)) + "; net_... after tax; disposable_... after tax, "
    "living costs and the move (needs basket)"
)
DISCOUNT_DOC = DISCOUNT_RATE.doc("Yearly discount rate for npv (0.05 = 5 %)")
AGE_DOC = AGE.doc(
    "Your age in whole years, or your personal facts: two columns of name and value (age, "
    "church_tax, credit_points, health_insurer …), e.g. the Params sheet's"
)


def field_doc(text: str, field: str) -> str:
    """Help for an argument that takes an offer field's value: its range and default, both
    from the field's definition (``calculators.offer.model.FIELDS``)."""
    spec = FIELDS[field]
    low, high = spec.bounds
    span = (
        f", {low:g} to {high:g}" if spec.kind == "fraction" and low is not None and high is not None else ""
    )
    default = spec.default if isinstance(spec.default, str) else f"{spec.default:g}"
    return f"{text}{span} (blank: {default})"


RATES_DOC = "FX table: currency, units per base (blank: the shipped rates)"
BASKET_DOC = (
    "Relocation inputs: input / value rows (home_city, housing_size, monthly spending by "
    "category, move costs), as on the Relocation sheet"
)


# the places and their cities come from the registry (calculators/places.yaml), in its order
JUR_DOC = "Where the work is taxed: " + ", ".join(PLACES) + " or a city"
CITY_DOC = "City: " + _or([p.city_name for p in PLACES.values()])
