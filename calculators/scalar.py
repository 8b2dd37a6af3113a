"""Result shapes at the public boundary: scalar in, Python ``float`` out.

The calculators compute on numpy arrays, so a plain number passed in comes back from the
arithmetic as a 0-d array.  numpy-financial's rule is the one a caller expects: given plain
numbers a function returns a plain ``float``; given an array (of any shape, a 0-d array
included) it returns an array of the broadcast shape.  :func:`scalar_out` applies that rule
to a result, looking at the inputs the result was computed from.
"""

from __future__ import annotations

import math
from typing import Any, overload

import numpy as np
import numpy.typing as npt

__all__ = ["Amount", "finite_number", "flag", "scalar_out"]

Amount = float | npt.NDArray[np.float64]


@overload
def scalar_out(value: npt.ArrayLike, *like: float) -> float: ...
@overload
def scalar_out(value: npt.ArrayLike, *like: Any) -> Amount: ...
def scalar_out(value: npt.ArrayLike, *like: Any) -> Amount:
    """``value`` as a Python float when every input in ``like`` is a plain number.

    Parameters
    ----------
    value : array_like
        The computed result.
    *like : scalar or array_like
        The inputs the result follows: when any of them is a numpy array or a sequence, the
        result stays an array.

    Returns
    -------
    float or numpy.ndarray
        ``float(value)`` for plain-number inputs, else ``value`` as a float array.

    References
    ----------
    None

    Examples
    --------
    >>> import numpy as np
    >>> scalar_out(np.asarray(2.5), 100.0)
    2.5
    >>> scalar_out(np.asarray([2.5, 3.0]), [100.0, 120.0])
    array([2.5, 3. ])
    >>> scalar_out(np.asarray(2.5), np.asarray(100.0))
    array(2.5)
    """
    if not like or any(isinstance(x, np.ndarray) or np.ndim(x) > 0 for x in like):
        return np.asarray(value, dtype=float)
    return float(np.asarray(value, dtype=float))


def finite_number(value: object) -> float | None:
    """A finite number as a float; ``None`` for a bool, text, NaN, inf or any other value.

    Parameters
    ----------
    value : object
        A value an argument was given.

    Returns
    -------
    float or None
        The number, or ``None`` when it is not a finite number (an int too large for a
        float included).

    References
    ----------
    None

    Examples
    --------
    >>> finite_number(3), finite_number(True), finite_number(float("nan")), finite_number("2")
    (3.0, None, None, None)
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int beyond float
        return None
    return number if math.isfinite(number) else None


_FLAG_WORDS = {"true": True, "yes": True, "false": False, "no": False}


def flag(value: object) -> bool | None:
    """TRUE or FALSE as a cell gives it: a bool, Excel's 1 and 0, or the text true / false,
    yes / no (any case, surrounding spaces ignored); ``None`` for any other value.

    Parameters
    ----------
    value : object
        A cell's value.

    Returns
    -------
    bool or None
        The flag, or ``None`` when ``value`` is not one.

    References
    ----------
    None

    Examples
    --------
    >>> flag(True), flag(0), flag(" Yes "), flag("maybe"), flag(2)
    (True, False, True, None, None)
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, str):
        return _FLAG_WORDS.get(value.strip().lower())
    number = finite_number(value)
    return bool(number) if number in (0.0, 1.0) else None
