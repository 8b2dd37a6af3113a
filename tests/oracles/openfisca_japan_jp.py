"""Generate JP-TOKYO oracle fixtures from openfisca-japan (run by hand, never in CI).

Usage (outside the repository's virtual environment)::

    python3 -m venv /tmp/oracle-openfisca-japan
    /tmp/oracle-openfisca-japan/bin/pip install openfisca-japan==2.2.0
    /tmp/oracle-openfisca-japan/bin/python tests/oracles/openfisca_japan_jp.py tests/tax/fixtures

It writes ``jp_tokyo_<year>_openfisca_japan.yaml`` for 2025 and 2026.  Each case records the raw
oracle value of every line (openfisca-japan defaults, household of one person) and the corrected
value the tests assert, with the corrections listed in the file header.  Known faults of
openfisca-japan 2.2.0 corrected here, each with its official source:

1. 国民年金 is on by default: switched off (an employee is in 厚生年金; 国民年金法 第7条第1項第2号).
2. 健康保険料率 is a flat 10% and 介護 1.6% for all months; 雇用保険 5.5/1000 before April 2026: the
   oracle is re-run month by month with a parameter reform carrying the 協会けんぽ 東京支部 rates
   (9.98% / 9.91% from March 2025 / 9.85% from March 2026; 介護 1.60 / 1.59 / 1.62%) and the
   雇用保険 一般の事業 employee rates (6 / 5.5 / 5 per 1000 from each April).
3. 標準報酬月額 is salary / 12 clipped, not the grade table; it also counts equity income:
   the official grade (協会けんぽ 保険料額表, 日本年金機構 厚生年金保険料額表) of salary / 12
   is injected and the social-insurance runs use the cash salary only.
4. No rounding of the employee half (50銭以下切捨て, 50銭超切上げ): applied to each month.
5. 子ども・子育て支援金 (0.23% from the April 2026 premium, 協会けんぽ) is missing: added by hand.
6. 給与所得控除 is the pre-2025 formula (minimum 550,000) without 所得税法 別表第五: the 令和7/8年度
   reform amount (minimum 650,000 / 740,000, revenue rounded down to 4,000 below 6.6M) is injected.
7. 2026 基礎控除 uses the 2025 tiers: the 令和8年度改正 tiers (1,040,000 / 670,000 /
   620,000) are injected.
8. No statutory rounding: 課税所得 is made a multiple of 1,000 (by adding the remainder to
   the injected 所得控除 / 住民税所得控除, 国税通則法 第118条, 地方税法 第20条の4の2),
   所得税+復興特別所得税 is rounded down to 100 yen (国税通則法 第119条) and 都民税 /
   特別区民税 所得割 each to 100 yen.
9. 調整控除 has no floor: at least 2,500 when 合計所得金額 <= 25M (地方税法 第37条, 第314条の6).
10. 住民税 非課税限度額 (合計所得金額 <= 450,000 in the special wards) not applied: lines set to 0.
11. 社会保険料納付条件 applies the 短時間労働者 monthly-wage test (88,000) to everyone: a full-time
    employee is insured whatever the pay (健康保険法 第3条第1項第9号 concerns part-timers only), so
    the condition is injected as true.
"""

from __future__ import annotations

import datetime as dt
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np
import yaml
from openfisca_core import periods
from openfisca_core.reforms import Reform
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_japan import CountryTaxBenefitSystem

ORACLE = "openfisca-japan"
HEALTH = {dt.date(2024, 3, 1): 0.0998, dt.date(2025, 3, 1): 0.0991, dt.date(2026, 3, 1): 0.0985}
CARE = {dt.date(2024, 3, 1): 0.0160, dt.date(2025, 3, 1): 0.0159, dt.date(2026, 3, 1): 0.0162}
EMPLOYMENT = {dt.date(2024, 4, 1): 0.006, dt.date(2025, 4, 1): 0.0055, dt.date(2026, 4, 1): 0.005}
CHILD_SUPPORT = {dt.date(2024, 1, 1): 0.0, dt.date(2026, 4, 1): 0.0023}
HEALTH_LOWER = [
    0,
    63000,
    73000,
    83000,
    93000,
    101000,
    107000,
    114000,
    122000,
    130000,
    138000,
    146000,
    155000,
    165000,
    175000,
    185000,
    195000,
    210000,
    230000,
    250000,
    270000,
    290000,
    310000,
    330000,
    350000,
    370000,
    395000,
    425000,
    455000,
    485000,
    515000,
    545000,
    575000,
    605000,
    635000,
    665000,
    695000,
    730000,
    770000,
    810000,
    855000,
    905000,
    955000,
    1005000,
    1055000,
    1115000,
    1175000,
    1235000,
    1295000,
    1355000,
]
HEALTH_STD = [
    58000,
    68000,
    78000,
    88000,
    98000,
    104000,
    110000,
    118000,
    126000,
    134000,
    142000,
    150000,
    160000,
    170000,
    180000,
    190000,
    200000,
    220000,
    240000,
    260000,
    280000,
    300000,
    320000,
    340000,
    360000,
    380000,
    410000,
    440000,
    470000,
    500000,
    530000,
    560000,
    590000,
    620000,
    650000,
    680000,
    710000,
    750000,
    790000,
    830000,
    880000,
    930000,
    980000,
    1030000,
    1090000,
    1150000,
    1210000,
    1270000,
    1330000,
    1390000,
]


def corrections() -> list[str]:
    """The numbered corrections of the module docstring, one string each."""
    items: list[str] = []
    for line in (__doc__ or "").split("\n"):
        head = line.split(".", 1)[0]
        if head.isdigit():
            items.append(line.split(".", 1)[1].strip())
        elif items and line.startswith("   ") and line.strip():
            items[-1] += " " + line.strip()
        elif items and not line.strip():
            break
    return items


def at(table: dict[dt.date, float], day: dt.date) -> float:
    return table[max(d for d in table if d <= day)]


def health_grade(monthly: float) -> float:
    return float(HEALTH_STD[int(np.searchsorted(HEALTH_LOWER, monthly, side="right")) - 1])


def pension_grade(monthly: float) -> float:
    return float(min(max(health_grade(monthly), 88000.0), 650000.0))


def half_round(x: float) -> float:
    """Employee share rounding: 50銭以下切捨て, 50銭超切上げ (on the exact amount in sen)."""
    sen = round(x * 100, 6)
    yen, rest = divmod(sen, 100)
    return float(yen + (1 if rest > 50 else 0))


def employment_income(revenue: float, year: int) -> float:
    """給与所得 after the 令和7/8年度 reform and 所得税法 別表第五 (NTA No.1410)."""
    x = float(np.floor(revenue))
    minimum = 650000.0 if year == 2025 else 740000.0

    def formula(r: float) -> float:
        if r < 3_600_000:
            return 0.3 * r + 80_000
        if r < 6_600_000:
            return 0.2 * r + 440_000
        if r < 8_500_000:
            return 0.1 * r + 1_100_000
        return 1_950_000.0

    if formula(x) > minimum and x < 6_600_000:
        x = float(np.floor(x / 4000) * 4000)
    return max(x - float(np.floor(max(minimum, formula(x)))), 0.0)


def basic_deduction_2026(total: float) -> float:
    for up_to, amount in (
        (4_890_000, 1_040_000),
        (6_550_000, 670_000),
        (23_500_000, 620_000),
        (24_000_000, 480_000),
        (24_500_000, 320_000),
        (25_000_000, 160_000),
    ):
        if total <= up_to:
            return float(amount)
    return 0.0


class KyokaiTokyo(Reform):
    """Correction 2: 協会けんぽ 東京支部 and 雇用保険 rates by month."""

    def apply(self) -> None:
        def modify(parameters):  # type: ignore[no-untyped-def]
            for table, node in (
                (HEALTH, parameters.社会保険料.健康保険料率),
                (CARE, parameters.社会保険料.介護保険料率),
                (EMPLOYMENT, parameters.社会保険料.雇用保険料率),
            ):
                for day in sorted(table):  # each value holds from its date onwards
                    node.update(start=periods.period(day.isoformat()), value=table[day])
            return parameters

        self.modify_parameters(modifier_function=modify)


def simulate(tbs, people: list[dict], day: str):  # type: ignore[no-untyped-def]
    members = {f"p{i}": {k: {day: v} for k, v in person.items()} for i, person in enumerate(people)}
    households = {f"h{i}": {"親一覧": [f"p{i}"]} for i in range(len(people))}
    return SimulationBuilder().build_from_entities(tbs, {"世帯員": members, "世帯一覧": households})


def cases() -> list[tuple[float, float, int]]:
    salaries = [
        1_000_000,
        1_100_000,
        1_150_000,
        1_200_000,
        1_500_000,
        1_900_000,
        2_000_000,
        2_200_000,
        2_500_000,
        3_000_000,
        3_600_000,
        4_000_000,
        4_500_000,
        4_750_000,
        5_000_000,
        5_500_000,
        6_000_000,
        6_600_000,
        6_650_000,
        6_700_000,
        7_000_000,
        7_620_000,
        8_000_000,
        8_500_000,
        8_600_000,
        9_000_000,
        10_000_000,
        11_000_000,
        11_500_000,
        12_000_000,
        13_000_000,
        14_000_000,
        15_000_000,
        16_260_000,
        17_000_000,
        18_000_000,
        20_000_000,
        22_000_000,
        24_000_000,
        25_000_000,
        25_400_000,
        25_500_000,
        25_900_000,
        26_000_000,
        26_400_000,
        26_500_000,
        26_900_000,
        27_000_000,
        30_000_000,
        35_000_000,
        40_000_000,
        45_000_000,
        50_000_000,
        60_000_000,
        100_000_000,
    ]
    out = [(float(s), 0.0, 35) for s in salaries]
    out += [
        (3e6, 1e6, 35),
        (6e6, 1e6, 35),
        (8e6, 2e6, 35),
        (12e6, 5e6, 35),
        (14e6, 3e6, 35),
        (17e6, 10e6, 35),
        (20e6, 20e6, 35),
        (25e6, 1e6, 35),
    ]
    out += [(6e6, 0.0, 45), (10e6, 0.0, 45), (17e6, 0.0, 45), (30e6, 0.0, 45), (14e6, 3e6, 45)]
    return out


def generate(year: int) -> dict:  # type: ignore[type-arg]
    base = CountryTaxBenefitSystem()
    fixed = KyokaiTokyo(base)
    grid = cases()
    day = f"{year}-07-01"
    people = [{"収入": s + e, "年齢": a} for s, e, a in grid]

    # Raw run: openfisca-japan exactly as shipped (国民年金 on by default).
    raw_sim = simulate(base, people, day)
    raw = {
        name: raw_sim.calculate(var, day)
        for name, var in (
            ("income_tax", "基準所得税額"),
            ("reconstruction_tax", "復興特別所得税"),
            ("resident_tax_income_levy", "住民税所得割"),
            ("resident_tax_per_capita", "住民税均等割"),
            ("health_insurance", "健康保険料"),
            ("long_term_care_insurance", "介護保険料"),
            ("employees_pension", "厚生年金保険料"),
            ("employment_insurance", "雇用保険料"),
            ("national_pension", "国民年金保険料"),
        )
    }

    # Corrections 1-5: social insurance month by month on the cash salary.
    n = len(grid)
    social = {
        k: np.zeros(n)
        for k in (
            "health_insurance",
            "long_term_care_insurance",
            "child_support_levy",
            "employees_pension",
            "employment_insurance",
        )
    }
    for month in range(1, 13):
        mday = dt.date(year, month, 1)
        month_people = []
        for s, _e, a in grid:
            month_people.append(
                {
                    "収入": s,
                    "年齢": a,
                    "国民年金保険に加入している": False,
                    "社会保険料納付条件": True,
                    "標準報酬月額_健康保険料": health_grade(s / 12),
                    "標準報酬月額_厚生年金保険料": pension_grade(s / 12),
                }
            )
        sim = simulate(fixed, month_people, mday.isoformat())
        h = sim.calculate("健康保険料", mday.isoformat()) / 12
        c = sim.calculate("介護保険料", mday.isoformat()) / 12
        p = sim.calculate("厚生年金保険料", mday.isoformat()) / 12
        w = sim.calculate("雇用保険料", mday.isoformat()) / 12
        k_rate = at(CHILD_SUPPORT, mday)
        for i, (s, _e, _a) in enumerate(grid):
            hr = half_round(float(h[i]))
            social["health_insurance"][i] += hr
            social["long_term_care_insurance"][i] += half_round(float(h[i] + c[i])) - hr
            social["employees_pension"][i] += half_round(float(p[i]))
            social["employment_insurance"][i] += half_round(float(w[i]))
            social["child_support_levy"][i] += half_round(health_grade(s / 12) * k_rate / 2)
    social_total = sum(social.values())

    # Corrections 6-7: injected 給与所得控除, 社会保険料控除 and (2026) 基礎控除.
    tax_people = []
    for i, (s, e, a) in enumerate(grid):
        person = {
            "収入": s + e,
            "年齢": a,
            "国民年金保険に加入している": False,
            "給与所得控除額": (s + e) - employment_income(s + e, year),
            "社会保険料控除": float(social_total[i]),
        }
        if year == 2026:
            person["基礎控除"] = basic_deduction_2026(employment_income(s + e, year))
        tax_people.append(person)
    first = simulate(fixed, tax_people, day)
    # OpenFisca stores floats as float32: take whole yen in float64 before any arithmetic.
    total_income = np.round(first.calculate("合計所得金額", day).astype(np.float64))
    deductions = np.round(first.calculate("所得控除", day).astype(np.float64))
    resident_deductions = np.round(first.calculate("住民税所得控除", day).astype(np.float64))
    # Correction 8: taxable incomes made multiples of 1,000 by the injected totals.
    for i, person in enumerate(tax_people):
        person["所得控除"] = float(deductions[i] + max(total_income[i] - deductions[i], 0) % 1000)
        person["住民税所得控除"] = float(
            resident_deductions[i] + max(total_income[i] - resident_deductions[i], 0) % 1000
        )
    second = simulate(fixed, tax_people, day)
    base_tax = np.round(second.calculate("基準所得税額", day).astype(np.float64))
    reconstruction = second.calculate("復興特別所得税", day).astype(np.float64)
    adjustment = second.calculate("調整控除", day).astype(np.float64)
    injected = np.array([p["住民税所得控除"] for p in tax_people])
    resident_taxable = np.maximum(total_income - injected, 0)
    per_capita = second.calculate("住民税均等割", day)

    out_cases = []
    for i, (s, e, a) in enumerate(grid):
        total = float(np.floor((base_tax[i] + reconstruction[i]) / 100 + 1e-9) * 100)
        income_tax = min(float(base_tax[i]), total)
        adj = float(adjustment[i])
        if total_income[i] <= 25_000_000 and resident_taxable[i] > 2_000_000:
            adj = max(adj, 2500.0)  # correction 9
        t = float(resident_taxable[i])
        levy = (
            np.floor(max(t * 0.04 - adj * 0.4, 0) / 100 + 1e-9) * 100
            + np.floor(max(t * 0.06 - adj * 0.6, 0) / 100 + 1e-9) * 100
        )
        pc = float(per_capita[i])
        if total_income[i] <= 450_000:  # correction 10
            levy, pc = 0.0, 0.0
        expected = {
            "income_tax": income_tax,
            "reconstruction_tax": total - income_tax,
            "resident_tax_income_levy": float(levy),
            "resident_tax_per_capita": pc,
            **{k: float(v[i]) for k, v in social.items()},
        }
        name = f"salary {s:,.0f}" + (f" + equity {e:,.0f}" if e else "") + f", age {a}"
        out_cases.append(
            {
                "name": name,
                "salary": s,
                "equity": e,
                "age": a,
                "expected": expected,
                "raw": {k: round(float(v[i]), 2) for k, v in raw.items()},
            }
        )
    return {
        "oracle": ORACLE,
        "oracle_version": version("openfisca-japan"),
        "openfisca_core_version": version("openfisca-core"),
        "generated": dt.date.today().isoformat(),
        "jurisdiction": "JP-TOKYO",
        "year": year,
        "tolerance_jpy": 1000,
        "corrections": corrections(),
        "cases": out_cases,
    }


def main(out_dir: str) -> None:
    for year in (2025, 2026):
        data = generate(year)
        path = Path(out_dir) / f"jp_tokyo_{year}_openfisca_japan.yaml"
        header = (
            f"# JP-TOKYO {year} fixtures from {ORACLE} {data['oracle_version']}\n"
            f"# (openfisca-core {data['openfisca_core_version']}), generated {data['generated']}\n"
            "# by tests/oracles/openfisca_japan_jp.py. 'raw' = oracle as shipped;\n"
            "# 'expected' = oracle re-run with the corrections listed in 'corrections'.\n"
        )
        body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        path.write_text(header + body, encoding="utf-8")
        print(path, len(data["cases"]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/tax/fixtures")
