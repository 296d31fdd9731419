"""The chart options of the analysis commands: --plot FILE.png|.svg|.pdf and --size column|slide."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import policytext
from policytext.cli import main


@pytest.fixture(scope="module")
def two_statements(tmp_path_factory) -> Path:
    """Two short UK statements, 2009 and 2010 (quick to lemmatise)."""
    folder = tmp_path_factory.mktemp("two") / "corpus"
    lines = folder.parent / "statements.jsonl"
    lines.write_text(
        json.dumps({"text": "We trust the people to rebuild the economy after the crisis.", "date": "2009-03-02"}) + "\n"
        + json.dumps({"text": "Trust in enterprise and small business will drive growth.", "date": "2010-09-14"}) + "\n",
        encoding="utf-8")
    with policytext.open_corpus(folder, create=True) as corpus:
        assert corpus.collect_files([lines], country="GB").ok
    return folder


def test_trends_by_year_chart_for_a_column_with_the_government_band(two_statements: Path, tmp_path: Path,
                                                                     capsys) -> None:
    chart = tmp_path / "trust.svg"
    code = main(["--corpus", str(two_statements), "trends", "trust", "--by", "year", "--format", "json",
                 "--plot", str(chart), "--size", "column"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"wrote {chart}" in captured.err
    svg = chart.read_text(encoding="utf-8")
    assert 'width="252pt"' in svg  # 3.5 inches: one column of a paper
    # The band names the governments of the years (text is drawn as paths, named in comments).
    assert "<!-- Brown -->" in svg and "<!-- Cameron–Clegg -->" in svg


@pytest.mark.parametrize(("options", "error"), [
    (["--size", "poster"], "Error: unknown chart size 'poster': use one of column, slide\n"),
    (["--plot", "chart.jpeg"], "Error: cannot write a chart to chart.jpeg: end the file name with .png, .svg or .pdf\n"),
])
def test_chart_options_are_checked_before_any_work(tmp_path: Path, capsys, options: list[str], error: str) -> None:
    code = main(["--corpus", str(tmp_path / "none"), "trends", "trust", *options])
    assert (code, capsys.readouterr().err) == (1, error)
    code = main(["--corpus", str(tmp_path / "none"), "topics", "trends", "some-model", *options])
    assert (code, capsys.readouterr().err) == (1, error)


def test_an_analysis_says_when_limit_cut_the_documents(two_statements: Path, capsys) -> None:
    """--limit counts documents (the shared filter), which a user may read as terms: the cut is said."""
    code = main(["--corpus", str(two_statements), "keyness", "--target", "2010", "--by", "year", "--limit", "1"])
    captured = capsys.readouterr()
    assert "--limit 1 keeps the 1 oldest of the 2 documents within the filters" in captured.err
    main(["--corpus", str(two_statements), "trends", "trust", "--by", "year", "--limit", "2"])
    assert "--limit" not in capsys.readouterr().err  # nothing cut, nothing said
