"""Benchmark: our US-CA 2025 take-home engine against PolicyEngine US.

Optional, run by hand in a virtual environment that holds both
``policyengine-us`` and this project: the oracle environment described in
``tests/oracles/policyengine_us.py``, plus this project installed into it
with ``pip install --no-deps -e .`` (``--no-deps`` leaves the oracle's own
numpy and pandas alone; the engine needs only numpy and PyYAML), then, from
the repository root, ``python bench/tax_vs_policyengine.py`` with that
environment's interpreter.

The same 1,000 single-earner households (wages spread geometrically from
20,000 to 1,000,000, US-CA, tax year 2025, age 35, standard deduction) go
through our engine in one vectorised call and through PolicyEngine in one
``Simulation`` holding all 1,000 households.  It prints both wall times, the
speed ratio and the largest difference on each line, after correcting the
known oracle fault (CA SDI 2025: 1.3 % in policyengine-us, 1.2 % per EDD).
"""

from __future__ import annotations

import statistics
import sys
import time
from typing import Any

import numpy as np

N = 1_000
YEAR = 2025
LINES = {
    "federal_income_tax": "income_tax_before_refundable_credits",
    "social_security": "employee_social_security_tax",
    "medicare": "employee_medicare_tax",
    "additional_medicare": "additional_medicare_tax",
    "ca_income_tax": "ca_income_tax_before_refundable_credits",
    "ca_sdi": "ca_employee_state_disability_insurance_contribution",
}


def _situation(wages: np.ndarray) -> dict[str, Any]:
    y = str(YEAR)
    groups: dict[str, dict[str, Any]] = {
        k: {} for k in ("people", "tax_units", "households", "families", "spm_units", "marital_units")
    }
    for i, w in enumerate(wages):
        p = f"p{i}"
        groups["people"][p] = {"age": {y: 35}, "employment_income": {y: float(w)}}
        groups["tax_units"][f"t{i}"] = {"members": [p], "tax_unit_itemizes": {y: False}}
        groups["households"][f"h{i}"] = {
            "members": [p],
            "state_name": {y: "CA"},
            "county_str": {y: "SAN_FRANCISCO_COUNTY_CA"},
        }
        for g, prefix in (("families", "f"), ("spm_units", "s"), ("marital_units", "m")):
            groups[g][f"{prefix}{i}"] = {"members": [p]}
    return groups


def main() -> int:
    try:
        from importlib.metadata import version

        from policyengine_us import Simulation
    except ImportError:
        print(
            "policyengine-us is not installed: install it in this environment "
            "(pip install policyengine-us==2.68.0) to run this benchmark",
            file=sys.stderr,
        )
        return 2
    from calculators.tax import compute
    from calculators.tax.jurisdictions.us_federal import value

    wages = np.geomspace(20_000, 1_000_000, N)

    compute(wages[:2], "US-CA", YEAR)  # load parameter files once
    ours_times = []
    for _ in range(7):
        start = time.perf_counter()
        ours = compute(wages, "US-CA", YEAR)
        ours_times.append(time.perf_counter() - start)
    ours_s = statistics.median(ours_times)

    start = time.perf_counter()
    sim = Simulation(situation=_situation(wages))
    built = time.perf_counter()
    theirs = {line: np.asarray(sim.calculate(var, YEAR), dtype=float) for line, var in LINES.items()}
    pe_s = time.perf_counter() - start
    pe_calc_s = time.perf_counter() - built
    raw_sdi_max = float(np.max(np.abs(theirs["ca_sdi"] - wages * 0.013)))
    # known oracle fault corrected: the oracle uses 1.3 %; the EDD rate is sdi_rate in params/us/ca.yaml
    theirs["ca_sdi"] = wages * float(value("ca", "sdi_rate", YEAR))

    print(f"households: {N}, US-CA {YEAR}, wages {wages[0]:,.0f} to {wages[-1]:,.0f}")
    print(f"policyengine-us {version('policyengine-us')}")
    print(f"ours (one vectorised call, median of 7): {ours_s * 1000:,.2f} ms")
    print(
        f"PolicyEngine (one Simulation, build + calculate): {pe_s * 1000:,.0f} ms "
        f"(calculate only {pe_calc_s * 1000:,.0f} ms)"
    )
    print(f"speed ratio: {pe_s / ours_s:,.0f}x (calculate only {pe_calc_s / ours_s:,.0f}x)")
    print(f"check: oracle SDI is 1.3 % of wages to within {raw_sdi_max:.2f}")
    worst = 0.0
    for line in LINES:
        diff = np.abs(np.asarray(ours.lines[line]) - theirs[line])
        i = int(np.argmax(diff))
        worst = max(worst, float(diff[i]))
        print(f"  {line:22s} max |diff| {diff[i]:8.2f} at wages {wages[i]:,.0f}")
    print(f"largest per-line difference: {worst:.2f} USD")
    return 0


if __name__ == "__main__":
    sys.exit(main())
