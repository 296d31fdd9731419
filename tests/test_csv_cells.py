import csv
import datetime as dt
import io

import pytest

from policytext.cli.render import render
from policytext.csv_cells import csv_cell


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text) -> None:
    assert csv_cell(text) == "'" + text


def test_other_values_keep_their_meaning() -> None:
    assert csv_cell("Tax cuts") == "Tax cuts" and csv_cell(None) == "" and csv_cell(-3) == -3
    assert csv_cell(dt.date(1996, 1, 23)) == "1996-01-23"
    assert csv_cell(["tax", "cuts"]) == '["tax", "cuts"]' and csv_cell(("a", "b"), lists="joined") == "a; b"
    assert csv_cell({"k": "=x"}) == '{"k": "=x"}' and csv_cell(["=x"], lists="joined") == "'=x"


def test_the_cli_csv_defuses_formulas_like_the_page(capsys) -> None:
    render([{"speaker": "=cmd|' /C calc'!A0", "words": 3}], "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows == [{"speaker": "'=cmd|' /C calc'!A0", "words": "3"}]
