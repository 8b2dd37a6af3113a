"""What an offer's clawback asks back when you leave after some months.

The offer fields define one clawback term (:data:`calculators.offer.model.FIELDS`):
``clawback_months`` — the year-1 ``sign_on`` and the ``relocation_package`` are repayable
*pro rata* if you leave before that many months.  So after ``m`` months worked of a period
of ``P`` months the unearned share ``1 - m / P`` of both is owed back, in the offer's
currency and gross (the amount paid, not what reached you after tax):

- ``m = 0``: all of it; ``0 < m < P``: the share; ``m >= P``: nothing;
- no clawback period (``P = 0``): nothing is ever owed back;
- ``sign_on_year2`` is paid in year 2 and the field does not cover it, so it is never
  counted; the fields have no cliff (all-or-nothing) term, so none is modelled.

Months may be fractional (pro rata of the time worked: 9.5 months is half way through the
tenth); a negative number of months, or more than :data:`~calculators.offer.model.MAX_MONTHS`
(the longest period a field may hold), is refused with one line naming ``months_worked``.
"""

from __future__ import annotations

from dataclasses import dataclass

from calculators.defaults import Setting
from calculators.errors import InvalidInputError
from calculators.offer.model import MAX_MONTHS, Offer

__all__ = ["MONTHS_WORKED", "Clawback", "clawback", "clawback_due"]

#: Months worked before leaving: 0 up to the longest clawback period a field may hold.
MONTHS_WORKED = Setting("months_worked", None, low=0, high=MAX_MONTHS, unit="month")


@dataclass(frozen=True)
class Clawback:
    """What is owed back on leaving after ``months_worked`` months (offer's currency, gross)."""

    offer: str
    currency: str
    months_worked: float
    period: int  # clawback_months
    share: float  # the unearned share of the money paid up front
    sign_on: float
    relocation: float
    total: float  # both together: the unearned share of what was paid up front


def clawback(offer: Offer, months_worked: float) -> Clawback:
    """The sign-on and relocation money owed back after ``months_worked`` months, by part.

    Parameters
    ----------
    offer : Offer
        The offer, with its ``sign_on``, ``relocation_package`` and ``clawback_months``.
    months_worked : float
        Months worked before leaving, 0 to :data:`~calculators.offer.model.MAX_MONTHS`
        (fractions allowed).

    Returns
    -------
    Clawback
        The unearned share and the amounts owed back, in the offer's currency.

    Raises
    ------
    InvalidInputError
        ``offer`` is not an offer; ``months_worked`` is not a number from 0 to the maximum.

    References
    ----------
    None: the pro-rata term is the offer field's definition (``clawback_months``).

    Examples
    --------
    >>> o = Offer.from_fields({"company": "A", "jurisdiction": "US-WA", "currency": "USD",
    ...     "base_salary": 185_000, "sign_on": 60_000, "relocation_package": 15_000,
    ...     "clawback_months": 12})
    >>> c = clawback(o, 9)
    >>> c.share, c.sign_on, c.relocation, c.total
    (0.25, 15000.0, 3750.0, 18750.0)
    """
    if not isinstance(offer, Offer):
        raise InvalidInputError("offer must be an offer (Offer.from_fields)")
    if months_worked is None:
        raise InvalidInputError("months_worked is required")
    months = float(MONTHS_WORKED.check(months_worked))
    period = offer.clawback_months
    share = 0.0 if period <= 0 or months >= period else 1.0 - months / period
    return Clawback(
        offer=offer.name,
        currency=offer.currency,
        months_worked=months,
        period=period,
        share=share,
        sign_on=offer.sign_on * share,
        relocation=offer.relocation_package * share,
        total=(offer.sign_on + offer.relocation_package) * share,
    )


def clawback_due(offer: Offer, months_worked: float) -> float:
    """Sign-on and relocation money owed back when leaving after ``months_worked`` months.

    Pro rata: the unearned share ``1 - months_worked / clawback_months`` of the year-1
    sign-on and of the relocation package; nothing from the end of the period on, nothing
    without a period.

    Parameters
    ----------
    offer : Offer
        The offer, with its ``sign_on``, ``relocation_package`` and ``clawback_months``.
    months_worked : float
        Months worked before leaving, 0 to :data:`~calculators.offer.model.MAX_MONTHS`.

    Returns
    -------
    float
        The amount owed back, gross, in the offer's currency.

    Raises
    ------
    InvalidInputError
        ``offer`` is not an offer; ``months_worked`` is not a number from 0 to the maximum.

    References
    ----------
    None: the pro-rata term is the offer field's definition (``clawback_months``).

    Examples
    --------
    >>> o = Offer.from_fields({"company": "A", "jurisdiction": "US-WA", "currency": "USD",
    ...     "base_salary": 1, "sign_on": 12000, "relocation_package": 6000, "clawback_months": 12})
    >>> clawback_due(o, 0), clawback_due(o, 3), clawback_due(o, 12), clawback_due(o, 30)
    (18000.0, 13500.0, 0.0, 0.0)
    """
    return clawback(offer, months_worked).total
