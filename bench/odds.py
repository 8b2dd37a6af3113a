"""Ranking odds: the time of one joint Monte Carlo (calculators.valuation.odds.ranking_odds).

Run: ``python -m bench odds`` (or ``python -m bench.odds``).  The twelve offers are the shipped
example's five and seven more of the same kind in other places and currencies; every figure is
a median on this machine, now, and nothing is asserted.
"""

from __future__ import annotations

import sys
from typing import Any

from bench.timing import median_seconds

TARGET = 1.0  # seconds for 100,000 scenarios x 12 offers (issue 13)


def _offers() -> tuple[list[Any], Any]:
    from addin.workbook.builder import example
    from calculators.offer.model import Offer
    from calculators.relocation.move import move_inputs_from_rows

    data = example()
    given = [
        {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in o.items()} for o in data["offers"]
    ]
    more = [
        ("New York fintech", "US-NY-NYC", "USD", 230_000, 0.2, 350_000),
        ("Toronto AI lab", "CA-ON", "CAD", 210_000, 0.15, 200_000),
        ("Berlin robotics", "DE", "EUR", 110_000, 0.1, 60_000),
        ("Tokyo start-up", "JP-TOKYO", "JPY", 16_000_000, 0.0, 0),
        ("Seattle cloud", "US-WA", "USD", 200_000, 0.1, 320_000),
        ("Bay Area chips", "US-CA", "USD", 220_000, 0.15, 280_000),
        ("London bank", "GB-ENG", "GBP", 140_000, 0.4, 0),
    ]
    for name, where, ccy, base, bonus, rsu in more:
        given.append(
            {
                "company": name,
                "jurisdiction": where,
                "currency": ccy,
                "base_salary": base,
                "annual_raise": 0.03,
                "bonus_target": bonus,
                "rsu_grant": rsu,
                "refresher_grant": rsu / 8,
                "price_growth": 0.05,
                "sign_on": base / 10,
            }
        )
    given[10]["option_shares"], given[10]["option_price"], given[10]["option_strike"] = 50_000, 3.0, 1.0
    given[10]["exit_probability"], given[10]["exit_multiple"] = 0.2, 4.0
    offers = [Offer.from_fields(o) for o in given]
    rel = data["relocation"]
    move = move_inputs_from_rows(
        [
            ["home_city", rel["home_city"]],
            ["housing_size", rel["housing_size"]],
            *rel["basket"].items(),
            *rel["costs"].items(),
        ]
    )
    return offers, move


def _row(name: str, seconds: float, target: float | None = None) -> None:
    verdict = "" if target is None else ("  ok" if seconds < target else "  OVER TARGET")
    goal = "" if target is None else f" (target < {target * 1000:,.0f} ms)"
    print(f"{name:<66} {seconds * 1000:>10.2f} ms{goal}{verdict}")


def bench_odds() -> None:
    from calculators.valuation.compare import Settings
    from calculators.valuation.odds import ranking_odds

    offers, move = _offers()
    for count, n in ((100_000, 12), (10_000, 5)):
        for basis in ("annualized", "net_annualized", "disposable_annualized"):
            s = Settings(basis=basis, move=move, discount_rate=0.05)
            for thresholds in (False, True):
                t = median_seconds(
                    lambda s=s, th=thresholds, some=offers[:n], c=count: ranking_odds(
                        some, s, scenarios=c, seed=1, thresholds=th
                    ),
                    3 if count > 10_000 else 7,
                    warm=True,
                )
                what = "odds and thresholds" if thresholds else "odds only"
                target = TARGET if (count, n, thresholds) == (100_000, 12, False) else None
                _row(f"ranking odds {count:,} scenarios x {n} offers, {basis}, {what}", t, target)


if __name__ == "__main__":
    bench_odds()
    sys.exit(0)
