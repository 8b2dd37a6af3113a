"""Invariants of the offer model that any correct program keeps."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculators.fx import FxTable, shipped_table
from calculators.offer.equity import (
    annual_vest_fractions,
    monthly_vest_fractions,
    vest_events,
    vested_through_month,
)
from calculators.offer.model import COMPONENTS, Offer, OfferBatch, cash_schedule, tc
from tests import strategies as s


@given(s.schedules, st.integers(0, 12), s.frequencies, s.positive_money)
def test_vests_sum_to_the_grant(schedule, cliff, frequency, grant):
    events = vest_events(grant, schedule, cliff, frequency)
    assert sum(e[2] for e in events) == pytest.approx(grant, rel=1e-12)
    assert annual_vest_fractions(schedule, cliff, frequency).sum() == pytest.approx(1.0, abs=1e-12)


@given(s.schedules, st.integers(0, 12), s.frequencies)
def test_nothing_vests_before_the_cliff_and_leaving_keeps_what_vested(schedule, cliff, frequency):
    monthly = monthly_vest_fractions(schedule, cliff, frequency)
    assert monthly[: max(cliff - 1, 0)].sum() == 0.0
    kept = [vested_through_month(1.0, m, schedule, cliff, frequency) for m in range(len(monthly) + 1)]
    assert kept == sorted(kept)  # leaving later never keeps less
    assert kept[-1] == pytest.approx(1.0)


def test_quarterly_vesting_forfeits_the_right_amount():
    # 48,000 over 4 years, 1-year cliff, quarterly: 12,000 at month 12, then 3,000 a quarter
    assert vested_through_month(48_000, 12) == 12_000
    assert vested_through_month(48_000, 14) == 12_000  # month 15 not reached
    assert vested_through_month(48_000, 15) == 15_000
    assert vested_through_month(48_000, 15, frequency="monthly") == 15_000
    assert vested_through_month(48_000, 13, frequency="monthly") == 13_000
    assert vested_through_month(48_000, 23, frequency="annual") == 12_000


@given(s.offers(), st.integers(1, 12))
def test_schedule_has_no_blank_after_the_last_vest(fields, years):
    sched = cash_schedule(OfferBatch.from_offers([Offer.from_fields(fields)]), years)
    for name in (*COMPONENTS, "total"):
        assert sched[name].shape == (1, years)
        assert np.all(np.isfinite(sched[name]))
        assert np.all(sched[name] >= 0)
    total = sum(sched[c] for c in COMPONENTS)
    np.testing.assert_allclose(total, sched["total"], rtol=1e-12)


@given(st.lists(s.offers(), min_size=1, max_size=4), st.integers(1, 10), s.rates)
def test_npv_never_exceeds_total_for_positive_rates(fields, years, rate):
    batch = OfferBatch.from_offers([Offer.from_fields(f) for f in fields])
    totals = cash_schedule(batch, years)["total"]
    assert np.all(tc(totals, "npv", years, rate) <= tc(totals, "total", years) + 1e-6)


@given(s.money, s.currencies, s.currencies)
def test_fx_there_and_back_is_identity(amount, a, b):
    table = shipped_table()
    there = table.convert(amount, a, b)
    assert float(table.convert(there, b, a)) == pytest.approx(amount, rel=1e-12, abs=1e-9)


# Parallel to bench/__main__.py:bench_schedule (random US-CA offers built with Offer.from_fields):
# kept separate because this checks 50 offers against one-at-a-time, the benchmark times 10,000.
def test_vectorised_schedule_equals_one_offer_at_a_time():
    rng = np.random.default_rng(7)
    offers = [
        Offer.from_fields(
            {
                "company": "X",
                "jurisdiction": "US-CA",
                "currency": "USD",
                "base_salary": float(rng.uniform(5e4, 5e5)),
                "rsu_grant": float(rng.uniform(0, 1e6)),
                "rsu_schedule": s.SCHEDULES[i % len(s.SCHEDULES)],
                "refresher_grant": float(rng.uniform(0, 1e5)),
                "price_growth": float(rng.uniform(-0.2, 0.3)),
            }
        )
        for i in range(50)
    ]
    together = cash_schedule(OfferBatch.from_offers(offers), 8)["total"]
    one_by_one = np.vstack([cash_schedule(OfferBatch.from_offers([o]), 8)["total"] for o in offers])
    np.testing.assert_allclose(together, one_by_one, rtol=1e-12)


def test_fx_table_rejects_unknown_currency():
    table = FxTable("USD", {"USD": 1.0, "JPY": 150.0})
    with pytest.raises(Exception, match="no FX rate for GBP"):
        table.convert(1, "GBP", "JPY")
