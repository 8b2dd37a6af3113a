"""Print benchmark figures: medians, ratios and the targets they answer to.

Run: ``python -m bench`` (all) or ``python -m bench schedule montecarlo import tax``
(``suite``: what the test suite's slowest fixtures cost).
Nothing here is a test: the figures are for reading, on this machine, now.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections.abc import Callable

import numpy as np

from bench.timing import median_seconds


def _median(func: Callable[[], object], repeat: int = 7) -> float:
    return median_seconds(func, repeat, warm=True)  # warm caches before timing


def _row(name: str, seconds: float, target: float | None = None, extra: str = "") -> None:
    verdict = "" if target is None else ("  ok" if seconds < target else "  OVER TARGET")
    goal = "" if target is None else f" (target < {target * 1000:,.0f} ms)"
    print(f"{name:<58} {seconds * 1000:>10.2f} ms{goal}{verdict} {extra}")


# Parallel to tests/test_properties.py:test_vectorised_schedule_equals_one_offer_at_a_time (random
# US-CA offers built with Offer.from_fields): kept separate because the benchmark times 10,000 offers
# with every equity field set, the test checks 50 against one-at-a-time.
def bench_schedule() -> None:
    from calculators.offer.model import Offer, OfferBatch, cash_schedule

    rng = np.random.default_rng(0)
    schedules = ["25/25/25/25", "5/15/40/40", "33/33/22/12", "40/30/20/10"]
    n, years = 10_000, 10
    offers = [
        Offer.from_fields(
            {
                "company": "X",
                "jurisdiction": "US-CA",
                "currency": "USD",
                "base_salary": float(rng.uniform(8e4, 4e5)),
                "annual_raise": 0.03,
                "bonus_target": 0.15,
                "sign_on": 20_000.0,
                "rsu_grant": float(rng.uniform(0, 8e5)),
                "rsu_schedule": schedules[i % 4],
                "refresher_grant": 50_000.0,
                "price_growth": 0.05,
                "option_shares": 1000.0,
                "option_price": 4.0,
                "option_strike": 1.0,
                "dilution": 0.2,
                "exit_probability": 0.3,
            }
        )
        for i in range(n)
    ]
    build = _median(lambda: OfferBatch.from_offers(offers), repeat=3)
    batch = OfferBatch.from_offers(offers)
    vec = _median(lambda: cash_schedule(batch, years))
    singles = [OfferBatch.from_offers([o]) for o in offers]
    loop = _median(lambda: [cash_schedule(b, years) for b in singles], repeat=3)
    _row(f"schedule {n:,} offers x {years} years, vectorised", vec, 0.050)
    _row(
        f"schedule {n:,} offers x {years} years, per-offer Python loop",
        loop,
        None,
        f"(vectorised is {loop / vec:,.0f}x faster)",
    )
    _row(f"  (building the batch from {n:,} validated offers)", build)


def bench_montecarlo() -> None:
    from calculators.offer.equity import option_value

    t = _median(lambda: option_value(40_000, 1.0, 4.0, 0.2, 0.3, 3.0, paths=1_000_000), 5)
    _row("option Monte Carlo, 1,000,000 price / exit paths", t, 1.0)


def bench_import() -> None:
    code = "import time; t = time.perf_counter(); import addin.udfs; print(time.perf_counter() - t)"
    runs = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        runs.append(float(out.stdout))
    _row("cold `import addin.udfs` (fresh interpreter, median of 5)", statistics.median(runs), 1.5)


def bench_tax() -> None:
    from calculators.tax import compute, supported_codes

    incomes = np.random.default_rng(1).uniform(0, 1_000_000, 1_000_000)
    for code in supported_codes():
        local = incomes * {"JP-TOKYO": 150.0, "IL": 3.5}.get(code, 1.0)
        t = _median(lambda c=code, x=local: compute(x, c, 2026), 3)
        _row(f"take-home {code}, 1,000,000 incomes (2026)", t, 1.0)


def bench_market() -> None:
    import datetime as dt

    from calculators.market import Filters, MarketData, band, percentile_of

    rng = np.random.default_rng(5)
    n = 1_000_000
    cities = np.array(["Tokyo", "Seattle", "San Francisco Bay Area", "London", "Tel Aviv"])
    levels = np.array(["L3", "L4", "L5", "L6", "L7"])
    data = MarketData.from_columns(
        rng.lognormal(16.6, 0.35, n),
        "JPY",
        rng.uniform(0, 25, n),
        rng.uniform(19_000, 20_800, n),  # days since 1970: 2022 to 2026
        location=cities[rng.integers(0, cities.size, n)],
        level=levels[rng.integers(0, levels.size, n)],
    )
    f = Filters(location="Tokyo", level="L5", min_years=4, max_years=12, since=dt.date(2024, 1, 1))
    as_of = dt.date(2026, 11, 1)

    def run() -> None:
        percentile_of(19_100_000.0, data, f, as_of)
        band(data, f, as_of=as_of)

    _row(f"market filter + percentile + band, {n:,} rows", _median(run), 0.200)

    from addin.workbook.builder import example
    from addin.workbook.sheets.market import HEADER, synthetic_rows
    from calculators.fx import shipped_table
    from calculators.market import market_from_rows

    rows = [HEADER, *synthetic_rows(example()["market"], n // 15)]
    t = _median(lambda: market_from_rows(rows, "JPY", shipped_table()), 3)
    _row(f"  (reading {len(rows) - 1:,} rows x 12 columns from a cell range)", t)


def bench_counter() -> None:
    from addin.workbook.builder import example
    from calculators.negotiation import COUNTER_COMPONENTS, solve_many, standings
    from calculators.offer.model import Offer
    from calculators.relocation.move import move_inputs_from_rows
    from calculators.tax.engine import forget
    from calculators.valuation.compare import BASES, Settings

    data = example()
    offers = [
        Offer.from_fields({k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in o.items()})
        for o in data["offers"]
    ]
    rel = data["relocation"]
    move = move_inputs_from_rows(
        [
            ["home_city", rel["home_city"]],
            ["housing_size", rel["housing_size"]],
            *rel["basket"].items(),
            *rel["costs"].items(),
        ]
    )

    def run() -> int:
        forget()  # the tax rules run, not the results kept from the last run
        solved = 0
        for basis in BASES:
            rows, s = standings(offers, Settings(basis=basis, move=move, discount_rate=0.05))
            out = solve_many(
                offers,
                COUNTER_COMPONENTS,
                s,
                [(r.batna_home, r.batna_name) for r in rows],
                0.0,
                [r.value_home for r in rows],
            )
            solved += sum(1 for c in out if not isinstance(c, Exception))
        return solved

    solved = run()
    cases = len(offers) * len(COUNTER_COMPONENTS) * len(BASES)
    _row(
        f"counters: {len(offers)} offers x {len(COUNTER_COMPONENTS)} components x {len(BASES)} bases",
        _median(run, 5),
        1.0,
        f"({cases} cases, {solved} solved, {cases - solved} out of reach)",
    )


def bench_server() -> None:
    from bench.server import bench_server as run

    run()


def bench_recalc() -> None:
    from bench.server import bench_recalc as run

    run()


def bench_guard() -> None:
    from bench.guard import bench_guard as run

    run()


def bench_share() -> None:
    from bench.guard import bench_share as run

    run()


def bench_odds() -> None:
    from bench.odds import bench_odds as run

    run()


def bench_suite() -> None:
    from bench.suite import bench_suite as run

    run()


def bench_move() -> None:
    """The move's figures on the shipped example (its Seattle offer, a Tokyo job of
    11,000,000 JPY) and how long BEST_START takes."""
    import dataclasses
    import datetime as dt

    from addin.workbook.builder import example
    from calculators.offer.model import Offer
    from calculators.valuation.forfeit import CurrentJob
    from calculators.valuation.sourcing import vest_across_border
    from calculators.valuation.start import best_start

    fields = next(o for o in example()["offers"] if o["jurisdiction"] == "US-WA")
    seattle = Offer.from_fields(dict(fields))
    as_of = dt.date(2026, 12, 1)
    for vest in ("2027-03-15", "2027-04-15", "2027-06-15"):
        job = CurrentJob("Tokyo", 11_000_000, 0.2, "2027-12-20", ((vest, 10_000_000),))
        found = best_start(job, seattle, as_of=as_of)
        print(
            f"best start, 10,000,000 JPY vest on {vest}: {found.best.start} "
            f"({found.worth:+,.0f} {found.currency} against {found.reference.start})"
        )
    moved = dataclasses.replace(seattle, transfer=True)
    for vest in ("2027-03-15", "2027-06-15"):
        job = CurrentJob(
            "Tokyo", 11_000_000, 0.2, "2027-12-20", ((vest, 10_000_000),), granted=("2026-01-15",)
        )
        found = best_start(job, moved, as_of=as_of)
        print(
            f"as a transfer (the grant vests on), 10,000,000 JPY vest on {vest}: {found.best.start} "
            f"({found.worth:+,.0f} {found.currency} against {found.reference.start})"
        )
    job = CurrentJob("Tokyo", 11_000_000, 0.2, "2027-06-30", (("2027-03-15", 1_500_000),))
    _row(
        "BEST_START, 12 monthly starts and events (one offer)",
        _median(lambda: best_start(job, seattle, as_of=as_of)),
    )
    v = vest_across_border(
        20_000, dt.date(2026, 4, 1), dt.date(2027, 6, 1), dt.date(2027, 3, 1), "Tokyo", "US-WA", "USD"
    )
    for part in (v.source, v.residence):
        print(
            f"vest 20,000 USD across Tokyo -> Seattle, {part.role}: {part.jurisdiction} {part.workdays} "
            f"workdays ({part.share:.1%}), tax {part.tax:,.0f} less credit {part.credit:,.0f} {part.currency}"
        )


BENCHES = {
    "schedule": bench_schedule,
    "montecarlo": bench_montecarlo,
    "import": bench_import,
    "tax": bench_tax,
    "market": bench_market,
    "counter": bench_counter,
    "odds": bench_odds,
    "server": bench_server,
    "recalc": bench_recalc,
    "guard": bench_guard,
    "share": bench_share,
    "suite": bench_suite,
    "move": bench_move,
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHES)}", file=sys.stderr)
        return 2
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}")
    for name in names:
        BENCHES[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
