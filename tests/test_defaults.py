"""Every default and bound has one definition, and every layer applies it the same way.

The comparison settings and the default age live in ``calculators/defaults.py``; the ages a
jurisdiction's rules model are stated where it registers and checked once by the tax engine;
offer field bounds live in ``calculators/offer/model.py``.  The source checks at the end read the
code, so a restated default or bound cannot come back unnoticed.
"""

from __future__ import annotations

import inspect
import math
import re
from dataclasses import replace
from pathlib import Path

import pytest

from addin import udfs
from calculators.defaults import AGE, BASIS, DISCOUNT_RATE, YEARS
from calculators.errors import InvalidInputError
from calculators.offer.model import FIELDS, MAX_AMOUNT, Offer
from calculators.tax import compute, engine, get_jurisdiction, supported_codes
from calculators.valuation.compare import Settings, metric

ROOT = Path(__file__).resolve().parent.parent
CODES = supported_codes()


def _offer(code: str) -> Offer:
    jur = get_jurisdiction(code)
    return Offer.from_fields(
        {"company": code, "jurisdiction": code, "currency": jur.currency, "base_salary": 100_000}
    )


# --- age: one default, one check, a range per jurisdiction ------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_every_jurisdiction_states_its_ages_and_takes_the_one_default(code):
    jur = get_jurisdiction(code)
    assert jur.ages is not None, f"{code} registers no age range"
    low, high = jur.ages
    assert isinstance(low, int) and isinstance(high, int) and low < high
    assert low <= AGE.default <= high
    assert jur.options["age"] == AGE.default


@pytest.mark.parametrize("code", CODES)
def test_an_age_outside_the_jurisdictions_range_is_one_line_naming_age_and_range(code):
    low, high = get_jurisdiction(code).ages
    for age in (low, high):
        assert math.isfinite(float(compute(50_000, code, 2025, age=age).net))
    for age in (low - 1, high + 1, AGE.default + 0.5):
        with pytest.raises(InvalidInputError) as caught:
            compute(50_000, code, 2025, age=age)
        text = str(caught.value)
        assert text == f"age must be a whole number from {low} to {high} for {code}"
        assert "\n" not in text


@pytest.mark.parametrize("code", CODES)
def test_the_engine_checks_age_before_the_rules_run_and_hands_them_the_default(code, monkeypatch):
    jur = get_jurisdiction(code)
    seen: list[dict] = []

    def spy(salary, equity, year, options):
        seen.append(dict(options))
        return jur.lines(salary, equity, year, options)

    monkeypatch.setitem(engine._REGISTRY, code, replace(jur, lines=spy))
    compute(50_000, code, 2025)
    assert seen[-1]["age"] == AGE.default and type(seen[-1]["age"]) is int
    compute(50_000, code, 2025, age=float(jur.ages[0]))
    assert seen[-1]["age"] == jur.ages[0] and type(seen[-1]["age"]) is int  # checked, made whole
    calls = len(seen)
    with pytest.raises(InvalidInputError):
        compute(50_000, code, 2025, age=jur.ages[1] + 1)
    assert len(seen) == calls, "the rules ran with an age outside their range"


@pytest.mark.parametrize("code", CODES)
def test_the_default_age_is_the_same_in_the_engine_the_udfs_and_the_comparison(code):
    given = float(compute(80_000, code, 2025, age=AGE.default).net)
    assert float(compute(80_000, code, 2025).net) == given
    assert udfs.net_pay(80_000, code, 2025) == given
    assert udfs.net_pay(80_000, code, 2025, None, AGE.default) == given
    offer = [_offer(code)]
    blank = metric(offer, Settings(basis="net_first_year", home_currency=offer[0].currency))
    aged = metric(offer, Settings(basis="net_first_year", home_currency=offer[0].currency, age=AGE.default))
    assert float(blank.amounts[0]) == float(aged.amounts[0])


def test_an_age_changes_the_result_where_the_rules_depend_on_it():
    # Japan's long-term care insurance from 40: a wrong default (or an ignored age) shows here
    young = compute(8_000_000, "JP-TOKYO", 2025, age=AGE.default)
    older = compute(8_000_000, "JP-TOKYO", 2025, age=45)
    assert float(older.net) < float(young.net)
    assert udfs.net_pay(8_000_000, "JP-TOKYO", 2025, None, 45) == float(older.net)


def test_the_udf_names_age_and_the_jurisdictions_range():
    low, high = get_jurisdiction("IL").ages
    assert udfs.net_pay(300_000, "IL", 2025, None, high + 1) == (
        f"#VALUE! age must be a whole number from {low} to {high} for IL"
    )
    assert udfs.net_pay(300_000, "IL", 2025, None, 35.5) == "#VALUE! age must be a whole number"


@pytest.mark.parametrize("code", CODES)
def test_the_udfs_tax_years_are_those_the_jurisdictions_parameter_files_cover(code):
    years = get_jurisdiction(code).years
    covered = ", ".join(map(str, years))
    for year in (min(years) - 1, max(years) + 1):
        assert udfs.net_pay(80_000, code, year) == (
            f"#VALUE! year {year} not covered for {code}; covered: {covered}"
        )
    assert udfs.net_pay(80_000, code, max(years) + 0.5) == "#VALUE! year must be a whole number such as 2026"
    assert udfs.net_pay(80_000, code) == float(compute(80_000, code, max(years)).net)


# --- the comparison settings ----------------------------------------------------------------


def test_the_settings_defaults_are_the_definitions():
    s = Settings()
    assert (s.basis, s.years, s.discount_rate) == (BASIS.default, YEARS.default, DISCOUNT_RATE.default)
    assert s.home_currency is None  # the first offer's, as in every user-facing route


def test_no_home_currency_is_the_first_offers_in_the_library_too():
    from calculators.fx import FxTable
    from calculators.valuation.compare import checked_settings, compare_offers

    fx = FxTable("USD", {"USD": 1.0, "JPY": 150.0})
    usd, jpy = _offer("US-WA"), replace(_offer("JP-TOKYO"), base_salary=15_000_000)
    assert checked_settings([usd, jpy], Settings(fx=fx)).home_currency == "USD"
    assert checked_settings([jpy, usd], Settings(fx=fx)).home_currency == "JPY"
    ranked = {r.name: r.value_home for r in compare_offers([usd, jpy], Settings(basis="first_year", fx=fx))}
    assert ranked == {"US-WA": 100_000.0, "JP-TOKYO": 100_000.0}  # 15,000,000 JPY / 150
    # the library and OFFER_COMPARE with the currency left blank rank in the same currency
    fields = ("company", "jurisdiction", "currency", "base_salary")
    table = [["field", "a", "b"], *[[k, getattr(usd, k), getattr(jpy, k)] for k in fields]]
    udf = udfs.offer_compare(table, "first_year")
    library = compare_offers([usd, jpy], Settings(basis="first_year"))
    assert [(row[4], row[6], row[8]) for row in udf[1:]] == [
        (r.currency, r.value_home, r.fx_rate) for r in library
    ]
    assert {r.currency: r.fx_rate for r in library}["USD"] == 1.0


ROWS = [
    ["field", "A"],
    ["company", "A"],
    ["jurisdiction", "US-WA"],
    ["currency", "USD"],
    ["base_salary", 100_000],
    ["annual_raise", 0.1],
]


def test_every_udf_and_the_settings_take_the_same_years_range():
    low, high = int(YEARS.low), int(YEARS.high)
    message = f"#VALUE! years must be a whole number from {low} to {high}"
    for call in (
        lambda y: udfs.offer_tc(ROWS, "total", y),
        lambda y: udfs.offer_compare(ROWS, "total", None, y),
        lambda y: udfs.offer_schedule(ROWS, y),
        lambda y: udfs.vest_schedule(1000, "25/25/25/25", 12, "annual", y),
    ):
        assert call(high + 1) == message
        assert call(low - 1) == message
        assert not str(call(high)).startswith("#")
    with pytest.raises(InvalidInputError, match=f"from {low} to {high}"):
        metric([_offer("US-WA")], Settings(years=high + 1))
    # blank is the default horizon: a 10 % raise makes the total depend on it
    total = udfs.offer_tc(ROWS, "total")
    assert total == udfs.offer_tc(ROWS, "total", YEARS.default)
    assert total != udfs.offer_tc(ROWS, "total", YEARS.default + 1)
    assert udfs.offer_tc(ROWS) == udfs.offer_tc(ROWS, BASIS.default)


def test_the_discount_rate_range_is_the_same_for_the_udf_and_the_settings():
    high = DISCOUNT_RATE.high
    offer = [Offer.from_fields(dict(ROWS[1:]))]
    at_high = Settings(basis="npv", discount_rate=high, home_currency="USD")
    assert udfs.offer_tc(ROWS, "npv", 4, high) == float(metric(offer, at_high).amounts[0])
    assert udfs.offer_tc(ROWS, "npv", 4, high + 0.5) == "#VALUE! " + DISCOUNT_RATE.problem()
    with pytest.raises(InvalidInputError, match="discount_rate must be"):
        metric(offer, replace(at_high, discount_rate=high + 0.5))


def _help(func, arg: str) -> str:
    """The Function Wizard help of one UDF argument (its ``cell()`` / ``table()`` doc)."""
    return inspect.signature(func).parameters[arg].annotation.__metadata__[0]["doc"]


def test_the_help_texts_show_the_definitions():
    assert _help(udfs.offer_tc, "years") == f"Horizon in years, {YEARS.range_text()} (blank: {YEARS.default})"
    assert _help(udfs.offer_compare, "basis").endswith(f"(blank: {BASIS.default})")
    assert _help(udfs.net_pay, "age").endswith(f"(blank: {AGE.default})")
    spec = FIELDS["exit_probability"]
    assert _help(udfs.option_value, "exit_probability").endswith(
        f", {spec.low:g} to {spec.high:g} (blank: {spec.default:g})"
    )
    assert _help(udfs.vest_schedule, "cliff_months").endswith(
        f"(blank: {FIELDS['rsu_cliff_months'].default})"
    )


# --- offer field bounds in the UDFs ---------------------------------------------------------


@pytest.mark.parametrize(
    "arg, field, call",
    [
        ("dilution", "dilution", lambda v: udfs.option_value(100, 1, 2, v)),
        ("exit_probability", "exit_probability", lambda v: udfs.option_value(100, 1, 2, 0, v)),
        ("exit_multiple", "exit_multiple", lambda v: udfs.option_value(100, 1, 2, 0, 1, v)),
        ("price_growth", "price_growth", lambda v: udfs.offer_schedule(ROWS, 2, v)),
    ],
)
def test_a_udf_argument_that_is_an_offer_field_has_the_fields_bounds(arg, field, call):
    low, high = FIELDS[field].bounds
    assert not str(call(high)).startswith("#")
    assert call(high * 1.01 + 0.01) == f"#VALUE! {arg} must be at most {high:g}"
    assert call(low - 0.01) == f"#VALUE! {arg} must be at least {low:g}"


def test_money_arguments_have_the_amount_ceiling():
    assert udfs.option_value(MAX_AMOUNT * 2, 1, 2) == f"#VALUE! shares must be at most {MAX_AMOUNT:g}"
    assert udfs.vest_schedule(MAX_AMOUNT * 2) == f"#VALUE! grant must be at most {MAX_AMOUNT:g}"
    cliff_high = FIELDS["rsu_cliff_months"].bounds[1]
    assert udfs.vest_schedule(1000, "25/25/25/25", cliff_high + 1) == (
        f"#VALUE! cliff_months must be a whole number from 0 to {cliff_high}"
    )


def test_the_vesting_defaults_are_the_offer_fields_defaults():
    from calculators.offer import equity

    assert FIELDS["rsu_cliff_months"].default == equity.CLIFF_MONTHS
    assert FIELDS["option_cliff_months"].default == equity.CLIFF_MONTHS
    assert FIELDS["rsu_frequency"].default == equity.FREQUENCY
    for func in (equity.vest_events, equity.monthly_vest_fractions, equity.annual_vest_fractions):
        params = inspect.signature(func).parameters
        assert (params["cliff_months"].default, params["frequency"].default) == (
            equity.CLIFF_MONTHS,
            equity.FREQUENCY,
        )
    # blank is the default, not a second literal: the blank and the default schedules agree
    assert equity.vest_events(1000, None, None, None) == equity.vest_events(1000)


def test_the_option_valuation_reads_its_assumptions_from_the_data(monkeypatch):
    from calculators.defaults import in_force
    from calculators.offer import equity
    from calculators.params import load_parameters

    data = load_parameters(ROOT / "calculators" / "data" / "assumptions.yaml")
    stated = {
        k: in_force(data[k])
        for k in ("option_exit_years", "option_exit_volatility", "option_monte_carlo_paths")
    }
    args = (40_000, 1.0, 4.0, 0.2, 0.3, 1.5)
    assert equity.option_value(*args) == equity.option_value(
        *args,
        years=stated["option_exit_years"],
        volatility=stated["option_exit_volatility"],
        paths=int(stated["option_monte_carlo_paths"]),
    )
    assert equity.option_value(*args).paths == stated["option_monte_carlo_paths"]
    # a revised assumption is what the valuation uses
    monkeypatch.setattr(equity, "_assumption", lambda name: {**stated, "option_monte_carlo_paths": 500}[name])
    assert equity.option_value(*args).paths == 500


# --- the sources: no restated default or bound ----------------------------------------------


def _sources() -> dict[str, list[str]]:
    files = sorted((ROOT / "calculators").rglob("*.py")) + sorted((ROOT / "addin").rglob("*.py"))
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8").splitlines() for p in files}


SOURCES = _sources()
DEFAULTS = "calculators/defaults.py"
OFFER = "calculators/offer/model.py"


def _hits(pattern: str, flags: int = 0, examples: bool = False) -> dict[str, list[str]]:
    """Source lines matching ``pattern``, by file.  Doctest input lines (``>>>``) are left
    out unless ``examples``: an example's arguments are inputs, not defaults."""
    rx = re.compile(pattern, flags)
    found: dict[str, list[str]] = {}
    for path, lines in SOURCES.items():
        for n, line in enumerate(lines, 1):
            if not examples and line.lstrip().startswith((">>>", "...")):
                continue
            if rx.search(line):
                found.setdefault(path, []).append(f"{n}: {line.strip()}")
    return found


# (what is restated, pattern, the one file allowed to hold it)
RESTATED = [
    ("the default age next to the word age", r"(?i)\bage\b.*\b35\b|\b35\b.*\bage\b", DEFAULTS),
    ("an age default in an options mapping", r"""["']age["']\s*:\s*\d""", None),
    ("an age read with a fallback", r"""\.get\(\s*["']age["']""", None),
    ("an age parameter with a literal default", r"\bage\s*:\s*(?:int|float)\s*=\s*\d", None),
    ("a jurisdiction's own age check", r"_MIN_AGE|_MAX_AGE|def _age\(|def _check_age\(|age_option", None),
    ("an age read with a literal range", r"""opt_(?:int|number)\([^)]*["']age["']""", None),
    ("a years literal read", r"""opt_(?:int|number)\(\s*\w+\s*,\s*["']years["']""", None),
    ("the years range", r"\b1 to 50\b|1\s*<=\s*\w+\s*<=\s*50|\b1, 50\b", DEFAULTS),
    ("a literal horizon default", r"\byears\s*:\s*int\s*=\s*\d", None),
    (
        "the basis default",
        r"""(?:(?<![=!<>])=(?!=)|\bor)\s*["']annualized["']|opt_text\([^)]*["']annualized["']""",
        DEFAULTS,
    ),
    ("a literal discount-rate read", r"""opt_(?:int|number)\([^)]*["']discount_rate["']""", None),
    ("a literal discount-rate default", r"\bdiscount_rate\s*:\s*float\s*=\s*\d", None),
    (
        "an offer field's bounds read with literals",
        r"""opt_(?:int|number)\([^)]*["'](?:price_growth|dilution|exit_probability|exit_multiple"""
        r"""|cliff_months|shares|strike|price|grant)["']""",
        None,
    ),
    ("the amount ceiling", r"\b1e12\b|1_000_000_000_000", OFFER),
    ("the months ceiling", r"MAX_MONTHS\s*=|>\s*600\b", OFFER),
]


@pytest.mark.parametrize("what, pattern, home", RESTATED, ids=[r[0] for r in RESTATED])
def test_no_default_or_bound_is_restated(what, pattern, home):
    found = _hits(pattern)
    where = {path for path in found if path != home}
    assert not where, {path: found[path] for path in where}


def test_each_definition_is_made_in_one_file():
    for pattern, home in (
        (r"^(?:BASIS|YEARS|DISCOUNT_RATE|AGE) = Setting\(", DEFAULTS),
        (r"^MAX_AMOUNT = ", OFFER),
        (r"^MAX_MONTHS = ", OFFER),
    ):
        assert set(_hits(pattern)) == {home}, pattern


# A dated value read at a literal year never sees a later one: assumptions are read at the date
# they are used for.


def test_no_dated_value_is_read_at_a_literal_year_outside_examples():
    found = _hits(r"\.at\(\s*20\d\d\s*\)")
    assert not found, found
