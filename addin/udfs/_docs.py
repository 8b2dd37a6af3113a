"""Help text shared by several functions (Function Wizard / Office.js descriptions)."""

OFFER_DOC = (
    "Offer range: field names in the first column, the offer's values in the next "
    "(as on the Offers sheet)"
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
JUR_DOC = (
    "Where the work is taxed: JP-TOKYO, US-CA, US-WA, US-NY-NYC, GB-ENG, IL, DE, CA-ON or a city"
)
CITY_DOC = (
    "City: Tokyo, San Francisco Bay Area, Seattle, New York, London, Tel Aviv, Berlin or Toronto"
)
