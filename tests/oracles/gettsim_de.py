"""Generate DE fixtures from GETTSIM (run by hand, never in CI).

Usage, from the repository root, in a virtual environment outside the repo::

    python3 -m venv /tmp/oracle-gettsim
    /tmp/oracle-gettsim/bin/pip install gettsim==1.3.1 pyyaml
    /tmp/oracle-gettsim/bin/python tests/oracles/gettsim_de.py

It writes ``tests/tax/fixtures/de_<year>_gettsim.yaml`` for 2025 and 2026: Lohnsteuer
(Steuerklasse I), Solidaritätszuschlag and the four employee contributions for one
single employee per case, over a grid of yearly pay across the minijob and midijob
limits, the contribution ceilings, the tax zones and the Soli Freigrenze, plus cases
with RSU vests, another Zusatzbeitrag, a child, and an employee under 23.

GETTSIM has no input for a sonstiger Bezug: an RSU vest is Arbeitslohn and einmalig
gezahltes Arbeitsentgelt, so the oracle is given salary + equity as ``bruttolohn_y``.
GETTSIM has no Kirchensteuer; that line is tested with fixed cases instead.
"""

from __future__ import annotations

import datetime as dt
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from gettsim import InputData, TTTargets, main

OUT = Path(__file__).resolve().parents[1] / "tax" / "fixtures"
AVERAGE_ZUSATZBEITRAG = {2025: 0.025, 2026: 0.029}
MINIJOB_YEAR = {2025: 556 * 12, 2026: 603 * 12}

SALARIES = [
    0,
    3_000,
    6_000,
    6_672,
    6_700,
    7_236,
    7_300,
    8_000,
    10_000,
    12_000,
    13_000,
    14_000,
    15_000,
    16_000,
    18_000,
    20_000,
    22_000,
    23_999,
    24_000,
    24_001,
    25_000,
    28_000,
    30_000,
    33_333.33,
    35_000,
    40_000,
    45_000,
    47_123.45,
    50_000,
    55_000,
    60_000,
    65_000,
    66_150,
    69_750,
    70_000,
    72_000,
    74_000,
    75_000,
    76_000,
    78_000,
    80_000,
    82_000,
    85_000,
    90_000,
    95_000,
    96_600,
    100_000,
    101_400,
    105_000,
    110_000,
    120_000,
    130_000,
    140_000,
    150_000,
    175_000,
    200_000,
    250_000,
    300_000,
    350_000,
    400_000,
    500_000,
    1_000_000,
]
EQUITY = [(40_000, 10_000), (60_000, 20_000), (70_000, 30_000), (90_000, 40_000), (120_000, 100_000)]
# (salary, options) with options as the engine takes them.
OPTIONS: list[tuple[float, dict[str, Any]]] = [
    (45_000, {"kv_zusatzbeitrag": 0.017}),
    (80_000, {"kv_zusatzbeitrag": 0.035}),
    (40_000, {"children": 1}),
    (60_000, {"children": 1}),
    (30_000, {"age": 22}),
    (52_000, {"age": 22}),
]

LINES = {
    "lohnsteuer": ("lohnsteuer", "betrag_y"),
    "solidaritaetszuschlag": ("lohnsteuer", "betrag_soli_y"),
    "krankenversicherung": ("sozialversicherung", "kranken", "beitrag", "betrag_versicherter_y"),
    "pflegeversicherung": ("sozialversicherung", "pflege", "beitrag", "betrag_versicherter_y"),
    "rentenversicherung": ("sozialversicherung", "rente", "beitrag", "betrag_versicherter_y"),
    "arbeitslosenversicherung": ("sozialversicherung", "arbeitslosen", "beitrag", "betrag_versicherter_y"),
}

# § 32a Abs. 1 EStG as amended by the Steuerfortentwicklungsgesetz (BGBl. 2024 I Nr. 449):
# zone bounds and coefficients, written out here to correct GETTSIM's Lohnsteuer.
# The 2025 and 2026 rows are parallel (zone bounds and coefficients of § 32a in one shape): kept
# one row per year because each is that year's law.
TARIF = {
    2025: (
        (12_096, 17_443, 68_480, 277_825),
        (932.30, 1_400),
        (176.64, 2_397, 1_015.13),
        10_911.92,
        19_246.67,
    ),
    2026: (
        (12_348, 17_799, 69_878, 277_825),
        (914.51, 1_400),
        (173.10, 2_397, 1_034.87),
        11_135.63,
        19_470.38,
    ),
}
TARIF_REASON = (
    "GETTSIM evaluates the tariff as a polynomial with coefficients derived from the zone "
    "slopes (off by a few cents from the published coefficients) and does not round the "
    "tax down to whole euros. Corrected to the § 32a Abs. 1 EStG formula with its "
    "published coefficients on GETTSIM's own zu versteuerndes Einkommen "
    "(lohnsteuer__einkommen_y), rounded down to whole euros (§ 32a Abs. 1 Satz 6 EStG; "
    "BMF Programmablaufplan UPTAB25/UPTAB26). Source: "
    "https://www.gesetze-im-internet.de/estg/__32a.html"
)


def tarif_32a(x: float, year: int) -> float:
    """Tax of the § 32a EStG Grundtarif on whole-euro income ``x``, rounded down."""
    (gfb, z2, z3, z4), (a2, b2), (a3, b3, c3), c4, c5 = TARIF[year]
    x = float(int(x))
    if x <= gfb:
        return 0.0
    if x <= z2:
        y = (x - gfb) / 10_000
        return float(int((a2 * y + b2) * y + 1e-9))
    if x <= z3:
        y = (x - z2) / 10_000
        return float(int((a3 * y + b3) * y + c3 + 1e-9))
    if x <= z4:
        return float(int(0.42 * x - c4 + 1e-9))
    return float(int(0.45 * x - c5 + 1e-9))


MINIJOB_REASON = (
    "GETTSIM gives a minijob employee no pension contribution. A minijob is subject to "
    "pension insurance unless the employee applies for exemption (§ 6 Abs. 1b SGB VI); "
    "the employee then pays the difference between the full rate 18.6% and the "
    "employer's flat 15% (§ 168 Abs. 1 Nr. 1b SGB VI), i.e. 3.6% of pay. Corrected to 3.6% "
    "of pay (the 175 EUR minimum base is not modelled). Source: "
    "https://www.gesetze-im-internet.de/sgb_6/__6.html, "
    "https://www.minijob-zentrale.de/DE/die-minijobs/gewerbliche-minijobs/"
)


def _cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = [{"salary": s, "equity": 0, "options": {}} for s in SALARIES]
    cases += [{"salary": s, "equity": e, "options": {}} for s, e in EQUITY]
    cases += [{"salary": s, "equity": 0, "options": o} for s, o in OPTIONS]
    return cases


def _tree(cases: list[dict[str, Any]], year: int) -> dict[str, Any]:
    n = len(cases)
    z, zb = np.zeros(n), np.zeros(n, dtype=bool)
    age = np.array([c["options"].get("age", 35) for c in cases])
    kvz = np.array([c["options"].get("kv_zusatzbeitrag", AVERAGE_ZUSATZBEITRAG[year]) for c in cases])
    kids = np.array([c["options"].get("children", 0) > 0 for c in cases])
    pay = np.array([c["salary"] + c["equity"] for c in cases], dtype=float)
    return {
        "p_id": np.arange(n),
        "hh_id": np.arange(n),
        "alter": age,
        "alter_monate": age * 12,
        "geburtsjahr": year - age,
        "geburtsmonat": np.ones(n, dtype=int),
        "arbeitsstunden_w": np.full(n, 40.0),
        "einnahmen": {
            "bruttolohn_y": pay,
            "renten": {
                "gesetzliche_m": z,
                "betriebliche_altersvorsorge_m": z,
                "aus_berufsständischen_versicherungen_m": z,
            },
        },
        "kindergeld": {"in_ausbildung": zb},
        "lohnsteuer": {"steuerklasse": np.ones(n, dtype=int)},
        "familie": {
            "p_id_elternteil_1": np.full(n, -1),
            "p_id_elternteil_2": np.full(n, -1),
            "p_id_ehepartner": np.full(n, -1),
        },
        "einkommensteuer": {
            "einkünfte": {
                "ist_hauptberuflich_selbstständig": zb,
                "aus_selbstständiger_arbeit": {"betrag_y": z},
            }
        },
        "sozialversicherung": {
            "kranken": {
                "beitrag": {
                    "privat_versichert": zb,
                    "beitrag_private_basiskrankenversicherung_abzüglich_arbeitgeberanteil_y": z,
                    "zusatzbeitragssatz": kvz,
                }
            },
            "pflege": {"beitrag": {"hat_kinder": kids}},
        },
    }


def _targets() -> dict[str, Any]:
    out: dict[str, Any] = {"lohnsteuer": {"einkommen_y": None}}
    for path in LINES.values():
        node = out
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = None
    return out


def _run(year: int, cases: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    df = main(
        main_target="results__df_with_nested_columns",
        input_data=InputData.tree(_tree(cases, year)),
        policy_date_str=f"{year}-01-01",
        tt_targets=TTTargets.tree(_targets()),
        rounding=True,
        backend="numpy",
        include_warn_nodes=False,
    )
    flat = {
        "__".join(str(k) for k in col if k not in ("", None) and str(k) != "nan"): df[col]
        for col in df.columns
    }
    rows, corrections = [], []
    for i, case in enumerate(cases):
        name = f"{case['salary']:,} salary"
        if case["equity"]:
            name += f" + {case['equity']:,} RSU"
        for key, value in case["options"].items():
            name += f", {key} {value}"
        expected = {}
        for line, path in LINES.items():
            expected[line] = round(float(flat["__".join(path)].iloc[i]), 2)
        fixed_tax = tarif_32a(float(flat["lohnsteuer__einkommen_y"].iloc[i]), year)
        if fixed_tax != expected["lohnsteuer"]:
            corrections.append(
                {
                    "case": name,
                    "line": "lohnsteuer",
                    "raw": expected["lohnsteuer"],
                    "corrected": fixed_tax,
                    "reason": "tarif",
                }
            )
            expected["lohnsteuer"] = fixed_tax
        pay = case["salary"] + case["equity"]
        if 0 < pay <= MINIJOB_YEAR[year]:
            fixed = round(pay * 0.036, 2)
            corrections.append(
                {
                    "case": name,
                    "line": "rentenversicherung",
                    "raw": expected["rentenversicherung"],
                    "corrected": fixed,
                    "reason": "minijob",
                }
            )
            expected["rentenversicherung"] = fixed
        rows.append(
            {
                "name": name,
                "salary": case["salary"],
                "equity": case["equity"],
                "options": case["options"],
                "expected": expected,
            }
        )
    return rows, corrections


# Parallel to the fixture header and write of the other oracle scripts (canada_tax_toolkit_ca_on,
# lohnsteuer_bmf_de, policyengine_uk, policyengine_us): kept separate because each script runs by
# hand in its own virtual environment, alone.
def main_() -> None:
    cases = _cases()
    for year in (2025, 2026):
        rows, corrections = _run(year, cases)
        doc = {
            "oracle": "gettsim",
            "oracle_version": version("gettsim"),
            "generated": dt.date.today().isoformat(),
            "jurisdiction": "DE",
            "year": year,
            "tolerance": 1.0,
            "notes": [
                "Steuerklasse I, statutory health insurance, no church tax, state BE.",
                f"Zusatzbeitrag {AVERAGE_ZUSATZBEITRAG[year]} unless the case says otherwise.",
                "Oracle bruttolohn_y = salary + equity (RSU vest = Arbeitslohn and "
                "einmalig gezahltes Arbeitsentgelt).",
                "Lohnsteuer corrected to the statutory tariff rounded down to whole euros "
                "(see correction_reasons.tarif); the Soli stays GETTSIM's, worked on its "
                "unrounded Lohnsteuer (at most 0.12 EUR off).",
                "children 1 cases: GETTSIM is told hat_kinder only (no child in the data), "
                "so its Soli has no Kinderfreibetrag; these cases are chosen where the "
                "Soli is 0 either way.",
            ],
            "correction_reasons": {"tarif": TARIF_REASON, "minijob": MINIJOB_REASON},
            "corrections": corrections,
            "cases": rows,
        }
        path = OUT / f"de_{year}_gettsim.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
        print(path, len(rows), "cases,", len(corrections), "corrections")


if __name__ == "__main__":
    main_()
