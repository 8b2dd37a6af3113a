"""The recruiter copy leaks nothing: canaries planted everywhere private, none come out.

A workbook is built, then unique strings and numbers are planted in every private
place (the Strategy sheet, a hidden and a very-hidden sheet, hidden rows and
columns, comments, defined names, data validation, headers and footers, core /
app / custom document properties, custom XML, competing offers' names).  The copy
made by ``negotiate share`` is unzipped part by part and searched for every
spelling of every canary.
"""

import csv
import re
import select
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.packaging.custom import IntProperty, StringProperty
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from addin import udfs
from addin.render.share import PARTS, Disclosed, disclosure_notes, read_disclosed, write_copy
from addin.workbook.builder import example
from addin.workbook.sheets.disclosure import FIELDS
from calculators.offer.model import FIELDS as OFFER_FIELDS
from calculators.valuation.disclosure import spoken_amount
from tests.conftest import negotiate, negotiate_process, soffice_convert

WORDS = [
    "CANARYWALKAWAYqx1",
    "CANARYBATNAqx2",
    "CANARYNOTEqx3",
    "CANARYHIDDENqx4",
    "CANARYVERYHIDDENqx5",
    "CANARYROWqx6",
    "CANARYCOLqx7",
    "CANARYCOMMENTqx8",
    "CANARYNAMEqx9",
    "CANARYVALIDqx10",
    "CANARYHEADERqx11",
    "CANARYFOOTERqx12",
    "CANARYAUTHORqx13",
    "CANARYTITLEqx14",
    "CANARYCOMPANYqx15",
    "CANARYMANAGERqx16",
    "CANARYCUSTOMqx17",
    "CANARYXMLqx18",
    "CANARYRIVALqx19",
    "CANARYKEYWORDqx20",
]
NUMBERS = [
    12345678,
    23456789,
    34567891,
    45678912,
    56789123,
    67891234,
    78912345,
    89123456,
    91234567,
    13579246,
    24681357,
]


def spellings(n: int) -> list[str]:
    """Ways a number can be written: 12345678, 12,345,678, 1.2345678E7, 12345678.0 ..."""
    f = float(n)
    mantissa = f"{n / 10 ** (len(str(n)) - 1):.15g}"
    return [
        str(n),
        f"{n:,}",
        f"{f!r}",
        f"{f:.7E}",
        f"{f:e}",
        f"{mantissa}E{len(str(n)) - 1}",
        f"{mantissa}E+{len(str(n)) - 1}",
        f"{n:_}",
        f"{n:,}".replace(",", "."),
    ]


def _private(ws, r0, c0, k):
    """A label and a number per canary, starting at (r0, c0)."""
    ws.cell(r0, c0, WORDS[k])
    ws.cell(r0, c0 + 1, NUMBERS[k % len(NUMBERS)])


_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas'
    '.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.'
    'openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>Microsoft Excel'
    "</Application><Company>{company}</Company><Manager>{manager}</Manager>"
    "<HyperlinkBase>C:\\Users\\{company}\\offers</HyperlinkBase></Properties>"
)
_ITEM = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><walkaway xmlns="urn:canary">'
    "{word} {number}</walkaway>"
)
_ITEM_PROPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?><ds:datastoreItem '
    'ds:itemID="{{6E0A7B63-0000-4000-8000-000000000001}}" xmlns:ds="http://schemas.'
    'openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs/>'
    "</ds:datastoreItem>"
)
_ITEM_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http:'
    '//schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'customXmlProps" Target="itemProps1.xml"/></Relationships>'
)


def plant(src: Path, dst: Path, data_only: bool) -> Path:
    """The built workbook with a canary in every private place.

    ``data_only=False`` keeps the formulas (openpyxl drops their cached values, so
    the copy must be computed headlessly); ``True`` keeps the values only.
    """
    wb = openpyxl.load_workbook(src, data_only=data_only, keep_vba=False)
    strategy = wb["Strategy"]
    for k in range(3):  # walk-away, BATNA, notes
        _private(strategy, 2 + k, 1, k)
    strategy.cell(6, 1, f"walk-away {NUMBERS[0]:,} ({NUMBERS[0] / 1e7:.7f}E7)")
    hidden = wb.create_sheet("Notes")
    hidden.sheet_state = "hidden"
    _private(hidden, 1, 1, 3)
    very = wb.create_sheet("Vault")
    very.sheet_state = "veryHidden"
    _private(very, 1, 1, 4)
    rec = wb["Recruiter"]
    _private(rec, 30, 1, 5)
    rec.cell(31, 1, "walk_away")  # a private row that looks like a field
    rec.cell(31, 2, NUMBERS[5])
    rec.row_dimensions[30].hidden = True
    rec.row_dimensions[31].hidden = True
    _private(rec, 5, 6, 6)  # column F, beside the disclosed fields
    rec.column_dimensions["F"].hidden = True
    rec.column_dimensions["G"].hidden = True
    rec["B5"].comment = Comment(f"{WORDS[7]} my floor is {NUMBERS[7]:,}", WORDS[7])
    wb["Offers"]["B2"].comment = Comment(WORDS[7], "someone")
    wb.defined_names["WalkAway"] = DefinedName("WalkAway", attr_text=str(NUMBERS[8]))
    wb.defined_names[WORDS[8]] = DefinedName(WORDS[8], attr_text="Strategy!$B$2")
    dv = DataValidation(type="list", formula1=f'"{WORDS[9]},{NUMBERS[9]}"')
    rec.add_data_validation(dv)
    dv.add("B5")
    for ws in (rec, strategy):
        ws.oddHeader.center.text = WORDS[10]
        ws.oddFooter.right.text = f"{WORDS[11]} {NUMBERS[10]}"
    p = wb.properties
    p.creator, p.lastModifiedBy, p.title = WORDS[12], WORDS[12], WORDS[13]
    p.subject = p.description = p.category = WORDS[13]
    p.keywords = WORDS[19]
    wb.custom_doc_props.append(StringProperty(name="walkaway", value=WORDS[16]))
    wb.custom_doc_props.append(IntProperty(name="floor", value=NUMBERS[1]))
    # a competing company's name and a private number in the offers themselves
    offers = wb["Offers"]
    offers["B1"] = WORDS[18]
    for row in offers.iter_rows(min_row=2, max_col=1):
        if row[0].value == "company":
            offers.cell(row[0].row, 2, WORDS[18])
    tmp = dst.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    _add_parts(tmp, dst)
    tmp.unlink()
    return dst


def _add_parts(src: Path, dst: Path) -> None:
    """Add what openpyxl cannot write: app properties with a company, a custom XML part."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "docProps/app.xml":
                data = _APP.format(company=WORDS[14], manager=WORDS[15]).encode()
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    (
                        b'<Override PartName="/customXml/itemProps1.xml" ContentType="application/'
                        b'vnd.openxmlformats-officedocument.customXmlProperties+xml"/></Types>'
                    ),
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    (
                        b'<Relationship Id="rIdCanary" Type="http://schemas.openxmlformats.org/'
                        b'officeDocument/2006/relationships/customXml" Target="../customXml/'
                        b'item1.xml"/></Relationships>'
                    ),
                )
            zout.writestr(info, data)
        zout.writestr("customXml/item1.xml", _ITEM.format(word=WORDS[17], number=NUMBERS[2]))
        zout.writestr("customXml/itemProps1.xml", _ITEM_PROPS)
        zout.writestr("customXml/_rels/item1.xml.rels", _ITEM_RELS)


def run(*args):
    """``negotiate ARGS`` through its entry point in this process (see tests.conftest)."""
    return negotiate(*args)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def leaks(blobs: dict[str, bytes]) -> list[tuple[str, str]]:
    """Every canary spelling found in any part (text compared case-blind)."""
    needles = [w.lower() for w in WORDS] + [s.lower() for n in NUMBERS for s in spellings(n)]
    found = []
    for name, data in blobs.items():
        text = data.decode("utf-8", "replace").lower()
        found += [(name, n) for n in needles if n in text]
    return found


@pytest.fixture(scope="module")
def built(built_example):
    """The example as ``negotiate build-workbook`` makes it (see tests.conftest.built_example)."""
    return built_example


@pytest.fixture(scope="module")
def planted_books(built, tmp_path_factory):
    """The built workbook with its canaries, formulas kept (False) and values only (True)."""
    return {
        data_only: plant(built, tmp_path_factory.mktemp("planted") / "private.xlsx", data_only)
        for data_only in (False, True)
    }


@pytest.fixture(scope="module", params=[False, True], ids=["formulas-no-cache", "values"])
def planted(request, planted_books):
    return planted_books[request.param]


def test_the_canaries_are_really_planted(planted):
    blobs = parts(planted)
    found = {n for _, n in leaks(blobs)}
    for word in WORDS:
        assert word.lower() in found, word
    for n in NUMBERS:
        assert str(n) in found or f"{n:,}" in found, n
    assert any(n.startswith("customXml/") for n in blobs)
    assert b'state="veryHidden"' in blobs["xl/workbook.xml"]


def test_share_leaks_none_of_them(planted, tmp_path):
    out = tmp_path / "for-recruiter.xlsx"
    r = run("share", planted, "-o", out)
    assert r.returncode == 0, r.stderr
    blobs = parts(out)
    assert sorted(blobs) == sorted(PARTS)  # the fixed allowlist, nothing more
    assert leaks(blobs) == []
    for name, data in blobs.items():
        assert not re.search(rb"<f[ >/]", data), name
        for marker in (
            b"definedName",
            b"hidden",
            b"veryHidden",
            b"dataValidation",
            b"comment",
            b"legacyDrawing",
            b"headerFooter",
            b"oddHeader",
            b"externalLink",
            b"customXml",
            b"vbaProject",
            b'Override PartName="/xl/worksheets/sheet2',
        ):
            assert marker not in data, (name, marker)
    app = blobs["docProps/app.xml"].decode()
    assert re.findall(r"<vt:lpstr>([^<]*)</vt:lpstr>", app) == ["Worksheets", "Summary"]
    assert "<Company></Company>" in app and "Manager" not in app
    core = blobs["docProps/core.xml"].decode()
    assert "<dc:creator></dc:creator>" in core and "<cp:lastModifiedBy></cp:lastModifiedBy>" in core
    assert "title" not in core and "keywords" not in core
    # what is disclosed is there: the currency and where the persona lives, no number
    home = example()["home"]
    rows = [r for r in openpyxl.load_workbook(out).active.iter_rows(values_only=True)]
    values = dict(rows[3:])
    assert values == {"Currency": home["currency"], "Based in": home["city"]}
    strings = re.findall(r"<t[^>]*>([^<]*)</t>", blobs["xl/sharedStrings.xml"].decode())
    assert sorted(strings) == sorted(
        [
            "Compensation expectations",
            "item",
            "value",
            *(str(v) for v in values.values() if isinstance(v, str)),
            *values,
        ]
    )


@pytest.mark.parametrize("data_only", [False, True], ids=["formulas-no-cache", "values"])
def test_the_switches_decide_what_is_shared(built, tmp_path, example_rows, data_only):
    """Target switched off, best offer switched on (as text): the copy follows the switches."""
    wb = openpyxl.load_workbook(built, data_only=data_only, keep_vba=False)
    ws = wb["Strategy"]
    for row in ws.iter_rows(min_col=11, max_col=12):
        if row[0].value == "target":
            row[1].value = False
        if row[0].value == "best_offer":
            row[1].value = "TRUE"
    src = tmp_path / "switched.xlsx"
    wb.save(src)
    items = read_disclosed(src)
    assert [i.key for i in items] == ["currency", "location", "best_offer"]
    home = example()["home"]
    table = udfs.offer_compare(
        example_rows, home["basis"], home["currency"], home["horizon_years"], home["discount_rate"]
    )
    assert items[-1].value == spoken_amount(table[1][6], home["currency"])  # as a person says it
    del wb["Strategy"]  # no switches at all: what the Recruiter sheet shows
    wb.save(src)
    shown = [i.key for i in read_disclosed(src)]
    if data_only:  # the values the Recruiter sheet was built with
        assert shown == ["currency", "location"]
    else:  # formulas without results and no switches: nothing is disclosed, nothing written
        assert shown == []
        r = run("share", src, "-o", tmp_path / "empty.xlsx")
        assert r.returncode != 0 and "nothing is disclosed" in r.stderr
        assert not (tmp_path / "empty.xlsx").exists()


def test_default_disclosure_is_what_a_candidate_tells_a_recruiter():
    """The currency and the city, no number: the persona's target is below every offer they
    hold, and the guides say to let the recruiter name a number first."""
    chosen = example()["disclosure"]
    assert [k for k in FIELDS if chosen.get(k)] == ["currency", "location"]


def test_same_input_same_bytes_and_no_silent_overwrite(planted, tmp_path):
    """The same bytes from a process of its own (what a shell runs) and from this one."""
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    first = negotiate_process("share", planted, "-o", a)
    assert (first.returncode, first.stderr) == (0, ""), first.stderr
    assert first.stdout == "wrote a.xlsx\n"
    assert run("share", planted, "-o", b).returncode == 0
    assert a.read_bytes() == b.read_bytes()
    a.write_bytes(b"previous")
    r = run("share", planted, "-o", a)
    assert r.returncode != 0 and "already exists; use --force" in r.stderr
    assert a.read_bytes() == b"previous"
    assert run("share", planted, "-o", a, "--force").returncode == 0
    assert a.read_bytes() == b.read_bytes()


def test_share_never_writes_over_its_input(planted, tmp_path):
    before = planted.read_bytes()
    r = run("share", planted, "-o", planted, "--force")
    assert r.returncode != 0 and "overwrite the input" in r.stderr
    link = tmp_path / "link.xlsx"
    link.symlink_to(planted)
    r = run("share", planted, "-o", link, "--force")
    assert r.returncode != 0 and "overwrite the input" in r.stderr
    assert planted.read_bytes() == before


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTokyo", "\rTokyo", "\nTokyo"]
)
def test_formula_like_text_is_stored_as_text(built, tmp_path, text):
    wb = openpyxl.load_workbook(built, data_only=True, keep_vba=False)
    params = wb["Params"]
    for row in params.iter_rows(max_col=2):
        if row[0].value == "home_city":
            row[1].value = text
            row[1].data_type = "s"  # text, even when it looks like a formula
    rec = wb["Recruiter"]
    for row in rec.iter_rows(max_col=2):
        if row[0].value == "location":
            row[1].value = None  # no cached value: computed from Params
    src = tmp_path / "in.xlsx"
    wb.save(src)
    out = tmp_path / "out.xlsx"
    r = run("share", src, "-o", out)
    assert r.returncode == 0, r.stderr
    blobs = parts(out)
    sheet = blobs["xl/worksheets/sheet1.xml"].decode()
    assert "<f>" not in sheet
    cell = re.search(r'<c r="B5"([^>]*)>', sheet).group(1)  # the location row (after the currency)
    assert 't="s"' in cell
    style = int(re.search(r's="(\d+)"', cell).group(1))
    xfs = re.search(r"<cellXfs[^>]*>(.*)</cellXfs>", blobs["xl/styles.xml"].decode()).group(1)
    assert 'quotePrefix="1"' in re.findall(r"<xf [^>]*>", xfs)[style]
    shown = openpyxl.load_workbook(out).active["B5"]
    assert shown.data_type == "s"


def test_nul_and_control_characters_stay_text(tmp_path):
    out = tmp_path / "nul.xlsx"
    write_copy([Disclosed("location", "Based in", "\x00=1+1", None)], out)
    blobs = parts(out)
    assert b"_x0000_=1+1" in blobs["xl/sharedStrings.xml"]
    assert b"<f>" not in blobs["xl/worksheets/sheet1.xml"]
    assert 'quotePrefix="1"' in blobs["xl/styles.xml"].decode()


def test_include_adds_fields_and_unknown_fields_are_refused(built, tmp_path, example_rows):
    items = read_disclosed(built, ("best_offer", "offers_held"))
    got = {i.key: i.value for i in items}
    home = example()["home"]
    table = udfs.offer_compare(
        example_rows, home["basis"], home["currency"], home["horizon_years"], home["discount_rate"]
    )
    assert got["best_offer"] == spoken_amount(table[1][6], home["currency"])
    assert got["offers_held"] == len(example_rows[0]) - 1  # a count: never rounded
    r = run("share", built, "-o", tmp_path / "o.xlsx", "--include", "walk_away_secret")
    assert r.returncode != 0 and "unknown field" in r.stderr and "walk_away_secret" not in r.stderr


CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false"  # UTF-8, quoted text
END_TO_END = (0, 4, 13, 20)  # the formula texts also sent through negotiate share


@pytest.fixture(scope="module")
def csv_exports(built, planted_books, tmp_path_factory, soffice_profile):
    """Every copy the CSV tests read, as LibreOffice exports it to CSV, converted in one run:
    ``many`` (each formula text written by the copy writer), ``copy<i>`` (negotiate share of a
    workbook holding formula text ``i``) and ``udf-<formulas-no-cache|values>`` (negotiate
    share of the planted workbook, best offer and offers held included)."""
    from bench.hostile_share import FORMULA_TEXTS, formula_location

    tmp = tmp_path_factory.mktemp("csv-exports")
    items = [Disclosed("location", f"text {i}", t, None) for i, t in enumerate(FORMULA_TEXTS)]
    items += [
        Disclosed("target", "negative", -5, "num"),
        Disclosed("target", "target", 1.5e7, "num"),
        Disclosed("location", "plain", "Tokyo", None),
        Disclosed("location", "quoted", "'=already text", None),
    ]
    many = tmp / "many.xlsx"
    write_copy(items, many)
    books = [many]
    for i in END_TO_END:  # end to end: negotiate share of a workbook holding the text
        src = formula_location(FORMULA_TEXTS[i], f"src{i}.xlsx")(built, tmp)
        out = tmp / f"copy{i}.xlsx"
        r = run("share", src, "-o", out)
        assert r.returncode == 0, r.stderr
        books.append(out)
    for data_only, name in ((False, "formulas-no-cache"), (True, "values")):
        out = tmp / f"udf-{name}.xlsx"
        r = run(
            "share",
            planted_books[data_only],
            "-o",
            out,
            "--include",
            "best_offer",
            "--include",
            "offers_held",
        )
        assert r.returncode == 0, r.stderr
        books.append(out)
    exports = {}
    for book, made in zip(books, soffice_convert(soffice_profile, CSV, tmp / "csv", books), strict=True):
        with open(made, encoding="utf-8", newline="") as fh:
            exports[book.stem] = list(csv.reader(fh))
    return exports


def test_formula_like_text_stays_inert_in_a_csv_export(csv_exports):
    """OWASP CSV injection: text a spreadsheet would run as a formula (=, +, -, @, a tab or
    line break, their full-width forms, also behind invisible characters) starts with an
    apostrophe in the value itself, so LibreOffice's CSV export of the copy writes it inert;
    numbers stay numbers, plain text stays as it is."""
    from bench.hostile_share import FORMULA_TEXTS

    values = {row[0]: row[1] for row in csv_exports["many"][3:] if row}
    for i, text in enumerate(FORMULA_TEXTS):
        assert values[f"text {i}"] == "'" + text, (i, text)
    assert values["negative"] == "-5" and values["target"] == "15000000"
    assert values["plain"] == "Tokyo" and values["quoted"] == "'=already text"
    for i in END_TO_END:
        shown = {row[0]: row[1] for row in csv_exports[f"copy{i}"][3:] if row}
        assert shown["Based in"] == "'" + FORMULA_TEXTS[i], i
        assert shown["Currency"] == example()["home"]["currency"]
        assert "Target total compensation (per year)" not in shown  # not disclosed by default


@pytest.mark.parametrize("data_only", [False, True], ids=["formulas-no-cache", "values"])
def test_libreoffice_opens_the_copy_and_shows_the_udf_values(csv_exports, example_rows, data_only):
    rows = csv_exports["udf-" + ("values" if data_only else "formulas-no-cache")]
    values = {row[0]: row[1] for row in rows[3:] if row}
    home = example()["home"]
    # the planted workbook renamed the first offer: the UDF sees the same Offers range
    offers = [list(row) for row in example_rows]
    offers[0][1] = WORDS[18]
    offers[1 + list(OFFER_FIELDS).index("company")][1] = WORDS[18]
    table = udfs.offer_compare(
        offers, home["basis"], home["currency"], home["horizon_years"], home["discount_rate"]
    )
    best = values["Best offer in hand (per year, same basis and currency)"]
    said = spoken_amount(table[1][6], home["currency"])  # 58,400,000, not 58413693.12446462
    assert best == f"{said:.0f}" and said != table[1][6]
    assert float(values["Offers in hand"]) == len(offers[0]) - 1
    assert "Target total compensation (per year)" not in values
    assert values["Currency"] == home["currency"] and values["Based in"] == home["city"]


def _best_offer(rows):
    """The example's best offer on its basis, in its home currency: (name, value as said)."""
    home = example()["home"]
    table = udfs.offer_compare(
        rows, home["basis"], home["currency"], home["horizon_years"], home["discount_rate"]
    )
    return table[1][1], spoken_amount(table[1][6], home["currency"])


def test_the_japanese_copy(built, tmp_path, example_rows):
    out = tmp_path / "ja.xlsx"
    r = run("share", built, "-o", out, "--lang", "ja", "--include", "target")
    assert r.returncode == 0, r.stderr
    ws = openpyxl.load_workbook(out).active
    assert ws.title == "概要" and ws["A1"].value == "希望条件"
    assert ws["A4"].value == "希望年収（総報酬・年額）" and ws["B4"].value == 17000000
    (line,) = r.stderr.splitlines()  # the warning in the copy's language
    assert line.startswith("negotiate: warning: この資料は希望年収（17,000,000 JPY）を開示")
    name, value = _best_offer(example_rows)
    assert f"{name} の {value:,.0f} JPY" in line and "target" not in line


# -- what the copy discloses against the user's interest -----------------------------------------


def _with_target(built: Path, dst: Path, target: float) -> Path:
    """The built example (values only) with ``target`` as the income target, switched on."""
    wb = openpyxl.load_workbook(built, data_only=True, keep_vba=False)
    for row in wb["Params"].iter_rows(max_col=2):
        if row[0].value == "income_target":
            row[1].value = target
    for row in wb["Strategy"].iter_rows(min_col=11, max_col=12):
        if row[0].value == "target":
            row[1].value = True
    for row in wb["Recruiter"].iter_rows(max_col=2):
        if row[0].value == "target":
            row[1].value = target
    wb.save(dst)
    return dst


def test_a_target_below_an_offer_held_warns_on_stderr(built, tmp_path, example_rows):
    """17,000,000 JPY is below every offer of the example (Tokyo's is worth 21.2 M a year):
    disclosing it is one warning line naming it and the highest offer; the copy is written,
    exit 0, the target in it as the user gave it."""
    out = tmp_path / "copy.xlsx"
    r = run("share", built, "-o", out, "--include", "target")
    assert r.returncode == 0 and r.stdout == "wrote copy.xlsx\n", r.stderr
    (line,) = r.stderr.splitlines()
    name, value = _best_offer(example_rows)
    held = len(example_rows[0]) - 1
    assert line == (
        f"negotiate: warning: the copy discloses your target (17,000,000 JPY), below {held} of your "
        f"{held} offers; the highest, {name}, is worth {value:,.0f} JPY (annualised). A recruiter "
        "anchors on the first number they hear: leave it out (switch it off on the Strategy sheet, "
        "no --include) and let them name a number first"
    )
    values = dict(list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))[3:])
    assert values["Target total compensation (per year)"] == 17_000_000


def test_a_target_below_only_some_offers_names_the_highest(built, tmp_path, example_rows):
    """Between the weakest offer (Tokyo, 21.2 M) and the others: below all but one."""
    src = _with_target(built, tmp_path / "mid.xlsx", 25_000_000)
    r = run("share", src, "-o", tmp_path / "copy.xlsx")
    assert r.returncode == 0, r.stderr
    held = len(example_rows[0]) - 1
    (line,) = r.stderr.splitlines()
    assert f"your target (25,000,000 JPY), below {held - 1} of your {held} offers" in line


def test_a_target_above_every_offer_held_is_no_warning(built, tmp_path, example_rows):
    _, best = _best_offer(example_rows)
    for target in (best + 1_000_000, best):  # above the best offer, and the best offer as said
        src = _with_target(built, tmp_path / "high.xlsx", target)
        r = run("share", src, "-o", tmp_path / "copy.xlsx", "--force", "--include", "best_offer")
        assert (r.returncode, r.stderr) == (0, ""), r.stderr


def test_the_default_copy_of_the_example_discloses_no_number_below_an_offer_held(built, tmp_path):
    out = tmp_path / "copy.xlsx"
    r = run("share", built, "-o", out)
    assert (r.returncode, r.stderr) == (0, ""), r.stderr
    items = read_disclosed(built)
    assert disclosure_notes(built, items) == []
    home = example()["home"]
    assert [i.key for i in items] == ["currency", "location"]
    copied = [v for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for v in row]
    assert not [v for v in copied if isinstance(v, (int, float))]  # no number at all
    assert home["currency"] in copied and home["city"] in copied


def test_the_disclosed_best_offer_is_rounded_as_a_person_says_it(built, tmp_path, example_rows):
    """58413693.12446462 JPY was printed as is; the copy holds 58,400,000, in the sheet's XML
    too, so no program that opens it shows more digits."""
    out = tmp_path / "copy.xlsx"
    r = run("share", built, "-o", out, "--include", "best_offer")
    assert (r.returncode, r.stderr) == (0, ""), r.stderr
    _, value = _best_offer(example_rows)
    assert value % 100_000 == 0
    ws = openpyxl.load_workbook(out).active
    assert ws["B6"].value == value and ws["B6"].number_format == "#,##0"
    sheet = parts(out)["xl/worksheets/sheet1.xml"].decode()
    assert re.findall(r"<v>([^<]*)</v>", sheet)[-1] == f"{value:.0f}"


def test_offers_that_cannot_be_valued_are_a_warning_naming_why(built, tmp_path):
    src = _with_target(built, tmp_path / "bad.xlsx", 17_000_000)
    wb = openpyxl.load_workbook(src)
    for row in wb["Offers"].iter_rows(max_col=3):
        if row[0].value == "base_salary":
            row[2].value = "lots"
    wb.save(src)
    r = run("share", src, "-o", tmp_path / "copy.xlsx")
    assert r.returncode == 0, r.stderr
    (line,) = r.stderr.splitlines()
    assert line == (
        "negotiate: warning: the copy discloses your target, but your offers could not be valued "
        "to check it against them (bad.xlsx: offer 2 (Offers column C): base_salary must be a number)"
    )
    assert "lots" not in r.stderr and "Traceback" not in r.stderr


def test_a_workbook_with_no_offer_discloses_its_target_without_a_warning(tmp_path):
    path = tmp_path / "mine.xlsm"
    assert run("new", path).returncode == 0
    src = _with_target(path, tmp_path / "mine.xlsx", 15_000_000)
    out = tmp_path / "copy.xlsx"
    r = run("share", src, "-o", out, "--include", "currency")
    assert (r.returncode, r.stderr) == (0, ""), r.stderr
    values = dict(list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))[3:])
    assert values == {"Target total compensation (per year)": 15_000_000, "Currency": "JPY"}


# -- interrupted writes -------------------------------------------------------------------------

# Stalls the first zip written in the output's own folder (the file that becomes the output),
# not a draft or scratch workbook the command evaluates in a folder of its own.
_STALL = r"""
import os, sys, time, zipfile
from pathlib import Path
folder = Path(sys.argv[1]).resolve()
_close = zipfile.ZipFile.close
def close(self):
    name = self.filename
    if self.mode == "w" and self.fp is not None and name and Path(name).resolve().parent == folder:
        print("mid-write", flush=True)
        time.sleep(600)
    _close(self)
zipfile.ZipFile.close = close
from addin.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _stalled(args, out: Path) -> subprocess.Popen:
    """The command started in a process of its own, to stall as it writes ``out``'s zip."""
    return subprocess.Popen(
        [sys.executable, "-c", _STALL, str(out.parent), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_when_stalled(proc: subprocess.Popen) -> None:
    """Once the command is writing its output's zip, kill it (SIGKILL)."""
    with proc:
        try:
            ready, _, _ = select.select([proc.stdout], [], [], 600)  # a bound against a hang
            line = proc.stdout.readline() if ready else ""
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
        assert line.strip() == "mid-write", proc.stderr.read()
    assert proc.returncode == -signal.SIGKILL


@pytest.fixture(scope="module", autouse=True)
def build_over_a_workbook(built, tmp_path_factory):
    """``negotiate build-workbook -o`` over a copy of the built workbook, started in its own
    process as this file starts (the build, most of its time, runs beside the other tests),
    to stall as it writes its output: (the target, the process)."""
    target = tmp_path_factory.mktemp("rebuilt") / "negotiation.xlsm"
    target.write_bytes(built.read_bytes())
    proc = _stalled(["build-workbook", "-o", target], target)
    yield target, proc
    with proc:  # its pipes closed, also when the test that kills it did not run (-k)
        if proc.poll() is None:
            proc.kill()


def test_killing_share_mid_write_leaves_the_previous_copy(built, tmp_path):
    out = tmp_path / "copy.xlsx"
    assert run("share", built, "-o", out).returncode == 0
    previous = out.read_bytes()
    _kill_when_stalled(_stalled(["share", built, "-o", out, "--force", "--lang", "ja"], out))
    assert out.read_bytes() == previous


def test_killing_build_workbook_mid_write_leaves_the_previous_workbook(built, build_over_a_workbook):
    target, proc = build_over_a_workbook
    _kill_when_stalled(proc)
    assert target.read_bytes() == built.read_bytes()


def test_the_pdf_is_one_page_of_the_same_content(planted, tmp_path, example_rows):
    out = tmp_path / "copy.xlsx"
    r = run("share", planted, "-o", out, "--pdf", "--include", "best_offer")
    assert (r.returncode, r.stderr) == (0, ""), r.stderr
    pdf = out.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    assert not re.search(r"^(Author|Title|Subject|Keywords):", info, re.M)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    home = example()["home"]
    _, value = _best_offer(example_rows)
    assert f"{value:,.0f}" in text and home["city"] in text  # the best offer as a person says it
    assert leaks({"pdf": text.encode(), "raw": pdf.read_bytes()}) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.pdf", "copy.xlsx"]


def _gray_page(pdf: Path, dpi: int) -> tuple[int, int, bytes]:
    """The PDF's first page drawn by poppler in grey levels: width, height, one byte a pixel."""
    pgm = subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    magic, width, height, depth, pixels = pgm.split(maxsplit=4)
    assert magic == b"P5" and depth == b"255"
    return int(width), int(height), pixels


def test_the_japanese_pdf_draws_japanese_glyphs(built, tmp_path):
    """Japanese text drawn with a Japanese font, not boxes: a CJK font is embedded, and the
    four characters of the title, drawn on the page, are four different shapes (a missing
    glyph is the same empty box for each; pdftotext would read the text either way)."""
    out = tmp_path / "ja.xlsx"
    r = run("share", built, "-o", out, "--lang", "ja", "--pdf")
    assert r.returncode == 0, r.stderr
    pdf = out.with_suffix(".pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"CJK|Gothic|Mincho|IPA", fonts), fonts
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True)
    title = re.search(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">希望条件</word>', boxes.stdout
    )
    assert title, boxes.stdout[:2000]
    dpi = 200
    width, _, pixels = _gray_page(pdf, dpi)
    x0, y0, x1, y1 = (float(v) * dpi / 72 for v in title.groups())
    step = (x1 - x0) / 4
    cells = []
    for k in range(4):
        left, right = round(x0 + k * step), round(x0 + (k + 1) * step)
        cells.append(
            [
                pixels[y * width + x] < 128
                for y in range(round(y0), round(y1))
                for x in range(left, left + min(right - left, round(step)))
            ]
        )
    size = min(len(c) for c in cells)
    cells = [c[:size] for c in cells]
    assert all(sum(c) > size * 0.03 for c in cells), "a character of the title has no ink"
    for i in range(4):
        for j in range(i + 1, 4):
            differ = sum(a != b for a, b in zip(cells[i], cells[j], strict=True))
            assert differ > size * 0.05, f"characters {i + 1} and {j + 1} of the title look alike"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_no_identifier_reaches_the_copy(built, tmp_path, lang):
    """Every field disclosed, in either language: the copy's text is words a recruiter reads,
    never an internal name (``net_annualized``, ``best_offer``), and the warning on stderr
    neither."""
    mine = tmp_path / "mine.xlsm"  # bases whose names are identifiers: net_annualized
    wb = openpyxl.load_workbook(built, keep_vba=True)
    strategy = wb["Strategy"]
    for r in range(1, 40):
        if strategy.cell(r, 1).value in ("basis", "target_basis"):
            strategy.cell(r, 2).value = "net_annualized"
    wb.save(mine)
    out = tmp_path / "copy.xlsx"
    fields = [a for f in FIELDS for a in ("--include", f)]
    r = run("share", mine, "-o", out, "--lang", lang, *fields)
    assert r.returncode == 0, r.stderr
    texts = [
        c
        for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True)
        for c in row
        if isinstance(c, str)
    ]
    assert len(texts) >= 2 * len(FIELDS)  # a label and a value or more per field
    snake = re.compile(r"[a-z]+_[a-z_]+")
    assert [t for t in texts if snake.search(t)] == []
    assert not snake.search(r.stderr), r.stderr


def test_the_below_an_offer_warning_values_the_offers_at_your_age(built, tmp_path, example_rows):
    """On an after-tax basis the offers are valued at the Params age: at 45 the Tokyo offer
    pays 介護保険 and falls under a target of 13,650,000 JPY it beats at 35."""
    held = len(example_rows[0]) - 1
    for age, below in ((35, held), (45, held - 1)):
        src = _with_target(built, tmp_path / f"age{age}.xlsx", 13_650_000)
        wb = openpyxl.load_workbook(src)
        for row in wb["Params"].iter_rows(max_col=2):
            if row[0].value == "basis":
                row[1].value = "net_annualized"
            if row[0].value == "age":
                row[1].value = age
        wb.save(src)
        r = run("share", src, "-o", tmp_path / f"copy{age}.xlsx")
        assert r.returncode == 0, r.stderr
        (line,) = r.stderr.splitlines()
        assert f"below {below} of your {held} offers" in line, (age, line)
