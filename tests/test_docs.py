"""The calculators' docs meet the house style (STYLE.md 5, after numpy-financial): every public
function and public method defined in a ``calculators`` module has a numpydoc docstring with
Parameters (naming each parameter it takes), Returns, References and Examples sections, and the
Examples run: ``doctest`` over every ``calculators`` module, so a printed value that the code no
longer computes fails here.

References: a rule of a tax or social-insurance jurisdiction (``calculators/tax/jurisdictions``)
must cite where the rule comes from (a statute, an official page, or the parameter file whose
entries carry the official references); a pure helper elsewhere (a shape, a parser, a lookup)
says ``None`` rather than an invented source.

Scalar in, Python float out (numpy-financial's convention): a public amount function given plain
numbers returns a ``float``, not a 0-d numpy array; given an array it returns an array.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import calculators

SECTIONS = ("Parameters", "Returns", "References", "Examples")
ORDER = ["Parameters", "Returns", "Yields", "Raises", "Warns", "See Also", "Notes", "References", "Examples"]
RULE_PACKAGE = "calculators.tax.jurisdictions"


def _modules() -> list[ModuleType]:
    names = [calculators.__name__]
    names += [m.name for m in pkgutil.walk_packages(calculators.__path__, "calculators.")]
    return [importlib.import_module(n) for n in sorted(names)]


def _unwrap(obj: Any) -> Any:
    while hasattr(obj, "__wrapped__"):  # functools.cache / lru_cache
        obj = obj.__wrapped__
    return obj


def _public() -> Iterator[tuple[str, Callable[..., Any]]]:
    """(qualified name, function) for every public function and method defined in the package."""
    for module in _modules():
        for name, obj in vars(module).items():
            if name.startswith("_"):
                continue
            obj = _unwrap(obj)
            if inspect.isfunction(obj) and obj.__module__ == module.__name__:
                yield f"{module.__name__}.{name}", obj
            elif inspect.isclass(obj) and obj.__module__ == module.__name__:
                for attr, member in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    if isinstance(member, (classmethod, staticmethod)):
                        member = member.__func__
                    member = _unwrap(member)
                    if inspect.isfunction(member):
                        yield f"{module.__name__}.{name}.{attr}", member


PUBLIC = sorted(_public(), key=lambda item: item[0])


def _sections(doc: str) -> dict[str, str]:
    """numpydoc sections of a docstring: title -> body (a title is a line underlined by dashes)."""
    lines = inspect.cleandoc(doc).splitlines()
    out: dict[str, str] = {}
    title = None
    body: list[str] = []
    for i, line in enumerate(lines):
        underline = lines[i + 1] if i + 1 < len(lines) else ""
        if (
            line.strip()
            and re.fullmatch(r"-{3,}", underline.strip())
            and len(underline.strip()) >= len(line.strip())
        ):
            if title is not None:
                out[title] = "\n".join(body).strip()
            title, body = line.strip(), []
        elif title is not None and not re.fullmatch(r"-{3,}", line.strip()):
            body.append(line)
    if title is not None:
        out[title] = "\n".join(body).strip()
    return out


def _parameters(func: Callable[..., Any]) -> list[str]:
    names = []
    for p in inspect.signature(func).parameters.values():
        if p.name in ("self", "cls"):
            continue
        prefix = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
        names.append(prefix + p.name)
    return names


def _documented(section: str) -> set[str]:
    """Parameter names of a numpydoc Parameters body (``name : type``, ``a, b : type``, ``**kw``)."""
    found: set[str] = set()
    for line in section.splitlines():
        if not line.strip() or line[:1].isspace():
            continue
        for name in line.split(":", 1)[0].split(","):
            found.add(name.strip())
    return found


def test_the_walk_finds_the_public_api():
    names = {name for name, _ in PUBLIC}
    # a module function, a method, a classmethod, a cached function and a jurisdiction rule
    for expected in (
        "calculators.offer.model.tc",
        "calculators.fx.FxTable.convert",
        "calculators.fx.FxTable.from_rows",
        "calculators.params.load_parameters",
        "calculators.tax.jurisdictions.gb_eng.income_tax",
    ):
        assert expected in names
    assert not any(part.startswith("_") for name in names for part in name.split("."))
    assert len(PUBLIC) > 150


@pytest.mark.parametrize("name, func", PUBLIC, ids=[name for name, _ in PUBLIC])
def test_public_function_has_numpydoc_sections(name, func):
    doc = inspect.getdoc(func) or ""
    assert doc, f"{name} has no docstring"
    sections = _sections(doc)
    params = _parameters(func)
    wanted = [s for s in SECTIONS if s != "Parameters" or params]
    missing = [s for s in wanted if s not in sections]
    assert not missing, f"{name}: no {', '.join(missing)} section"
    if params:
        undocumented = [p for p in params if p not in _documented(sections["Parameters"])]
        assert not undocumented, f"{name}: Parameters does not describe {', '.join(undocumented)}"
    references = sections["References"]
    assert references, f"{name}: empty References section"
    if name.startswith(RULE_PACKAGE + "."):
        assert references.strip().rstrip(".") != "None", f"{name}: a rule must cite its source"
    assert ">>>" in sections["Examples"], f"{name}: the Examples section has no example to run"
    order = [s for s in sections if s in ORDER]
    assert order == sorted(order, key=ORDER.index), f"{name}: sections out of numpydoc order: {order}"


@pytest.mark.parametrize("module", _modules(), ids=lambda m: m.__name__)
def test_module_examples_run_and_print_what_the_code_computes(module):
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, module.__name__):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{module.__name__}: {result.failed} of {result.attempted} examples fail"


def test_sections_parser_reads_numpydoc():
    doc = """Summary.

    Parameters
    ----------
    a, b : float
        Two numbers.
    c : int
    **options
        Anything else.

    Returns
    -------
    float
        Their sum.
    """
    sections = _sections(doc)
    assert list(sections) == ["Parameters", "Returns"]
    assert _documented(sections["Parameters"]) == {"a", "b", "c", "**options"}
    assert _sections("Summary only.") == {}


# Scalar in -> Python float out; array in -> array out.
SCALAR_CASES = [
    ("calculators.tax.engine", "marginal_tax", (50_000.0, [0, 10_000, 40_000], [0.0, 0.2, 0.4])),
    ("calculators.tax.engine", "capped_rate", (200_000.0, 0.062, 176_100.0)),
    ("calculators.offer.equity", "ownership_factor", (0.2, 3)),
    ("calculators.offer.equity", "option_payoff", (4.0, 1.0, 0.2, 2.0, 1.0)),
    ("calculators.tax.jurisdictions.gb_eng", "income_tax", (100_000.0, 2025)),
    ("calculators.tax.jurisdictions.gb_eng", "employee_ni", (100_000.0, 2025)),
    ("calculators.tax.jurisdictions.us_federal", "federal_income_tax", (100_000.0, 2025)),
    ("calculators.tax.jurisdictions.us_federal", "social_security", (100_000.0, 2025)),
    ("calculators.tax.jurisdictions.us_ca", "ca_income_tax", (250_000.0, 2025)),
    ("calculators.tax.jurisdictions.us_ny", "nyc_income_tax", (100_000.0, 2025)),
    ("calculators.tax.jurisdictions.us_wa", "wa_pfml", (250_000.0, 2025)),
    ("calculators.tax.jurisdictions.ca_on", "cpp_contribution", (60_000.0, 2025)),
    ("calculators.tax.jurisdictions.de_lohnsteuer", "tarif", (60_000.0, 2025)),
    ("calculators.tax.jurisdictions.de_social", "bemessungsentgelt", (1_000.0, 2025)),
    ("calculators.tax.jurisdictions.il", "income_tax", (300_000.0, 2025, 2.25)),
    ("calculators.tax.jurisdictions.jp_income", "employment_income", (7_000_000.0, 2025)),
    ("calculators.tax.jurisdictions.jp_social", "employee_half", (300_000.0, 0.0991)),
    ("calculators.fx", "convert", (100.0, "USD", "JPY")),
]


@pytest.mark.parametrize("module, name, args", SCALAR_CASES, ids=[c[1] for c in SCALAR_CASES])
def test_scalar_in_gives_a_python_float_and_array_in_gives_an_array(module, name, args):
    func = getattr(importlib.import_module(module), name)
    scalar = func(*args)
    assert type(scalar) is float
    batch = func(np.array([args[0], args[0] / 2]), *args[1:])
    assert isinstance(batch, np.ndarray) and batch.shape == (2,)
    assert batch[0] == pytest.approx(scalar)
    assert batch[1] != pytest.approx(scalar)  # the array is computed element by element
    zero_d = func(np.asarray(args[0]), *args[1:])
    assert isinstance(zero_d, np.ndarray) and zero_d.shape == ()  # an array, 0-d too, stays one


def test_one_offers_year_totals_as_numbers_give_a_float():
    from calculators.offer.model import tc

    assert type(tc([100.0, 110.0], "npv", discount_rate=0.1)) is float
    assert tc(np.array([[100.0, 110.0], [1.0, 2.0]]), "total").tolist() == [210.0, 3.0]
