"""Excel column letters and numbers: ``A`` is 1, ``Z`` 26, ``AA`` 27, ``XFD`` 16,384.

One conversion for the guard, which reads cell references in a file's XML, and for
recalc, which names and writes cells (ECMA-376 Part 1, 18.3.1.4 ``c``: the ``r``
attribute is an A1-style reference).
"""

from __future__ import annotations

__all__ = ["column_number", "column_letters"]


def column_number(letters: str) -> int:
    """The column ``letters`` name, upper or lower case (0 for none).

    >>> column_number("A"), column_number("xfd")
    (1, 16384)
    """
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    """The letters of column ``n`` (1-based; "" for 0).

    >>> column_letters(1), column_letters(27), column_letters(16384)
    ('A', 'AA', 'XFD')
    """
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out
