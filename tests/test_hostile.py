"""Every UDF of the catalog under hostile cell values.

Each UDF registered in :data:`addin.cells.UDFS` (iterated, so functions added
later are covered too) is called with arguments drawn from realistic values
(the shipped example's ranges, known arguments by name) in which any argument
may be replaced by something hostile: None, booleans, NaN, ±inf, -0.0, 1e308,
huge and empty strings, formula-injection payloads, dates, ragged, empty and
transposed ranges, single cells where ranges belong and the reverse.

Every call must return a number, a table (a list of rows) or text (a
``#VALUE! ...`` message, or a label taken from the user's own ranges); never
raise; never show NaN or infinity; never repeat a hostile string given as a
single-cell argument, nor any in a message (strings of 6+ characters: shorter
ones occur by chance).  How long a call takes is measured by ``python -m bench guard``
(the slowest hostile call of each UDF against a 5 s ceiling), not asserted here.
"""

import datetime as dt
import inspect
import logging
import math
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin import udfs
from addin.cells import MESSAGE_PREFIX, UDFS
from addin.workbook.builder import example
from calculators.fx import shipped_table
from calculators.offer.model import EXCEL_ERRORS

PASSTHROUGH = {"if_unreachable"}  # returned as given, by design (like IFERROR's value_if_error)
ECHO_MIN = 6

# hostile strings, all distinctive (6+ characters) so an echo is unmistakable
INJECTIONS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","x")',
    "+SUM(1,2)*99",
    "-2+3+cmd|x",
    "@SUM(A1:A9)",
    "\t=1+1evil",
    "\r\n=2+2evil",
    "\x00nulbyte",
    "=1/0#DIV",
    "'); DROP TABLE offers;--",
    "<script>alert(1)</script>",
    "${jndi:ldap://x}",
    "../../etc/passwd",
]
NUMERIC_TEXT = [
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "-inf",
    "12,345,678",
    "50%",
    "0x1F",
    "1_000",
    "  42  ",
    "1e-400",
    "١٢٣",
    "TRUE",
]
HUGE = "Z" * 200_000

scalars = st.one_of(
    st.sampled_from(
        [
            None,
            True,
            False,
            0,
            -0.0,
            1,
            -1,
            1e308,
            -1e308,
            5e-324,
            2**63,
            10**30,
            -(10**30),
            float("nan"),
            float("inf"),
            float("-inf"),
            "",
            " ",
            HUGE,
            "東京都港区六本木",
            dt.date(2026, 2, 28),
            dt.datetime(1900, 1, 1),
            dt.datetime(9999, 12, 31, 23, 59),
            dt.time(12, 0),
        ]
    ),
    st.sampled_from(INJECTIONS + NUMERIC_TEXT),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(min_size=0, max_size=40),
)
cells = st.one_of(scalars, st.floats(min_value=-1e6, max_value=1e9))


def _example_offers() -> list[list[Any]]:
    from calculators.offer.model import FIELDS

    offers = example()["offers"]
    rows = [["field", *(o["name"] for o in offers)]]
    for name in FIELDS:
        rows.append(
            [
                name,
                *(
                    (o.get(name).isoformat() if hasattr(o.get(name), "isoformat") else o.get(name))
                    for o in offers
                ),
            ]
        )
    return rows


def _basket() -> list[list[Any]]:
    from addin.workbook.sheets.relocation import input_rows

    return [["input", "value"], *([k, v] for k, v, _ in input_rows(example()))]


def _market() -> list[list[Any]]:
    """A small synthetic market table in the documented layout (test data, not facts)."""
    from addin.workbook.sheets.market import HEADER

    rows: list[list[Any]] = [list(HEADER)]
    for i in range(24):
        base = 9_000_000 + 250_000 * i
        rows.append(
            [
                f"Co{i % 5}",
                "ML engineer",
                "L5" if i % 2 else "L4",
                "Tokyo",
                3 + i % 8,
                base,
                1_000_000 + 50_000 * i,
                500_000,
                base + 1_500_000 + 50_000 * i,
                "JPY",
                f"2026-0{1 + i % 9}-15",
                "synthetic",
            ]
        )
    return rows


OFFERS = _example_offers()
ONE_OFFER = [row[:2] for row in OFFERS]
RATES = [["currency", f"per {shipped_table().base}"], *([c, r] for c, r in shipped_table().rates.items())]
TABLES = {
    "offer": ONE_OFFER,
    "offers_table": OFFERS,
    "basket": _basket(),
    "rates": RATES,
    "market_table": _market(),
    "percentiles": [[25, 50, 75, 90]],
    "expected": [["Future co", "2027-01-10"]],
}
VALUES = {
    "basis": "annualized",
    "years": 4,
    "discount_rate": 0.05,
    "offer_name": "Tokyo big tech",
    "home_currency": "JPY",
    "pay_currency": "JPY",
    "band_currency": "JPY",
    "jurisdiction": "JP-TOKYO",
    "gross": 10_000_000,
    "year": 2026,
    "equity_income": 0,
    "age": 35,
    "grant": 400_000,
    "schedule": "33/33/22/12",
    "cliff_months": 12,
    "frequency": "quarterly",
    "shares": 40_000,
    "strike": 1,
    "price": 4,
    "dilution": 0.2,
    "exit_probability": 0.3,
    "exit_multiple": 3,
    "amount": 185_000,
    "from_currency": "USD",
    "to_currency": "JPY",
    "pay": 20_000_000,
    "location": "Tokyo",
    "level": "L5",
    "min_years": 3,
    "max_years": 10,
    "component": "base_salary",
    "margin": 0,
    "report": "increase",
    "target": 17_000_000,
    "volume": 1_000_000,
    "measure_before": 80,
    "measure_after": 15,
    "unit_value": 0.001,
    "walk_away": 15_000_000,
    "scarcity_premium": 0.1,
    "from_city": "Tokyo",
    "to_city": "London",
    "home_city": "Tokyo",
    "offer_a": "Seattle big tech",
    "offer_b": "Tokyo big tech",
    "price_growth": 0.05,
    "fx": 150,
    "as_of": "2026-06-01",
    "since": "2024-01-01",
}


def is_table(param: inspect.Parameter) -> bool:
    meta = getattr(param.annotation, "__metadata__", ())
    return any(isinstance(m, dict) and m.get("ndim") == 2 for m in meta) or param.name in TABLES


# each strategy made once (a strategy made inside a draw is validated again at every draw)
_TABLE_KINDS = {
    True: st.sampled_from(["mutate", "mutate", "ragged", "transpose", "empty", "cells", "scalar", "deep"]),
    False: st.sampled_from(["cells", "empty", "scalar", "ragged", "deep"]),
}
_EMPTY_TABLES = st.sampled_from([[], [[]], [[None]], [[None, None], [None, None]], [[""]]])
_DEEP_TABLES = st.sampled_from([[[[1]]], [1, 2, 3], [[1, [2]]], [[{"a": 1}]], [(1, 2)]])
_GRIDS = st.lists(st.lists(cells, min_size=0, max_size=6), min_size=0, max_size=6)
_MODES = st.sampled_from(["keep", "keep", "hostile", "blank"])


@st.composite
def hostile_table(draw, base: list[list[Any]] | None):
    """A range: the realistic one mutated, or something else entirely."""
    kind = draw(_TABLE_KINDS[bool(base)])
    if kind == "scalar":
        return draw(scalars)
    if kind == "empty":
        return draw(_EMPTY_TABLES)
    if kind == "deep":
        return draw(_DEEP_TABLES)
    if kind == "cells" or base is None:
        return draw(_GRIDS)
    grid = [list(row) for row in base]
    if kind == "transpose":
        return [list(col) for col in zip(*grid, strict=False)]
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        r = draw(st.integers(min_value=0, max_value=len(grid) - 1))
        c = draw(st.integers(min_value=0, max_value=len(grid[r]) - 1))
        grid[r][c] = draw(cells)
    if kind == "ragged":
        r = draw(st.integers(min_value=0, max_value=len(grid) - 1))
        grid[r] = grid[r][: draw(st.integers(min_value=0, max_value=len(grid[r])))]
    return grid


def arguments(func):
    """Strategy for one call's positional arguments."""
    params = list(inspect.signature(func).parameters.values())
    targets_of = st.lists(st.integers(min_value=0, max_value=len(params) - 1), min_size=1, max_size=2)
    hostile_of = [
        hostile_table(TABLES.get(p.name)) if is_table(p) else st.one_of(scalars, hostile_table(None))
        for p in params
    ]

    @st.composite
    def draw_args(draw):
        args = []
        # half the calls are realistic but for one or two arguments, so they get deep
        focused = draw(st.booleans())
        targets = set(draw(targets_of))
        for i, p in enumerate(params):
            base = TABLES.get(p.name) if is_table(p) else VALUES.get(p.name)
            if focused:
                mode = "hostile" if i in targets else "keep"
            else:
                mode = draw(_MODES)
            if mode == "keep" and base is not None:
                args.append(base)
            elif mode == "blank":
                args.append(None)
            else:
                args.append(draw(hostile_of[i]))
        return args

    return draw_args()


def _strings(value: Any, tables: bool, out: list[str]) -> list[str]:
    """Strings inside a value (a range's strings only when ``tables``)."""
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, (list, tuple)):
        if tables:
            for v in value:
                _strings(v, tables, out)
    return out


# the realistic inputs' own texts, and the error values a cell can hold: a message naming the
# error a cell holds ("holds an Excel error (#SPILL!)") repeats no text a person typed
BASELINE = {s.strip() for v in [*TABLES.values(), *VALUES.values()] for s in _strings(v, True, [])} | set(
    EXCEL_ERRORS
)


_FIELD_ECHO = re.compile(r"field name \d+ \([A-Za-z][A-Za-z0-9_]{0,39}\) is not a known field")


def check(name: str, args: list[Any], result: Any, passthrough: tuple[Any, ...] = ()) -> None:
    """``passthrough``: arguments the UDF returns as given when asked (like IFERROR's value)."""
    if any(result is p or result == p for p in passthrough):
        return
    args = [a for a in args if not any(a is p for p in passthrough)]
    single = {
        s.strip()
        for a in args
        if not isinstance(a, (list, tuple))
        for s in _strings(a, False, [])
        if len(s.strip()) >= ECHO_MIN
    } - BASELINE
    ranged = {
        s.strip()
        for a in args
        if isinstance(a, (list, tuple))
        for s in _strings(a, True, [])
        if len(s.strip()) >= ECHO_MIN
    } - BASELINE
    hostile = single - ranged  # a label the user typed in a range may come back as a label

    def text_ok(s: str) -> None:
        if s.startswith(MESSAGE_PREFIX):
            assert len(s) < 300, f"{name}: an overlong message"
            # the one deliberate echo: an unknown field name that reads as one (a typo such as
            # base_salry), never a value (calculators.offer.table)
            said = _FIELD_ECHO.sub("field name N is not a known field", s)
            for h in single | ranged:
                assert h not in said, f"{name}: a message repeats an input"
        for h in hostile:
            assert h not in s, f"{name}: the output repeats an input"

    def cell_ok(v: Any) -> None:
        if isinstance(v, bool) or v is None or isinstance(v, (dt.date, dt.datetime)):
            return
        if isinstance(v, (int, float)):
            assert math.isfinite(v), f"{name}: a non-finite number in the output"
            return
        assert isinstance(v, str), f"{name}: a {type(v).__name__} in the output"
        text_ok(v)

    if isinstance(result, list):
        assert all(isinstance(row, list) for row in result), f"{name}: not a table"
        for row in result:
            for v in row:
                cell_ok(v)
    elif isinstance(result, str):
        text_ok(result)
    else:
        assert isinstance(result, (int, float)) and not isinstance(result, bool), (
            f"{name}: returned {type(result).__name__}"
        )
        cell_ok(result)


class _Unexpected(logging.Handler):
    """Catches what the udf decorator logs when a UDF hit an unexpected exception."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        self.seen.append(f"{record.getMessage()}: {type(exc).__name__}")


@pytest.mark.parametrize("name", sorted(UDFS))
def test_udf_survives_hostile_cells(name):
    func = getattr(udfs, name)
    params = list(inspect.signature(func).parameters)
    log = logging.getLogger("addin")
    catcher = _Unexpected()

    @settings(
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        max_examples=settings.default.max_examples,
        derandomize=True,
        deadline=None,
    )
    @given(args=arguments(func))
    def run(args):
        catcher.seen.clear()
        result = func(*args)
        given_back = tuple(a for p, a in zip(params, args, strict=True) if p in PASSTHROUGH)
        check(name, args, result, given_back)
        # an unexpected exception (a traceback in the log) is a bug, even when caught
        assert not catcher.seen, catcher.seen

    log.addHandler(catcher)
    try:
        run()
    finally:
        log.removeHandler(catcher)


@pytest.mark.parametrize(
    "args,result,problem",
    [
        (["SECRETNAME1"], "#VALUE! offer SECRETNAME1 not found", "repeats"),
        ([[["field", "SECRETNAME1"]]], "#VALUE! offer SECRETNAME1 not found", "repeats"),
        (["SECRETNAME1"], [["offer"], ["SECRETNAME1"]], "repeats"),
        ([1.0], float("nan"), "non-finite"),
        ([1.0], [[1.0, float("inf")]], "non-finite"),
        ([1.0], {"a": 1}, "returned dict"),
        ([1.0], [1.0, 2.0], "not a table"),
    ],
)
def test_the_checks_catch_a_wrong_udf(args, result, problem):
    with pytest.raises(AssertionError, match=problem):
        check("x", args, result)


def test_every_udf_is_driven():
    """The registry is what the suite iterates: every exported UDF is in it."""
    assert set(udfs.__all__) <= set(UDFS)


GENERIC = "could not compute this"


@pytest.mark.parametrize(
    "call,expected",
    [
        # an empty row crashed the Offers-range reader (IndexError)
        (lambda: udfs.offer_compare([[]]), "#VALUE! offers range is empty"),
        (lambda: udfs.offer_tc([[], []]), "#VALUE! offers range is empty"),
        # a row range given where one cell belongs crashed ad-hoc accessors (TypeError)
        (lambda: udfs.impact_value(1e6, 80, 15, 0.001, [True, False]), -65000.0),
        # overflow gave infinity (or, with warnings as errors, a logged traceback)
        (lambda: udfs.fx_convert(1e308, "USD", "JPY"), "out of range"),
        (lambda: udfs.col_adjust(1e308, "London", "Tokyo"), "out of range"),
        # a date cell (Excel gives a datetime) or a blank expected date crashed the timeline
        (lambda: udfs.offer_timeline(OFFERS, dt.datetime(2026, 6, 1)), "table"),
        (
            lambda: udfs.offer_timeline(OFFERS, "2026-06-01", [["Future co", ""]]),
            "#VALUE! expected: the date must be a date (YYYY-MM-DD)",
        ),
    ],
)
def test_fixed_findings_stay_fixed(call, expected):
    result = call()
    if expected == "table":
        assert isinstance(result, list) and len(result) == len(OFFERS[0])
    elif isinstance(expected, float):
        assert result == pytest.approx(expected)
    else:
        assert isinstance(result, str) and expected in result and GENERIC not in result
