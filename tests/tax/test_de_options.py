"""Germany: an option gain taxed as pay gets the Fünftelregelung (§ 34 Abs. 1 EStG).

BFH VI R 136/01 (BStBl II 2007, 456): the benefit of exercising employee stock options more than
twelve months after grant is a Vergütung für mehrjährige Tätigkeit.  The tax is then
``T(rest) + 5 x (T(rest + gain / 5) - T(rest))``.  On a salary above every contribution ceiling
the Vorsorgepauschale is the same with or without the gain, so ``rest`` is the salary's own
zu versteuerndes Einkommen and each term is the Lohnsteuer of a plain year: the salary alone,
and the salary with a fifth of the gain vesting as RSUs (taxed at the full tariff).  With the
rest in the 42 % zone the rule saves only where the whole gain would reach the 45 % zone: here a
gain of 300,000 beside a salary of 150,000.
"""

from calculators.tax import compute

SALARY, GAIN = 150_000.0, 300_000.0


def _tax(equity=0.0, rsu=None, **options):
    lines = compute(SALARY, "DE", 2026, equity, rsu_income=rsu, **options).lines
    return float(lines["lohnsteuer"]), float(lines["solidaritaetszuschlag"]), lines


def test_an_option_gain_is_taxed_five_times_a_fifth():
    alone, _, _ = _tax()
    fifth, _, _ = _tax(GAIN / 5)  # RSUs: the full tariff
    as_option, soli, _ = _tax(GAIN, rsu=0.0)
    assert as_option == alone + 5 * (fifth - alone)
    # the same gain as an RSU vest is taxed at the full tariff: more
    as_rsu, soli_rsu, _ = _tax(GAIN)
    assert as_rsu > as_option and soli_rsu > soli
    # the Solidaritätszuschlag and Kirchensteuer follow the reduced tax
    _, _, church = _tax(GAIN, rsu=0.0, church_tax=True)
    assert float(church["kirchensteuer"]) == round(as_option * 0.09, 2)  # Berlin's 9 %


def test_rsu_vests_and_a_year_without_options_are_unchanged():
    assert _tax(GAIN)[0] == _tax(GAIN, rsu=GAIN)[0]
    assert _tax()[0] == _tax(0.0, rsu=0.0)[0]
