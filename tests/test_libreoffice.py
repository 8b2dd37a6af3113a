"""The workbook outside Excel: LibreOffice opens it and its Compare sheet shows numbers.

LibreOffice does not know our functions; it shows the results cached in the
file (by the builder, or by ``negotiate recalc``).  The sheet is rendered to
PDF (one page per sheet) and its text read back with pdftotext.  Both workbooks
are rendered in one LibreOffice run.
"""

import functools
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook

from addin.recalc import recalc
from addin.workbook.builder import DEFAULT_PATH, example
from tests.conftest import soffice_convert
from tests.test_recalc import _rewrite, _strip

ERRORS = ("#NAME?", "#VALUE!", "#REF!", "#N/A", "Err:", "###")


def _tool(name):
    path = shutil.which(name)
    assert path, f"{name} is missing: .ci/run installs libreoffice-calc-nogui and poppler-utils"
    return path


PDF = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'  # a page a sheet


def _pages(pdf):
    """The text of each page (pdftotext ends every page with a form feed)."""
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    info = subprocess.run(
        [_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    pages = text.split("\f")
    assert len(pages) == count + 1 and pages[-1] == "", (count, len(pages))
    return pages[:-1]


def _shown(value, fmt):
    """``value`` as the cell's number format shows it (the formats Compare uses)."""
    if "0.0000" in fmt:
        return f"{Decimal(repr(value)).quantize(Decimal('0.0001'), ROUND_HALF_UP)}"
    if "0.0%" in fmt:
        return f"{Decimal(repr(value * 100)).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    return f"{int(Decimal(repr(value)).quantize(Decimal(1), ROUND_HALF_UP)):,}"


@functools.cache
def _expected_numbers():
    """Every number the Compare sheet computes with a formula, as it should read."""
    values = load_workbook(DEFAULT_PATH, data_only=True)["Compare"]
    formulas = load_workbook(DEFAULT_PATH)["Compare"]
    out = []
    for row in formulas.iter_rows():
        for c in row:
            text = getattr(c.value, "text", c.value)
            v = values[c.coordinate].value
            if isinstance(text, str) and text.startswith("=") and isinstance(v, float):
                out.append((c.coordinate, _shown(v, c.number_format)))
    return out


@pytest.fixture(scope="module")
def compare_pages(tmp_path_factory, soffice_profile):
    """The Compare page of the shipped workbook and of one whose cached values were all
    written by negotiate recalc, rendered in one LibreOffice run."""
    tmp = tmp_path_factory.mktemp("render")
    stripped = _rewrite(DEFAULT_PATH, tmp / "negotiation.xlsm", _strip)
    recalculated = recalc(stripped, tmp / "recalculated.xlsm").path
    pdfs = soffice_convert(soffice_profile, PDF, tmp / "pdf", [DEFAULT_PATH, recalculated])
    out = {}
    for name, pdf in zip(("shipped", "recalculated"), pdfs, strict=True):
        found = [p for p in _pages(pdf) if p.lstrip().startswith("Offer comparison")]
        assert len(found) == 1, f"{name}: no single page holds the Compare sheet"
        out[name] = found[0]
    return out


@pytest.fixture(scope="module", params=["shipped", "recalculated"])
def compare_page(request, compare_pages):
    return compare_pages[request.param]


def test_the_compare_sheet_renders_numbers_not_errors(compare_page):
    assert not [e for e in ERRORS if e in compare_page]
    expected = _expected_numbers()
    assert len(expected) >= 40
    missing = [(cell, shown) for cell, shown in expected if shown not in compare_page]
    assert missing == []


def test_every_offer_appears_with_its_rank(compare_page):
    names = [o["name"] for o in example()["offers"]]
    assert len(names) >= 4
    for name in names:
        line = next((ln for ln in compare_page.splitlines() if ln.startswith(name)), "")
        assert line.split()[-1] in {str(k) for k in range(1, len(names) + 1)}, name
