"""Hostile workbooks, made here, refused before openpyxl sees them.

Each fixture is refused by ``negotiate compare`` and ``negotiate share`` with one
clear line naming the file and the reason, a non-zero exit, and within the
issue's bounds (2 s of CPU, 200 MiB of memory for the whole process, measured
by a wrapper process through ``getrusage(RUSAGE_CHILDREN)``).
"""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings
from defusedxml import EntitiesForbidden

from addin.guard import LIMITS, UDF_MODULE, UnsafeWorkbookError, check_workbook, vba_code
from addin.vba import xlwings_udfs_code
from addin.workbook import build, quickstart_vba
from tests.vba_project import compress, excel_stored, read_cfb, with_module, write_cfb

MiB = 1 << 20
_MEASURE = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": p.returncode, "stdout": p.stdout, "stderr": p.stderr, "wall": wall,
                  "cpu": u.ru_utime + u.ru_stime, "maxrss_kib": u.ru_maxrss}))
"""


def negotiate(*args):
    """Run the command in a fresh process; its exit, output, CPU seconds and peak memory."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "addin.cli",
                          *map(str, args)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def rewrite(src: Path, dst: Path, replace=None, add=None, drop=()):
    """Copy a zip package, replacing, adding or dropping parts."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = replace.get(info.filename, None)
            zout.writestr(info.filename, zin.read(info) if data is None else data)
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A genuine workbook (the shipped example, built fresh)."""
    return build(tmp_path_factory.mktemp("base") / "negotiation.xlsm")


def _sheet_part(path: Path, name: str) -> str:
    """The zip part of the worksheet called ``name``."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        index = wb.sheetnames.index(name)
    finally:
        wb.close()
    with zipfile.ZipFile(path) as zf:
        sheets = sorted((n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")),
                        key=lambda n: int(n[len("xl/worksheets/sheet"):-4]))
    return sheets[index]


def zip_bomb(base, tmp):
    """A 256 MiB entry of zeros, about 256 KiB compressed."""
    dst = rewrite(base, tmp / "bomb.xlsx")
    with zipfile.ZipFile(dst, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("xl/media/image1.png", "w", force_zip64=True) as fh:
            block = bytes(16 * MiB)
            for _ in range(16):
                fh.write(block)
    return dst


def ratio_bomb(base, tmp):
    """Under the total-size bound, but one entry compressed 1000:1."""
    return rewrite(base, tmp / "ratio.xlsx", add={"xl/media/image1.png": bytes(50 * MiB)})


def lying_sizes(base, tmp):
    """A shared-strings part of 64 MiB whose headers declare 1,000 bytes."""
    big = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           + b" " * (64 * MiB) + b"</sst>")
    dst = rewrite(base, tmp / "lying.xlsx", replace={"xl/sharedStrings.xml": big})
    data = bytearray(dst.read_bytes())
    with zipfile.ZipFile(dst) as zf:
        info = zf.getinfo("xl/sharedStrings.xml")
    name = info.filename.encode()
    local = info.header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    data[local + 22:local + 26] = (1000).to_bytes(4, "little")
    central = data.index(b"PK\x01\x02", local + 1)
    while data[central + 46:central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 1)
    data[central + 24:central + 28] = (1000).to_bytes(4, "little")
    dst.write_bytes(bytes(data))
    return dst


def many_entries(base, tmp):
    return rewrite(base, tmp / "many.xlsx",
                   add={f"xl/media/image{i}.png": b"" for i in range(LIMITS.entries + 1)})


_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
              for i in range(1, 10))
    + ']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)


def billion_laughs(base, tmp, encoding="utf-8"):
    return rewrite(base, tmp / f"laughs-{encoding}.xlsx",
                   replace={"xl/sharedStrings.xml": _LAUGHS.replace("UTF-8", encoding.upper())
                            .encode(encoding)})


def ole_renamed(base, tmp):
    """A real OLE compound file (xlwings' own VBA project) renamed .xlsx."""
    dst = tmp / "legacy.xlsx"
    dst.write_bytes(quickstart_vba())
    return dst


def foreign_vba(base, tmp):
    """A macro workbook carrying another VBA project (the xlwings add-in's own)."""
    addin = Path(xlwings.__file__).parent / "addin" / "xlwings.xlam"
    with zipfile.ZipFile(addin) as zf:
        vba = zf.read("xl/vbaProject.bin")
    return rewrite(base, tmp / "macro.xlsm", replace={"xl/vbaProject.bin": vba})


def _literal_container(code: bytes, length: int) -> bytes:
    """An MS-OVBA compressed container of ``length`` bytes holding ``code`` (literals only)."""
    body = bytearray()
    for j in range(0, len(code), 8):
        body.append(0)
        body += code[j:j + 8]
    assert len(body) + 2 <= 4098
    out = b"\x01" + (0xB000 | (len(body) - 1)).to_bytes(2, "little") + bytes(body)
    assert len(out) <= length
    return out + bytes(length - len(out))


def _module_offset(vba: bytes, module: str) -> int:
    import olefile

    from addin.guard import _decompress

    ole = olefile.OleFileIO(vba)
    info = _decompress(ole.openstream("VBA/dir").read())
    ole.close()
    at = info.index(b"\x1a\x00" + len(module).to_bytes(4, "little") + module.encode())
    at = info.index(b"\x31\x00\x04\x00\x00\x00", at)
    return int.from_bytes(info[at + 6:at + 10], "little")


def _edited_vba(tmp: Path, module: str, edit) -> bytes:
    """The shipped VBA project with one module stream rewritten (same size) by ``edit``."""
    import olefile

    path = tmp / f"vba-{module}-{id(edit)}.bin"
    path.write_bytes(quickstart_vba())
    ole = olefile.OleFileIO(str(path), write_mode=True)
    old = ole.openstream(f"VBA/{module}").read()
    new = edit(old, _module_offset(path.read_bytes(), module))
    assert len(new) == len(old) and new != old
    ole.write_stream(f"VBA/{module}", new)
    ole.close()
    return path.read_bytes()


def edited_vba(base, tmp):
    """The shipped VBA project with its sample module's code replaced by a Shell call."""
    code = (b'Attribute VB_Name = "Module1"\r\nSub SampleCall()\r\n    Shell "calc.exe"\r\n'
            b"End Sub\r\n")

    def edit(old, offset):
        length = len(old) - offset
        filler = b"'" + b"x" * max(0, (length - 3) * 8 // 9 - len(code) - 8)
        return old[:offset] + _literal_container(code + filler, length)

    vba = _edited_vba(tmp, "Module1", edit)
    return rewrite(base, tmp / "edited.xlsm", replace={"xl/vbaProject.bin": vba})


def imported(base, tmp, source, module=UDF_MODULE, file="imported.xlsm"):
    """The workbook after Import Functions: the shipped VBA plus ``module`` holding ``source``
    (stored as the VBA editor stores an imported file)."""
    vba = with_module(quickstart_vba(), module, source)
    return rewrite(base, tmp / file, replace={"xl/vbaProject.bin": vba})


def _generated() -> str:
    return xlwings_udfs_code("negotiation.xlsm")


def udf_module_with_shell(base, tmp):
    """The generated xlwings_udfs module with one more line of code in a function."""
    text = _generated().replace("Exit Function", 'Shell "calc.exe"\n        Exit Function', 1)
    return imported(base, tmp, excel_stored(text), file="udf-shell.xlsm")


def million_rows(base, tmp):
    """The Offers sheet padded to 1,000,000 rows."""
    part = _sheet_part(base, "Offers")
    with zipfile.ZipFile(base) as zf:
        xml = zf.read(part).decode()
    start = xml.index("</sheetData>")
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(100, 1_000_100))
    return rewrite(base, tmp / "million.xlsx",
                   replace={part: (xml[:start] + rows + xml[start:]).encode()})


HOSTILE = {
    "zip bomb": (zip_bomb, "MiB uncompressed"),
    "compression ratio": (ratio_bomb, "compressed more than 100:1"),
    "entry count": (many_entries, "more than 10,000 entries"),
    "lying sizes": (lying_sizes, "the zip package is damaged"),
    "billion laughs": (billion_laughs, "declares a document type"),
    "billion laughs utf-16": (lambda b, t: billion_laughs(b, t, "utf-16"),
                              "declares a document type"),
    "OLE renamed .xlsx": (ole_renamed, "OLE compound file"),
    "foreign VBA": (foreign_vba, "VBA project other than the shipped workbook's"),
    "edited VBA module": (edited_vba, "VBA project other than the shipped workbook's"),
    "edited xlwings_udfs": (udf_module_with_shell, "xlwings_udfs module is not what Import "
                                                   "Functions writes"),
    "million-row sheet": (million_rows, "more than 200,000 rows"),
}


@pytest.fixture(scope="module")
def hostile(base, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    return {name: make(base, tmp) for name, (make, _) in HOSTILE.items()}


@pytest.mark.parametrize("command", ["compare", "share"])
@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_workbook_is_refused_quickly_with_a_clear_message(hostile, case, command, tmp_path):
    path = hostile[case]
    args = [command, path] if command == "compare" else [command, path, "-o", tmp_path / "o.xlsx"]
    r = negotiate(*args)
    assert r["rc"] != 0
    lines = r["stderr"].strip().splitlines()
    assert len(lines) == 1, r["stderr"]
    assert lines[0].startswith(f"negotiate: {path.name}: ") and HOSTILE[case][1] in lines[0]
    assert "Traceback" not in r["stderr"] + r["stdout"]
    assert not (tmp_path / "o.xlsx").exists()
    # the bounds for the whole process, interpreter start-up included
    assert r["cpu"] < 2.0 and r["wall"] < 2.0, r
    assert r["maxrss_kib"] < 200 * 1024, r


def test_the_shipped_workbook_passes_the_guard(base):
    assert check_workbook(base) == base
    r = negotiate("compare", base, "--json")
    assert r["rc"] == 0, r["stderr"]


def test_the_shipped_vba_as_excel_resaves_it_passes(base, tmp_path):
    """Excel rewrites the compiled part of each module on save: the code is what counts."""
    def recompile(old, offset):
        pcode = bytearray(old[:offset])
        pcode[offset // 2] ^= 0xFF
        return bytes(pcode) + old[offset:]

    vba = _edited_vba(tmp_path, "Dictionary", recompile)
    assert vba != quickstart_vba()
    path = rewrite(base, tmp_path / "resaved.xlsm", replace={"xl/vbaProject.bin": vba})
    assert check_workbook(path) == path


def test_vba_code_reads_the_modules():
    from addin.guard import vba_code

    code = vba_code(quickstart_vba())
    assert b"Function GetConfig" in code["xlwings"] or b"xlwings" in code["xlwings"]
    assert "ThisWorkbook" not in code  # attributes only: no code


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


@pytest.mark.parametrize("data,reason", [
    (b"", "not an .xlsx/.xlsm workbook"),
    (b"PK\x03\x04 truncated", "not an .xlsx/.xlsm workbook"),
    (b"<html>not a workbook</html>", "not an .xlsx/.xlsm workbook"),
])
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


def test_excel4_macro_sheets_are_refused(base, tmp_path):
    path = rewrite(base, tmp_path / "xlm.xlsm", add={"xl/macrosheets/sheet1.xml": b"<x/>"})
    with pytest.raises(UnsafeWorkbookError, match="Excel 4.0 macro"):
        check_workbook(path)


def test_rows_are_counted_across_chunk_boundaries(base, tmp_path):
    """A sheet just over the row bound is refused, one at the bound is not."""
    from addin.guard import Limits

    part = _sheet_part(base, "Schedules")
    with zipfile.ZipFile(base) as zf:
        xml = zf.read(part).decode()
    start = xml.index("<sheetData>") + len("<sheetData>")
    end = xml.index("</sheetData>")
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 60_001))
    path = rewrite(base, tmp_path / "rows.xlsx",
                   replace={part: (xml[:start] + rows + xml[end:]).encode()})
    assert check_workbook(path, Limits(rows=60_000)) == path
    with pytest.raises(UnsafeWorkbookError, match="more than 59,999 rows"):
        check_workbook(path, Limits(rows=59_999))


def test_the_vba_project_writer_writes_what_the_reader_reads():
    """tests/vba_project.py: MS-OVBA compression and an MS-CFB file, read back by the guard's
    decompressor and olefile."""
    from addin.guard import _decompress

    text = excel_stored(_generated())
    for data in (b"", b"x", text, text * 3, bytes(range(256)) * 40):
        assert _decompress(compress(data)) == data
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
    assert r["rc"] == 0, r["stderr"]
    assert len(json.loads(r["stdout"])["offers"]) >= 2


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
    path = imported(base, tmp_path, excel_stored(_generated()), module="Module2",
                    file="renamed.xlsm")
    assert "module Module2 is not one of xlwings'" in _refusal(path)
    # the generated module beside an extra one
    vba = with_module(with_module(quickstart_vba(), UDF_MODULE, excel_stored(_generated())),
                      "Module3", harmless.replace(b"Module2", b"Module3"))
    path = rewrite(base, tmp_path / "both.xlsm", replace={"xl/vbaProject.bin": vba})
    assert "module Module3 is not one of xlwings'" in _refusal(path)


@pytest.mark.parametrize("edit", [
    lambda t: t.replace('"addin.udfs"', '"addin.udfz"', 1),  # one character of a string
    lambda t: t.replace("Exit Function", "Exit Functiom", 1),  # one character of code
    lambda t: t.replace("Optional pay_currency", "Optional currency"),  # the old interface
    lambda t: t.replace("ThisWorkbook", "ActiveWorkbook"),  # the .xlam variant in an .xlsm
    lambda t: t.replace("col_adjust", "COL_ADJUST"),  # case is compared
    lambda t: t.rsplit("Function ", 1)[0],  # a function left out
])
def test_an_edited_xlwings_udfs_module_is_refused(base, tmp_path, edit):
    text = _generated()
    changed = edit(text)
    assert changed != text
    path = imported(base, tmp_path, excel_stored(changed), file="edited-udfs.xlsm")
    assert f"its {UDF_MODULE} module is not what Import Functions writes" in _refusal(path)
