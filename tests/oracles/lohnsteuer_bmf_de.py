"""Generate DE 2026 withholding fixtures from lohnsteuer-bmf (run by hand, never in CI).

A second, independent implementation of the BMF Programmablaufplan 2026 that also
covers the Kirchensteuer and child allowances, which GETTSIM does not.  Usage, from the
repository root, in a virtual environment outside the repo::

    python3 -m venv /tmp/oracle-lstbmf
    /tmp/oracle-lstbmf/bin/pip install lohnsteuer-bmf==2026.3 pyyaml
    /tmp/oracle-lstbmf/bin/python tests/oracles/lohnsteuer_bmf_de.py

It writes ``tests/tax/fixtures/de_2026_lohnsteuer_bmf.yaml``.  The package returns
monthly amounts (LZZ 2, rounded down to cents each month); the fixture holds twelve
times them, so it may be up to 0.12 EUR below the yearly figure.

Only 2026 is generated: lohnsteuer-bmf 2026.3 applies the 2026 contribution ceilings in
its 2025 runs (checked by hand: at 396,806 EUR its 2025 Lohnsteuer is 374 EUR below the
PAP 2025 and GETTSIM, which is the 2025/2026 ceiling difference times the Vorsorge rates).
"""

from __future__ import annotations

import datetime as dt
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml
from lohnsteuer_bmf import berechne_lohnsteuer_pap

OUT = Path(__file__).resolve().parents[1] / "tax" / "fixtures"
YEAR = 2026
ZUSATZBEITRAG_PERCENT = 2.9

# Parallel to policyengine_us.py:GRID (round salaries every 5,000): kept separate because each
# script runs alone in its own environment and each grid straddles its own country's edges.
SALARIES = [
    0,
    10_000,
    14_000,
    16_000,
    18_000,
    20_000,
    25_000,
    30_000,
    35_000,
    40_000,
    45_000,
    50_000,
    55_000,
    60_000,
    65_000,
    69_750,
    70_000,
    75_000,
    80_000,
    85_000,
    90_000,
    95_000,
    100_000,
    101_400,
    110_000,
    120_000,
    135_000,
    150_000,
    175_000,
    200_000,
    250_000,
    300_000,
    400_000,
    750_000,
]
# (options as the engine takes them, arguments for lohnsteuer-bmf)
VARIANTS: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({}, {"bundesland": "Berlin", "mit_kirchensteuer": False, "kinder": 0}),
    ({"church_tax": True, "state": "BE"}, {"bundesland": "Berlin", "mit_kirchensteuer": True, "kinder": 0}),
    ({"church_tax": True, "state": "BY"}, {"bundesland": "Bayern", "mit_kirchensteuer": True, "kinder": 0}),
    (
        {"church_tax": True, "state": "BE", "children": 2},
        {"bundesland": "Berlin", "mit_kirchensteuer": True, "kinder": 2},
    ),
]


# Parallel to the fixture header and write of the other oracle scripts (canada_tax_toolkit_ca_on,
# gettsim_de, policyengine_uk, policyengine_us): kept separate because each script runs by hand in
# its own virtual environment, alone.
def main() -> None:
    rows = []
    for options, args in VARIANTS:
        for salary in SALARIES:
            r = berechne_lohnsteuer_pap(
                brutto_jahr=float(salary),
                steuerklasse=1,
                geburtsjahr=YEAR - 35,
                kv_zusatzbeitrag=ZUSATZBEITRAG_PERCENT,
                ist_sachsen=False,
                jahr=YEAR,
                **args,
            )
            expected = {
                "lohnsteuer": round(12 * r["lohnsteuer_monat"], 2),
                "solidaritaetszuschlag": round(12 * r["soli_monat"], 2),
            }
            if options.get("church_tax"):
                expected["kirchensteuer"] = round(12 * r["kirchensteuer_monat"], 2)
            name = f"{salary:,} salary" + "".join(f", {k} {v}" for k, v in options.items())
            rows.append(
                {"name": name, "salary": salary, "equity": 0, "options": options, "expected": expected}
            )
    doc = {
        "oracle": "lohnsteuer-bmf",
        "oracle_version": version("lohnsteuer-bmf"),
        "generated": dt.date.today().isoformat(),
        "jurisdiction": "DE",
        "year": YEAR,
        "tolerance": 1.0,
        "notes": [
            "Steuerklasse I, statutory health insurance, Zusatzbeitrag 2.9% (the 2026 average), age 35.",
            "Twelve times the monthly withholding (LZZ 2), each month rounded down to cents.",
            "children 2: the oracle's Kinderfreibetrag count and care reductions for two children.",
        ],
        "corrections": [],
        "cases": rows,
    }
    path = OUT / f"de_{YEAR}_lohnsteuer_bmf.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    print(path, len(rows))


if __name__ == "__main__":
    main()
