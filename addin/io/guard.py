"""The untrusted-input guard: checks a workbook file before openpyxl sees it.

Workbooks come back from recruiters and from the internet.  Every command that
reads one calls :func:`check_workbook` first, which refuses, with one message
naming the file and the reason:

- a file that is not a zip package (an OLE compound file, i.e. a legacy
  ``.xls`` or an encrypted workbook renamed ``.xlsx``, is named as such);
- a zip whose end-of-central-directory record (zip64 included) declares more
  entries than :data:`LIMITS` allows, or whose central directory is too large:
  both read, and the directory walked, before :mod:`zipfile` lists anything;
- an entry compressed other than stored or deflate (bzip2 and LZMA inflate a
  whole entry at once, whatever it declares), or encrypted;
- a zip whose declared uncompressed size or per-entry compression ratio is
  beyond the limits (a zip bomb); declared sizes are never trusted either: the
  bytes actually inflated are counted and bounded;
- an XML part carrying a document type declaration (the door to entity
  expansion, "billion laughs"; ``defusedxml``, which openpyxl uses when it is
  installed, is the second lock and :func:`require_defusedxml` checks it);
- active or linked content, found by what the package declares, not by where a
  part lives: the content type (``[Content_Types].xml``, Default by extension and
  Override by part name), the type of every relationship pointing at a part, and
  the root element of every XML part.  A VBA project must hold no code but the
  xlwings modules the shipped workbook carries (the same bytes, or the same module
  code as Excel or LibreOffice re-saves it; the compiled p-code is not inspected,
  since nothing here runs it) plus, once Excel has run *Import Functions*, the
  ``xlwings_udfs`` module exactly as xlwings writes it for the installed
  ``addin.udfs`` (see :func:`vba_refusal`), wherever it is declared; Excel 4.0
  macro sheets, dialog sheets, ActiveX controls, OLE objects (any OLE compound
  file inside the package that is not such a VBA project) and links to other
  workbooks are refused outright (nothing of them is ever run, kept or followed);
- worksheets beyond bounds counted by a streaming XML parse of every worksheet
  part (declared as one, or whose root element is ``worksheet``), element by
  element, namespaces resolved: rows per sheet, a row or cell beyond the last
  allowed row or column, the area a sheet spans (rows x columns of the cells
  actually present), cells in all, and XML elements in all; the declared
  ``<dimension>`` is never trusted, only refused when it claims more;
- shared strings beyond a count or a total number of characters.

Every part is streamed through a bounded decompressor and parser (1 MiB at a
time; a single tag, comment or text run longer than a few MiB is refused), so
the guard's own time and memory stay bounded by the limits, whatever the file
declares.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import posixpath
import re
import struct
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote
from xml.parsers import expat

from addin.io.columns import column_letters, column_number
from calculators.errors import InvalidInputError

__all__ = [
    "UnsafeWorkbookError",
    "Limits",
    "LIMITS",
    "check_workbook",
    "VERDICTS",
    "require_defusedxml",
    "vba_code",
    "vba_refusal",
    "ovba_decompress",
    "UDF_MODULE",
]

MiB = 1 << 20
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1 << 20
_DTD_MARKS = tuple(
    s.encode(enc) for s in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be")
)
_XML_SUFFIXES = (".xml", ".rels", ".vml")
UDF_MODULE = "xlwings_udfs"  # the module xlwings' Import Functions adds (addin.vba)
_VBA_REFUSED = "it contains a VBA project other than the shipped workbook's"
_MAX_COLUMN = 16_384  # XFD, Excel's last column


class UnsafeWorkbookError(InvalidInputError):
    """A workbook was refused; the message names the file and the reason."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what a workbook may hold (a job-offer workbook is far below them)."""

    file_bytes: int = 100 * MiB  # the file on disk
    total_bytes: int = 100 * MiB  # sum of uncompressed sizes, declared and actually read
    entries: int = 10_000  # zip entries
    central_directory: int = 8 * MiB  # bytes of the zip's central directory
    ratio: float = 100.0  # uncompressed / compressed, per entry ...
    ratio_floor: int = 1 * MiB  # ... for entries larger than this
    vba_bytes: int = 8 * MiB  # one VBA project
    rows: int = 200_000  # rows of one worksheet, and the last row a cell or row may be in
    columns: int = _MAX_COLUMN  # the last column a cell may be in
    area: int = 5_000_000  # rows x columns one worksheet spans (its cells actually present)
    cells: int = 500_000  # cells of all worksheets
    elements: int = 2_000_000  # XML elements of the parts parsed in full
    other_elements: int = 100_000  # XML elements of every other part (styles, the workbook
    # part's defined names, charts, drawings, properties): openpyxl reads styles and the
    # workbook part whole, some 18 us and 0.9 KiB an element; the shipped workbook has 1,601
    shared_strings: int = 200_000  # shared strings
    shared_chars: int = 10_000_000  # characters of all shared strings
    token_bytes: int = 4 * MiB  # one tag, comment or text run of an XML part


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


def ovba_decompress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1 decompression of a CompressedContainer."""
    if not data or data[0] != 1:
        raise ValueError("not a compressed container")
    out = bytearray()
    pos = 1
    while pos + 2 <= len(data):
        header = int.from_bytes(data[pos : pos + 2], "little")
        end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        start = len(out)
        if not header & 0x8000:  # a raw chunk of 4096 bytes
            out += data[pos : pos + 4096]
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
                token = int.from_bytes(data[pos : pos + 2], "little")
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
        info = ovba_decompress(ole.openstream("VBA/dir").read())
        modules: list[tuple[str, int]] = []
        stream, offset, pos = None, 0, 0
        while pos + 6 <= len(info):
            rid = int.from_bytes(info[pos : pos + 2], "little")
            size = int.from_bytes(info[pos + 2 : pos + 6], "little")
            if rid == 0x0009:  # PROJECTVERSION: its size field does not count its 6 bytes
                size = 6
            body = info[pos + 6 : pos + 6 + size]
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
            kept = _code_lines(ovba_decompress(ole.openstream(f"VBA/{name}").read()[start:]))
            if kept:
                code[name] = kept
        return code
    finally:
        ole.close()


_ATTRIBUTE = re.compile(rb"Attribute (?:[A-Za-z_][A-Za-z0-9_]*\.)?VB_")


def _code_lines(source: bytes) -> bytes:
    """A module's source as compared here: each line without its line end and trailing
    whitespace, blank lines and attribute lines left out: the module's (``Attribute
    VB_...``) and its members' (``Attribute Item.VB_UserMemId = 0``), which LibreOffice
    drops on saving, as it adds ``Option ClassModule`` to a class module (metadata, never
    code)."""
    lines = [ln.rstrip() for ln in source.splitlines()]
    return b"\n".join(ln for ln in lines if ln and not _ATTRIBUTE.match(ln) and ln != b"Option ClassModule")


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
    :func:`_code_lines`: only what Excel's own import and save, or LibreOffice's save,
    change is let through, namely the line ends (Python writes the file xlwings imports
    in text mode, the VBA editor stores CRLF), whitespace at line ends (the editor trims
    it), blank lines, the module's ``Attribute VB_...`` header lines (the editor writes
    ``VB_Name`` and may add others) and its members' attribute lines (LibreOffice drops
    them) and LibreOffice's ``Option ClassModule`` line: metadata, not code.  Case is compared exactly: no
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
                return (
                    f"its {UDF_MODULE} module is not what Import Functions writes for the "
                    "installed addin.udfs"
                )
        elif module not in known[1]:
            return f"module {_shown(module)} is not one of xlwings'"
        elif known[1][module] != text:
            return f"module {_shown(module)} differs from xlwings' own"
    return None


# --- the package -----------------------------------------------------------------------------


class _Refused(Exception):
    """Why the workbook is refused (the file's name is added once, by check_workbook)."""


_ACTIVE = {  # what a part of each refused kind holds, as its refusal says it
    "macro": "it contains Excel 4.0 macro sheets (macros are never run or kept)",
    "dialog": "it contains Excel 5.0 dialog sheets (macros are never run or kept)",
    "activex": "it contains ActiveX controls (they are never run or kept)",
    "ole": "it contains embedded OLE objects (they are never run or kept)",
    "external": "it links to other workbooks (links are never followed)",
    "connections": "it contains external data connections or queries (they are never run or kept)",
}
# the last word of a content type (``+xml`` left out) and of a relationship type: the kind of
# part it declares (transitional and strict spellings end alike)
_CONTENT_KINDS = {
    "vbaproject": "vba",
    "macrosheet": "macro",
    "intlmacrosheet": "macro",
    "dialogsheet": "dialog",
    "activex": "activex",
    "oleobject": "ole",
    "externallink": "external",
    "worksheet": "worksheet",
    "sharedstrings": "sst",
    "connections": "connections",
    "querytable": "connections",
}
_RELATION_KINDS = {
    "vbaproject": "vba",
    "xlmacrosheet": "macro",
    "xlintlmacrosheet": "macro",
    "macrosheet": "macro",
    "intlmacrosheet": "macro",
    "dialogsheet": "dialog",
    "control": "activex",
    "activexcontrolbinary": "activex",
    "oleobject": "ole",
    "package": "ole",
    "externallink": "external",
    "externallinkpath": "external",
    "xlpathmissing": "external",
    "xlstartup": "external",
    "xlalternatestartup": "external",
    "xllibrary": "external",
    "worksheet": "worksheet",
    "sharedstrings": "sst",
    "connections": "connections",
    "querytable": "connections",
}
_ROOT_KINDS = {
    "macrosheet": "macro",
    "dialogsheet": "dialog",
    "ocx": "activex",
    "externallink": "external",
    "worksheet": "worksheet",
    "sst": "sst",
    "connections": "connections",
    "querytable": "connections",
}
# where Excel itself puts such parts: refused there too, whatever they declare
_FOLDER_KINDS = (
    ("xl/macrosheets/", "macro"),
    ("xl/dialogsheets/", "dialog"),
    ("xl/activex/", "activex"),
    ("xl/embeddings/", "ole"),
    ("xl/externallinks/", "external"),
)
_METHODS = {
    12: "bzip2",
    14: "LZMA",
    9: "Deflate64",
    6: "Implode",
    93: "Zstandard",
    95: "XZ",
    97: "WavPack",
    98: "PPMd",
    99: "AES encryption",
}
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,9})\Z")


def _content_kind(content_type: str | None) -> str | None:
    if not content_type:
        return None
    t = content_type.split(";", 1)[0].strip().lower().removesuffix("+xml")
    return _CONTENT_KINDS.get(t.rsplit("/", 1)[-1].rsplit(".", 1)[-1])


def _relation_kind(relation_type: str | None) -> str | None:
    if not relation_type:
        return None
    return _RELATION_KINDS.get(relation_type.strip().rstrip("/").rsplit("/", 1)[-1].lower())


def _part(name: str) -> str:
    """A part name as compared here: no leading slash, percent-decoded, lower case."""
    return posixpath.normpath("/" + unquote(name).replace("\\", "/")).lstrip("/").lower()


def _target(rels: str, target: str) -> str:
    """The part an internal relationship of the relationships part ``rels`` points at."""
    t = target.split("#", 1)[0].strip()
    if t.startswith("/"):
        return _part(t)
    source_folder = posixpath.dirname(posixpath.dirname(rels))  # xl/_rels/x.rels -> xl
    return _part(posixpath.join(source_folder, unquote(t)))


def _sniff(head: bytes) -> str:
    """``"ole"`` for an OLE compound file, ``"xml"`` for what reads as XML, else ``""``."""
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return "xml"
    return "xml" if head[:256].lstrip(b" \t\r\n\x00").startswith(b"<") else ""


def _end_of_directory(fh, size: int, limits: Limits) -> tuple[int, int]:
    """Read the end-of-central-directory record (zip64 included) as zipfile will; refuse a
    declared entry count or directory size beyond the limits.  Returns the directory's
    offset and size."""
    fh.seek(max(size - 22, 0))
    tail = fh.read(22)
    if len(tail) == 22 and tail.startswith(b"PK\x05\x06") and tail.endswith(b"\x00\x00"):
        eocd = size - 22
    else:
        start = max(size - 22 - (1 << 16), 0)
        fh.seek(start)
        tail = fh.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            raise zipfile.BadZipFile("no end of central directory")
        eocd = start + at
        tail = tail[at : at + 22]
    _, _, _, here, total, cd_size, _, _ = struct.unpack("<4s4H2LH", tail)
    declared = max(here, total)
    extra = 0
    if eocd >= 20:
        fh.seek(eocd - 20)
        locator = fh.read(20)
        if locator.startswith(b"PK\x06\x07") and eocd >= 76:
            fh.seek(eocd - 76)
            record = fh.read(56)
            if record.startswith(b"PK\x06\x06"):
                _, _, _, _, _, _, here64, total64, cd_size, _ = struct.unpack("<4sQ2H2L4Q", record)
                declared = max(declared, here64, total64)
                extra = 76
    if declared > limits.entries:
        raise _Refused(
            f"the zip holds more than {limits.entries:,} entries (its directory declares {declared:,})"
        )
    if cd_size > limits.central_directory:
        raise _Refused(f"its zip directory is larger than {limits.central_directory // MiB} MiB")
    start = eocd - cd_size - extra
    if start < 0:
        raise zipfile.BadZipFile("bad central directory offset")
    return start, cd_size


def _walk_directory(fh, start: int, size: int, limits: Limits) -> int:
    """Walk the central directory's records as zipfile will, before it lists them: count
    them, refuse encryption and any compression but stored and deflate."""
    fh.seek(start)
    data = fh.read(size)
    pos = count = 0
    while pos < size:
        if pos + 46 > len(data) or data[pos : pos + 4] != b"PK\x01\x02":
            raise zipfile.BadZipFile("bad central directory")
        flags, method = struct.unpack_from("<2H", data, pos + 8)
        n, m, k = struct.unpack_from("<3H", data, pos + 28)
        count += 1
        if count > limits.entries:
            raise _Refused(f"the zip holds more than {limits.entries:,} entries")
        _entry_method(flags, method)
        pos += 46 + n + m + k
    return count


def _entry_method(flags: int, method: int) -> None:
    if flags & 0x41:
        raise _Refused("the zip has encrypted entries")
    if method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        label = _METHODS.get(method, f"method {method}")
        raise _Refused(f"an entry is compressed with {label} (only stored and deflate entries are read)")


@dataclass
class _Package:
    """One pass over a package's parts, counting what the limits bound."""

    zf: zipfile.ZipFile
    name: str
    limits: Limits
    read: int = 0
    roots: int = 0
    elements: int = 0
    other_elements: int = 0
    cells: int = 0
    strings: int = 0
    chars: int = 0
    defaults: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)
    related: dict[str, set[str]] = field(default_factory=dict)

    # -- declarations --

    def content_type(self, part: str) -> str | None:
        """The part's content type: its Override, else the Default for its extension."""
        if part in self.overrides:
            return self.overrides[part]
        base = posixpath.basename(part)
        return self.defaults.get(base.rsplit(".", 1)[-1]) if "." in base else None

    def declared(self, part: str) -> set[str]:
        """Every kind the package declares or places ``part`` as."""
        kinds = set(self.related.get(part, ()))
        kind = _content_kind(self.content_type(part))
        if kind:
            kinds.add(kind)
        kinds.update(k for folder, k in _FOLDER_KINDS if part.startswith(folder))
        if posixpath.basename(part) == "vbaproject.bin":
            kinds.add("vba")
        return kinds

    def relation(self, rels: str, rtype: str | None, target: str | None, mode: str | None) -> None:
        kind = _relation_kind(rtype)
        if kind is None:
            return
        if kind in _ACTIVE:  # whether or not the part is there, or is another file
            raise _Refused(_ACTIVE[kind])
        if target and (mode or "").strip().lower() != "external":
            self.related.setdefault(_target(rels, target), set()).add(kind)

    # -- reading --

    def chunks(self, info: zipfile.ZipInfo) -> Generator[bytes, None, None]:
        """The part's bytes as inflated, counted against the limits (never the declared
        sizes alone)."""
        seen = 0
        with self.zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                seen += len(chunk)
                self.read += len(chunk)
                if seen > info.file_size:
                    raise zipfile.BadZipFile("an entry is longer than it declares")
                if self.read > self.limits.total_bytes:
                    raise _Refused(f"it holds more than {self.limits.total_bytes // MiB} MiB uncompressed")
                yield chunk

    def whole(self, info: zipfile.ZipInfo) -> bytes:
        return b"".join(self.chunks(info))

    def vba(self, info: zipfile.ZipInfo) -> None:
        why = (
            f"it is larger than {self.limits.vba_bytes // MiB} MiB"
            if info.file_size > self.limits.vba_bytes
            else vba_refusal(self.whole(info), self.name)
        )
        if why is not None:
            raise _Refused(f"{_VBA_REFUSED}: {why} (macros are never run or kept)")

    def scan(self, info: zipfile.ZipInfo, mode: str | None = None) -> None:
        """Stream one part: OLE files checked as VBA projects, DTD marks refused, and the XML
        parsed as far as its kind needs (``mode``: ``types``, ``rels``, or found here)."""
        part = _part(info.filename)
        kinds = self.declared(part)
        active = sorted(kinds & _ACTIVE.keys())
        if active:
            raise _Refused(_ACTIVE[active[0]])
        if "vba" in kinds:
            self.vba(info)
            return
        if mode is None:
            mode = "worksheet" if "worksheet" in kinds else "sst" if "sst" in kinds else None
        declared_xml = (
            mode is not None
            or part.endswith(_XML_SUFFIXES)
            or (self.content_type(part) or "").lower().endswith("xml")
        )
        stream = self.chunks(info)
        try:
            self._content(info, part, mode, declared_xml, stream)
        finally:
            stream.close()  # the entry's file, whatever was refused

    def _content(
        self,
        info: zipfile.ZipInfo,
        part: str,
        mode: str | None,
        declared_xml: bool,
        stream: Generator[bytes, None, None],
    ) -> None:
        first = next(stream, b"")
        sniffed = _sniff(first)
        if sniffed == "ole":
            why = (
                "it is too large"
                if info.file_size > self.limits.vba_bytes
                else vba_refusal(first + b"".join(stream), self.name)
            )
            if why is not None:  # an OLE file, and not the shipped VBA project
                raise _Refused(_ACTIVE["ole"])
            return
        if sniffed != "xml" and not declared_xml:
            return  # an image or other binary part: nothing in it is read as XML
        parser = _Parser(self, mode, part) if sniffed == "xml" or mode else None
        keep = max(len(m) for m in _DTD_MARKS) - 1
        tail = b""
        chunk = first
        while chunk:
            window = tail + chunk
            if any(mark in window for mark in _DTD_MARKS):
                raise _Refused("an XML part declares a document type (entity expansion is not allowed)")
            tail = window[-keep:]
            if parser is not None and not parser.feed(chunk):
                parser = None
            chunk = next(stream, b"")
        if parser is not None:
            parser.close()


# what a part's parser calls for each element: its name and attributes
_StartHandler = Callable[[str, dict[str, str]], None]


class _Parser:
    """A streaming parse of one XML part (expat, namespaces resolved, no DTD): a root
    element that declares a refused kind is refused; worksheets, shared strings, content
    types and relationships are read to the end, counting what the limits bound; any other
    part to the end too, its elements counted against their own bound."""

    def __init__(self, pkg: _Package, mode: str | None, part: str) -> None:
        self.pkg, self.mode, self.limits, self.part = pkg, mode, pkg.limits, part
        self.idle = 0
        p = expat.ParserCreate(namespace_separator=" ")
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self._doctype
        p.EntityDeclHandler = self._doctype
        p.StartElementHandler = self._root
        self.p = p

    def _events(self) -> int:
        return self.pkg.elements + self.pkg.other_elements + self.pkg.chars + self.pkg.roots

    def feed(self, chunk: bytes) -> bool:
        """Parse one more chunk; ``False`` when a part nothing reads is not XML."""
        before = self._events()
        try:
            self.p.Parse(chunk, False)
        except expat.ExpatError as exc:
            if self.mode is None:
                return False  # not an XML part anything reads: only its DTD marks count
            raise _Refused(f"an XML part is not well-formed ({expat.ErrorString(exc.code)})") from None
        # expat holds an unfinished tag, comment or text whole: bound it
        self.idle = self.idle + len(chunk) if self._events() == before else 0
        if self.idle > self.limits.token_bytes:
            raise _Refused(
                f"an XML part holds a tag, comment or text longer than {self.limits.token_bytes // MiB} MiB"
            )
        return True

    def close(self) -> None:
        try:
            self.p.Parse(b"", True)
        except expat.ExpatError as exc:
            if self.mode is not None:
                raise _Refused(f"an XML part is not well-formed ({expat.ErrorString(exc.code)})") from None

    @staticmethod
    def _doctype(*_args: object) -> None:
        raise _Refused("an XML part declares a document type (entity expansion is not allowed)")

    def _too_many(self) -> None:
        raise _Refused(f"its XML holds more than {self.limits.elements:,} elements")

    def _root(self, name: str, attrs: dict[str, str]) -> None:
        self.pkg.roots += 1
        kind = _ROOT_KINDS.get(name[name.rfind(" ") + 1 :].lower())
        if kind in _ACTIVE:
            raise _Refused(_ACTIVE[kind])
        if self.mode is None:
            self.mode = kind
        handler = {
            "worksheet": self._worksheet,
            "sst": self._strings,
            "types": self._types,
            "rels": self._relations,
        }.get(self.mode or "")
        if handler is None:
            handler = self._other
        start = handler()
        self.p.StartElementHandler = start
        start(name, attrs)

    def _types(self) -> _StartHandler:
        pkg = self.pkg

        def start(name: str, attrs: dict[str, str]) -> None:
            pkg.elements += 1
            if pkg.elements > self.limits.elements:
                self._too_many()
            local = name[name.rfind(" ") + 1 :]
            ct = attrs.get("ContentType", "")
            if local == "Default" and attrs.get("Extension"):
                pkg.defaults[attrs["Extension"].lstrip(".").lower()] = ct
            elif local == "Override" and attrs.get("PartName"):
                pkg.overrides[_part(attrs["PartName"])] = ct

        return start

    def _relations(self) -> _StartHandler:
        pkg, rels = self.pkg, self.part

        def start(name: str, attrs: dict[str, str]) -> None:
            pkg.elements += 1
            if pkg.elements > self.limits.elements:
                self._too_many()
            if name[name.rfind(" ") + 1 :] == "Relationship":
                pkg.relation(rels, attrs.get("Type"), attrs.get("Target"), attrs.get("TargetMode"))

        return start

    def _strings(self) -> _StartHandler:
        pkg, lim = self.pkg, self.limits
        names: dict[str, bool] = {}

        def start(name: str, attrs: dict[str, str]) -> None:
            pkg.elements += 1
            if pkg.elements > lim.elements:
                self._too_many()
            si = names.get(name)
            if si is None:
                si = names[name] = name[name.rfind(" ") + 1 :] == "si"
            if si:
                pkg.strings += 1
                if pkg.strings > lim.shared_strings:
                    raise _Refused(f"it holds more than {lim.shared_strings:,} shared strings")

        def text(data: str) -> None:
            pkg.chars += len(data)
            if pkg.chars > lim.shared_chars:
                raise _Refused(f"its shared strings hold more than {lim.shared_chars:,} characters")

        self.p.CharacterDataHandler = text
        return start

    def _other(self) -> _StartHandler:
        """Any other part: its elements counted to the end, against their own bound."""
        pkg, bound = self.pkg, self.limits.other_elements

        def start(name: str, attrs: dict[str, str]) -> None:
            pkg.other_elements += 1
            if pkg.other_elements > bound:
                raise _Refused(
                    f"its styles, names, charts and other parts hold more than {bound:,} XML elements"
                )

        return start

    def _worksheet(self) -> _StartHandler:
        pkg, lim = self.pkg, self.limits
        max_elements, max_rows, max_cols = lim.elements, lim.rows, lim.columns
        max_area, max_cells = lim.area, lim.cells
        codes: dict[str, int] = {}  # element name -> 1 cell, 2 row, 3 dimension, 0 other
        at = [0, 0, 0, 0, 0]  # current row, current column, rows seen, highest row, column
        match_cell, columns = _CELL.match, _COLUMNS

        def beyond(row: int, col: int) -> None:
            if row > max_rows:
                raise _Refused(f"a worksheet has a row or cell beyond row {max_rows:,}")
            if col > max_cols:
                raise _Refused("a worksheet has a cell beyond its last column")
            at[3], at[4] = max(row, at[3]), max(col, at[4])
            if at[3] * at[4] > max_area:
                raise _Refused(f"a worksheet spans more than {max_area:,} cells (rows x columns)")

        def start(name: str, attrs: dict[str, str]) -> None:
            pkg.elements += 1
            if pkg.elements > max_elements:
                self._too_many()
            code = codes.get(name)
            if code is None:
                code = codes[name] = _SHEET_CODES.get(name[name.rfind(" ") + 1 :], 0)
            if code == 1:
                ref = attrs.get("r")
                if ref is None:
                    at[1] += 1
                    row, col = at[0], at[1]
                else:
                    letters = ref.rstrip("0123456789")
                    known = columns.get(letters)
                    if known is None or len(letters) == len(ref):  # $A$1, AAA1 or malformed
                        m = match_cell(ref)
                        if m is None:
                            raise _Refused("a worksheet has a malformed cell reference")
                        col, row = column_number(m.group(1)), int(m.group(2))
                    else:
                        col, row = known, int(ref[len(letters) :])
                    at[1] = col
                pkg.cells += 1
                if pkg.cells > max_cells:
                    raise _Refused(f"its worksheets hold more than {max_cells:,} cells")
                if row > at[3] or col > at[4]:
                    beyond(row, col)
            elif code == 2:
                ref = attrs.get("r")
                if ref is None:
                    at[0] += 1
                elif ref.isdigit() and ref.isascii():
                    at[0] = int(ref)
                else:
                    raise _Refused("a worksheet has a malformed row number")
                at[1] = 0
                at[2] += 1
                if at[2] > max_rows:
                    raise _Refused(f"a worksheet has more than {max_rows:,} rows")
                if at[0] > at[3]:
                    beyond(at[0], 1)
            elif code == 3:
                self._dimension(attrs.get("ref", ""))

        return start

    def _dimension(self, ref: str) -> None:
        """The used range a sheet declares: never trusted, refused when it claims more than
        the limits (a reader that believed it would walk every cell of it)."""
        lim = self.limits
        sides = ref.split(":")
        corners = [m for m in (_CELL.match(c.strip()) for c in sides) if m is not None]
        if not ref or len(corners) != len(sides):
            return
        row = max(int(m.group(2)) for m in corners)
        col = max(column_number(m.group(1)) for m in corners)
        if row > lim.rows:
            raise _Refused(f"a worksheet declares cells beyond row {lim.rows:,}")
        if col > lim.columns or row * col > lim.area:
            raise _Refused(f"a worksheet declares more than {lim.area:,} cells (rows x columns)")


_SHEET_CODES = {"c": 1, "row": 2, "dimension": 3}


_COLUMNS = {column_letters(i): i for i in range(1, 26 * 27 + 1)}  # A .. ZZ


def check_workbook(path: str | Path, limits: Limits = LIMITS) -> Path:
    """Refuse a workbook that is not a plain, bounded .xlsx/.xlsm package.

    Returns the path when the file may be handed to openpyxl; raises
    :class:`UnsafeWorkbookError` otherwise.

    Examples
    --------
    >>> check_workbook("no-such-file.xlsx")
    Traceback (most recent call last):
    ...
    addin.io.guard.UnsafeWorkbookError: no-such-file.xlsx: no such workbook
    """
    p = Path(path)
    name = p.name
    if not p.is_file():
        raise UnsafeWorkbookError(f"{name}: no such workbook")
    size = p.stat().st_size
    if size > limits.file_bytes:
        raise UnsafeWorkbookError(f"{name}: refused, the file is larger than {limits.file_bytes // MiB} MiB")
    with p.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise UnsafeWorkbookError(
            f"{name}: refused, this is an OLE compound file (a legacy .xls "
            "or an encrypted workbook), not an .xlsx/.xlsm workbook"
        )
    if not head.startswith(b"PK"):
        raise UnsafeWorkbookError(f"{name}: not an .xlsx/.xlsm workbook")
    try:
        with p.open("rb") as fh:  # one handle: the bytes hashed are the bytes checked
            if os.fstat(fh.fileno()).st_size != size:  # not the file whose size was checked
                raise UnsafeWorkbookError(f"{name}: refused, the file changed while it was read")
            key = (_digest(fh), p.suffix.lower(), limits)  # the suffix: an .xlam's VBA differs
            with _VERDICTS_LOCK:
                kept = key in VERDICTS
                if kept:  # the same bytes were checked against these bounds: the same verdict
                    VERDICTS.move_to_end(key)
                    why = VERDICTS[key]
            if kept:
                if why is not None:
                    raise UnsafeWorkbookError(f"{name}: refused, {why}")
                return p
            try:
                start, cd_size = _end_of_directory(fh, size, limits)
            except (zipfile.BadZipFile, struct.error):
                raise UnsafeWorkbookError(f"{name}: not an .xlsx/.xlsm workbook") from None
            count = _walk_directory(fh, start, cd_size, limits)
            try:
                with zipfile.ZipFile(fh) as zf:
                    if len(zf.infolist()) != count:
                        raise zipfile.BadZipFile("the directory changed")
                    _check_zip(_Package(zf, name, limits))
            except _Refused as why:
                if _digest(fh) == key[0]:  # unchanged while it was read: the verdict is the bytes'
                    _keep(key, str(why))
                raise
            require_defusedxml()
            if _digest(fh) == key[0]:
                _keep(key, None)
    except _Refused as why:
        raise UnsafeWorkbookError(f"{name}: refused, {why}") from None
    except UnsafeWorkbookError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
        struct.error,
        KeyError,
        IndexError,
        OverflowError,
    ) as exc:
        raise UnsafeWorkbookError(
            f"{name}: refused, the zip package is damaged ({type(exc).__name__})"
        ) from None
    return p


def _digest(fh: BinaryIO) -> bytes:
    """SHA-256 of the whole file behind ``fh`` (read from its start, in chunks)."""
    digest = hashlib.sha256()
    fh.seek(0)
    for chunk in iter(lambda: fh.read(1 << 20), b""):
        digest.update(chunk)
    return digest.digest()


# What the guard made of a package, by its bytes' SHA-256, its suffix and the bounds: None (it
# passed) or why it was refused.  A command reads its workbook more than once (the offers,
# then the Strategy sheet), each time through the guard; the same bytes get the same verdict.
# Kept only when the bytes are the same after the check as before it.
VERDICTS: OrderedDict[tuple[bytes, str, Limits], str | None] = OrderedDict()
_VERDICTS_LOCK = threading.Lock()


def _keep(key: tuple[bytes, str, Limits], why: str | None) -> None:
    with _VERDICTS_LOCK:
        VERDICTS[key] = why
        while len(VERDICTS) > 64:
            VERDICTS.popitem(last=False)


def _check_zip(pkg: _Package) -> None:
    limits, zf = pkg.limits, pkg.zf
    infos = zf.infolist()
    total = 0
    names: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        _entry_method(info.flag_bits, info.compress_type)
        total += info.file_size
        if total > limits.total_bytes:
            raise _Refused(f"it declares more than {limits.total_bytes // MiB} MiB uncompressed")
        if info.file_size > limits.ratio_floor and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise _Refused(f"an entry is compressed more than {limits.ratio:g}:1 (a zip bomb)")
        part = _part(info.filename)
        if part in names:
            raise _Refused("the zip holds two parts of the same name")
        names[part] = info
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise UnsafeWorkbookError(f"{pkg.name}: not an .xlsx/.xlsm workbook (no workbook part)")
    # what the package declares first: content types, then every relationship
    pkg.scan(names["[content_types].xml"], "types")
    done = {"[content_types].xml"}
    for part, info in names.items():
        if part.endswith(".rels"):
            pkg.scan(info, "rels")
            done.add(part)
    for part, info in names.items():
        if part not in done:
            pkg.scan(info)
