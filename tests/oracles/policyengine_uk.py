"""Generate GB-ENG fixtures from PolicyEngine UK (run by hand, never in CI).

Usage, from the repository root, in a virtual environment outside the repo::

    python3 -m venv /tmp/oracle-pe-uk
    /tmp/oracle-pe-uk/bin/pip install policyengine-uk==2.162.10 pyyaml
    /tmp/oracle-pe-uk/bin/python tests/oracles/policyengine_uk.py

It writes ``tests/tax/fixtures/gb_eng_<year>_policyengine_uk.yaml`` for 2025 (2025/26)
and 2026 (2026/27): one case per income on a grid across every band and taper edge,
some with RSU vest income, some above State Pension age.  PolicyEngine has no separate
RSU input: an RSU vest is employment income, so the oracle is given salary + equity as
``employment_income`` (HMRC ERSM20192).

PolicyEngine works employee NI on annual thresholds (12,570 / 50,270); the engine works
twelve monthly earnings periods (1,048 / 4,189 a month), which is up to 0.60 GBP lower.
That is a modelling difference inside the 1 GBP tolerance, not an oracle fault, so the
raw values are kept.
"""

from __future__ import annotations

import datetime as dt
import sys
from importlib.metadata import version
from pathlib import Path

# This script shares its name with the package it drives: keep its own folder off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

import yaml  # noqa: E402
from policyengine_uk import Simulation  # noqa: E402

ORACLE = "policyengine-uk"
OUT = Path(__file__).resolve().parents[1] / "tax" / "fixtures"

SALARIES = [
    0,
    1_000,
    6_500,
    12_569,
    12_570,
    12_571,
    12_576,
    12_577,
    15_000,
    20_000,
    25_000,
    30_000,
    33_333,
    37_700,
    40_000,
    45_000,
    47_123.45,
    50_000,
    50_268,
    50_270,
    50_271,
    55_000,
    60_000,
    62_500.5,
    70_000,
    80_000,
    90_000,
    99_999,
    100_000,
    100_001,
    100_002,
    101_234.57,
    105_000,
    110_000,
    115_000,
    120_000,
    125_000,
    125_139,
    125_140,
    125_141,
    130_000,
    140_000,
    150_000,
    175_000,
    187_654.32,
    200_000,
    250_000,
    300_000,
    400_000,
    500_000,
    750_000,
    1_000_000,
    2_000_000,
]
# (salary, equity) pairs: RSU vests on top of salary, across the taper and the UEL.
EQUITY = [
    (40_000, 10_000),
    (60_000, 20_000),
    (90_000, 35_000),
    (120_000, 40_000),
    (200_000, 100_000),
    (10_000, 5_000),
]
# (salary, age): employees at and above State Pension age pay no employee NI.
AGES = [(50_000, 66), (30_000, 70), (80_000, 65), (150_000, 67)]


WFP_REASON = (
    "PolicyEngine's income_tax adds the Winter Fuel Payment charge (from winter 2025/26 a "
    "pensioner with income over 35,000 GBP repays the 200/300 GBP payment through tax). "
    "It recovers a benefit the person received, not tax on pay, so the fixture uses "
    "income_tax_before_winter_fuel_payment_charge. Source: GOV.UK, Winter Fuel Payment, "
    "https://www.gov.uk/winter-fuel-payment"
)


def _cases() -> list[dict]:
    cases = [{"salary": s, "equity": 0, "age": 35} for s in SALARIES]
    cases += [{"salary": s, "equity": e, "age": 35} for s, e in EQUITY]
    cases += [{"salary": s, "equity": 0, "age": a} for s, a in AGES]
    return cases


def _run(year: int, cases: list[dict]) -> list[dict]:
    people, benunits, households = {}, {}, {}
    for i, c in enumerate(cases):
        p = f"p{i}"
        people[p] = {
            "age": {year: c["age"]},
            "employment_income": {year: c["salary"] + c["equity"]},
        }
        benunits[f"b{i}"] = {"members": [p]}
        households[f"h{i}"] = {"members": [p], "region": {year: "LONDON"}}
    sim = Simulation(situation={"people": people, "benunits": benunits, "households": households})
    raw_tax = sim.calculate("income_tax", year)
    tax = sim.calculate("income_tax_before_winter_fuel_payment_charge", year)
    ni = sim.calculate("ni_class_1_employee", year)
    out, corrections = [], []
    for c, r, t, n in zip(cases, raw_tax, tax, ni, strict=True):
        name = f"{c['salary']:,} salary"
        if c["equity"]:
            name += f" + {c['equity']:,} RSU"
        if c["age"] != 35:
            name += f", age {c['age']}"
        if round(float(r), 2) != round(float(t), 2):
            corrections.append(
                {
                    "case": name,
                    "line": "income_tax",
                    "raw": round(float(r), 2),
                    "corrected": round(float(t), 2),
                    "reason": WFP_REASON,
                }
            )
        out.append(
            {
                "name": name,
                "salary": c["salary"],
                "equity": c["equity"],
                "options": {"age": c["age"]},
                "expected": {"income_tax": round(float(t), 2), "employee_ni": round(float(n), 2)},
            }
        )
    return out, corrections


def main() -> None:
    cases = _cases()
    for year in (2025, 2026):
        doc = {
            "oracle": ORACLE,
            "oracle_version": version("policyengine-uk"),
            "generated": dt.date.today().isoformat(),
            "jurisdiction": "GB-ENG",
            "year": year,
            "tax_year": f"{year}/{str(year + 1)[2:]} (6 April {year} to 5 April {year + 1})",
            "tolerance": 1.0,
            "notes": [
                "Region LONDON (England), single adult, no other income.",
                "Oracle input employment_income = salary + equity (RSU vests are "
                "employment income, HMRC ERSM20192).",
                "Oracle NI uses annual thresholds; the engine uses 12 monthly earnings "
                "periods (up to 0.60 GBP lower); kept as raw values.",
            ],
        }
        rows, corrections = _run(year, cases)
        doc["corrections"] = corrections
        doc["cases"] = rows
        path = OUT / f"gb_eng_{year}_policyengine_uk.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
        print(path, len(doc["cases"]))


if __name__ == "__main__":
    main()
