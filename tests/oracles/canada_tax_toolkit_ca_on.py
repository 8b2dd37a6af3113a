"""Generate the CA-ON fixtures from the canada-tax-toolkit oracle.

Run by hand, never in CI, in its own virtual environment outside the repo::

    python3 -m venv /tmp/oracle-cttk
    /tmp/oracle-cttk/bin/pip install canada-tax-toolkit==0.4.0 pyyaml
    /tmp/oracle-cttk/bin/python tests/oracles/canada_tax_toolkit_ca_on.py

It writes ``tests/tax/fixtures/ca_on_<year>_canada_tax_toolkit.yaml`` for 2025
and 2026.  The oracle's ``take_home`` takes one employment income; cases with equity
income split it into salary and RSU vest: both are employment income (T4 box 14), taxed
and pensionable, but the vest, a security option benefit, is not insurable (SOR/97-33
s. 2(3)(a); CRA, withholding on security options), so those cases are computed from the
oracle's own parts as its ``take_home`` combines them, with EI on the salary alone (and
its credit).

Known oracle fault, corrected in the fixture: canada-tax-toolkit 0.4.0 omits
the Ontario LIFT credit (Schedule ON428-A, line 62140).  The corrected Ontario
tax is ``max(0, oracle - LIFT)`` with LIFT = min(875, 5.05% x employment income)
- 5% x (net income - 32,500), floored at 0 (Ontario Ministry of Finance, *Low-
income Individuals and Families Tax Credit*, 2022 onward).  Each corrected case
keeps the raw oracle value under ``oracle_raw``.
"""

from __future__ import annotations

import datetime as dt
from importlib.metadata import version
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parents[2] / "tests" / "tax" / "fixtures"
LINES = ("federal_income_tax", "ontario_income_tax", "ontario_health_premium", "cpp", "cpp2", "ei")
LIFT_SOURCE = (
    "Ontario LIFT credit missing from the oracle; corrected per ontario.ca 'Low-income "
    "Individuals and Families Tax Credit' (2022 onward) and CRA Schedule ON428-A"
)

# The 2025 and 2026 lists are parallel (the same fixed incomes, 20,000 to 50,000, 72,000, 150,000,
# 200,000...): kept one list per year because the edges beside them are that year's figures.
EDGES = {
    2025: [
        3500,
        12747,
        16129,
        20000,
        25000,
        32500,
        36000,
        38500,
        48000,
        48600,
        50000,
        52886,
        57375,
        65700,
        71300,
        72000,
        72600,
        81200,
        105775,
        114750,
        150000,
        177882,
        200000,
        200600,
        220000,
        253414,
    ],
    2026: [
        3500,
        12989,
        16452,
        20000,
        25000,
        32500,
        36000,
        38500,
        48000,
        48600,
        50000,
        53891,
        58523,
        68900,
        74600,
        72000,
        72600,
        85000,
        107785,
        117045,
        150000,
        181440,
        200000,
        200600,
        220000,
        258482,
    ],
}
GRID = [
    0,
    1000,
    5000,
    10000,
    15000,
    18000,
    22000,
    28000,
    30000,
    34000,
    40000,
    45000,
    55000,
    60000,
    75000,
    90000,
    100000,
    120000,
    135000,
    160000,
    185000,
    210000,
    240000,
    275000,
    300000,
    400000,
    500000,
    750000,
    1000000,
]
# (salary, equity) pairs: RSU vests on top of salary, across the payroll caps.
EQUITY = [(60000, 20000), (90000, 60000), (150000, 100000), (40000, 5000), (250000, 250000)]


def _lift(employment: float, net: float) -> float:
    top = min(875.0, 0.0505 * employment)
    return max(0.0, top - 0.05 * max(0.0, net - 32500.0))


def _take_home(salary: float, equity: float, year: int) -> dict:
    """The oracle's ``take_home`` on salary + equity, with EI on the salary alone."""
    from canadatax import (  # the oracle, installed only in its own venv
        canada_employment_amount,
        cpp_contributions,
        ei_premium,
        take_home,
        total_tax,
    )

    total = salary + equity
    if equity == 0:
        return take_home(total, year)
    c = cpp_contributions(total, year)
    ei = ei_premium(salary, year)  # the equity is not insurable
    taxable = round(total - c["enhanced"] - c["cpp2"], 2)
    t = total_tax(
        taxable,
        year,
        other_credits=c["base"] + ei,
        federal_only_credits=canada_employment_amount(total, year),
    )
    return {**t, "taxable_income": taxable, "cpp": c["cpp"], "cpp2": c["cpp2"], "ei": ei}


def _case(salary: float, equity: float, year: int) -> dict:
    total = salary + equity
    r = _take_home(salary, equity, year)
    expected = {
        name: float(r[key])
        for name, key in zip(
            LINES, ("federal", "ontario", "ontario_health_premium", "cpp", "cpp2", "ei"), strict=True
        )
    }
    case: dict = {
        "name": f"{year} salary {salary:,.2f} equity {equity:,.2f}",
        "salary": float(salary),
        "equity": float(equity),
        "expected": expected,
    }
    credit = _lift(total, float(r["taxable_income"]))
    corrected = round(max(0.0, expected["ontario_income_tax"] - credit), 2)
    if corrected != expected["ontario_income_tax"]:
        case["oracle_raw"] = {"ontario_income_tax": expected["ontario_income_tax"]}
        case["correction"] = LIFT_SOURCE
        expected["ontario_income_tax"] = corrected
    return case


# Parallel to the fixture header and write of the other oracle scripts (gettsim_de,
# lohnsteuer_bmf_de, policyengine_uk, policyengine_us, hand_tables_il): kept separate because each
# script runs by hand in its own virtual environment, alone.
def main() -> None:
    ver = version("canada-tax-toolkit")
    for year in (2025, 2026):
        incomes = sorted({float(x) for x in GRID + EDGES[year]} | {float(x) + 0.01 for x in EDGES[year]})
        cases = [_case(x, 0.0, year) for x in incomes]
        cases += [_case(float(s), float(e), year) for s, e in EQUITY]
        doc = {
            "oracle": "canada-tax-toolkit",
            "oracle_version": ver,
            "generated": dt.date.today().isoformat(),
            "jurisdiction": "CA-ON",
            "year": year,
            "tolerance_cad": 1.0,
            "note": (
                "Generated by tests/oracles/canada_tax_toolkit_ca_on.py (run by hand). "
                "Amounts are yearly CAD withheld per line; equity cases give the oracle "
                "salary + equity as one employment income, EI on the salary alone (the "
                "equity is not insurable)."
            ),
            "cases": cases,
        }
        path = OUT / f"ca_on_{year}_canada_tax_toolkit.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
        print(path, len(cases), "cases")


if __name__ == "__main__":
    main()
