"""Your age, set once (Params ``age``, or ``--age``), reaches every comparison: at 45 the Tokyo
offer pays 介護保険 (long-term care insurance, from 40), which a ranking at the default 35 leaves
out; offers taxed where age does not matter at 45 keep their value."""

from __future__ import annotations

import json
import shutil

import pytest
from openpyxl import load_workbook

from addin import udfs
from addin.recalc import recalc
from addin.workbook.builder import DEFAULT_PATH
from addin.workbook.sheets.compare import HEADER, TOP
from addin.workbook.sheets.params import BASIS_CHOICES
from calculators.offer.table import offers_from_table
from calculators.tax import compute
from calculators.valuation.net import default_tax_year
from tests.conftest import negotiate

TOKYO = "Tokyo big tech"


def _values(table):
    return {row[1]: row[6] for row in table[1:]}  # offer -> home value


@pytest.mark.parametrize("basis", BASIS_CHOICES)
def test_age_45_lowers_only_the_tokyo_offer_on_every_after_tax_basis(example_rows, basis):
    basket = None
    if basis.startswith("disposable_"):
        ws = load_workbook(DEFAULT_PATH, data_only=True)["Relocation"]
        basket = [[c.value for c in row[:2]] for row in ws.iter_rows(min_row=3, max_row=22)]
    args = (example_rows, basis, "JPY", 4, 0.05, None, basket)
    at35, at45 = _values(udfs.offer_compare(*args)), _values(udfs.offer_compare(*args, 45))
    assert _values(udfs.offer_compare(*args, 35)) == at35  # 35 is the default
    if basis.startswith(("net_", "disposable_")):
        assert at45[TOKYO] < at35[TOKYO], basis
    else:  # before tax, age changes nothing
        assert at45[TOKYO] == at35[TOKYO], basis
    assert {k: v for k, v in at45.items() if k != TOKYO} == {k: v for k, v in at35.items() if k != TOKYO}


def test_the_first_year_difference_is_the_care_insurance_less_the_tax_it_saves(example_rows):
    """Year 1 on net_first_year: the Tokyo offer's value falls by its 介護保険 (charged on the
    salary and bonus, not on the RSU vests), less the income and resident tax the premium
    saves (it is deductible): between half of it and all of it."""
    tokyo = next(o for o in offers_from_table(example_rows) if o.name == TOKYO)
    fell = udfs.offer_tc(example_rows, "net_first_year", None, None, TOKYO, None, 35) - udfs.offer_tc(
        example_rows, "net_first_year", None, None, TOKYO, None, 45
    )
    pay = tokyo.base_salary * (1 + tokyo.bonus_target * tokyo.bonus_payout)
    year = default_tax_year([tokyo])  # the rules every year is valued under
    young, old = (compute(pay, "JP-TOKYO", year, age=a) for a in (35, 45))
    care = float(old.lines["long_term_care_insurance"])
    assert care > 100_000 and float(young.lines["long_term_care_insurance"]) == 0
    assert 0.5 * care < fell < care


def test_an_age_a_jurisdiction_does_not_model_is_one_line(example_rows):
    got = udfs.offer_compare(example_rows, "net_annualized", "JPY", None, None, None, None, 130)
    assert isinstance(got, str) and "\n" not in got
    assert got.startswith("#VALUE! age must be a whole number from")


def test_the_params_age_reaches_compare_and_brief_and_the_sheets(tmp_path):
    """Params age 45 typed into a copy of the example: `negotiate compare` and `brief` rank the
    Tokyo offer as OFFER_COMPARE does at 45, and `--age` says the same; the recalculated
    Compare sheet's figures follow."""
    path = tmp_path / "older.xlsm"
    path.write_bytes(DEFAULT_PATH.read_bytes())
    wb = load_workbook(path, keep_vba=True)
    ws = wb["Params"]
    row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "age")
    assert ws.cell(row, 2).value == 35
    ws.cell(row, 2).value = 45
    wb.save(path)

    def tokyo(ran):
        assert ran.returncode == 0, ran.stderr
        return next(o for o in json.loads(ran.stdout)["offers"] if o["name"] == TOKYO)

    older = tokyo(negotiate("compare", path, "--json", "--basis", "net_annualized"))
    example = tokyo(negotiate("compare", DEFAULT_PATH, "--json", "--basis", "net_annualized"))
    flagged = tokyo(negotiate("compare", DEFAULT_PATH, "--json", "--basis", "net_annualized", "--age", "45"))
    assert older["value_home"] == flagged["value_home"] < example["value_home"]
    brief = json.loads(negotiate("brief", path, "--json").stdout)
    example_brief = json.loads(negotiate("brief", DEFAULT_PATH, "--json").stdout)
    value = {o["name"]: o["value"] for o in brief["offers"]}
    assert value[TOKYO] < {o["name"]: o["value"] for o in example_brief["offers"]}[TOKYO]
    recalculated = recalc(path, tmp_path / "older.recalc.xlsm")
    assert recalculated.error_cells == ()
    col = HEADER.index("net annualized (home)") + 1

    def net_annualized(book):
        ws = load_workbook(book, data_only=True)["Compare"]
        return next(ws.cell(r, col).value for r in range(TOP + 2, TOP + 20) if ws.cell(r, 1).value == TOKYO)

    assert net_annualized(recalculated.path) == pytest.approx(older["value_home"], rel=1e-12)
    assert net_annualized(recalculated.path) < net_annualized(DEFAULT_PATH)


def test_percent_text_in_the_params_and_strategy_fractions_reads_as_the_sheet_reads_it(tmp_path):
    """A discount rate typed "5%" on Params and a scarcity premium "10%" on Strategy: the sheet's
    functions read them as 0.05 and 0.1, and so do `compare` and `brief` (they refused them)."""
    path = tmp_path / "percent.xlsm"
    shutil.copy(DEFAULT_PATH, path)
    wb = load_workbook(path, keep_vba=True)
    typed = {("Params", "discount_rate"): "5%", ("Strategy", "scarcity_premium"): "10%"}
    for (sheet, key), text in typed.items():
        ws = wb[sheet]
        row = next(c.row for c in ws["A"] if c.value == key)
        ws.cell(row, 2).value = text
    wb.save(path)
    as_text = negotiate("compare", path, "--json", "--basis", "npv")
    as_number = negotiate("compare", path, "--json", "--basis", "npv", "--discount-rate", "0.05")
    assert as_text.returncode == 0, as_text.stderr
    assert json.loads(as_text.stdout) == json.loads(as_number.stdout)
    brief = negotiate("brief", path)
    assert brief.returncode == 0, brief.stderr
    assert "with your 10 % scarcity premium" in brief.stdout
