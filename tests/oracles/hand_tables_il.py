"""Build the IL fixtures by hand from the published tables (Israel has no usable oracle).

Run by hand (stdlib + PyYAML only, no project import)::

    python tests/oracles/hand_tables_il.py

It writes ``tests/tax/fixtures/il_<year>_hand_tables.yaml``.  The arithmetic is
the payroll clerk's, not the engine's: ONE MONTH's wage (yearly pay / 12) is
looked up in the Tax Authority's monthly table (bracket tops with the
cumulative tax at each top), credit points are taken at 242 ILS a month, the
Bituach Leumi bands are monthly, and every monthly figure is multiplied by 12.
The surtax is yearly (s. 121B).  All sums are exact fractions; the expected
value is rounded half up to the agora, and the exact value is kept too.

Sources of every number (the same as the parameter files):

2025  ITA monthly brackets 7,010 / 10,060 / 16,150 / 22,440 / 46,690 at
      10/14/20/31/35/47% (ITO s. 121, frozen for 2025-2027 by s. 120B(e));
      credit point 242 a month (s. 33A); surtax 3% above 721,560 a year
      (s. 121B).  Bituach Leumi, rates for salaried workers 2025: reduced
      band to 7,522, maximum 50,695; NI 1.04% / 7%; health 3.23% / 5.17%.
2026  ITA monthly brackets 7,010 / 10,060 / 19,000 / 25,100 / 46,690 (20%
      and 31% bands widened from 1 January 2026 by the Economic Efficiency
      Law 5786-2026 ch. C ss. 5-6); credit point 242; surtax as 2025.
      Bituach Leumi 2026: reduced band to 7,703, maximum 51,910; rates as 2025.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction as F
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parents[2] / "tests" / "tax" / "fixtures"

TABLES = {
    2025: {
        "brackets": [
            (7010, "0.10"),
            (10060, "0.14"),
            (16150, "0.20"),
            (22440, "0.31"),
            (46690, "0.35"),
            (None, "0.47"),
        ],
        "band": (7522, 50695),
    },
    2026: {
        "brackets": [
            (7010, "0.10"),
            (10060, "0.14"),
            (19000, "0.20"),
            (25100, "0.31"),
            (46690, "0.35"),
            (None, "0.47"),
        ],
        "band": (7703, 51910),
    },
}
POINT_MONTH = F(242)
SURTAX = (F(721560), F("0.03"))
NI = (F("0.0104"), F("0.07"))
HEALTH = (F("0.0323"), F("0.0517"))

MONTHLY = [
    0,
    1000,
    3000,
    5000,
    5445,
    6000,
    6247.67,
    7010,
    7011,
    7522,
    7523,
    7703,
    7704,
    8500,
    10060,
    10061,
    12000,
    14000,
    16150,
    16151,
    17500,
    19000,
    19001,
    20000,
    22440,
    22441,
    24000,
    25100,
    25101,
    28000,
    30000,
    35000,
    40000,
    46690,
    46691,
    48000,
    50695,
    50696,
    51910,
    51911,
    55000,
    60130,
    60131,
    66000,
    75000,
    100000,
    200000,
]
YEARLY = [123456.78, 250000, 1000000]
EQUITY = [(720000, 150000), (300000, 100000), (480000, 200000), (100000, 50000)]
POINTS = [(8000, "2.75"), (15000, "2.75"), (30000, "2.75"), (20000, "0")]


def _money(x: F) -> str:
    return f"{float(x):,.2f}"


def _agora(x: F) -> float:
    exact = Decimal(x.numerator) / Decimal(x.denominator)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _exact(x: F) -> str:
    # Yearly figures terminate (rates are decimal and months x 12 cancel the /12).
    d = Decimal(x.numerator) / Decimal(x.denominator)
    return format(d.normalize(), "f")


def _cumulative(brackets: list) -> list[tuple[F, F, F | None, F]]:
    """(lower, cumulative tax at lower, upper, rate) as in the ITA's monthly table."""
    rows, lower, cum = [], F(0), F(0)
    for upper, rate in brackets:
        r = F(rate)
        up = None if upper is None else F(upper)
        rows.append((lower, cum, up, r))
        if up is not None:
            cum += (up - lower) * r
            lower = up
    return rows


def _tax(month: F, year: int, points: F) -> tuple[F, str]:
    for lower, cum, upper, rate in _cumulative(TABLES[year]["brackets"]):
        if upper is None or month <= upper:
            gross = cum + rate * (month - lower)
            how = (
                f"month {_money(month)}: {_money(cum)} (tax to {_money(lower)}) + "
                f"{float(rate * 100):g}% x {_money(month - lower)} = {_money(gross)}"
            )
            break
    credit = points * POINT_MONTH
    net = max(gross - credit, F(0))
    how += f"; minus {float(points):g} x 242 = {_money(credit)} -> {_money(net)} a month; x 12"
    return 12 * net, how


def _band(month: F, year: int, rates: tuple[F, F]) -> tuple[F, str]:
    low, top = (F(v) for v in TABLES[year]["band"])
    reduced = min(month, low)
    full = min(max(month - low, F(0)), top - low)
    amount = rates[0] * reduced + rates[1] * full
    how = (
        f"month: {float(rates[0] * 100):g}% x {_money(reduced)} + {float(rates[1] * 100):g}% x "
        f"{_money(full)} (band {int(low):,}-{int(top):,}) = {_money(amount)}; x 12"
    )
    return 12 * amount, how


def _case(salary: F, equity: F, year: int, points: str = "2.25") -> dict:
    income = salary + equity
    month = income / 12
    p = F(points)
    tax, tax_how = _tax(month, year, p)
    sur = SURTAX[1] * max(income - SURTAX[0], F(0))
    ni, ni_how = _band(month, year, NI)
    health, health_how = _band(month, year, HEALTH)
    exact = {"income_tax": tax, "surtax": sur, "national_insurance": ni, "health_tax": health}
    return {
        "name": f"{year} salary {float(salary):,.2f} equity {float(equity):,.2f} points {points}",
        "salary": float(salary),
        "equity": float(equity),
        "options": {"credit_points": float(p)},
        "expected": {k: _agora(v) for k, v in exact.items()},
        "exact": {k: _exact(v) for k, v in exact.items()},
        "how": {
            "income_tax": tax_how,
            "surtax": f"3% x max(0, {_money(income)} - 721,560) = {_money(sur)}",
            "national_insurance": ni_how,
            "health_tax": health_how,
        },
    }


# Parallel to the fixture header and write of the other oracle scripts (canada_tax_toolkit_ca_on,
# gettsim_de, lohnsteuer_bmf_de, policyengine_uk, policyengine_us): kept separate because each script
# runs by hand, alone (in its own virtual environment where it needs an oracle package).
def main() -> None:
    for year in (2025, 2026):
        cases = [_case(F(str(m)) * 12, F(0), year) for m in MONTHLY]
        cases += [_case(F(str(y)), F(0), year) for y in YEARLY]
        cases += [_case(F(s), F(e), year) for s, e in EQUITY]
        cases += [_case(F(m) * 12, F(0), year, pts) for m, pts in POINTS]
        rows = [f"to {u:,}: {r}" if u else f"above: {r}" for u, r in TABLES[year]["brackets"]]
        doc = {
            "source": "hand-built from Israel Tax Authority and Bituach Leumi published tables",
            "generated": dt.date.today().isoformat(),
            "jurisdiction": "IL",
            "year": year,
            "method": (
                "tests/oracles/hand_tables_il.py: monthly wage = yearly pay / 12; ITA "
                "monthly table with cumulative tax; credit points x 242 a month; "
                "Bituach Leumi monthly bands; monthly figures x 12; surtax yearly. "
                "Exact fractions; 'expected' rounded half up to the agora."
            ),
            "rounding": "engine must equal 'exact' within 1e-6 ILS and round to 'expected'",
            "monthly_brackets": rows,
            "contribution_band_monthly": list(TABLES[year]["band"]),
            "cases": cases,
        }
        path = OUT / f"il_{year}_hand_tables.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
        print(path, len(cases), "cases")


if __name__ == "__main__":
    main()
