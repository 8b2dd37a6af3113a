"""Where the add-in's own files are, in a source checkout and in an installed wheel.

The example workbook has one committed copy, ``workbook/negotiation.xlsm`` at the
top of the source tree (``negotiate build-workbook`` writes it).  A wheel carries
that same file inside the package, as ``addin/data/negotiation.xlsm``: the build
step in ``setup.py`` copies it there, so the two never drift apart.  Code that
needs the example asks :func:`example_workbook`, never a path of its own.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["PACKAGED_WORKBOOK", "SOURCE_WORKBOOK", "example_workbook", "source_tree"]

SOURCE_WORKBOOK = Path("workbook") / "negotiation.xlsm"  # relative to the source tree
PACKAGED_WORKBOOK = Path("data") / "negotiation.xlsm"  # relative to the addin package


def source_tree() -> Path | None:
    """The top folder of the source checkout this package runs from, or None when installed.

    A checkout has ``pyproject.toml`` and ``workbook/`` beside the ``addin`` package
    (an editable install runs from one too); an installed wheel has neither.
    """
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / SOURCE_WORKBOOK.parent).is_dir():
        return root
    return None


def example_workbook() -> Path:
    """The shipped example workbook: the checkout's committed one, else the packaged copy.

    Examples
    --------
    >>> example_workbook().name
    'negotiation.xlsm'
    """
    root = source_tree()
    if root is not None:
        return root / SOURCE_WORKBOOK
    packaged = resources.files("addin").joinpath(*PACKAGED_WORKBOOK.parts)
    # A wheel is installed as files on disk, so the resource is a real path.
    return Path(str(packaged))
