"""Test helper: a ``vbaProject.bin`` with one more module, as Excel's *Import Functions* leaves it.

Excel stores a VBA project as an OLE compound file (MS-CFB) whose ``VBA/dir`` stream
lists the modules and whose module streams hold each module's source compressed
(MS-OVBA).  olefile can read such a file but only overwrite a stream with one of the
same size, so adding a module needs the three small writers here:

- :func:`compress`: MS-OVBA 2.4.1.3 compression (CompressedContainer, copy tokens);
- :func:`write_cfb`: an MS-CFB version 3 file (512-byte sectors, a mini stream for
  streams under 4096 bytes, a balanced directory tree);
- :func:`with_module`: the project with a procedural module added to ``VBA/dir``
  (MS-OVBA 2.3.4.2.3 MODULE record), its stream and its ``PROJECT`` line.

The module's source is stored as the VBA editor stores an imported ``.bas`` file: CRLF
line ends, whitespace at line ends trimmed, no compiled p-code (MODULEOFFSET 0).

References
----------
[MS-OVBA] Office VBA File Format Structure, sections 2.3.4.2 and 2.4.1.
[MS-CFB] Compound File Binary File Format, sections 2.2 to 2.6.
"""

from __future__ import annotations

import io
import struct

import olefile

from addin.io.guard import ovba_decompress

__all__ = ["compress", "read_cfb", "write_cfb", "with_module", "excel_stored"]

_SECTOR = 512
_MINI = 64
_CUTOFF = 4096
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


# --- MS-OVBA compression -------------------------------------------------------------------


def _chunk(data: bytes) -> bytes:
    """One CompressedChunk's token sequences (2.4.1.3.7), longest match first."""
    out = bytearray()
    pos = 0
    seen: dict[bytes, list[int]] = {}
    while pos < len(data):
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if pos >= len(data):
                break
            shift = max((pos - 1).bit_length(), 4) if pos else 4
            max_len = (0xFFFF >> shift) + 3
            best, best_at = 0, 0
            for cand in reversed(seen.get(data[pos : pos + 3], [])[-256:]):  # the nearest
                n = 0
                while n < max_len and pos + n < len(data) and data[cand + n] == data[pos + n]:
                    n += 1
                if n > best:
                    best, best_at = n, cand
                    if n == max_len:
                        break
            step = best if best >= 3 else 1
            if best >= 3:
                token = ((pos - best_at - 1) << (16 - shift)) | (best - 3)
                out += token.to_bytes(2, "little")
                out[flag_at] |= 1 << bit
            else:
                out.append(data[pos])
            for k in range(pos, pos + step):
                seen.setdefault(data[k : k + 3], []).append(k)
            pos += step
    return bytes(out)


def compress(data: bytes) -> bytes:
    """An MS-OVBA CompressedContainer holding ``data``.

    >>> ovba_decompress(compress(b"abcabcabcabc" * 1000)) == b"abcabcabcabc" * 1000
    True
    """
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        block = data[start : start + 4096]
        body = _chunk(block)
        if len(body) <= 4096:
            out += (0xB000 | (len(body) + 2 - 3)).to_bytes(2, "little") + body
        elif len(block) == 4096:  # incompressible: a raw chunk (2.4.1.3.10)
            out += (0x3000 | 4095).to_bytes(2, "little") + block
        else:
            raise ValueError("an incompressible last chunk would be padded; not supported")
    return bytes(out)


# --- MS-CFB ----------------------------------------------------------------------------------


def read_cfb(data: bytes) -> dict[tuple[str, ...], bytes | None]:
    """Every storage (``None``) and stream (its bytes) of a compound file, by path."""
    ole = olefile.OleFileIO(data)
    try:
        items: dict[tuple[str, ...], bytes | None] = {}
        for path in ole.listdir(streams=True, storages=True):
            kind = ole.get_type(path)
            items[tuple(path)] = ole.openstream(path).read() if kind == olefile.STGTY_STREAM else None
        return items
    finally:
        ole.close()


def _order(name: str) -> tuple[int, str]:
    return len(name), name.upper()  # MS-CFB 2.6.4: shorter names first, then case-blind


def write_cfb(items: dict[tuple[str, ...], bytes | None]) -> bytes:
    """An MS-CFB version 3 file holding ``items`` (as :func:`read_cfb` returns them)."""
    paths = sorted(items, key=lambda p: (len(p), [_order(n) for n in p]))
    entries = [{"name": "Root Entry", "type": 5, "path": (), "data": b""}]
    for path in paths:
        kind = 1 if items[path] is None else 2
        entries.append({"name": path[-1], "type": kind, "path": path, "data": items[path] or b""})
    index = {e["path"]: i for i, e in enumerate(entries)}
    for e in entries:
        e.update(left=_NOSTREAM, right=_NOSTREAM, child=_NOSTREAM)

    def tree(ids: list[int]) -> int:
        if not ids:
            return _NOSTREAM
        mid = len(ids) // 2
        entries[ids[mid]]["left"] = tree(ids[:mid])
        entries[ids[mid]]["right"] = tree(ids[mid + 1 :])
        return ids[mid]

    for e in entries:
        if e["type"] in (1, 5):
            kids = [index[p] for p in paths if p[:-1] == e["path"]]
            kids.sort(key=lambda i: _order(entries[i]["name"]))
            e["child"] = tree(kids)

    # the mini stream (streams under the cutoff) and the regular streams
    mini = bytearray()
    minifat: list[int] = []
    big: list[dict] = []
    for e in entries[1:]:
        if e["type"] != 2:
            e["start"], e["size"] = 0, 0
            continue
        size = len(e["data"])
        e["size"] = size
        if size == 0:
            e["start"] = _END
        elif size < _CUTOFF:
            first = len(mini) // _MINI
            count = -(-size // _MINI)
            minifat += [first + k + 1 for k in range(count - 1)] + [_END]
            e["start"] = first
            mini += e["data"] + bytes(count * _MINI - size)
        else:
            big.append(e)
    n_dir = -(-len(entries) * 128 // _SECTOR)
    n_minifat = -(-len(minifat) * 4 // _SECTOR) if minifat else 0
    n_mini = -(-len(mini) // _SECTOR)
    n_big = [-(-len(e["data"]) // _SECTOR) for e in big]
    others = n_dir + n_minifat + n_mini + sum(n_big)
    n_fat = 1
    while n_fat * _SECTOR // 4 < n_fat + others:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("too large for a header-only DIFAT")
    fat = [_FATSECT] * n_fat
    runs = []

    def run(count: int) -> int:
        start = len(fat)
        fat.extend([start + k + 1 for k in range(count - 1)] + [_END] if count else [])
        runs.append((start, count))
        return start if count else _END

    dir_start = run(n_dir)
    minifat_start = run(n_minifat)
    mini_start = run(n_mini)
    for e, count in zip(big, n_big, strict=True):
        e["start"] = run(count)
    entries[0]["start"], entries[0]["size"] = (mini_start, len(mini)) if mini else (_END, 0)
    fat += [_FREE] * (n_fat * _SECTOR // 4 - len(fat))

    def pad(b: bytes, n: int, fill: bytes = b"\x00") -> bytes:
        return b + fill * (n * _SECTOR // len(fill) - len(b) // len(fill))

    directory = bytearray()
    for e in entries:
        name = e["name"].encode("utf-16-le") + b"\x00\x00"
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            e["type"],
            1,
            e["left"],
            e["right"],
            e["child"],
            bytes(16),
            0,
            0,
            0,
            e["start"],
            e["size"],
        )
    free_entry = struct.pack(
        "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM, bytes(16), 0, 0, 0, 0, 0
    )
    while len(directory) < n_dir * _SECTOR:
        directory += free_entry
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        olefile.MAGIC,
        bytes(16),
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        bytes(6),
        0,
        n_fat,
        dir_start,
        0,
        _CUTOFF,
        minifat_start if n_minifat else _END,
        n_minifat,
        _END,
        0,
    )
    header += b"".join(struct.pack("<I", k) for k in range(n_fat))
    header += struct.pack("<I", _FREE) * (109 - n_fat)
    out = io.BytesIO()
    out.write(header)
    out.write(b"".join(struct.pack("<I", v) for v in fat))
    out.write(bytes(directory))
    if n_minifat:
        mf = b"".join(struct.pack("<I", v) for v in minifat)
        out.write(pad(mf, n_minifat, struct.pack("<I", _FREE)))
    out.write(pad(bytes(mini), n_mini))
    for e, count in zip(big, n_big, strict=True):
        out.write(pad(e["data"], count))
    return out.getvalue()


# --- a module added to a VBA project ---------------------------------------------------------


def _record(rid: int, body: bytes) -> bytes:
    return struct.pack("<HI", rid, len(body)) + body


def excel_stored(text: str) -> bytes:
    """A module's source as the VBA editor stores an imported file: CRLF, lines trimmed."""
    return "".join(line.rstrip() + "\r\n" for line in text.splitlines()).encode("cp1252")


def with_module(project: bytes, name: str, source: bytes) -> bytes:
    """``project`` (a vbaProject.bin) with a procedural module ``name`` holding ``source``."""
    items = read_cfb(project)
    info = ovba_decompress(items[("VBA", "dir")])
    pos, count_at, end_at = 0, None, None
    while pos + 6 <= len(info):
        rid, size = struct.unpack_from("<HI", info, pos)
        if rid == 0x0009:  # PROJECTVERSION: 6 bytes after its (wrong) size field
            size = 6
        if rid == 0x000F:  # PROJECTMODULES: its Count
            count_at = pos + 6
        if rid == 0x0010:  # the dir stream's terminator
            end_at = pos
            break
        pos += 6 + size
    if count_at is None or end_at is None:
        raise ValueError("no PROJECTMODULES / terminator in VBA/dir")
    wide = name.encode("utf-16-le")
    module = b"".join(
        [
            _record(0x0019, name.encode("cp1252")),
            _record(0x0047, wide),  # MODULENAME(UNICODE)
            _record(0x001A, name.encode("cp1252")),
            _record(0x0032, wide),  # MODULESTREAMNAME
            _record(0x001C, b""),
            _record(0x0048, b""),  # MODULEDOCSTRING
            _record(0x0031, struct.pack("<I", 0)),  # MODULEOFFSET: the source starts the stream
            _record(0x001E, struct.pack("<I", 0)),  # MODULEHELPCONTEXT
            _record(0x002C, struct.pack("<H", 0xFFFF)),  # MODULECOOKIE
            _record(0x0021, b""),  # MODULETYPE: procedural
            _record(0x002B, b""),  # terminator
        ]
    )
    count = struct.unpack_from("<H", info, count_at)[0]
    info = (
        info[:count_at] + struct.pack("<H", count + 1) + info[count_at + 2 : end_at] + module + info[end_at:]
    )
    items[("VBA", "dir")] = compress(info)
    items[("VBA", name)] = compress(source)
    project_text = items[("PROJECT",)]
    assert project_text is not None
    line = f"Module={name}\r\n".encode("cp1252")
    at = project_text.find(b"Name=")
    items[("PROJECT",)] = project_text[:at] + line + project_text[at:] if at >= 0 else project_text + line
    names = items.get(("PROJECTwm",))  # NameMap: MBCS name NUL, UTF-16 name NUL, ..., 0x0000
    if names is not None and names.endswith(b"\x00\x00"):
        items[("PROJECTwm",)] = (
            names[:-2] + name.encode("cp1252") + b"\x00" + wide + b"\x00\x00" + b"\x00\x00"
        )
    return write_cfb(items)
