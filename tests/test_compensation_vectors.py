"""The public compensation cases (tests/vectors/compensation.yaml), reproduced."""

import numpy as np
import pytest

from calculators.offer.equity import annual_vest_fractions, ownership_factor
from calculators.offer.model import Offer, OfferBatch, cash_schedule, tc
from tests.conftest import load_vectors

VECTORS = {v["name"]: v for v in load_vectors("compensation.yaml")}
BASE = {"company": "A", "jurisdiction": "US-WA", "currency": "USD"}


def schedule(fields, years):
    offer = Offer.from_fields({**BASE, "base_salary": 1, **fields})
    return cash_schedule(OfferBatch.from_offers([offer]), years)


def test_refreshers_stack_on_the_initial_grant():
    v = VECTORS["refreshers stack on the initial grant"]
    sched = schedule(v["input"], 4)
    assert sched["total"][0].tolist() == v["expect"]["total_by_year"]
    assert tc(sched["total"], "annualized", 4)[0] == v["expect"]["annualized_4y"]


def test_front_loaded_schedule():
    v = VECTORS["even and front-loaded schedules"]
    sched = schedule(v["input"], 4)
    assert sched["equity"][0].tolist() == pytest.approx(v["expect"]["vested_by_year"], abs=1e-6)
    grant = v["input"]["rsu_grant"]
    assert (grant * annual_vest_fractions(v["input"]["rsu_schedule"])).tolist() == pytest.approx(
        v["expect"]["vested_by_year"], abs=1e-6
    )


def test_raise_compounds_and_bonus_times_payout():
    v = VECTORS["raise compounds, bonus times payout"]
    sched = schedule(v["input"], 3)
    assert sched["base"][0].tolist() == pytest.approx(v["expect"]["base_by_year"], abs=1e-6)
    assert sched["bonus"][0, 0] == pytest.approx(v["expect"]["bonus_year1"], abs=1e-6)


def test_dilution_over_three_rounds():
    v = VECTORS["dilution over three rounds of 20 % new shares"]
    got = ownership_factor(v["input"]["new_shares_per_round"], v["input"]["rounds"])
    assert round(float(got), 4) == v["expect"]["ownership_factor"]
    # 20 % *new shares* is not a 20 % haircut each round
    assert round(0.8**3, 4) != v["expect"]["ownership_factor"]


def test_npv_is_end_of_year_like_excel():
    # Excel: =NPV(0.1, 100, 110) = 100/1.1 + 110/1.21 = 181.8181...
    assert float(tc(np.array([[100.0, 110.0]]), "npv", 2, 0.1)[0]) == pytest.approx(181.8181818)


def test_npv_matches_numpy_financial_row_by_row():
    import numpy_financial as npf

    rng = np.random.default_rng(1)
    totals = rng.uniform(0, 1e6, size=(7, 5))
    got = tc(totals, "npv", 5, 0.07)
    for row, value in zip(totals, got, strict=True):
        assert value == pytest.approx(npf.npv(0.07, [0.0, *row]), rel=1e-12)
