"""The workbook outside Excel: LibreOffice opens it and its Compare sheet shows numbers.

LibreOffice does not know our functions; it shows the results cached in the
file (by the builder, or by ``negotiate recalc``).  The sheet is rendered to
PDF (one page per sheet) and its text read back with pdftotext.
"""

import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook

from addin.recalc import recalc
from addin.workbook import DEFAULT_PATH, example
from tests.test_recalc import _rewrite, _strip

ERRORS = ("#NAME?", "#VALUE!", "#REF!", "#N/A", "Err:", "###")


def _tool(name):
    path = shutil.which(name)
    assert path, f"{name} is missing: .ci/run installs libreoffice-calc-nogui and poppler-utils"
    return path


def _render(book, outdir):
    """PDF of every sheet, one page each, through a private LibreOffice profile."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = (outdir / "profile").as_uri()
    done = subprocess.run(
        [
            _tool("soffice"),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}',
            "--outdir",
            str(outdir),
            str(book),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    pdf = outdir / (book.stem + ".pdf")
    assert pdf.is_file(), done.stdout + done.stderr
    return pdf


def _pages(pdf):
    info = subprocess.run(
        [_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return [
        subprocess.run(
            [_tool("pdftotext"), "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        for i in range(1, count + 1)
    ]


def _shown(value, fmt):
    """``value`` as the cell's number format shows it (the formats Compare uses)."""
    if "0.0000" in fmt:
        return f"{Decimal(repr(value)).quantize(Decimal('0.0001'), ROUND_HALF_UP)}"
    if "0.0%" in fmt:
        return f"{Decimal(repr(value * 100)).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    return f"{int(Decimal(repr(value)).quantize(Decimal(1), ROUND_HALF_UP)):,}"


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


@pytest.fixture(scope="module", params=["shipped", "recalculated"])
def compare_page(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    book = DEFAULT_PATH
    if request.param == "recalculated":  # cached values written by negotiate recalc only
        stripped = _rewrite(DEFAULT_PATH, tmp / "stripped.xlsm", _strip)
        book = recalc(stripped, tmp / "recalculated.xlsm").path
    pages = _pages(_render(book, tmp / "pdf"))
    found = [p for p in pages if p.lstrip().startswith("Offer comparison")]
    assert len(found) == 1, "no single page holds the Compare sheet"
    return found[0]


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
