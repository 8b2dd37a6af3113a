"""Cost of living as a spending basket, and what each move is really worth.

A basket is the user's monthly spending in their home city, in the home
currency, by category.  Each category is carried to a destination city by a
dated, sourced price relative (``calculators/data/cost_of_living.yaml``):

* rent: the ratio of the two cities' official rent statistics for the chosen
  housing size (local currency each, so the ratio also converts currency);
* everything else: the ratio of the two countries' purchasing power parities
  for household consumption (local currency per international dollar; by
  category where ICP / OECD publish one), times the ratio of each city's
  regional price level to its own country's average.

No FX rate enters a price relative: a PPP ratio is already "destination
currency per home currency for the same goods".  FX enters only when a
destination amount is brought back to the home currency for comparison.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from calculators.errors import InvalidInputError, MissingParameterError
from calculators.params import DATA_DIR, Parameter, load_parameters
from calculators.places import PLACES

__all__ = [
    "CITIES",
    "CATEGORIES",
    "HOUSING_SIZES",
    "City",
    "Basket",
    "canonical_city",
    "price_relative",
    "rent",
    "rent_relative",
    "regional_level",
    "carry_basket",
    "col_adjust",
    "data_notes",
]

_DATA = DATA_DIR / "cost_of_living.yaml"


@dataclass(frozen=True)
class City:
    key: str
    name: str
    country: str
    currency: str
    jurisdiction: str
    aliases: tuple[str, ...] = ()


# one city per place of the registry (calculators/places.yaml): its name, the city's own
# aliases and the jurisdiction code stand for it
CITIES: dict[str, City] = {
    p.city_key: City(
        p.city_key, p.city_name, p.country, p.currency, p.code, (*p.city_aliases, *p.city_only, p.code)
    )
    for p in PLACES.values()
}

CATEGORIES = ("rent", "food", "transport", "utilities", "health", "schooling", "other")
HOUSING_SIZES = ("studio_1br", "two_bedroom")
# which PPP category carries each spending category (None: household consumption overall)
_PPP_CATEGORY = {
    "food": "food",
    "transport": "transport",
    "utilities": "utilities",
    "health": "health",
    "schooling": None,
    "other": None,
}


def _norm(name: str) -> str:
    return "".join(ch for ch in name.upper() if ch.isalnum())


_LOOKUP = {_norm(a): c.key for c in CITIES.values() for a in (c.key, c.name, *c.aliases)}


def canonical_city(name: object) -> City:
    """The city for a key, name or alias (case- and punctuation-blind).

    Parameters
    ----------
    name : str
        A city key, name, alias or jurisdiction code.

    Returns
    -------
    City
        The city.

    Raises
    ------
    InvalidInputError
        A blank name or one no city has.

    References
    ----------
    None

    Examples
    --------
    >>> canonical_city("san francisco bay area").key
    'SF_BAY_AREA'
    """
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError("city must be a name such as Tokyo or Seattle")
    key = _LOOKUP.get(_norm(name))
    if key is None:
        known = ", ".join(c.name for c in CITIES.values())
        raise InvalidInputError(f"unknown city; known cities: {known}")
    return CITIES[key]


def _params() -> dict[str, Parameter]:
    return load_parameters(_DATA)


def _family(prefix: str) -> list[Parameter]:
    return [p for name, p in sorted(_params().items()) if name.startswith(prefix)]


def _latest(param: Parameter) -> tuple[Any, Any]:
    day = max(param.values)
    return day, param.values[day]


def _ppp(country: str, category: str | None) -> tuple[float, str]:
    """PPP for household consumption (or a category), and where it came from."""
    params = _params()
    if category is not None and "ppp_by_category" in params:
        day, table = _latest(params["ppp_by_category"])
        value = (table.get(category) or {}).get(country)
        if value is not None:
            return float(value), f"ppp_by_category {category} {day}"
    day, table = _latest(params["ppp_household_consumption"])
    if country not in table:
        raise MissingParameterError(f"no purchasing power parity for {country}")
    return float(table[country]), f"ppp_household_consumption {day}"


def regional_level(city: City) -> tuple[float, str]:
    """The city's price level relative to its country (100 = average), with its source.

    Parameters
    ----------
    city : City
        The city.

    Returns
    -------
    tuple of (float, str)
        The level and the parameter and date it comes from; the country average (100)
        where no official regional level exists.

    References
    ----------
    The ``regional_price_level_*`` parameters of ``data/cost_of_living.yaml`` (BEA regional
    price parities, 総務省統計局 消費者物価地域差指数, ONS relative regional price levels).

    Examples
    --------
    >>> level, source = regional_level(canonical_city("Seattle"))
    >>> level > 100, source.split()[0]
    (True, 'regional_price_level_us_bea')
    """
    for param in _family("regional_price_level"):
        day, table = _latest(param)
        if city.key in table:
            return float(table[city.key]), f"{param.name} {day}"
    return 100.0, "no official regional price level: country average used"


def rent(city: City, size: str) -> tuple[float, str]:
    """Official monthly rent for a city and housing size (local currency), and its source.

    A per-size statistic is used where one exists; otherwise a per-m² statistic times
    the floor area assumed for the size (``floor_area_m2``, an assumption).

    Parameters
    ----------
    city : City
        The city.
    size : str
        ``studio_1br`` or ``two_bedroom``.

    Returns
    -------
    tuple of (float, str)
        Monthly rent in the city's currency, and the parameters and dates it comes from.

    Raises
    ------
    InvalidInputError
        An unknown housing size.
    MissingParameterError
        No official rent statistic for the city.

    References
    ----------
    The ``rent_monthly_*`` and ``rent_per_m2`` parameters of ``data/cost_of_living.yaml``
    (HUD Fair Market Rents, ONS / VOA private rental statistics, and the others named there).

    Examples
    --------
    >>> amount, source = rent(canonical_city("Seattle"), "studio_1br")
    >>> source.split()[0]
    'rent_monthly_us_hud_fmr'
    """
    if size not in HOUSING_SIZES:
        raise InvalidInputError("housing_size must be " + " or ".join(HOUSING_SIZES))
    for param in _family("rent_monthly"):
        day, table = _latest(param)
        entry = table.get(city.key)
        if entry and entry.get(size) is not None:
            if entry.get("currency") != city.currency:
                raise MissingParameterError(f"rent for {city.name} is not in {city.currency}")
            return float(entry[size]), f"{param.name} {day}"
    params = _params()
    if "rent_per_m2" in params and "floor_area_m2" in params:
        day, table = _latest(params["rent_per_m2"])
        entry = table.get(city.key)
        if entry and entry.get("per_m2") is not None and entry.get("currency") == city.currency:
            area = float(_latest(params["floor_area_m2"])[1][size])
            return float(entry["per_m2"]) * area, f"rent_per_m2 {day} x floor_area_m2 {area:g}"
    raise MissingParameterError(f"no official rent statistic for {city.name} ({size})")


def rent_relative(home: City, dest: City, size: str) -> tuple[float, str]:
    """Destination rent per unit of home rent, and how it was found.

    Where either city has no official rent statistic, rent is carried like the rest
    of the basket (PPP and regional level), and the note says so.

    Parameters
    ----------
    home, dest : City
        The home and destination cities.
    size : str
        ``studio_1br`` or ``two_bedroom``.

    Returns
    -------
    tuple of (float, str)
        Destination-currency rent per home-currency unit of rent, and its sources.

    References
    ----------
    The rent statistics of :func:`rent`.

    Examples
    --------
    >>> tokyo, seattle = canonical_city("Tokyo"), canonical_city("Seattle")
    >>> ratio, note = rent_relative(tokyo, seattle, "studio_1br")
    >>> ratio == rent(seattle, "studio_1br")[0] / rent(tokyo, "studio_1br")[0]
    True
    """
    try:
        dest_rent, dest_src = rent(dest, size)
        home_rent, home_src = rent(home, size)
    except MissingParameterError as exc:
        return _general_relative(home, dest), f"{exc}: rent carried by the general price level"
    return dest_rent / home_rent, f"{dest_src} / {home_src}"


def _general_relative(home: City, dest: City, category: str | None = None) -> float:
    ppp_ratio = _ppp(dest.country, category)[0] / _ppp(home.country, category)[0]
    return ppp_ratio * regional_level(dest)[0] / regional_level(home)[0]


def price_relative(
    category: str,
    home: City,
    dest: City,
    size: str = "studio_1br",
    overrides: Mapping[str, float] | None = None,
) -> float:
    """Destination-currency amount per home-currency unit of spending in one category.

    ``overrides`` may give ``rent_relative`` or ``price_relative`` (for the other
    categories) directly, for a user who knows better than the shipped statistics.

    Parameters
    ----------
    category : str
        A basket category (:data:`CATEGORIES`).
    home, dest : City
        The home and destination cities.
    size : str, optional
        ``studio_1br`` or ``two_bedroom`` (for rent).
    overrides : mapping of str to float, optional
        ``rent_relative`` and / or ``price_relative`` given by the user.

    Returns
    -------
    float
        The price relative (1 for the same city).

    Raises
    ------
    InvalidInputError
        An unknown category or an override that is not positive.

    References
    ----------
    World Bank PPP conversion factors and ICP 2021 (``ppp_household_consumption``,
    ``ppp_by_category`` in ``data/cost_of_living.yaml``), the regional levels of
    :func:`regional_level` and the rents of :func:`rent`.

    Examples
    --------
    >>> price_relative("food", canonical_city("Tokyo"), canonical_city("Tokyo"))
    1.0
    >>> price_relative("food", canonical_city("Tokyo"), canonical_city("Seattle"),
    ...                overrides={"price_relative": 0.01})
    0.01
    """
    if category not in CATEGORIES:
        raise InvalidInputError("basket category must be one of " + ", ".join(CATEGORIES))
    if home.key == dest.key:
        return 1.0
    key = "rent_relative" if category == "rent" else "price_relative"
    if overrides and overrides.get(key) is not None:
        value = float(overrides[key])
        if not value > 0:
            raise InvalidInputError(f"{key} must be a positive number")
        return value
    if category == "rent":
        return rent_relative(home, dest, size)[0]
    return _general_relative(home, dest, _PPP_CATEGORY[category])


@dataclass(frozen=True)
class Basket:
    """Monthly spending by category in ``city``'s currency, and the housing size."""

    city: City
    spending: Mapping[str, float]
    housing_size: str = "studio_1br"
    extra: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, amount in self.spending.items():
            if name not in CATEGORIES:
                raise InvalidInputError("basket category must be one of " + ", ".join(CATEGORIES))
            if not isinstance(amount, (int, float)) or amount != amount or amount < 0:
                raise InvalidInputError(f"basket {name} must be a number, 0 or more")
        if self.housing_size not in HOUSING_SIZES:
            raise InvalidInputError("housing_size must be " + " or ".join(HOUSING_SIZES))

    @property
    def monthly(self) -> float:
        return float(sum(self.spending.values()))


def carry_basket(basket: Basket, dest: City, overrides: Mapping[str, float] | None = None) -> Basket:
    """The same basket bought in ``dest``, in ``dest``'s currency.

    Parameters
    ----------
    basket : Basket
        Monthly spending at home.
    dest : City
        The destination city.
    overrides : mapping of str to float, optional
        ``rent_relative`` and / or ``price_relative`` given by the user.

    Returns
    -------
    Basket
        The carried basket, category by category.

    References
    ----------
    The price relatives of :func:`price_relative`.

    Examples
    --------
    >>> tokyo, seattle = canonical_city("Tokyo"), canonical_city("Seattle")
    >>> b = carry_basket(Basket(tokyo, {"food": 50_000}), seattle, {"price_relative": 0.01})
    >>> b.city.key, b.spending["food"]
    ('SEATTLE', 500.0)
    """
    carried = {
        name: amount * price_relative(name, basket.city, dest, basket.housing_size, overrides)
        for name, amount in basket.spending.items()
    }
    return Basket(dest, carried, basket.housing_size, basket.extra)


def col_adjust(
    amount: float,
    home: City,
    dest: City,
    basket: Basket | None = None,
    overrides: Mapping[str, float] | None = None,
) -> float:
    """Purchasing-power equivalent in ``dest`` (its currency) of ``amount`` spent at ``home``.

    With a basket the relative is the basket's spending-weighted mix of category
    relatives; without, the household-consumption relative (PPP and regional level).

    Parameters
    ----------
    amount : float
        The amount at home, home currency.
    home, dest : City
        The home and destination cities.
    basket : Basket, optional
        The user's spending at home, which weights the categories.
    overrides : mapping of str to float, optional
        ``rent_relative`` and / or ``price_relative`` given by the user.

    Returns
    -------
    float
        The equivalent amount in the destination's currency.

    Raises
    ------
    InvalidInputError
        A basket that is not spending in ``home``.

    References
    ----------
    The price relatives of :func:`price_relative`.

    Examples
    --------
    >>> tokyo = canonical_city("Tokyo")
    >>> col_adjust(1000.0, tokyo, tokyo)
    1000.0
    >>> col_adjust(1000.0, tokyo, canonical_city("London"), overrides={"price_relative": 0.005})
    5.0
    """
    if basket is None or basket.monthly == 0:
        return float(amount) * price_relative("other", home, dest, overrides=overrides)
    if basket.city.key != home.key:
        raise InvalidInputError("the basket must be spending in from_city")
    carried = carry_basket(basket, dest, overrides)
    return float(amount) * carried.monthly / basket.monthly


def data_notes(home: City, dest: City, size: str = "studio_1br") -> list[str]:
    """Where every relative between two cities comes from (dates and parameter names).

    Parameters
    ----------
    home, dest : City
        The home and destination cities.
    size : str, optional
        ``studio_1br`` or ``two_bedroom``.

    Returns
    -------
    list of str
        One line per regional level, PPP and rent used.

    References
    ----------
    The parameters of ``data/cost_of_living.yaml`` named in each line.

    Examples
    --------
    >>> notes = data_notes(canonical_city("Tokyo"), canonical_city("Seattle"))
    >>> notes[0].split(":")[0], len(notes)
    ('Tokyo regional level', 5)
    """
    notes = []
    for city in (home, dest):
        notes.append(f"{city.name} regional level: {regional_level(city)[1]}")
        notes.append(f"{city.name} PPP: {_ppp(city.country, None)[1]}")
    notes.append(f"rent {home.name} -> {dest.name}: {rent_relative(home, dest, size)[1]}")
    return notes
