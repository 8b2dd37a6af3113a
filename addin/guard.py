"""The untrusted-input guard: checks a workbook file before openpyxl sees it.

Workbooks come back from recruiters and from the internet.  Every command that
reads one calls :func:`check_workbook` first, which refuses, with one message
naming the file and the reason:

- a file that is not a zip package (an OLE compound file, i.e. a legacy
  ``.xls`` or an encrypted workbook renamed ``.xlsx``, is named as such);
- a zip whose declared uncompressed size, entry count or per-entry compression
  ratio is beyond :data:`LIMITS` (a zip bomb), or with encrypted entries;
- an XML part carrying a document type declaration (the door to entity
  expansion, "billion laughs"; ``defusedxml``, which openpyxl uses when it is
  installed, is the second lock and :func:`require_defusedxml` checks it);
- a VBA project holding code other than the xlwings modules the shipped
  workbook carries (the same bytes, or the same module code as Excel re-saves
  it; the compiled p-code is not inspected, since nothing here runs it) plus,
  once Excel has run *Import Functions*, the ``xlwings_udfs`` module exactly as
  xlwings writes it for the installed ``addin.udfs`` (see :func:`vba_refusal`),
  and Excel 4.0 macro sheets (VBA is never executed or kept either way);
- a worksheet with more than 200,000 rows (a million-row sheet is refused in a
  fraction of a second instead of being parsed).

The check streams every part through a bounded decompressor, so time and
memory stay bounded by the limits, whatever the file declares.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from calculators.errors import InvalidInputError

__all__ = ["UnsafeWorkbookError", "Limits", "LIMITS", "check_workbook", "require_defusedxml",
           "vba_code", "vba_refusal", "UDF_MODULE"]

MiB = 1 << 20
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1 << 20
_DTD_MARKS = tuple(s.encode(enc) for s in ("<!DOCTYPE", "<!ENTITY")
                   for enc in ("utf-8", "utf-16-le", "utf-16-be"))
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_VBA_PARTS = ("xl/vbaproject.bin",)
_MACRO_DIRS = ("xl/macrosheets/", "xl/dialogsheets/")
UDF_MODULE = "xlwings_udfs"  # the module xlwings' Import Functions adds (addin.vba)
_VBA_REFUSED = "it contains a VBA project other than the shipped workbook's"


class UnsafeWorkbookError(InvalidInputError):
    """A workbook was refused; the message names the file and the reason."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what a workbook may declare (a job-offer workbook is far below them)."""

    file_bytes: int = 100 * MiB  # the file on disk
    total_bytes: int = 100 * MiB  # sum of declared uncompressed sizes
    entries: int = 10_000  # zip entries
    ratio: float = 100.0  # uncompressed / compressed, per entry ...
    ratio_floor: int = 1 * MiB  # ... for entries larger than this
    rows: int = 200_000  # rows of one worksheet


LIMITS = Limits()


def require_defusedxml() -> None:
    """Fail loudly unless openpyxl parses with defusedxml (entity expansion refused)."""
    import openpyxl  # noqa: PLC0415

    if not getattr(openpyxl, "DEFUSEDXML", False):
        raise UnsafeWorkbookError("defusedxml is not installed: reading workbooks is refused")


@lru_cache(maxsize=1)
def _known_vba() -> tuple[str, dict[str, bytes]] | None:
    """The VBA part of xlwings' standalone quickstart workbook (the shipped one's):
    its SHA-256 and the code of its modules."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "quickstart_standalone.xlsm"
    try:
        with zipfile.ZipFile(path) as zf:
            data = zf.read("xl/vbaProject.bin")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    return hashlib.sha256(data).hexdigest(), vba_code(data)


def _decompress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1 decompression of a CompressedContainer."""
    if not data or data[0] != 1:
        raise ValueError("not a compressed container")
    out = bytearray()
    pos = 1
    while pos + 2 <= len(data):
        header = int.from_bytes(data[pos:pos + 2], "little")
        end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        start = len(out)
        if not header & 0x8000:  # a raw chunk of 4096 bytes
            out += data[pos:pos + 4096]
            pos += 4096
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                token = int.from_bytes(data[pos:pos + 2], "little")
                pos += 2
                shift = max((len(out) - start - 1).bit_length(), 4)
                offset = (token >> (16 - shift)) + 1
                if offset > len(out) - start:
                    raise ValueError("bad copy token")
                for _ in range((token & (0xFFFF >> shift)) + 3):
                    out.append(out[-offset])
    return bytes(out)


def vba_code(data: bytes) -> dict[str, bytes]:
    """The code of each module of a VBA project (``vbaProject.bin``), attribute lines and
    blank lines left out, keyed by module stream name; a module with no code is left out."""
    import olefile  # noqa: PLC0415

    ole = olefile.OleFileIO(data)
    try:
        info = _decompress(ole.openstream("VBA/dir").read())
        modules: list[tuple[str, int]] = []
        stream, offset, pos = None, 0, 0
        while pos + 6 <= len(info):
            rid = int.from_bytes(info[pos:pos + 2], "little")
            size = int.from_bytes(info[pos + 2:pos + 6], "little")
            if rid == 0x0009:  # PROJECTVERSION: its size field does not count its 6 bytes
                size = 6
            body = info[pos + 6:pos + 6 + size]
            pos += 6 + size
            if rid == 0x001A:
                stream = body.decode("latin-1")
            elif rid == 0x0031:
                offset = int.from_bytes(body[:4], "little")
            elif rid == 0x002B and stream is not None:
                modules.append((stream, offset))
                stream, offset = None, 0
        code = {}
        for name, start in modules:
            kept = _code_lines(_decompress(ole.openstream(f"VBA/{name}").read()[start:]))
            if kept:
                code[name] = kept
        return code
    finally:
        ole.close()


def _code_lines(source: bytes) -> bytes:
    """A module's source as compared here: each line without its line end and trailing
    whitespace, blank lines and module attribute lines (``Attribute VB_...``) left out."""
    lines = [ln.rstrip() for ln in source.splitlines()]
    return b"\n".join(ln for ln in lines if ln and not ln.startswith(b"Attribute VB_"))


@lru_cache(maxsize=2)
def _udf_module_code(addin: bool) -> bytes | None:
    """What Import Functions writes as ``xlwings_udfs`` for the installed ``addin.udfs``,
    compared as :func:`_code_lines` compares (``None`` when it cannot be regenerated)."""
    try:
        from addin.vba import xlwings_udfs_code  # noqa: PLC0415 - only for such workbooks

        text = xlwings_udfs_code("add-in.xlam" if addin else "workbook.xlsm")
        return _code_lines(text.encode("ascii"))
    except Exception:  # no xlwings, or a UDF module that does not import: nothing matches
        return None


def _shown(name: str) -> str:
    """A module name from the file, safe to print on one line."""
    return re.sub(r"[^A-Za-z0-9_]", "?", name)[:31] or "?"


def vba_refusal(data: bytes, workbook: str = "workbook.xlsm") -> str | None:
    """Why a VBA project (``vbaProject.bin``) is refused, or ``None`` when it is accepted.

    Accepted: the shipped project byte for byte, or a project whose code modules are
    xlwings' quickstart modules (any of them, each with its code unchanged) plus,
    optionally, ``xlwings_udfs`` holding exactly the code xlwings' *Import Functions*
    writes for the installed ``addin.udfs`` (regenerated by :mod:`addin.vba`; for an
    ``.xlam`` workbook its ``ActiveWorkbook`` variant).  A module is compared after
    :func:`_code_lines`: only what Excel's own import and save change is let through,
    namely the line ends (Python writes the file xlwings imports in text mode, the VBA
    editor stores CRLF), whitespace at line ends (the editor trims it), blank lines and
    the module's ``Attribute VB_...`` header lines (the editor writes ``VB_Name`` and
    may add others; they are metadata, not code).  Case is compared exactly: no
    argument name of ours matches an xlwings identifier, so the editor's project-wide
    recasing has nothing to change (``tests/test_vba.py`` checks it).
    """
    known = _known_vba()
    if known is None:
        return "xlwings' own VBA project, to compare with, is not installed"
    if hashlib.sha256(data).hexdigest() == known[0]:
        return None
    try:
        code = vba_code(data)
    except Exception:  # a damaged or hostile OLE container: not ours
        return "its VBA project cannot be read"
    for module, text in code.items():
        if module == UDF_MODULE:
            expected = _udf_module_code(workbook.lower().endswith(".xlam"))
            if text != expected:
                return (f"its {UDF_MODULE} module is not what Import Functions writes for the "
                        "installed addin.udfs")
        elif module not in known[1]:
            return f"module {_shown(module)} is not one of xlwings'"
        elif known[1][module] != text:
            return f"module {_shown(module)} differs from xlwings' own"
    return None


def check_workbook(path: str | Path, limits: Limits = LIMITS) -> Path:
    """Refuse a workbook that is not a plain, bounded .xlsx/.xlsm package.

    Returns the path when the file may be handed to openpyxl; raises
    :class:`UnsafeWorkbookError` otherwise.

    Examples
    --------
    >>> check_workbook("no-such-file.xlsx")
    Traceback (most recent call last):
    ...
    addin.guard.UnsafeWorkbookError: no-such-file.xlsx: no such workbook
    """
    p = Path(path)
    name = p.name
    if not p.is_file():
        raise UnsafeWorkbookError(f"{name}: no such workbook")
    size = p.stat().st_size
    if size > limits.file_bytes:
        raise UnsafeWorkbookError(f"{name}: refused, the file is larger than "
                                  f"{limits.file_bytes // MiB} MiB")
    with p.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise UnsafeWorkbookError(f"{name}: refused, this is an OLE compound file (a legacy .xls "
                                  "or an encrypted workbook), not an .xlsx/.xlsm workbook")
    if not head.startswith(b"PK") or not zipfile.is_zipfile(p):
        raise UnsafeWorkbookError(f"{name}: not an .xlsx/.xlsm workbook")
    try:
        with zipfile.ZipFile(p) as zf:
            _check_zip(zf, name, limits)
    except UnsafeWorkbookError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        raise UnsafeWorkbookError(f"{name}: refused, the zip package is damaged "
                                  f"({type(exc).__name__})") from None
    require_defusedxml()
    return p


def _check_zip(zf: zipfile.ZipFile, name: str, limits: Limits) -> None:
    infos = zf.infolist()
    if len(infos) > limits.entries:
        raise UnsafeWorkbookError(f"{name}: refused, the zip holds more than {limits.entries:,} "
                                  "entries")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnsafeWorkbookError(f"{name}: refused, the zip has encrypted entries")
        total += info.file_size
        if total > limits.total_bytes:
            raise UnsafeWorkbookError(f"{name}: refused, it declares more than "
                                      f"{limits.total_bytes // MiB} MiB uncompressed")
        if (info.file_size > limits.ratio_floor
                and info.file_size > limits.ratio * max(info.compress_size, 1)):
            raise UnsafeWorkbookError(f"{name}: refused, an entry is compressed more than "
                                      f"{limits.ratio:g}:1 (a zip bomb)")
    names = {i.filename.lower(): i for i in infos}
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise UnsafeWorkbookError(f"{name}: not an .xlsx/.xlsm workbook (no workbook part)")
    for lower, info in names.items():
        if lower.startswith(_MACRO_DIRS):
            raise UnsafeWorkbookError(f"{name}: refused, it contains Excel 4.0 macro sheets")
        if lower in _VBA_PARTS:
            why = ("it is larger than 8 MiB" if info.file_size > 8 * MiB
                   else vba_refusal(zf.read(info), name))
            if why is not None:
                raise UnsafeWorkbookError(f"{name}: refused, {_VBA_REFUSED}: {why} (macros are "
                                          "never run or kept)")
    for lower, info in names.items():
        if lower.endswith(_XML_SUFFIXES):
            rows = _scan_xml(zf, info, name)
            if rows > limits.rows:
                raise UnsafeWorkbookError(f"{name}: refused, a worksheet has more than "
                                          f"{limits.rows:,} rows")


def _scan_xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> int:
    """Stream one XML part (bounded by its declared size): refuse a DTD, count ``<row`` tags."""
    rows = 0
    tail = b""
    keep = max(len(m) for m in _DTD_MARKS) - 1
    is_sheet = info.filename.lower().startswith("xl/worksheets/")
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            window = tail + chunk
            if any(mark in window for mark in _DTD_MARKS):
                raise UnsafeWorkbookError(f"{name}: refused, an XML part declares a document type "
                                          "(entity expansion is not allowed)")
            if is_sheet:
                rows += window.count(b"<row ") + window.count(b"<row>") - (
                    tail.count(b"<row ") + tail.count(b"<row>"))
            tail = window[-keep:]
    return rows
