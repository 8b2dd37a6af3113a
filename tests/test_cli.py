"""The `negotiate` command, run as a user runs it: in a process of its own where the process is
what a test is about (the table a shell shows, the one line a refusal prints), else through the
same entry point in this process (:func:`tests.conftest.negotiate`)."""

import json

import pytest

from addin import udfs
from addin.workbook.builder import DEFAULT_PATH
from tests.conftest import negotiate, negotiate_process


def test_compare_ranks_the_five_example_offers():
    out = negotiate_process("compare")
    assert out.returncode == 0, out.stderr
    for name in (
        "Tokyo big tech",
        "Seattle big tech",
        "Silicon Valley",
        "London start-up",
        "Tel Aviv scale-up",
    ):
        assert name in out.stdout
    assert out.stderr == ""


def test_compare_json_parses_and_matches_the_udf(example_rows):
    out = negotiate(
        "compare",
        str(DEFAULT_PATH),
        "--json",
        "--basis",
        "npv",
        "--years",
        "4",
        "--currency",
        "JPY",
        "--discount-rate",
        "0.05",
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [o["rank"] for o in data["offers"]] == [1, 2, 3, 4, 5]
    table = udfs.offer_compare(example_rows, "npv", "JPY", 4, 0.05)
    by_name = {r[1]: r[6] for r in table[1:]}
    for row in data["offers"]:
        assert row["value_home"] == pytest.approx(by_name[row["name"]], rel=1e-12)
    assert data["fx"]["as_of"] and data["fx"]["source"]


def test_compare_detail_gives_the_schedule():
    out = negotiate("compare", "--json", "--detail", "--years", "6")
    assert out.returncode == 0 and out.stderr == "", out.stderr
    data = json.loads(out.stdout)
    assert len(data["offers"]) == 5
    for row in data["offers"]:
        assert [y["year"] for y in row["schedule"]] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    "args,fragment",
    [
        (("compare", "missing.xlsx"), "missing.xlsx: no such workbook"),
        (("compare", "--basis", "vibes"), "basis must be one of"),
        (("compare", "--currency", "XYZ"), "no FX rate for XYZ"),
        (("compare", "--years", "0"), "years must be"),
        (("compare", "--years", "ten"), "--years"),
    ],
)
def test_failures_are_one_line_on_stderr(args, fragment):
    out = negotiate(*args)
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], out.stderr
    assert "Traceback" not in out.stderr + out.stdout


def test_not_a_workbook_is_refused_clearly(tmp_path):
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a spreadsheet")
    out = negotiate_process("compare", str(bad))  # the real process: nothing else on stderr
    assert out.returncode != 0
    assert out.stderr.strip() == "negotiate: notes.xlsx: not an .xlsx/.xlsm workbook"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("company: nan", None),  # a company named nan is text, not a number no cell can hold
        ("base_salary: .inf", "offer 1: base_salary must be a finite number"),
        ("base_salary: '1e999'", "offer 1: base_salary must be a finite number"),
    ],
)
def test_new_keeps_nan_and_infinite_text_as_text(tmp_path, line, message):
    fields = {"company": "Acme", "jurisdiction": "Tokyo", "currency": "JPY", "base_salary": "15000000"}
    key = line.split(":")[0]
    body = "\n".join(f"  {k}: {v}" for k, v in fields.items() if k != key) + f"\n  {line}\n"
    (tmp_path / "offers.yaml").write_text("-" + body[1:], encoding="utf-8")
    out = negotiate("new", tmp_path / "mine.xlsm", "--offers", tmp_path / "offers.yaml")
    if message is None:
        assert out.returncode == 0 and out.stderr == "", out.stderr
        assert (tmp_path / "mine.xlsm").exists()
    else:
        assert out.returncode == 2 and out.stderr.count("\n") == 1 and message in out.stderr, out.stderr
        assert not (tmp_path / "mine.xlsm").exists()
