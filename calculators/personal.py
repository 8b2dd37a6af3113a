"""Personal facts: the options of the tax rules that describe you, set once for every offer.

Each jurisdiction registers the options its rules take (:func:`calculators.tax.engine.register`):
your age, Germany's ``church_tax`` and ``children``, Israel's ``credit_points``, Japan's
``health_insurer`` and others.  A comparison takes them once (the Params sheet's personal facts,
:class:`calculators.valuation.compare.Settings` ``personal``) and hands each jurisdiction the
ones it knows, so a fact about you applies to every offer it concerns.  A fact is checked when it
is given, by the rules of every jurisdiction that takes it, so a wrong value is refused even
when no offer is in that country yet.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from calculators.defaults import AGE
from calculators.errors import InvalidInputError
from calculators.offer.model import excel_error
from calculators.tax.engine import compute, get_jurisdiction, supported_codes

__all__ = ["as_options", "known_facts", "personal_facts"]

_YES, _NO = ("yes", "true", "y", "1", "ja", "はい"), ("no", "false", "n", "0", "nein", "いいえ")


def known_facts() -> dict[str, tuple[str, ...]]:
    """Every personal fact the rules take, and the jurisdictions that take it.

    Returns
    -------
    dict of str to tuple of str
        Fact name (``age`` first, then alphabetical) -> jurisdiction codes.

    References
    ----------
    None (the options each jurisdiction module registers).

    Examples
    --------
    >>> facts = known_facts()
    >>> list(facts)[0], "DE" in facts["church_tax"], facts["credit_points"]
    ('age', True, ('IL',))
    """
    taken: dict[str, list[str]] = {}
    for code in supported_codes():
        for name in get_jurisdiction(code).options:
            taken.setdefault(name, []).append(code)
    names = sorted(taken, key=lambda n: (n != AGE.name, n))
    return {n: tuple(taken[n]) for n in names}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")  # no separators, no underscores


def _typed(name: str, value: Any, default: Any) -> Any:
    """A cell's value in the type the rules' default has (``yes`` / ``no`` for a true-or-false
    fact, where Excel's 1 and 0 arrive as 1.0 and 0.0; a number typed as text read as one)."""
    error = excel_error(value)
    if error is not None:
        raise InvalidInputError(f"{name} holds an Excel error ({error})")
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        text = str(value).strip().lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise InvalidInputError(f"{name} must be yes or no")
    if isinstance(value, str):
        text = value.strip()
        if _NUMBER.fullmatch(text):
            return float(text)
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            raise InvalidInputError(f"{name} must be a number")
        return text
    if isinstance(value, float) and value.is_integer() and isinstance(default, int):
        return int(value)
    return value


@functools.lru_cache(maxsize=256)
def _checked(name: str, value: Any, kind: str, codes: tuple[str, ...]) -> None:
    """``kind`` keeps TRUE apart from 1 (equal, and one key, to the cache)."""
    for code in codes:  # the rules of each jurisdiction taking it check it (their one message)
        jur = get_jurisdiction(code)
        compute(0.0, code, max(jur.years), **{name: value})


def personal_facts(rows: Iterable[tuple[Any, Any]]) -> tuple[int | None, tuple[tuple[str, Any], ...]]:
    """Your age and the other personal facts from (name, value) pairs, each checked.

    A pair whose value is blank keeps the rules' default; a name the rules do not take, a name
    given twice or a value the rules refuse is one error naming it.

    Parameters
    ----------
    rows : iterable of (name, value)
        The facts as typed (the Params sheet's rows, a mapping's items).

    Returns
    -------
    tuple
        ``(age, facts)``: the age checked as :data:`calculators.defaults.AGE` checks it (``None``
        when not given), and the other facts as sorted ``(name, value)`` pairs.

    Raises
    ------
    InvalidInputError
        An unknown or repeated fact, or a value the rules refuse.

    References
    ----------
    None (each jurisdiction's rules check their own options).

    Examples
    --------
    >>> personal_facts([("age", 45), ("church_tax", "yes"), ("credit_points", None)])
    (45, (('church_tax', True),))
    >>> try:
    ...     personal_facts([("shoe_size", 44)])
    ... except InvalidInputError as exc:
    ...     print(str(exc)[:60])
    personal fact shoe_size is not one the rules take; known: ag
    """
    known = known_facts()
    age: int | None = None
    facts: dict[str, Any] = {}
    seen: set[str] = set()
    for raw, value in rows:
        if _blank(raw):
            if _blank(value):
                continue
            raise InvalidInputError("a personal fact has a value but no name")
        name = str(raw).strip().lower()
        if name not in known:
            raise InvalidInputError(
                f"personal fact {str(raw).strip()[:40]} is not one the rules take; known: " + ", ".join(known)
            )
        if name in seen:
            raise InvalidInputError(f"personal fact {name} is given twice")
        seen.add(name)
        if _blank(value):
            continue
        if name == AGE.name:
            age = AGE.check(value)
            continue
        default = get_jurisdiction(known[name][0]).options[name]
        typed = _typed(name, value, default)
        try:
            _checked(name, typed, type(typed).__name__, known[name])
        except TypeError:  # an unhashable value (a list): not a fact
            raise InvalidInputError(f"{name} must be one value") from None
        facts[name] = typed
    return age, tuple(sorted(facts.items()))


def as_options(age: int | None, facts: Iterable[tuple[str, Any]] | Mapping[str, Any] = ()) -> dict[str, Any]:
    """The options mapping the tax rules take: ``age`` (when given) and the facts.

    Parameters
    ----------
    age : int or None
        Your age; ``None`` keeps the rules' default.
    facts : iterable of (name, value), or mapping
        The other facts, as :func:`personal_facts` returns them.

    Returns
    -------
    dict
        Name -> value, for :func:`calculators.tax.compute` (each jurisdiction takes the ones it
        knows).

    References
    ----------
    None

    Examples
    --------
    >>> sorted(as_options(45, (("church_tax", True),)).items())
    [('age', 45), ('church_tax', True)]
    >>> as_options(None)
    {}
    """
    pairs = facts.items() if isinstance(facts, Mapping) else facts
    return {**({} if age is None else {AGE.name: age}), **dict(pairs)}
