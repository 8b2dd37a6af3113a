"""The calculators' public API: every name in ``calculators.__all__`` is the object defined
in its module, and importing the package imports none of them until asked."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import calculators


@pytest.mark.parametrize("name", calculators.__all__)
def test_every_public_name_is_the_object_its_module_defines(name):
    module = importlib.import_module(calculators._WHERE[name])
    assert getattr(calculators, name) is getattr(module, name)
    assert name in module.__all__


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        calculators.no_such_thing  # noqa: B018


def test_importing_the_package_imports_no_submodule():
    code = "import sys, calculators; print(sorted(m for m in sys.modules if m.startswith('calculators.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# The names each part of the API adds, listed so that a name dropped from calculators.__all__
# fails here (the parametrised test above only sees the names that are still there).
COMPONENT_NAMES = {
    "calculators.valuation.equivalent": [
        "EQUIVALENT_COMPONENTS",
        "MAKE_WHOLE_BASIS",
        "Equivalent",
        "MakeWhole",
        "component_equivalent",
        "make_whole",
    ],
    "calculators.offer.clawback": ["MONTHS_WORKED", "Clawback", "clawback", "clawback_due"],
    "calculators.valuation.forfeit": [
        "CURRENT_JOB_FIELDS",
        "CurrentJob",
        "Forfeited",
        "current_job_from_table",
        "forfeited",
    ],
}


@pytest.mark.parametrize("module", sorted(COMPONENT_NAMES))
def test_the_component_exchange_and_clawback_names_are_public(module):
    for name in COMPONENT_NAMES[module]:
        assert calculators._WHERE.get(name) == module, name
        assert name in calculators.__all__
