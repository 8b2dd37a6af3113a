"""What xlwings-server serves as Office.js custom functions: the UDFs of ``addin.udfs``.

xlwings-server imports a module named ``custom_functions`` from its project
folder; this one re-exports our UDF package, plus ``VERSION()``, a trivial
function to check that Excel reaches the server.  ``XLWINGS_ON_SERVER=true``
must be set before xlwings is first imported, or no function is registered:
:mod:`addin.server` does that.
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version

import xlwings as xw

from addin.udfs import *  # noqa: F403  (every UDF, under its Python name)
from addin.udfs import __all__ as _UDFS

try:
    _VERSION = f"offer-negotiation {_dist_version('offer-negotiation')}"
except PackageNotFoundError:  # running from a source tree that is not installed
    _VERSION = "offer-negotiation (not installed)"


@xw.func
def version():
    """The add-in's name and version: a quick check that Excel reaches the server.

    Example: =NEGOTIATE.VERSION()
    """
    return _VERSION


__all__ = [*_UDFS, "version"]
