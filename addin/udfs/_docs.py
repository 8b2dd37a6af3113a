"""Help text shared by several functions (Function Wizard / Office.js descriptions)."""

from calculators.places import PLACES

OFFER_DOC = (
    "Offer range: field names in the first column, the offer's values in the next (as on the Offers sheet)"
)
OFFERS_DOC = "Offers range: field names in the first column, one column per offer"
NAME_DOC = "Which offer column to use when the range holds several (blank: the only one)"
YEARS_DOC = "Horizon in years, 1 to 50 (blank: 4)"
BASIS_DOC = (
    "first_year, annualized, total or npv; net_... after tax; disposable_... after tax, "
    "living costs and the move (needs basket) (blank: annualized)"
)
RATES_DOC = "FX table: currency, units per base (blank: the shipped rates)"
BASKET_DOC = (
    "Relocation inputs: input / value rows (home_city, housing_size, monthly spending by "
    "category, move costs), as on the Relocation sheet"
)


def _or(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " or " + names[-1]


# the places and their cities come from the registry (calculators/places.yaml), in its order
JUR_DOC = "Where the work is taxed: " + ", ".join(PLACES) + " or a city"
CITY_DOC = "City: " + _or([p.city_name for p in PLACES.values()])
