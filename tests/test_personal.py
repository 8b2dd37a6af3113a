"""Personal facts set once (the Params sheet's rows under age) reach every offer they concern.

Israel's credit points are the check: each point is a credit of ``credit_point_value`` against
income tax (Income Tax Ordinance s. 33A, ``params/il/credit_points.yaml``), so one more point
raises the Tel Aviv offer's net by exactly that much a year while its tax exceeds its credits;
no other offer moves.  Checked through the functions (a range of facts as their age argument),
``negotiate compare`` on a workbook whose Params sheet says so, and the recalculated sheets.
"""

import json
import shutil

import pytest
from openpyxl import load_workbook

from addin import udfs
from addin.recalc import recalc
from addin.udfs.inputs import personal_from
from addin.workbook.sheets.compare import HEADER, TOP
from addin.workbook.sheets.layout import PARAMS, Layout
from calculators.errors import InvalidInputError
from calculators.personal import personal_facts
from calculators.tax.engine import params
from tests.conftest import negotiate

TEL_AVIV = "Tel Aviv scale-up"


def _point(year: int) -> float:
    return float(params("il", "credit_points")["credit_point_value"].at(year))


def _facts(**facts):
    return [["age", None], *([k, v] for k, v in facts.items())]


def test_a_credit_point_more_is_its_value_more_net_for_the_israeli_offer_only(example_rows):
    # the horizon's net, annualised; every year under one tax year's rules (the latest covered)
    points = _facts(credit_points=3.25)
    args = (example_rows, "net_annualized", "JPY", 4, None, None, None)
    before = {r[1]: r[6] for r in udfs.offer_compare(*args)[1:]}
    after = {r[1]: r[6] for r in udfs.offer_compare(*args, points)[1:]}
    local_before = udfs.offer_tc(example_rows, "net_annualized", 4, None, TEL_AVIV)
    local_after = udfs.offer_tc(example_rows, "net_annualized", 4, None, TEL_AVIV, None, points)
    assert local_after - local_before == pytest.approx(_point(2026), abs=0.01)
    assert after[TEL_AVIV] > before[TEL_AVIV]
    assert {k: v for k, v in after.items() if k != TEL_AVIV} == {
        k: v for k, v in before.items() if k != TEL_AVIV
    }


def test_the_age_argument_still_takes_one_cell_and_a_one_cell_range():
    assert personal_facts([("age", 45)]) == (45, ())
    assert personal_from(45) == personal_from([[45]]) == (45, ())
    assert personal_from([["age", 45], ["church_tax", "Yes"], ["children", 2.0]]) == (
        45,
        (("children", 2), ("church_tax", True)),
    )


@pytest.mark.parametrize(
    "rows, message",
    [
        ([["church_tax", "maybe"]], "church_tax must be yes or no"),
        ([["credit_points", 40]], "credit_points must be a number from 0 to 30"),
        ([["health_insurer", "aok"]], "health_insurer must be one of"),
        ([["children", 1.5]], "children must be a whole number"),
        ([["shoe_size", 44]], "personal fact shoe_size is not one the rules take"),
        ([["age", 40], ["age", 41]], "personal fact age is given twice"),
        ([[None, "yes"]], "a personal fact has a value but no name"),
        ([["age", 40, 1]], "age must be one cell, or two columns of personal facts"),
    ],
)
def test_a_bad_fact_is_one_message_naming_it(rows, message, example_rows):
    """Refused even where no offer is in the country whose rules take the fact."""
    out = udfs.offer_tc(example_rows, "net_annualized", 4, None, "Seattle big tech", None, rows)
    assert isinstance(out, str) and out.startswith("#VALUE! ") and message in out, out
    assert "\n" not in out and "Traceback" not in out
    with pytest.raises(InvalidInputError):
        personal_from(rows)


@pytest.fixture(scope="module")
def with_points(built_example, tmp_path_factory):
    """The example with 3.25 credit points typed on its Params sheet."""
    path = tmp_path_factory.mktemp("personal") / "points.xlsm"
    shutil.copy(built_example, path)
    wb = load_workbook(path, keep_vba=True)
    row = Layout(0).params["credit_points"] + 1
    assert wb[PARAMS].cell(row, 1).value == "credit_points"
    wb[PARAMS].cell(row, 2).value = 3.25
    wb.save(path)
    return path


def _compare(path, *options):
    ran = negotiate("compare", path, "--basis", "net_annualized", "--json", *options)
    assert ran.returncode == 0, ran.stderr
    return {o["name"]: o for o in json.loads(ran.stdout)["offers"]}


def test_compare_and_the_recalculated_sheet_take_the_params_facts(built_example, with_points, tmp_path):
    # each offer year a tax year: the points' yearly value, every year
    before, after = _compare(built_example, "--offer-years"), _compare(with_points, "--offer-years")
    gain = after[TEL_AVIV]["value_local"] - before[TEL_AVIV]["value_local"]
    assert gain == pytest.approx(_point(2026), abs=0.01)
    assert all(after[n]["value_local"] == before[n]["value_local"] for n in before if n != TEL_AVIV)
    # on the calendar (the sheets' and compare's default): every tax year the offer pays in gains them
    before, after = _compare(built_example), _compare(with_points)
    dated_gain = after[TEL_AVIV]["value_local"] - before[TEL_AVIV]["value_local"]
    assert _point(2026) < dated_gain < 1.5 * _point(2026)
    assert all(after[n]["value_local"] == before[n]["value_local"] for n in before if n != TEL_AVIV)
    # the brief values the offers on the same facts (its basis: the Strategy sheet's)
    brief = {
        path: {o["name"]: o["value"] for o in json.loads(negotiate("brief", path, "--json").stdout)["offers"]}
        for path in (built_example, with_points)
    }
    assert brief[with_points][TEL_AVIV] > brief[built_example][TEL_AVIV]
    assert all(
        brief[with_points][n] == brief[built_example][n] for n in brief[built_example] if n != TEL_AVIV
    )
    # the sheet's own functions, evaluated: Compare's net annualised column for Tel Aviv
    out = tmp_path / "points.recalc.xlsm"
    assert recalc(with_points, out).error_cells == ()
    ws = load_workbook(out, data_only=True)["Compare"]
    col = HEADER.index("net annualized (home)") + 1
    row = next(r for r in range(TOP + 2, TOP + 20) if ws.cell(r, 1).value == TEL_AVIV)
    assert ws.cell(row, col).value == pytest.approx(after[TEL_AVIV]["value_home"], rel=1e-9)


def test_a_bad_fact_on_the_params_sheet_is_one_line_naming_the_sheet(built_example, tmp_path):
    path = tmp_path / "church.xlsm"
    shutil.copy(built_example, path)
    wb = load_workbook(path, keep_vba=True)
    wb[PARAMS].cell(Layout(0).params["church_tax"] + 1, 2).value = "sometimes"
    wb.save(path)
    ran = negotiate("compare", path, "--basis", "net_annualized")
    assert ran.returncode != 0 and ran.stdout == ""
    assert ran.stderr.splitlines() == ["negotiate: church.xlsm: Params church_tax must be yes or no"]


def test_rsu_vests_as_a_bonus_lower_only_the_tokyo_offers_net(example_rows):
    """Japan's rsu_social_insurance: the Tokyo offer's vests pay 健康保険 and 厚生年金 as a 賞与."""
    args = (example_rows, "net_annualized", "JPY", 4, None, None, None)
    before = {r[1]: r[6] for r in udfs.offer_compare(*args)[1:]}
    after = {r[1]: r[6] for r in udfs.offer_compare(*args, _facts(rsu_social_insurance="bonus"))[1:]}
    assert after["Tokyo big tech"] < before["Tokyo big tech"]
    assert {k: v for k, v in after.items() if k != "Tokyo big tech"} == {
        k: v for k, v in before.items() if k != "Tokyo big tech"
    }


def test_the_brief_asks_who_delivers_the_tokyo_shares_until_the_params_sheet_says(built_example, tmp_path):
    """Japan keeps RSU vests outside 健康保険 and 厚生年金 by default: the brief says what counting
    them would cost (compare's own difference), in both languages, until the fact is typed."""

    def notes(path, lang="en"):
        data = json.loads(negotiate("brief", path, "--json", "--lang", lang).stdout)
        return {
            o["name"]: [w for w in o["warnings"] if w["code"].startswith("rsu_social")]
            for o in data["offers"]
        }

    found = notes(built_example)
    (note,) = found.pop("Tokyo big tech")
    assert not any(found.values())  # no other country asks
    path = tmp_path / "bonus.xlsm"
    shutil.copy(built_example, path)
    wb = load_workbook(path, keep_vba=True)
    wb[PARAMS].cell(Layout(0).params["rsu_social_insurance"] + 1, 2).value = "bonus"
    wb.save(path)
    before, after = _compare(built_example), _compare(path)
    cost = before["Tokyo big tech"]["value_home"] - after["Tokyo big tech"]["value_home"]
    assert cost > 0 and note["params"]["as_bonus"] == pytest.approx(cost, rel=1e-9)
    assert "Params sheet" in note["text"] and "rsu_social" not in note["text"]
    (ja,) = notes(built_example, "ja")["Tokyo big tech"]
    assert "健康保険・厚生年金" in ja["text"] and "賞与" in ja["text"]
    assert not any(notes(path).values())  # said on the Params sheet: no longer asked


def test_true_is_not_one_however_often_one_was_checked():
    assert personal_from([["children", 1.0]]) == (None, (("children", 1),))
    with pytest.raises(InvalidInputError, match="children must be a whole number"):
        personal_from([["children", True]])
    # Excel hands a typed 1 or 0 over as 1.0 / 0.0: yes and no
    assert personal_from([["church_tax", 1.0]])[1] == (("church_tax", True),)
    assert personal_from([["church_tax", 0.0]])[1] == (("church_tax", False),)
    with pytest.raises(InvalidInputError, match="children must be a number"):
        personal_from([["children", "1_0"]])  # not ten children


def test_an_error_cell_names_the_fact_not_age(example_rows):
    out = udfs.offer_tc(
        example_rows, "net_annualized", 4, None, TEL_AVIV, None, [["age", 35], ["credit_points", "#N/A"]]
    )
    assert out == "#VALUE! credit_points holds an Excel error (#N/A)"


@pytest.mark.parametrize(
    "cells, says",
    [
        (
            {"A13": "credit points", "B13": 3.25},
            "Params personal fact credit points is not one the rules take",
        ),
        ({"A13": None, "B13": 3.25}, "Params a personal fact has a value but no name"),
        (
            {"A14": "credit_points", "B13": 3.25, "B14": 5},
            "Params personal fact credit_points is given twice",
        ),
        ({"B10": 10}, "age must be a whole number from 15 to 74 for JP-TOKYO"),
    ],
    ids=["misspelt", "unnamed", "twice", "age-for-tokyo"],
)
def test_the_commands_refuse_what_the_sheets_functions_refuse(built_example, tmp_path, cells, says):
    """compare and brief read the Params sheet's facts as its functions do (the rows from age to
    the FX table), so a fact the sheet shows as #VALUE! is never silently dropped or replaced."""
    path = tmp_path / "facts.xlsm"
    shutil.copy(built_example, path)
    wb = load_workbook(path, keep_vba=True)
    assert wb[PARAMS]["A10"].value == "age" and wb[PARAMS]["A13"].value == "credit_points"
    for ref, value in cells.items():
        wb[PARAMS][ref].value = value
    wb.save(path)
    for command in (("compare", "--basis", "net_annualized"), ("brief",)):
        ran = negotiate(command[0], path, *command[1:])
        assert ran.returncode != 0 and ran.stdout == "", (command, ran.stdout)
        (line,) = ran.stderr.splitlines()
        assert line.startswith("negotiate: facts.xlsm: ") and says in line, (command, line)


def test_the_recruiter_copy_carries_none_of_the_personal_facts(built_example, tmp_path):
    """Church tax says a religion, credit points a family: none of it reaches the shared copy,
    in any part, whichever fields are shared."""
    import zipfile

    path = tmp_path / "mine.xlsm"
    shutil.copy(built_example, path)
    wb = load_workbook(path, keep_vba=True)
    rows = Layout(0).params
    for fact, value in {"age": 47, "church_tax": "yes", "children": 3, "credit_points": 7.75}.items():
        wb[PARAMS].cell(rows[fact] + 1, 2).value = value
    wb.save(path)
    out = tmp_path / "recruiter.xlsx"
    ran = negotiate("share", path, "-o", out, "--include", "best_offer")
    assert ran.returncode == 0, ran.stderr
    with zipfile.ZipFile(out) as z:
        blob = b"".join(z.read(n) for n in z.namelist()).lower()
    for needle in (b"church", b"kirchensteuer", b"credit", b"7.75", b"children", b"personal", b">47<"):
        assert needle not in blob, needle
