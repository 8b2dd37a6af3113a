"""Hostile workbooks, made here, refused before openpyxl sees them.

Every file of :data:`bench.hostile_guard.CASES` is built from a fresh example workbook and
refused by each command its case lists (``negotiate compare / brief / share / recalc``,
through the command's entry point in one process for all files, running beside this one,
and ``python -m addin.cli`` in a process of its own for the files as the findings were
reported): a non-zero exit, the guard's one line naming the file and the reason, no
traceback, nothing written.  How long a refusal takes and how much memory it needs is
measured by ``python -m bench guard``, not here (timed assertions fail under load).
Genuine workbooks pass: the shipped one, one LibreOffice has re-saved, the xlwings
workbooks Excel saved, one made with ``negotiate new``, the shipped VBA project wherever it
is declared.
"""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from defusedxml import EntitiesForbidden

from addin.io.guard import LIMITS, UDF_MODULE, Limits, UnsafeWorkbookError, check_workbook, vba_code
from addin.vba import xlwings_udfs_code
from addin.workbook.builder import quickstart_vba
from bench.hostile import rewrite, sheet_part
from bench.hostile_guard import CASES, billion_laughs, edited_vba_project
from tests.conftest import negotiate, soffice_convert
from tests.vba_project import compress, excel_stored, read_cfb, with_module, write_cfb

MiB = 1 << 20


@pytest.fixture(scope="module")
def base(built_example):
    """A genuine workbook (the shipped example, see tests.conftest.built_example)."""
    return built_example


def _argv(command: str, path: Path, out: Path) -> list[str]:
    """The arguments of one command on one file (share and recalc write ``out``)."""
    return [command, str(path), "-o", str(out)] if command in ("share", "recalc") else [command, str(path)]


# ``negotiate`` is addin.extras:main: one process runs it once for each (file, command), each
# read from its standard input as one line of JSON as soon as the file is made
_DRIVER = r"""
import contextlib, io, json, sys
from addin.extras import main
said = []
for line in sys.stdin:
    argv = json.loads(line)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    said.append({"rc": code, "stdout": out.getvalue(), "stderr": err.getvalue()})
json.dump(said, sys.__stdout__)
"""


@pytest.fixture(scope="module")
def hostile(base, tmp_path_factory):
    """Every case's file, and what each command it lists made of it, through the command's
    entry point (argument parsing and error reporting included) in one process for all
    files, each file handed over as soon as it is made."""
    folder = tmp_path_factory.mktemp("hostile")
    files, jobs = {}, []
    driver = subprocess.Popen(
        [sys.executable, "-c", _DRIVER],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.PIPE,
        text=True,
    )
    assert driver.stdin is not None
    try:
        for case in CASES:
            (folder / case.name).mkdir()
            path = files[case.name] = case.build(base, folder / case.name)
            for command in case.commands:
                out = folder / case.name / f"out-{command}.xlsx"
                jobs.append((case.name, command, out))
                driver.stdin.write(json.dumps(_argv(command, path, out)) + "\n")
            driver.stdin.flush()
    except BrokenPipeError:  # the process ended early: what it wrote to stderr says why
        pass
    finally:
        stdout, stderr = driver.communicate(timeout=900)
    assert driver.returncode == 0, stderr
    said: dict[str, dict[str, tuple[dict, Path]]] = {c.name: {} for c in CASES}
    for (name, command, out), result in zip(jobs, json.loads(stdout), strict=True):
        said[name][command] = (result, out)
    return files, said


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_workbook_is_refused_with_one_clear_line(case, hostile):
    files, said = hostile
    path = files[case.name]
    assert set(said[case.name]) == set(case.commands)
    first = said[case.name][case.commands[0]][0]["stderr"]
    assert first.startswith(f"negotiate: {path.name}: refused, "), first
    message = first.removeprefix("negotiate: ").rstrip("\n")
    assert case.reason in message.lower(), message
    assert str(path.parent) not in message
    for command, (r, out) in said[case.name].items():
        assert r["rc"] not in (0, None), (command, r)
        assert r["stderr"].splitlines() == [f"negotiate: {message}"], (command, r["stderr"])
        assert r["stdout"] == "" and "Traceback" not in r["stderr"], (command, r["stdout"])
        assert not out.exists(), command


def test_python_m_addin_cli_refuses_each_file_as_reported(hostile, tmp_path):
    """The files as the findings were reported, each command in its own process
    (``python -m addin.cli``): exit 2, one line."""
    files, _ = hostile
    reported = [c for c in CASES if set(c.commands) == {"compare", "brief", "share", "recalc"}]
    procs = []
    for i, command in enumerate(("compare", "brief", "share", "recalc")):
        case = reported[i % len(reported)]
        out = tmp_path / f"{command}.xlsx"
        procs.append(
            (
                case,
                command,
                out,
                subprocess.Popen(
                    [sys.executable, "-m", "addin.cli", *_argv(command, files[case.name], out)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
        )
    for case, command, out, proc in procs:
        stdout, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 2, (case.name, command, stderr)
        lines = stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"negotiate: {files[case.name].name}: ")
        assert case.reason in lines[0].lower() and stdout == "" and not out.exists()


def test_every_finding_of_the_guard_has_a_case():
    findings = {c.finding for c in CASES}
    assert {"11.3", "11.4", "11.5", "11.8", "11.9"} <= findings
    assert len({c.name for c in CASES}) == len(CASES)
    # the files as the findings were reported are refused by every command
    every = {c.finding for c in CASES if set(c.commands) == {"compare", "brief", "share", "recalc"}}
    assert {"11.3", "11.4", "11.5", "11.8", "11.9"} <= every


def _unlisted(monkeypatch):
    """Make zipfile's listing of a directory fail the test."""

    def listed(self):
        raise AssertionError("zipfile listed the directory")

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", listed)


def test_the_entry_count_is_read_before_zipfile_lists_anything(hostile, monkeypatch):
    """1.7 million entries: refused from the end-of-central-directory record (zip64)."""
    path = hostile[0]["million-entries"]
    _unlisted(monkeypatch)
    with pytest.raises(UnsafeWorkbookError, match="declares 1,700,000"):
        check_workbook(path)


def test_a_directory_that_lies_about_its_count_is_walked_not_listed(base, tmp_path, monkeypatch):
    """The end record says 5 entries; the directory holds 10,100: counted while walked."""
    path = rewrite(base, tmp_path / "lying-count.xlsx", add={f"m/{i}": b"" for i in range(10_100 - 30)})
    data = bytearray(path.read_bytes())
    end = data.rindex(b"PK\x05\x06")
    data[end + 8 : end + 12] = (5).to_bytes(2, "little") * 2
    path.write_bytes(bytes(data))
    _unlisted(monkeypatch)
    with pytest.raises(UnsafeWorkbookError, match="holds more than 10,000 entries$"):
        check_workbook(path)


def _offers_with(base, tmp, file, rows, dimension=None):
    """The example with ``rows`` (XML) appended to its Offers sheet."""
    import re

    part = sheet_part(base, "Offers")
    with zipfile.ZipFile(base) as zf:
        xml = zf.read(part).decode()
    cut = xml.index("</sheetData>")
    xml = xml[:cut] + rows + xml[cut:]
    if dimension:
        xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>', xml, count=1)
    return rewrite(base, tmp / file, replace={part: xml.encode()})


def _held(path):
    """What the guard counts in a package."""
    from addin.io.guard import _check_zip, _Package

    with zipfile.ZipFile(path) as zf:
        pkg = _Package(zf, path.name, LIMITS)
        _check_zip(pkg)
    return pkg


@pytest.mark.parametrize(
    "field,held,words",
    [
        ("cells", "cells", "cells"),
        ("elements", "elements", "elements"),
        ("shared_strings", "strings", "shared strings"),
        ("shared_chars", "chars", "characters"),
    ],
)
def test_each_count_is_exact(base, field, held, words):
    """The example passes a bound set at what it holds, and is refused one below it."""
    n = getattr(_held(base), held)
    assert n > 100
    assert check_workbook(base, Limits(**{field: n})) == base
    with pytest.raises(UnsafeWorkbookError, match=f"more than {n - 1:,} {words}"):
        check_workbook(base, Limits(**{field: n - 1}))


@pytest.mark.parametrize(
    "limits,inside,beyond,words",
    [
        (Limits(rows=5_000), "A5000", "A5001", "a row or cell beyond row 5,000"),
        (Limits(columns=100), "CV40", "CW40", "a cell beyond its last column"),
        (Limits(area=100_000), "AX2000", "AY2000", "spans more than 100,000 cells"),
    ],
)
def test_each_extent_is_exact(base, tmp_path, limits, inside, beyond, words):
    """A cell on the bound passes, the next one over is refused; so does the dimension."""

    def far(ref):
        row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'

    assert check_workbook(_offers_with(base, tmp_path, "in.xlsx", far(inside)), limits)
    with pytest.raises(UnsafeWorkbookError, match=words):
        check_workbook(_offers_with(base, tmp_path, "out.xlsx", far(beyond)), limits)
    assert check_workbook(_offers_with(base, tmp_path, "dim-in.xlsx", "", f"A1:{inside}"), limits)
    with pytest.raises(UnsafeWorkbookError, match="declares"):
        check_workbook(_offers_with(base, tmp_path, "dim-out.xlsx", "", f"A1:{beyond}"), limits)


def test_a_sheet_found_only_by_its_root_element_is_counted(base, tmp_path):
    """A worksheet that nothing declares (no relationship, the default XML content type)."""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(1, 1002))
    xml = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )
    path = rewrite(base, tmp_path / "hidden-sheet.xlsx", add={"xl/media/notes.xml": xml})
    with pytest.raises(UnsafeWorkbookError, match="more than 1,000 rows"):
        check_workbook(path, Limits(rows=1_000))
    assert check_workbook(path, Limits(rows=1_001)) == path


def test_a_macro_sheet_found_only_by_its_root_element_is_refused(base, tmp_path):
    xml = (
        '<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData/>'
        "</xm:macrosheet>"
    )
    path = rewrite(base, tmp_path / "xlm-root.xlsx", add={"xl/worksheets/sheet99.xml": xml})
    with pytest.raises(UnsafeWorkbookError, match="Excel 4.0 macro sheets"):
        check_workbook(path)


def test_an_external_link_relationship_alone_is_refused(base, tmp_path):
    """No part at all: the relationship to another workbook is enough."""
    rels_name = "xl/_rels/workbook.xml.rels"
    with zipfile.ZipFile(base) as zf:
        rels = zf.read(rels_name).decode()
    rel = (
        '<Relationship Id="rId77" Type="http://purl.oclc.org/ooxml/officeDocument/'
        'relationships/externalLinkPath" Target="file:///home/negotiation.xlsx" '
        'TargetMode="External"/>'
    )
    path = rewrite(
        base,
        tmp_path / "link-only.xlsx",
        replace={rels_name: rels.replace("</Relationships>", rel + "</Relationships>").encode()},
    )
    with pytest.raises(UnsafeWorkbookError, match="links to other workbooks"):
        check_workbook(path)


def test_the_shipped_vba_passes_wherever_it_is_declared(base, tmp_path):
    """Moved to ``xl/media/image1.bin`` and reached through the workbook relationship, or
    kept at a second, undeclared place: the shipped project is still the shipped project."""
    rels_name = "xl/_rels/workbook.xml.rels"
    with zipfile.ZipFile(base) as zf:
        rels = zf.read(rels_name).decode()
        vba = zf.read("xl/vbaProject.bin")
    moved = rewrite(
        base,
        tmp_path / "moved.xlsm",
        drop=("xl/vbaProject.bin",),
        replace={rels_name: rels.replace('Target="vbaProject.bin"', 'Target="media/image1.bin"').encode()},
        add={"xl/media/image1.bin": vba},
    )
    assert check_workbook(moved) == moved
    copied = rewrite(base, tmp_path / "copied.xlsm", add={"xl/media/image2.png": vba})
    assert check_workbook(copied) == copied


def test_a_workbook_libreoffice_has_resaved_passes(base, tmp_path, soffice_profile):
    """LibreOffice rewrites every part (and, in an .xlsm, the VBA project: it drops the
    members' attribute lines and adds ``Option ClassModule`` to a class module)."""
    saved = [
        soffice_convert(soffice_profile, target, tmp_path / target[:4], [base])[0]
        for target in ("xlsx", "xlsm:Calc MS Excel 2007 VBA XML")
    ]
    for path in saved:
        assert check_workbook(path) == path
    with zipfile.ZipFile(saved[1]) as zf:
        assert zf.read("xl/vbaProject.bin") != quickstart_vba()  # re-written, and accepted
    r = negotiate("compare", saved[0], "--json")
    assert r.returncode == 0, r.stderr


def test_an_override_takes_precedence_over_the_vba_default(base, tmp_path):
    """Excel keeps printer settings in ``.bin`` parts with their own Override, while ``.bin``
    defaults to the VBA project type: they are printer settings, not VBA."""
    with zipfile.ZipFile(base) as zf:
        types = zf.read("[Content_Types].xml").decode()
    part = "xl/printerSettings/printerSettings1.bin"
    types = types.replace(
        "</Types>",
        f'<Override PartName="/{part}" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"/>'
        "</Types>",
    )
    path = rewrite(
        base,
        tmp_path / "printer.xlsm",
        replace={"[Content_Types].xml": types.encode()},
        add={part: bytes(range(256)) * 8},
    )
    assert check_workbook(path) == path
    undeclared = rewrite(base, tmp_path / "no-override.xlsm", add={part: bytes(range(256))})
    with pytest.raises(UnsafeWorkbookError, match="VBA project cannot be read"):
        check_workbook(undeclared)


@pytest.mark.parametrize("name", ["quickstart_standalone.xlsm", "quickstart.xlsm"])
def test_workbooks_excel_saved_pass(name):
    """xlwings ships workbooks Excel saved (its own content types, relationships and VBA)."""
    import xlwings

    path = Path(xlwings.__file__).parent / name
    assert check_workbook(path) == path


def test_an_own_workbook_passes(tmp_path):
    """``negotiate new``, the Windows workbook and the web one (the same evaluation, other
    spellings of the functions): both pass."""
    for runtime in ("windows", "web"):
        path = tmp_path / runtime / "negotiation.xlsm"
        path.parent.mkdir()
        r = negotiate("new", path, "--runtime", runtime, "--years", "10")
        assert (r.returncode, r.stderr) == (0, ""), r.stderr
        assert r.stdout.startswith("wrote negotiation.xlsm")
        assert check_workbook(path) == path


# --- the VBA project: only xlwings' code, however Excel stores it ---------------------------


def imported(base, tmp, source, module=UDF_MODULE, file="imported.xlsm"):
    """The workbook after Import Functions: the shipped VBA plus ``module`` holding ``source``
    (stored as the VBA editor stores an imported file)."""
    vba = with_module(quickstart_vba(), module, source)
    return rewrite(base, tmp / file, replace={"xl/vbaProject.bin": vba})


def _generated() -> str:
    return xlwings_udfs_code("negotiation.xlsm")


def test_the_shipped_workbook_passes_the_guard(base):
    assert check_workbook(base) == base
    r = negotiate("compare", base, "--json")
    assert r.returncode == 0, r.stderr


def test_the_shipped_vba_as_excel_resaves_it_passes(base, tmp_path):
    """Excel rewrites the compiled part of each module on save: the code is what counts."""

    def recompile(old, offset):
        pcode = bytearray(old[:offset])
        pcode[offset // 2] ^= 0xFF
        return bytes(pcode) + old[offset:]

    vba = edited_vba_project(tmp_path, "Dictionary", recompile)
    assert vba != quickstart_vba()
    path = rewrite(base, tmp_path / "resaved.xlsm", replace={"xl/vbaProject.bin": vba})
    assert check_workbook(path) == path


def test_vba_code_reads_the_modules():
    code = vba_code(quickstart_vba())
    assert b"Function GetConfig" in code["xlwings"] or b"xlwings" in code["xlwings"]
    assert "ThisWorkbook" not in code  # attributes only: no code


def test_member_attribute_lines_are_metadata_not_code():
    """What LibreOffice leaves out on saving is left out of the comparison, nothing else."""
    from addin.io.guard import _code_lines

    source = (
        b'Attribute VB_Name = "Dictionary"\r\nOption ClassModule\r\n'
        b"Public Property Get Item(Key As Variant) As Variant\r\n"
        b"Attribute Item.VB_UserMemId = 0\r\n    Item = 1\r\nEnd Property\r\n"
    )
    assert _code_lines(source) == (
        b"Public Property Get Item(Key As Variant) As Variant\n    Item = 1\nEnd Property"
    )
    assert _code_lines(b"Attribute = 1\r\n") == b"Attribute = 1"  # a statement, kept


def test_defusedxml_is_the_second_lock(base, tmp_path):
    """Past the guard, openpyxl itself parses with defusedxml: entity expansion fails."""
    assert openpyxl.DEFUSEDXML is True
    laughs = billion_laughs(base, tmp_path)
    with pytest.raises(ValueError) as info:
        openpyxl.load_workbook(laughs)
    assert isinstance(info.value.__cause__, EntitiesForbidden)


def test_vba_is_not_kept_by_the_reader(base):
    """The shipped VBA is accepted, but never loaded: the reader opens without keep_vba."""
    wb = openpyxl.load_workbook(base, read_only=True, keep_vba=False)
    assert getattr(wb, "vba_archive", None) is None
    wb.close()


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "not an .xlsx/.xlsm workbook"),
        (b"PK\x03\x04 truncated", "not an .xlsx/.xlsm workbook"),
        (b"<html>not a workbook</html>", "not an .xlsx/.xlsm workbook"),
    ],
)
def test_non_workbooks_are_refused(tmp_path, data, reason):
    path = tmp_path / "x.xlsx"
    path.write_bytes(data)
    with pytest.raises(UnsafeWorkbookError, match=reason):
        check_workbook(path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    path = tmp_path / "x.xlsx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(UnsafeWorkbookError, match="no workbook part"):
        check_workbook(path)


def test_excel4_macro_sheets_are_refused_where_excel_keeps_them(base, tmp_path):
    path = rewrite(base, tmp_path / "xlm.xlsm", add={"xl/macrosheets/sheet1.xml": b"<x/>"})
    with pytest.raises(UnsafeWorkbookError, match="Excel 4.0 macro"):
        check_workbook(path)


def test_two_parts_of_the_same_name_are_refused(base, tmp_path):
    path = rewrite(base, tmp_path / "twice.xlsx", add={"XL/Workbook.xml": b"<workbook/>"})
    with pytest.raises(UnsafeWorkbookError, match="two parts of the same name"):
        check_workbook(path)


def test_rows_are_counted_across_chunk_boundaries(base, tmp_path):
    """A sheet just over the row bound is refused, one at the bound is not."""
    part = sheet_part(base, "Schedules")
    with zipfile.ZipFile(base) as zf:
        xml = zf.read(part).decode()
    start = xml.index("<sheetData>") + len("<sheetData>")
    end = xml.index("</sheetData>")
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 60_001))
    path = rewrite(base, tmp_path / "rows.xlsx", replace={part: (xml[:start] + rows + xml[end:]).encode()})
    assert check_workbook(path, Limits(rows=60_000)) == path
    with pytest.raises(UnsafeWorkbookError, match="more than 59,999 rows"):
        check_workbook(path, Limits(rows=59_999))


def test_the_limits_hold_the_shipped_workbook_many_times_over(base):
    """The bounds are far above a job-offer workbook: a tenth of each still passes it."""
    counted = ("entries", "rows", "area", "cells", "elements", "shared_strings", "shared_chars")
    tenth = Limits(**{f: getattr(LIMITS, f) // 10 for f in counted})
    assert check_workbook(base, tenth) == base


def test_the_vba_project_writer_writes_what_the_reader_reads():
    """tests/vba_project.py: MS-OVBA compression and an MS-CFB file, read back by the guard's
    decompressor and olefile."""
    from addin.io.guard import ovba_decompress

    text = excel_stored(_generated())
    for data in (b"", b"x", text, text * 3, bytes(range(256)) * 40):
        assert ovba_decompress(compress(data)) == data
    assert len(compress(text)) < len(text) / 2  # copy tokens, not literals only
    items = read_cfb(quickstart_vba())
    assert read_cfb(write_cfb(items)) == items
    added = with_module(quickstart_vba(), "Module2", b"Sub A()\r\nEnd Sub\r\n")
    assert vba_code(added) == {**vba_code(quickstart_vba()), "Module2": b"Sub A()\nEnd Sub"}
    assert b"Module=Module2\r\n" in read_cfb(added)[("PROJECT",)]


def test_a_workbook_after_import_functions_passes(base, tmp_path):
    """The generated module as the VBA editor stores it (CRLF, lines trimmed), and as xlwings
    wrote the file it imports (LF here): both are what Import Functions makes."""
    text = _generated()
    assert text.isascii() and "pay_currency" in text
    for i, source in enumerate((excel_stored(text), text.encode("ascii"))):
        path = imported(base, tmp_path, source, file=f"after-import-{i}.xlsm")
        assert check_workbook(path) == path
        assert UDF_MODULE in vba_code(zipfile.ZipFile(path).read("xl/vbaProject.bin"))
    r = negotiate("compare", path, "--json")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["offers"]) >= 2


def _refusal(path):
    with pytest.raises(UnsafeWorkbookError) as err:
        check_workbook(path)
    message = str(err.value)
    assert len(message.splitlines()) == 1 and message.startswith(f"{path.name}: refused, ")
    assert "VBA project other than the shipped workbook's" in message
    return message


def test_any_other_module_is_refused(base, tmp_path):
    harmless = b'Attribute VB_Name = "Module2"\r\nSub Hello()\r\n    MsgBox "hi"\r\nEnd Sub\r\n'
    path = imported(base, tmp_path, harmless, module="Module2", file="extra.xlsm")
    assert "module Module2 is not one of xlwings'" in _refusal(path)
    # the generated code under another module name is another module
    path = imported(base, tmp_path, excel_stored(_generated()), module="Module2", file="renamed.xlsm")
    assert "module Module2 is not one of xlwings'" in _refusal(path)
    # the generated module beside an extra one
    vba = with_module(
        with_module(quickstart_vba(), UDF_MODULE, excel_stored(_generated())),
        "Module3",
        harmless.replace(b"Module2", b"Module3"),
    )
    path = rewrite(base, tmp_path / "both.xlsm", replace={"xl/vbaProject.bin": vba})
    assert "module Module3 is not one of xlwings'" in _refusal(path)


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace('"addin.udfs"', '"addin.udfz"', 1),  # one character of a string
        lambda t: t.replace("Exit Function", "Exit Functiom", 1),  # one character of code
        lambda t: t.replace("Optional pay_currency", "Optional currency"),  # the old interface
        lambda t: t.replace("ThisWorkbook", "ActiveWorkbook"),  # the .xlam variant in an .xlsm
        lambda t: t.replace("col_adjust", "COL_ADJUST"),  # case is compared
        lambda t: t.rsplit("Function ", 1)[0],  # a function left out
    ],
)
def test_an_edited_xlwings_udfs_module_is_refused(base, tmp_path, edit):
    text = _generated()
    changed = edit(text)
    assert changed != text
    path = imported(base, tmp_path, excel_stored(changed), file="edited-udfs.xlsm")
    assert f"its {UDF_MODULE} module is not what Import Functions writes" in _refusal(path)


def test_the_same_bytes_are_not_scanned_again(base, tmp_path, monkeypatch):
    """A package is known by its bytes, its suffix and the bounds: checked again, it is not
    scanned again and gets the same verdict (a refusal names the file as it is called now); a
    byte changed, other bounds or another suffix, and it is scanned."""
    import addin.io.guard as guard

    scanned = []
    real = guard._check_zip
    monkeypatch.setattr(guard, "_check_zip", lambda pkg: scanned.append(pkg.name) or real(pkg))
    monkeypatch.setattr(guard, "VERDICTS", type(guard.VERDICTS)())
    path = tmp_path / "mine.xlsm"
    path.write_bytes(base.read_bytes())
    assert check_workbook(path) == path and check_workbook(path) == path and len(scanned) == 1
    assert check_workbook(path, Limits(rows=100_000)) == path and len(scanned) == 2
    data = bytearray(path.read_bytes())
    end = data.rindex(b"PK\x05\x06")
    data[end + 20 : end + 22] = (7).to_bytes(2, "little")  # a zip comment of seven bytes
    path.write_bytes(bytes(data) + b"changed")
    assert check_workbook(path) == path and len(scanned) == 3
    far = _offers_with(base, tmp_path, "far.xlsx", '<row r="5001"><c r="A5001"><v>1</v></c></row>')
    renamed = far.with_name("renamed.xlsx")
    renamed.write_bytes(far.read_bytes())
    for path, name in ((far, "far.xlsx"), (far, "far.xlsx"), (renamed, "renamed.xlsx")):
        with pytest.raises(UnsafeWorkbookError, match=f"^{name}: refused, .*beyond row 5,000"):
            check_workbook(path, Limits(rows=5_000))
    assert len(scanned) == 4
    with pytest.raises(UnsafeWorkbookError, match="beyond row 4,000$"):  # other bounds: scanned
        check_workbook(far, Limits(rows=4_000))
    assert len(scanned) == 5
    as_addin = tmp_path / "mine.xlam"  # the same bytes as an add-in, whose VBA is judged apart
    as_addin.write_bytes(base.read_bytes())
    assert check_workbook(as_addin) == as_addin and len(scanned) == 6


def test_a_file_changed_while_it_is_checked_leaves_no_verdict(base, tmp_path, monkeypatch):
    """The bytes hashed are the bytes checked (one handle): a file replaced on disk during the
    check is judged as it was opened, and its replacement scanned when it is checked; a file
    written in place during the check keeps no verdict at all; one whose size is not the size
    checked is refused."""
    import addin.io.guard as guard

    path = tmp_path / "mine.xlsx"
    hostile = _offers_with(base, tmp_path, "far.xlsx", '<row r="5001"><c r="A5001"><v>1</v></c></row>')
    path.write_bytes(hostile.read_bytes())
    genuine = tmp_path / "genuine.xlsx"
    genuine.write_bytes(base.read_bytes())
    monkeypatch.setattr(guard, "VERDICTS", type(guard.VERDICTS)())
    scanned, swap = [], []
    real, walk = guard._check_zip, guard._walk_directory

    def steps():
        for step in swap:
            step()
        swap.clear()

    def check(pkg):
        scanned.append(pkg.name)
        steps()
        return real(pkg)

    def walked(*args):
        steps()
        return walk(*args)

    monkeypatch.setattr(guard, "_check_zip", check)
    monkeypatch.setattr(guard, "_walk_directory", walked)
    swap.append(lambda: genuine.replace(path))  # replaced on disk once the hostile bytes are hashed
    with pytest.raises(UnsafeWorkbookError, match="beyond row 5,000"):
        check_workbook(path, Limits(rows=5_000))
    assert check_workbook(path, Limits(rows=5_000)) == path and len(scanned) == 2  # the new file: scanned
    assert check_workbook(path, Limits(rows=5_000)) == path and len(scanned) == 2  # and now kept

    def in_place():
        with open(path, "r+b") as fh:
            fh.seek(0, 2)
            fh.write(b"appended while checked")

    swap.append(in_place)
    check_workbook(path, Limits(rows=6_000))
    assert len(scanned) == 3 and len(guard.VERDICTS) == 2  # nothing kept for the bytes it changed
    import types

    grown = types.SimpleNamespace(st_size=path.stat().st_size + 1)  # replaced between stat and open
    monkeypatch.setattr(guard.os, "fstat", lambda fd: grown)
    with pytest.raises(UnsafeWorkbookError, match="^mine.xlsx: refused, the file changed while it was read$"):
        check_workbook(path, Limits(rows=7_000))
