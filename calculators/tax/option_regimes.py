"""Named tax regimes for employee stock options, where the law offers one beside the default.

By default an offer's options are taxed as employment income of the year they are exercised
and sold (the rule per country is in ``docs/assumptions.md``).  Where a country's law has a
regime that taxes them otherwise, an offer names it in ``option_regime``; the gain the
options realise (the exit value of the shares over the exercise price) is then taxed here,
apart from the pay, in the jurisdiction's currency.

Modelled:

- ``qualified`` in Japan (税制適格ストックオプション, 租税特別措置法 第29条の2): nothing at
  exercise; the gain at sale is 株式等に係る譲渡所得等, taxed apart at 所得税 plus
  復興特別所得税 on it and 住民税, each base and tax rounded down as the national and resident
  taxes round theirs (住民税 as one 5 % amount: its prefectural and municipal parts, rounded
  each, may differ by under 100 yen); no 社会保険.  Parameters: ``params/jp/stock_options.yaml``,
  ``params/jp/income_tax.yaml``, ``params/jp/resident_tax.yaml``.

Not modelled (an offer under one of them takes the default rule and the note says so): US ISO
(no regular tax at exercise, AMT), UK EMI, Israel's section 102 capital-gains track, Canada's
section 110(1)(d) deduction, Germany's section 19a deferral.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from calculators.errors import InvalidInputError
from calculators.places import PLACES, canonical_code
from calculators.tax.engine import params

__all__ = ["REGIMES", "check_regime", "regime_tax"]

Array = npt.NDArray[np.float64]

# regime name -> the parameter file of its rules: a jurisdiction has the regime when its rules
# read that file (``tax: params`` in places.yaml)
REGIMES: dict[str, str] = {"qualified": "jp/stock_options"}


def check_regime(regime: str, jurisdiction: str) -> str:
    """The regime's name, when the jurisdiction's country has it.

    Parameters
    ----------
    regime : str
        A name of :data:`REGIMES`, any case.
    jurisdiction : str
        The offer's jurisdiction code.

    Returns
    -------
    str
        The name as :data:`REGIMES` spells it.

    Raises
    ------
    InvalidInputError
        A name no country has, or one the jurisdiction's country does not.

    References
    ----------
    None

    Examples
    --------
    >>> check_regime(" Qualified ", "JP-TOKYO")
    'qualified'
    >>> check_regime("qualified", "GB-ENG")
    Traceback (most recent call last):
    ...
    calculators.errors.InvalidInputError: option_regime qualified is a regime of JP-TOKYO, not of GB-ENG
    """
    name = str(regime).strip().lower()
    if name not in REGIMES:
        raise InvalidInputError(
            f"option_regime {regime!s}: not a regime modelled (known: {', '.join(REGIMES)})"
        )
    code = canonical_code(jurisdiction)
    if REGIMES[name] not in PLACES[code].tax_params:
        has = [c for c, p in PLACES.items() if REGIMES[name] in p.tax_params]
        raise InvalidInputError(f"option_regime {name} is a regime of {', '.join(has)}, not of {code}")
    return name


def regime_tax(regime: str, gain: npt.ArrayLike, tax_year: int) -> Array:
    """Tax on options' gain under a named regime, in the jurisdiction's currency.

    Parameters
    ----------
    regime : str
        A name of :data:`REGIMES` (checked by :func:`check_regime`).
    gain : array_like
        The gain realised at sale over the exercise price, each year.
    tax_year : int
        The tax year whose rates apply.

    Returns
    -------
    numpy.ndarray
        The tax, shaped like ``gain`` (none on a gain of 0 or less).

    References
    ----------
    国税庁 タックスアンサー No.1540 and No.1463 (``params/jp/stock_options.yaml``); No.2260
    (復興特別所得税); 国税通則法 第118条・第119条 (rounding).

    Examples
    --------
    A gain of 10,000,000 yen: 1,500,000 所得税, 31,500 復興特別所得税, 500,000 住民税.

    >>> float(regime_tax("qualified", 10_000_000, 2025))
    2031500.0
    """
    if regime != "qualified":  # check_regime admits no other
        raise InvalidInputError(f"option_regime {regime}: not a regime modelled")
    opts, tax = params("jp", "stock_options"), params("jp", "income_tax")
    national = float(opts["qualified_capital_gains_income_tax_rate"].at(tax_year))
    local = float(opts["qualified_capital_gains_resident_tax_rate"].at(tax_year))
    surtax = float(tax["reconstruction_tax_rate"].at(tax_year))
    resident = params("jp", "resident_tax")
    steps = [float(f["taxable_income_rounding"].at(tax_year)) for f in (tax, resident)]
    tax_steps = [float(f["tax_rounding"].at(tax_year)) for f in (tax, resident)]

    def floor(x: float, step: float) -> float:
        return math.floor(round(x / step, 9)) * step  # 1,531,500.0000001 is 1,531,500

    out = np.zeros(np.shape(gain))
    for i, g in np.ndenumerate(np.asarray(gain, dtype=float)):
        g = max(g, 0.0)
        national_tax = floor(floor(g, steps[0]) * national * (1.0 + surtax), tax_steps[0])
        out[i] = national_tax + floor(floor(g, steps[1]) * local, tax_steps[1])
    return out
