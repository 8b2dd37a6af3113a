"""A workbook of the user's own: `negotiate new`, offers typed in, recalc, compare, brief, share.

The offers are typed into the Offers sheet with openpyxl (``keep_vba=True``), standing in for
Excel: values in cells, some columns without a name, none of the example's companies.
Workbooks of 3 and 12 offers (the web runtime's too) and horizons of 4 and 10 years go
through the whole path; other counts and horizons (none, 1, 2 and 12 offers, 1 to 10 years,
a gap between offer columns) are built with their offers and the results the build stores
are checked (the build evaluates every formula with the same engine as recalc).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from addin.cli import main
from addin.recalc import recalc
from addin.workbook.builder import DEFAULT_PATH, blank, build, example

PERSONA = (
    "Tokyo big tech",
    "Seattle big tech",
    "Silicon Valley",
    "London start-up",
    "Tel Aviv scale-up",
    "Berlin robotics",
    "inference latency",
    "battery drain",
    "Battery drain",
    "cloud inference",
)
TYPED = [  # a user's own offers, none from the example
    {
        "company": "Kumo Robotics",
        "jurisdiction": "JP-TOKYO",
        "currency": "JPY",
        "base_salary": 15_500_000,
        "bonus_target": 0.1,
        "rsu_grant": 8_000_000,
    },
    {
        "company": "Fjord Analytics",
        "jurisdiction": "DE",
        "currency": "EUR",
        "base_salary": 98_000,
        "sign_on": 10_000,
    },
    {
        "company": "Maple Vision",
        "jurisdiction": "Toronto",
        "currency": "CAD",
        "base_salary": 185_000,
        "rsu_grant": 120_000,
        "rsu_schedule": "40/30/20/10",
    },
    {
        "company": "Harbor AI",
        "jurisdiction": "New York",
        "currency": "USD",
        "base_salary": 230_000,
        "bonus_target": 0.2,
        "rsu_grant": 300_000,
    },
    {
        "company": "Thames Compute",
        "jurisdiction": "GB-ENG",
        "currency": "GBP",
        "base_salary": 110_000,
        "option_shares": 20_000,
        "option_strike": 2,
        "option_price": 5,
        "exit_probability": 0.25,
    },
    {
        "company": "Negev Silicon",
        "jurisdiction": "IL",
        "currency": "ILS",
        "base_salary": 640_000,
        "rsu_grant": 400_000,
    },
    {
        "company": "Cascade Cloud",
        "jurisdiction": "US-WA",
        "currency": "USD",
        "base_salary": 200_000,
        "rsu_grant": 250_000,
        "sign_on": 30_000,
    },
]


def typed(n: int) -> list[dict]:
    out = []
    for j in range(n):
        offer = dict(TYPED[j % len(TYPED)])
        if j >= len(TYPED):
            offer["company"] = f"{offer['company']} {j + 1}"
            offer["base_salary"] = round(offer["base_salary"] * (1 + j / 40))
        out.append(offer)
    return out


def type_in(
    path: Path, offers: list[dict], years: int | None = None, columns: list[int] | None = None
) -> None:
    """Type offers into the Offers sheet as a person would (every other one unnamed)."""
    wb = load_workbook(path, keep_vba=True)
    ws = wb["Offers"]
    rows = {ws.cell(r, 1).value: r for r in range(2, 60) if ws.cell(r, 1).value}
    for j, offer in enumerate(offers):
        col = (columns or list(range(2, 2 + len(offers))))[j]
        ws.cell(1, col).value = offer["company"] if j % 2 == 0 else None
        for field, value in offer.items():
            ws.cell(rows[field], col).value = value
    if years is not None:
        wb["Params"]["B4"].value = years
    wb.save(path)


# recalc reuses the formulas the builds compiled for the same cells, whatever the file's name,
# and a build whose draft is the same as an earlier one (an empty workbook, built again)
# reuses its values.


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def formula_cells_without_value(path: Path) -> list[str]:
    """Formula cells of the file that store no result (``<v>``)."""
    missing = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = zf.read(name).decode("utf-8")
                for m in re.finditer(r'<c r="([A-Z]+\d+)"[^>]*>(.*?)</c>', xml):
                    if "<f" in m[2] and "<v>" not in m[2] and "<v/>" not in m[2]:
                        missing.append(f"{name}!{m[1]}")
    return missing


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    """name -> (typed offers, recalculated workbook) for each case, made once."""
    made = {}
    cases = {  # offers, horizon, runtime, Offers columns (web: C and D left empty, no offer)
        "three": (3, None, "windows", None),
        "twelve": (12, 10, "windows", None),
        "web": (3, None, "web", [2, 5, 6]),
    }
    for name, (n, years, runtime, columns) in cases.items():
        folder = tmp_path_factory.mktemp(name)
        path = folder / "negotiation.xlsm"
        assert main(["new", str(path), "--runtime", runtime]) == 0
        offers = typed(n)
        type_in(path, offers, years, columns)
        result = recalc(path, folder / "negotiation.recalc.xlsm")
        made[name] = (offers, result)
    return made


@pytest.mark.parametrize("case", ["three", "twelve", "web"])
def test_recalc_of_own_offers_leaves_no_error_cell(own, case):
    _, result = own[case]
    assert result.error_cells == ()
    assert result.udf_calls > 0  # the functions ran (the web spelling is bound too)
    assert formula_cells_without_value(result.path) == []


@pytest.mark.parametrize("case", ["three", "twelve", "web"])
def test_compare_ranks_exactly_the_typed_offers(own, case, capsys):
    offers, result = own[case]
    code, out, err = run("compare", str(result.path), "--json", capsys=capsys)
    assert code == 0, err
    ranked = json.loads(out)["offers"]
    assert sorted(r["company"] for r in ranked) == sorted(o["company"] for o in offers)
    assert [r["rank"] for r in ranked] == list(range(1, len(offers) + 1))
    assert not any(p in out for p in PERSONA)


@pytest.mark.parametrize("case", ["three", "twelve"])
def test_the_sheets_show_every_typed_offer_and_nothing_else(own, case):
    offers, result = own[case]
    wb = load_workbook(result.path, data_only=True)
    compare = wb["Compare"]
    names = [compare.cell(r, 1).value for r in range(8, 20)]
    shown = [n for n in names if n not in (None, "")]
    assert len(shown) == len(offers) == compare["B6"].value
    assert all(isinstance(compare.cell(r, 4).value, (int, float)) for r in range(8, 8 + len(shown)))
    assert all(compare.cell(r, 4).value in (None, "") for r in range(8 + len(shown), 20))
    # the horizon: as many year columns as the horizon, none beyond
    years = wb["Params"]["B4"].value
    heads = [compare.cell(21 + 1, 1 + k).value for k in range(1, 11)]
    assert [h for h in heads if h] == [f"year {k}" for k in range(1, years + 1)]
    relocation = wb["Relocation"]
    cities = [relocation.cell(r, 2).value for r in range(1, relocation.max_row + 1)]
    assert sum(
        1 for c in cities if c in ("Tokyo", "Berlin", "Toronto", "New York", "London", "Tel Aviv", "Seattle")
    ) >= len(offers)


@pytest.mark.parametrize("case", ["three", "twelve"])
def test_brief_and_share_work_and_mention_nothing_of_the_example(own, case, capsys, tmp_path):
    offers, result = own[case]
    code, out, err = run("brief", str(result.path), capsys=capsys)
    assert code == 0, err
    assert all(o["company"] in out for o in offers)
    assert not any(p in out for p in PERSONA)
    copy = tmp_path / "copy.xlsx"
    code, _, err = run(
        "share",
        str(result.path),
        "-o",
        str(copy),
        "--include",
        "currency",
        "--include",
        "offers_held",
        capsys=capsys,
    )
    assert code == 0, err
    sheet = load_workbook(copy).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert len(offers) in values and "JPY" in values
    assert not any(p in str(v) for v in values for p in PERSONA)


def test_a_new_workbook_holds_none_of_the_example(tmp_path, capsys):
    path = tmp_path / "mine.xlsm"
    assert run("new", str(path), capsys=capsys)[0] == 0
    wb = load_workbook(path)
    text = [
        str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None
    ]
    assert not any(p in t for t in text for p in PERSONA)
    market = [str(c) for row in wb["Market"].iter_rows(values_only=True) for c in row if c]
    assert not any("SYNTHETIC" in t or "synthetic" in t for t in market)  # no sample rows
    offers = wb["Offers"]
    assert [offers.cell(1, c).value for c in range(2, 14)] == [None] * 12
    assert offers.cell(1, 15).value == "what it means"  # the help: beyond the offer columns
    switches = [wb["Strategy"].cell(r, 12).value for r in range(3, 9)]
    assert switches and not any(switches)  # nothing disclosed
    assert "vbaProject.bin" in " ".join(zipfile.ZipFile(path).namelist())
    assert wb["xlwings.conf"]["B1"].value or wb["xlwings.conf"]["A1"].value


def test_a_new_workbook_counts_deadlines_from_the_day_it_is_recalculated(tmp_path, capsys):
    """The Strategy sheet's as-of date of a new workbook is ``=TODAY()`` (the example's is the
    date its persona wrote): stored as today's date, shown as a date, and what recalc and the
    brief count deadlines and data age from."""
    path = tmp_path / "mine.xlsm"
    assert run("new", str(path), capsys=capsys)[0] == 0
    formulas, values = load_workbook(path)["Strategy"], load_workbook(path, data_only=True)["Strategy"]
    row = next(r for r in range(1, 40) if formulas.cell(r, 1).value == "as_of")
    assert formulas.cell(row, 2).value == "=TODAY()"
    assert formulas.cell(row, 2).number_format == "yyyy-mm-dd"
    assert values.cell(row, 2).value.date() == dt.date.today()
    example_strategy = load_workbook(DEFAULT_PATH)["Strategy"]
    assert isinstance(example_strategy.cell(row, 2).value, str)  # a date typed in: fixed


def test_new_never_replaces_a_file(tmp_path, capsys):
    path = tmp_path / "mine.xlsm"
    path.write_bytes(b"my own notes, not a workbook")
    before = path.read_bytes()
    code, _, err = run("new", str(path), capsys=capsys)
    assert code != 0 and "already exists" in err and len(err.strip().splitlines()) == 1
    assert path.read_bytes() == before
    link = tmp_path / "link.xlsm"
    link.symlink_to(tmp_path / "nowhere.xlsm")
    assert run("new", str(link), capsys=capsys)[0] != 0
    assert not (tmp_path / "nowhere.xlsm").exists()


def test_new_fills_offers_from_a_file_and_refuses_a_bad_one(tmp_path, capsys):
    csv = tmp_path / "offers.csv"
    csv.write_text(
        "field,Kumo,Fjord\ncompany,Kumo Robotics,Fjord Analytics\n"
        "jurisdiction,JP-TOKYO,DE\ncurrency,JPY,EUR\n"
        'base_salary,"15,500,000",98000\n',
        encoding="utf-8",
    )
    path = tmp_path / "mine.xlsm"
    assert run("new", str(path), "--offers", str(csv), "--home-city", "Berlin", capsys=capsys)[0] == 0
    code, out, err = run("compare", str(path), "--json", capsys=capsys)
    data = json.loads(out)
    assert data["home_currency"] == "EUR"
    assert {r["name"] for r in data["offers"]} == {"Kumo", "Fjord"}
    bad = tmp_path / "bad.csv"
    bad.write_text("field,A\ncompany,X\nbase_salary,abc\n", encoding="utf-8")
    code, _, err = run("new", str(tmp_path / "never.xlsm"), "--offers", str(bad), capsys=capsys)
    assert code != 0 and "bad.csv" in err and "jurisdiction is required" in err
    assert not (tmp_path / "never.xlsm").exists()


def test_build_workbook_refuses_to_replace_a_users_file(tmp_path, capsys):
    mine = tmp_path / "mine.xlsm"
    assert run("new", str(mine), capsys=capsys)[0] == 0
    type_in(mine, typed(2))
    before = mine.read_bytes()
    code, _, err = run("build-workbook", "-o", str(mine), capsys=capsys)
    assert code != 0 and "not an unmodified build of the example" in err
    assert mine.read_bytes() == before
    example_copy = tmp_path / "copy" / "negotiation.xlsm"
    example_copy.parent.mkdir()
    example_copy.write_bytes(DEFAULT_PATH.read_bytes())
    assert run("build-workbook", "-o", str(example_copy), capsys=capsys)[0] == 0  # its own build
    assert example_copy.read_bytes() == DEFAULT_PATH.read_bytes()
    assert run("build-workbook", "-o", str(mine), "--force", capsys=capsys)[0] == 0


@pytest.mark.parametrize("path_kind", ["shipped", "new"])
def test_stored_results_show_on_open(path_kind, tmp_path, capsys):
    """No full recalculation on load (Excel would show #NAME? before the add-in is there),
    a current calculation-engine id, and a stored result in every formula cell."""
    path = DEFAULT_PATH
    if path_kind == "new":
        path = tmp_path / "mine.xlsm"
        assert run("new", str(path), capsys=capsys)[0] == 0
    workbook_xml = zipfile.ZipFile(path).read("xl/workbook.xml").decode("utf-8")
    calc = re.search(r"<calcPr\b[^>]*>", workbook_xml)[0]
    assert "fullCalcOnLoad" not in calc and 'calcId="191029"' in calc
    assert formula_cells_without_value(path) == []


def test_the_web_runtime_writes_the_names_excel_binds_to_the_add_in(own):
    _, result = own["web"]
    xml = " ".join(
        zipfile.ZipFile(result.path).read(n).decode("utf-8")
        for n in zipfile.ZipFile(result.path).namelist()
        if n.startswith("xl/worksheets/")
    )
    assert "_xldudf_NEGOTIATE_OFFER_TC(" in xml
    assert not re.search(r"[>(,]OFFER_TC\(", xml)  # no bare name left


_ERROR = re.compile(r"#(NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|CALC!|SPILL!)")


def _errors(path: Path, wb=None) -> list[str]:
    """Cells of the workbook whose stored result is an error value or a function's message."""
    wb = wb or load_workbook(path, data_only=True)
    return [
        f"{ws.title}!{c.coordinate}: {c.value}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and _ERROR.match(c.value)
    ]


@pytest.mark.parametrize("n,years", [(0, 4), (1, 1), (2, 10), (12, 1)])  # 5 x 5: the example
def test_every_count_and_horizon_evaluates_without_error(n, years, tmp_path):
    data = blank(years=years)
    data["offers"] = [dict(o, name=o["company"]) for o in typed(n)]
    if n == 1:  # one offer needs the current job as its alternative
        data["relocation"]["costs"]["current_base_salary"] = 9_000_000
    path = build(tmp_path / "mine.xlsm", data)
    assert formula_cells_without_value(path) == []
    wb = load_workbook(path, data_only=True)
    assert _errors(path, wb) == []
    if n:  # the offers are really there: the ranking shows each one
        compare = wb["Compare"]
        shown = {compare.cell(r, 1).value for r in range(8, 20)} - {None, ""}
        assert shown == {o["company"] for o in typed(n)}


def test_the_example_still_uses_its_own_five_offers():
    """The shipped workbook is the example's build (tests/test_workbook.py checks it is)."""
    assert len(example()["offers"]) == 5
    assert _errors(DEFAULT_PATH) == []


def test_one_offer_and_the_current_job_typed_on_the_strategy_sheet_is_a_whole_comparison(tmp_path, capsys):
    """A new workbook with one offer: the current job's base typed in the Strategy sheet's
    current-job block (where the sheet asks for it) is also the alternative the offer is
    weighed against (the Relocation sheet's current_base_salary follows it), so the
    recalculated workbook has no error cell and the brief's best alternative is the current
    job at that base's take-home pay, as the tax engine gives it."""
    from calculators.tax import compute, get_jurisdiction

    path = tmp_path / "negotiation.xlsm"
    code, out, _ = run("new", str(path), "--home-city", "Tokyo", capsys=capsys)
    offers = typed(1)
    type_in(path, offers)
    wb = load_workbook(path, keep_vba=True)
    ws = wb["Strategy"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "base_salary")
    ws.cell(row, 2).value = 13_000_000
    wb.save(path)
    result = recalc(path, tmp_path / "negotiation.recalc.xlsm")
    assert result.error_cells == ()
    relocation = load_workbook(result.path, data_only=True)["Relocation"]
    mirror = next(r for r in range(1, 60) if relocation.cell(r, 1).value == "current_base_salary")
    assert relocation.cell(mirror, 2).value == 13_000_000
    code, out, err = run("brief", str(result.path), "--json", capsys=capsys)
    assert code == 0, err
    page = json.loads(out)["offers"][0]
    year = max(get_jurisdiction("JP-TOKYO").years)
    assert page["best_alternative"]["name"] == "current job"
    assert page["best_alternative"]["value"] == pytest.approx(
        float(compute(13_000_000, "JP-TOKYO", year).net), rel=1e-9
    )
    # a current job paid in another currency than the home city's is no base there: not mirrored
    wb = load_workbook(path, keep_vba=True)
    ws = wb["Strategy"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "jurisdiction")
    ws.cell(row, 2).value = "US-WA"
    wb.save(path)
    result = recalc(path, tmp_path / "abroad.recalc.xlsm")
    relocation = load_workbook(result.path, data_only=True)["Relocation"]
    assert relocation.cell(mirror, 2).value in (None, "")
