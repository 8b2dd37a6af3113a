"""Take-home pay functions."""

from typing import Annotated

from addin.cells import Cell, Rows, cell, opt_number, opt_setting, opt_text, rows_out, table, udf
from addin.udfs._docs import AGE_DOC, JUR_DOC
from addin.udfs.inputs import personal_from
from calculators.defaults import AGE
from calculators.errors import InvalidInputError
from calculators.offer.table import as_rows
from calculators.personal import as_options
from calculators.tax import compute, get_jurisdiction

__all__ = ["net_pay", "tax_breakdown"]


def _tax_args(gross, jurisdiction, year, equity_income, age):
    jur = get_jurisdiction(opt_text(jurisdiction, "jurisdiction") or "")
    # a whole number; the engine checks it against the years the parameter files cover
    tax_year = opt_number(year, "year", float(max(jur.years)))
    if tax_year != int(tax_year):
        raise InvalidInputError("year must be a whole number such as 2026")
    # blank: the one default age (the engine checks it against the jurisdiction's ages); of the
    # personal facts, the ones the jurisdiction takes
    years_old, facts = personal_from(age)
    options = {k: v for k, v in as_options(opt_setting(years_old, AGE), facts).items() if k in jur.options}
    equity = opt_number(equity_income, "equity_income", 0.0, low=0.0)
    return jur, int(tax_year), options, equity


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


GROSS_DOC = "Yearly gross salary in local currency (a cell, or a row or column of them)"
YEAR_DOC = "Tax year, e.g. 2026: one the jurisdiction's rules cover (blank: the latest covered)"
EQUITY_DOC = "RSU / equity income of the year, taxed as employment income (blank: 0)"


@udf
def net_pay(
    gross: Annotated[Rows, table(GROSS_DOC)],
    jurisdiction: Annotated[Cell, cell(JUR_DOC)],
    year: Annotated[Cell, cell(YEAR_DOC)] = None,
    equity_income: Annotated[Cell, cell(EQUITY_DOC)] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
):
    """Take-home pay after income tax and employee contributions, in local currency.

    A range of grosses gives a range of the same shape, blanks left blank.
    Example: =NET_PAY(185000, "US-WA", 2026)
    """
    jur, tax_year, options, equity = _tax_args(gross, jurisdiction, year, equity_income, age)
    if isinstance(gross, list):
        rows = as_rows(gross, "gross")
        single = len(rows) == 1 and len(rows[0]) == 1
        grid = [
            [
                None
                if _blank(v)
                else opt_number(
                    v, "gross" if single else f"gross (row {i}, column {j} of the range)", None, low=0.0
                )
                for j, v in enumerate(row, start=1)
            ]
            for i, row in enumerate(rows, start=1)
        ]
        flat = [v for row in grid for v in row if v is not None]
        if not flat:
            raise InvalidInputError("gross is required")
        net = iter(compute(flat, jur.code, tax_year, equity, **options).net)
        return [[None if v is None else float(next(net)) for v in row] for row in grid]
    return float(
        compute(opt_number(gross, "gross", None, low=0.0), jur.code, tax_year, equity, **options).net
    )


@udf
def tax_breakdown(
    gross: Annotated[Cell, cell("Yearly gross salary in local currency")],
    jurisdiction: Annotated[Cell, cell(JUR_DOC)],
    year: Annotated[Cell, cell(YEAR_DOC)] = None,
    equity_income: Annotated[Cell, cell(EQUITY_DOC)] = None,
    age: Annotated[Rows, table(AGE_DOC)] = None,
):
    """Every tax and employee contribution line, then gross, total withheld and net.

    Spills line / amount rows in local currency. Example: =TAX_BREAKDOWN(14000000, "Tokyo")
    """
    jur, tax_year, options, equity = _tax_args(gross, jurisdiction, year, equity_income, age)
    result = compute(opt_number(gross, "gross", None, low=0.0), jur.code, tax_year, equity, **options)
    rows = [[name, float(amount)] for name, amount in result.lines.items()]
    rows += [
        ["gross", float(result.gross)],
        ["total_withheld", float(result.total_withheld)],
        ["net", float(result.net)],
    ]
    return rows_out(["line", f"amount ({jur.currency})"], rows)
