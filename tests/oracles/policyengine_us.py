"""Generate the US take-home fixtures from PolicyEngine US (run by hand, never in CI).

Set up once, outside the repository::

    python3 -m venv /tmp/oracle-pe-us
    /tmp/oracle-pe-us/bin/pip install policyengine-us==2.68.0 pyyaml
    /tmp/oracle-pe-us/bin/python tests/oracles/policyengine_us.py

It writes ``tests/tax/fixtures/us_<state>_<year>_policyengine_us.yaml`` for
US-CA, US-WA and US-NY-NYC, tax years 2025 and 2026: one single filer aged
35, no dependants, wages only, standard deduction forced (the oracle
otherwise itemises when its imputed itemised deductions are larger).

Known oracle faults are corrected in the fixture, never in the engine; each
correction keeps the raw oracle value next to the corrected one:

* CA SDI 2025: policyengine-us 2.68.0 applies 1.3 % in every year; EDD's
  rate for 2025 is 1.2 % (DE 44 California Employer's Guide 2025).
* NY supplemental tax at taxable income of exactly a recapture band's start
  (215,400, 1,077,550, 5,000,000 for a single filer): policyengine-us 2.68.0
  applies the next band's recapture there; the IT-201 worksheets apply to
  taxable income "more than" a band's start, so the band below applies.  The
  three fixture cases (salary 223,400, 1,085,550 and 5,008,000) were corrected
  by hand in the fixtures, each keeping the oracle's figure; this script does
  not make that correction, so a regenerated fixture needs it again.

Lines are taken *before refundable credits*: earned-income credits (federal
EITC, CalEITC, NY/NYC EITC) and the NYC income tax elimination credit reach a
single earner without children only at low incomes and are not modelled by
the engine.  The NYC school tax credit (fixed amount and rate reduction
amount), which every NYC resident below the income limits receives, IS part of
the engine's ``nyc_income_tax`` line, so it is subtracted here too.
"""

from __future__ import annotations

import datetime as dt
import sys
from importlib.metadata import version
from pathlib import Path

# This file shares the oracle package's name: keep its folder off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

import numpy as np  # noqa: E402
import yaml  # noqa: E402
from policyengine_us import Simulation  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "tax" / "fixtures"
YEARS = (2025, 2026)

# Incomes chosen to straddle every bracket, cap and phase-out edge (wages =
# salary + equity).  Federal: brackets at taxable income + 15,750/16,100;
# SS wage base 176,100 / 184,500; additional Medicare 200,000; CA brackets +
# 5,706 and the exemption-credit phase-out from 252,203; MHST at 1,000,000
# taxable; NY brackets + 8,000, supplemental tax from NYAGI 107,650, phase-in
# windows of 50,000 above 215,400 / 1,077,550 / 5,000,000; NY PFL wage cap.
# Parallel to lohnsteuer_bmf_de.py:SALARIES (round salaries every 5,000): kept separate because
# each script runs alone in its own environment and each grid straddles its own country's edges.
GRID = sorted(
    {
        25_000,
        27_500,
        30_000,
        35_000,
        40_000,
        45_000,
        50_000,
        55_000,
        60_000,
        64_225,
        65_000,
        70_000,
        75_000,
        78_430,
        80_000,
        85_000,
        88_650,
        90_000,
        91_373,
        95_000,
        100_000,
        105_000,
        107_650,
        110_000,
        115_000,
        120_000,
        125_000,
        130_000,
        140_000,
        150_000,
        157_650,
        160_000,
        170_000,
        176_100,
        180_000,
        184_500,
        190_000,
        200_000,
        210_000,
        213_050,
        223_400,
        230_000,
        240_000,
        250_000,
        252_203,
        257_918,
        260_000,
        265_000,
        273_400,
        280_000,
        300_000,
        350_000,
        377_185,
        400_000,
        450_000,
        500_000,
        600_000,
        650_000,
        700_000,
        750_000,
        800_000,
        1_000_000,
        1_005_706,
        1_085_550,
        1_110_550,
        1_135_550,
        1_500_000,
        2_000_000,
        5_008_000,
        5_033_000,
        6_000_000,
    }
)
# Cases with RSU income: (salary, equity).
EQUITY = [(150_000, 50_000), (185_000, 75_000), (210_000, 132_000), (120_000, 400_000)]
# Cases with the `age` option (aged deductions / senior exemption credit): wages, age.
AGED = [(40_000, 70), (90_000, 66), (150_000, 80), (260_000, 67)]

STATES = {
    "US-CA": {"state": "CA", "county": "SAN_FRANCISCO_COUNTY_CA", "file": "us_ca"},
    "US-WA": {"state": "WA", "county": "KING_COUNTY_WA", "file": "us_wa"},
    "US-NY-NYC": {"state": "NY", "county": "NEW_YORK_COUNTY_NY", "file": "us_ny_nyc"},
}

FEDERAL = {
    "federal_income_tax": "income_tax_before_refundable_credits",
    "social_security": "employee_social_security_tax",
    "medicare": "employee_medicare_tax",
    "additional_medicare": "additional_medicare_tax",
}
STATE_LINES = {
    "US-CA": {
        "ca_income_tax": "ca_income_tax_before_refundable_credits",
        "ca_sdi": "ca_employee_state_disability_insurance_contribution",
    },
    "US-WA": {
        "wa_pfml": "wa_employee_paid_leave_contribution",
        "wa_cares": "wa_employee_long_term_care_contribution",
    },
    "US-NY-NYC": {
        "ny_income_tax": "ny_income_tax_before_refundable_credits",
        "nyc_income_tax": "nyc_income_tax_before_refundable_credits",
        "ny_pfl": "ny_employee_paid_family_leave_contribution",
        "ny_dbl": "ny_employee_disability_benefits_contribution",
    },
}

# Corrections: (jurisdiction, year, line) -> (corrected rate, source).
SDI_2025 = (
    0.012,
    "EDD, 2025 SDI withholding rate 1.2 % of all wages (DE 44 California "
    "Employer's Guide 2025; https://edd.ca.gov/en/payroll_taxes/rates_and_withholding/)",
)


def situation(wages: list[float], ages: list[int], year: int, state: str, county: str) -> dict:
    """One household per wage figure, each a single filer of the given age."""
    people, units, households, families, spm, marital = {}, {}, {}, {}, {}, {}
    y = str(year)
    for i, w in enumerate(wages):
        p = f"p{i}"
        people[p] = {"age": {y: ages[i]}, "employment_income": {y: float(w)}}
        units[f"t{i}"] = {"members": [p], "tax_unit_itemizes": {y: False}}
        households[f"h{i}"] = {
            "members": [p],
            "state_name": {y: state},
            "county_str": {y: county},
        }
        families[f"f{i}"] = {"members": [p]}
        spm[f"s{i}"] = {"members": [p]}
        marital[f"m{i}"] = {"members": [p]}
    return {
        "people": people,
        "tax_units": units,
        "households": households,
        "families": families,
        "spm_units": spm,
        "marital_units": marital,
    }


def run(code: str, year: int) -> list[dict]:
    cfg = STATES[code]
    cases = [(float(g), 0.0, 35) for g in GRID] + [(float(s), float(e), 35) for s, e in EQUITY]
    cases += [(float(w), 0.0, a) for w, a in AGED]
    wages = [s + e for s, e, _ in cases]
    ages = [a for _, _, a in cases]
    sim = Simulation(situation=situation(wages, ages, year, cfg["state"], cfg["county"]))
    out: dict[str, np.ndarray] = {}
    for line, var in {**FEDERAL, **STATE_LINES[code]}.items():
        out[line] = np.asarray(sim.calculate(var, year), dtype=float)
    if code == "US-NY-NYC":
        school = np.asarray(sim.calculate("nyc_school_tax_credit", year), dtype=float)
        out["nyc_income_tax"] = np.maximum(out["nyc_income_tax"] - school, 0.0)
    rows = []
    for i, (salary, equity, age) in enumerate(cases):
        row: dict = {"salary": salary, "equity": equity, "lines": {}}
        if age != 35:
            row["options"] = {"age": age}
        for line, values in out.items():
            row["lines"][line] = round(float(values[i]), 2)
        if code == "US-CA" and year == 2025:
            rate, source = SDI_2025
            raw = row["lines"]["ca_sdi"]
            fixed = round((salary + equity) * rate, 2)
            row["lines"]["ca_sdi"] = fixed
            row["corrections"] = [{"line": "ca_sdi", "oracle": raw, "corrected": fixed, "source": source}]
        rows.append(row)
    return rows


NOTES = {
    "US-CA": [
        "2026 California brackets, standard deduction, exemption credit and its "
        "phase-out start are forecasts in both the oracle (CPI-uprated) and the "
        "engine (same uprating, rounded to whole dollars): FTB's 2026 figures "
        "were not available; these 2026 cases check the rules, not the figures.",
    ],
    "US-WA": [],
    "US-NY-NYC": [
        "nyc_income_tax = oracle nyc_income_tax_before_refundable_credits minus "
        "nyc_school_tax_credit, floored at 0. The oracle's rate reduction amount "
        "above 12,000 of taxable income starts from 20.52 (0.171 % x 12,000); the "
        "statute and the engine use 21, so the engine is 0.48 lower there "
        "(within tolerance, not corrected).",
    ],
}
COMMON_NOTES = [
    "The oracle has no separate RSU input: equity cases run with employment "
    "income = salary + equity (RSU vests are wages for every line).",
    "Lines are before refundable credits (EITCs are not modelled by the engine).",
]


# Parallel to the fixture header and write of the other oracle scripts (canada_tax_toolkit_ca_on,
# gettsim_de, lohnsteuer_bmf_de, policyengine_uk): kept separate because each script runs by hand in
# its own virtual environment, alone.
def main() -> None:
    pe_version = version("policyengine-us")
    for code, cfg in STATES.items():
        for year in YEARS:
            doc = {
                "oracle": "policyengine-us",
                "oracle_version": pe_version,
                "generated": dt.date.today().isoformat(),
                "generator": "tests/oracles/policyengine_us.py",
                "jurisdiction": code,
                "year": year,
                "household": "single filer, age 35 unless a case has options.age, no "
                "dependants, wages only, "
                "standard deduction forced (tax_unit_itemizes = false)",
                "tolerance": 1.0,
                "notes": COMMON_NOTES + NOTES[code],
                "cases": run(code, year),
            }
            path = OUT / f"{cfg['file']}_{year}_policyengine_us.yaml"
            path.write_text(yaml.safe_dump(doc, sort_keys=False, width=100), encoding="utf-8")
            print(f"wrote {path.name}: {len(doc['cases'])} cases")


if __name__ == "__main__":
    main()
