"""Hypothesis strategies shared by the property tests."""

from hypothesis import strategies as st

SCHEDULES = [
    "25/25/25/25",
    "5/15/40/40",
    "33/33/22/12",
    "40/30/20/10",
    "100",
    "50/50",
    "10/20/30/40",
    "20/20/20/20/20",
    "12.5/12.5/25/25/25",
]

schedules = st.sampled_from(SCHEDULES)
frequencies = st.sampled_from(["monthly", "quarterly", "annual"])
money = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
positive_money = st.floats(min_value=1, max_value=1e9, allow_nan=False, allow_infinity=False)
growth = st.floats(min_value=-0.5, max_value=1.0, allow_nan=False)
rates = st.floats(min_value=0.0001, max_value=0.5, allow_nan=False)
currencies = st.sampled_from(["USD", "JPY", "GBP", "EUR", "ILS", "CAD", "CHF", "SGD"])


@st.composite
def offers(draw):
    """Field values of a valid offer."""
    sched = draw(schedules)
    years = len(sched.split("/"))
    return {
        "company": "X",
        "jurisdiction": draw(st.sampled_from(["JP-TOKYO", "US-WA", "US-CA", "GB-ENG", "IL"])),
        "currency": draw(currencies),
        "base_salary": draw(positive_money),
        "annual_raise": draw(st.floats(min_value=0, max_value=0.2)),
        "bonus_target": draw(st.floats(min_value=0, max_value=0.5)),
        "sign_on": draw(money),
        "sign_on_year2": draw(money),
        "rsu_grant": draw(money),
        "rsu_schedule": sched,
        "rsu_cliff_months": draw(st.integers(min_value=0, max_value=12 * years)),
        "option_cliff_months": draw(st.integers(min_value=0, max_value=48)),
        "rsu_frequency": draw(frequencies),
        "refresher_grant": draw(money),
        "price_growth": draw(growth),
        "option_shares": draw(st.floats(min_value=0, max_value=1e6)),
        "option_strike": draw(st.floats(min_value=0, max_value=100)),
        "option_price": draw(st.floats(min_value=0, max_value=100)),
        "dilution": draw(st.floats(min_value=0, max_value=1)),
        "exit_probability": draw(st.floats(min_value=0, max_value=1)),
    }
