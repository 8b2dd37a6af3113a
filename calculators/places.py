"""The one registry of places: jurisdiction codes, their names, currencies and cities.

Every fact comes from ``calculators/places.yaml`` (read once); the tax engine,
relocation and the add-in's help text read it through this module and restate
none of it.  These are names, not figures: the rules and prices for each place
live in the dated parameter files.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calculators.errors import InvalidInputError, UnknownJurisdictionError
from calculators.params import read_yaml

__all__ = [
    "JURISDICTIONS",
    "PLACES",
    "Place",
    "canonical_code",
    "country_of",
    "currency_of",
    "names_of",
    "place_for_module",
    "tax_year_label",
    "tax_year_of",
    "tax_year_start",
    "vest_rule",
    "VEST_RULES",
    "Agreement",
    "AgreementFinding",
    "agreement_between",
]

_DATA = Path(__file__).with_name("places.yaml")
_TAX_PACKAGE = "calculators.tax.jurisdictions"


@dataclass(frozen=True)
class Agreement:
    """A social security agreement between two countries (ISO 3166-1 codes)."""

    countries: tuple[str, str]
    in_force: dt.date  # its first day
    totalisation: bool  # coverage periods combine for pension eligibility


@dataclass(frozen=True)
class Place:
    """One jurisdiction with its names, currency, tax rules and cost-of-living city."""

    code: str
    currency: str
    country: str
    aliases: tuple[str, ...]
    tax_module: str
    tax_params: tuple[str, ...]
    city_key: str
    city_name: str
    city_aliases: tuple[str, ...]
    city_only: tuple[str, ...]
    source: str
    year_starts: tuple[int, int] = (1, 1)  # (month, day) the tax year begins on
    vest_abroad: tuple[tuple[str, str], ...] = ()  # ("resident" | "left", rule) for a vest across a move
    contribution_lines: tuple[str, ...] = ()  # the tax result's lines that are contributions
    pension_lines: tuple[str, ...] = ()  # those of them that build a state pension
    agreements: tuple[Agreement, ...] = ()  # the country's social security agreements
    no_agreement: tuple[str, ...] = ()  # countries listed as having none
    agreements_checked: dt.date | None = None
    agreements_source: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name other than the code that stands for the jurisdiction."""
        return (*self.aliases, self.city_name, *self.city_aliases)


def _strings(entry: dict[str, Any], field: str, code: str) -> tuple[str, ...]:
    value = entry.get(field) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"places.yaml: {field} of {code} must be a list of strings")
    return tuple(value)


def _month_day(value: Any, code: str) -> tuple[int, int]:
    """``"MM-DD"`` as ``(month, day)``, a day every year has (not 29 February)."""
    m = re.fullmatch(r"(\d\d)-(\d\d)", str(value))
    try:
        if m is None:
            raise ValueError
        dt.date(2001, int(m[1]), int(m[2]))
    except ValueError:
        raise ValueError(f"places.yaml: year_starts of {code} must be MM-DD, a day of every year") from None
    return int(m[1]), int(m[2])


VEST_RULES = {"resident": ("worldwide_credit", "own_share"), "left": ("flat", "graduated")}


def _vest_rules(value: Any, code: str) -> tuple[tuple[str, str], ...]:
    """The ``vest_abroad`` mapping, checked against :data:`VEST_RULES`."""
    if value is None:
        return ()
    if not isinstance(value, dict) or not all(
        k in VEST_RULES and v in VEST_RULES[k] for k, v in value.items()
    ):
        raise ValueError(f"places.yaml: vest_abroad of {code} must map resident / left to a rule")
    return tuple(sorted((str(k), str(v)) for k, v in value.items()))


def _agreements(entry: dict[str, Any], code: str) -> dict[str, Any]:
    """A place's ``agreements`` block, checked."""
    block = entry.get("agreements")
    if block is None:
        return {}
    country = str(entry["country"])
    found = []
    for other, terms in (block.get("with") or {}).items():
        day = terms.get("in_force")
        if not isinstance(day, dt.date) or not isinstance(terms.get("totalisation"), bool):
            raise ValueError(f"places.yaml: agreement of {code} with {other} needs in_force and totalisation")
        found.append(Agreement((country, str(other)), day, terms["totalisation"]))
    checked = block.get("checked")
    if not isinstance(checked, dt.date) or not block.get("source"):
        raise ValueError(f"places.yaml: agreements of {code} need checked (a date) and source")
    return {
        "agreements": tuple(found),
        "no_agreement": _strings(block, "none", code),
        "agreements_checked": checked,
        "agreements_source": " ".join(str(block["source"]).split()),
    }


def _load() -> dict[str, Place]:
    raw = read_yaml(_DATA.read_text(encoding="utf-8"))
    out: dict[str, Place] = {}
    for entry in raw:
        city, tax, code = entry["city"], entry["tax"], str(entry["code"])
        place = Place(
            code=code,
            currency=str(entry["currency"]),
            country=str(entry["country"]),
            aliases=_strings(entry, "aliases", code),
            tax_module=f"{_TAX_PACKAGE}.{tax['module']}",
            tax_params=_strings(tax, "params", code),
            city_key=str(city["key"]),
            city_name=str(city["name"]),
            city_aliases=_strings(city, "aliases", code),
            city_only=_strings(city, "city_only", code),
            source=" ".join(str(entry.get("source", "")).split()),
            year_starts=_month_day(tax.get("year_starts"), code),
            vest_abroad=_vest_rules(tax.get("vest_abroad"), code),
            contribution_lines=_strings(tax, "contributions", code),
            pension_lines=_strings(tax, "pension", code),
            **_agreements(entry, code),
        )
        if place.code in out:
            raise ValueError(f"places.yaml: {place.code} is listed twice")
        out[place.code] = place
    return out


PLACES: dict[str, Place] = _load()

# code -> (currency, names): the shape the rest of the package has always read
JURISDICTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    p.code: (p.currency, p.names) for p in PLACES.values()
}


def _norm(name: str) -> str:
    return " ".join(str(name).replace("_", "-").split()).upper()


_LOOKUP: dict[str, str] = {}
for _place in PLACES.values():
    for _alias in (_place.code, *_place.names):
        if _LOOKUP.setdefault(_norm(_alias), _place.code) != _place.code:
            raise ValueError(f"places.yaml: {_alias} names two jurisdictions")


def canonical_code(name: object) -> str:
    """The jurisdiction code for a code or city name (case-blind).

    Parameters
    ----------
    name : str
        A jurisdiction code or one of its aliases in ``places.yaml``.

    Returns
    -------
    str
        The jurisdiction code.

    Raises
    ------
    InvalidInputError
        A blank or non-text name.
    UnknownJurisdictionError
        A name no place has.

    References
    ----------
    None

    Examples
    --------
    >>> canonical_code("seattle"), canonical_code("jp-tokyo"), canonical_code("Muenchen")
    ('US-WA', 'JP-TOKYO', 'DE')
    """
    code = _LOOKUP.get(name) if isinstance(name, str) else None  # a code as written: _norm's own
    if code is not None:
        return code
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError("jurisdiction must be a code such as JP-TOKYO")
    code = _LOOKUP.get(_norm(name))
    if code is None:
        raise UnknownJurisdictionError("unknown jurisdiction; supported: " + ", ".join(sorted(JURISDICTIONS)))
    return code


def currency_of(code: str) -> str:
    """The local currency of a jurisdiction.

    Parameters
    ----------
    code : str
        A jurisdiction code or alias.

    Returns
    -------
    str
        The ISO 4217 code of the place's currency.

    References
    ----------
    None

    Examples
    --------
    >>> currency_of("Tokyo")
    'JPY'
    """
    return PLACES[canonical_code(code)].currency


def country_of(code: str) -> str:
    """The country of a jurisdiction (ISO 3166-1 alpha-2), to tell a move abroad from one
    within a country.

    Parameters
    ----------
    code : str
        A jurisdiction code or alias.

    Returns
    -------
    str
        The place's ``country``.

    References
    ----------
    None

    Examples
    --------
    >>> country_of("Seattle"), country_of("New York"), country_of("Tokyo")
    ('US', 'US', 'JP')
    """
    return PLACES[canonical_code(code)].country


def names_of(name: object) -> tuple[str, ...]:
    """Every name of the jurisdiction ``name`` stands for (its code and aliases); none when
    ``name`` is no known jurisdiction.

    Parameters
    ----------
    name : str
        A jurisdiction code or alias.

    Returns
    -------
    tuple of str
        The code followed by the aliases; empty for an unknown name.

    References
    ----------
    None

    Examples
    --------
    >>> names_of("Seattle")
    ('US-WA', 'Washington', 'Seattle', 'Redmond', 'Bellevue')
    >>> names_of("Atlantis")
    ()
    """
    code = _LOOKUP.get(_norm(name)) if isinstance(name, str) else None
    return () if code is None else (code, *PLACES[code].names)


def place_for_module(module: str) -> Place:
    """The place whose tax rules live in ``module`` (a dotted module name).

    Parameters
    ----------
    module : str
        A module name such as ``calculators.tax.jurisdictions.gb_eng``.

    Returns
    -------
    Place
        The place whose ``tax_module`` it is.

    Raises
    ------
    LookupError
        When no place names the module.

    References
    ----------
    None

    Examples
    --------
    >>> place_for_module("calculators.tax.jurisdictions.gb_eng").code
    'GB-ENG'
    """
    for place in PLACES.values():
        if place.tax_module == module:
            return place
    raise LookupError(f"{module} is the tax module of no place in places.yaml")


def tax_year_start(code: str, year: int) -> dt.date:
    """The first day of tax year ``year`` of a jurisdiction.

    A tax year is named by the calendar year it starts in: the UK's 2027 runs from
    6 April 2027 to 5 April 2028 (``year_starts`` in ``places.yaml``, which cites the statute).

    Parameters
    ----------
    code : str
        A jurisdiction code or alias.
    year : int
        The tax year.

    Returns
    -------
    datetime.date
        Its first day.

    References
    ----------
    The ``source`` of each place in ``places.yaml``.

    Examples
    --------
    >>> tax_year_start("London", 2027), tax_year_start("Tokyo", 2027)
    (datetime.date(2027, 4, 6), datetime.date(2027, 1, 1))
    """
    month, day = PLACES[canonical_code(code)].year_starts
    return dt.date(int(year), month, day)


def tax_year_of(code: str, day: dt.date) -> int:
    """The tax year of a jurisdiction that ``day`` falls in (named as :func:`tax_year_start`).

    Parameters
    ----------
    code : str
        A jurisdiction code or alias.
    day : datetime.date
        Any date.

    Returns
    -------
    int
        The tax year.

    References
    ----------
    The ``source`` of each place in ``places.yaml``.

    Examples
    --------
    >>> import datetime as dt
    >>> tax_year_of("London", dt.date(2027, 4, 5)), tax_year_of("London", dt.date(2027, 4, 6))
    (2026, 2027)
    >>> tax_year_of("Seattle", dt.date(2027, 12, 31))
    2027
    """
    return day.year if day >= tax_year_start(code, day.year) else day.year - 1


def tax_year_label(code: str, year: int) -> int | str:
    """How a tax year is written: a calendar one as its number, another as ``2026/27``.

    Parameters
    ----------
    code : str
        A jurisdiction code or alias.
    year : int
        The tax year (named as :func:`tax_year_start`).

    Returns
    -------
    int or str
        ``year``, or the two calendar years it spans.

    References
    ----------
    None

    Examples
    --------
    >>> tax_year_label("Seattle", 2027), tax_year_label("London", 2026), tax_year_label("London", 2099)
    (2027, '2026/27', '2099/00')
    """
    start = tax_year_start(code, year)
    if (start.month, start.day) == (1, 1):
        return int(year)
    return f"{year}/{(year + 1) % 100:02d}"


def vest_rule(code: str, side: str) -> str | None:
    """How a jurisdiction taxes an equity vest across a move, on one side of it.

    Parameters
    ----------
    code : str
        A jurisdiction code or alias.
    side : str
        ``"resident"`` (living there at the vest) or ``"left"`` (after leaving it).

    Returns
    -------
    str or None
        The rule (``places.yaml``'s ``vest_abroad``), ``None`` where none is modelled.

    References
    ----------
    None: the rules are :mod:`calculators.valuation.sourcing`'s, which cites the law.

    Examples
    --------
    >>> vest_rule("Tokyo", "left"), vest_rule("London", "resident"), vest_rule("Berlin", "left")
    ('flat', 'own_share', None)
    """
    return dict(PLACES[canonical_code(code)].vest_abroad).get(side)


@dataclass(frozen=True)
class AgreementFinding:
    """What the registry says of a social security agreement between two places' countries."""

    countries: tuple[str, str]
    status: str  # "in_force", "none" (listed as having none) or "unknown" (not in the data)
    agreement: Agreement | None
    checked: dt.date | None  # the day the list was read
    source: str


def agreement_between(a: str, b: str) -> AgreementFinding:
    """The social security agreement between the countries of two jurisdictions, as the
    registry lists it (``agreements`` in ``places.yaml``).

    Parameters
    ----------
    a, b : str
        Jurisdiction codes or aliases, in two countries.

    Returns
    -------
    AgreementFinding
        ``in_force`` with its terms; ``none`` where a country lists the other as having no
        agreement; ``unknown`` where neither lists the other.

    References
    ----------
    The ``source`` of the country's list (日本年金機構 for Japan's).

    Examples
    --------
    >>> agreement_between("Tokyo", "Seattle").agreement.totalisation
    True
    >>> agreement_between("Tokyo", "London").agreement.totalisation
    False
    >>> agreement_between("Tokyo", "Tel Aviv").status, agreement_between("London", "Berlin").status
    ('none', 'unknown')
    """
    first, second = PLACES[canonical_code(a)], PLACES[canonical_code(b)]
    pair = (first.country, second.country)
    for one, other in ((first, second), (second, first)):
        for found in one.agreements:
            if found.countries[1] == other.country:
                return AgreementFinding(
                    pair, "in_force", found, one.agreements_checked, one.agreements_source
                )
        if other.country in one.no_agreement:
            return AgreementFinding(pair, "none", None, one.agreements_checked, one.agreements_source)
    return AgreementFinding(pair, "unknown", None, None, "")
