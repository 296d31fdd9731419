"""Checking a theme: matches by entry, a seeded sample in context, precision from a judged sheet."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

import policytext
from policytext.analyse.stats import wilson_interval
from policytext.analyse.theme_check import (PRECISION_COLUMNS, SAMPLE_COLUMNS, SHEET_COLUMNS, TERM_COUNT_COLUMNS,
                                            count_theme_terms, estimate_precision, read_judgements,
                                            sample_matches, write_judgement_sheet)
from policytext.analyse.themes import load_lexicon
from policytext.analyse.trends import theme_trends
from policytext.cli import main
from policytext.errors import BadInput


def test_term_counts_add_up_to_the_theme(small_corpus: Path) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        terms = count_theme_terms(corpus, "entrepreneurialism")
        trends = theme_trends(corpus, ["entrepreneurialism"], by="year", draws=10, min_documents=1)
    assert list(terms.columns) == TERM_COUNT_COLUMNS
    assert terms["matches"].sum() == trends["matches"].sum() > 10
    assert terms["share"].sum() == pytest.approx(1.0)
    assert terms["matches"].is_monotonic_decreasing
    assert set(terms["term"]) <= set(load_lexicon().get("entrepreneurialism").terms)
    assert (terms["documents"] <= 5).all()


def test_sample_is_seeded_and_drawn_from_every_match(small_corpus: Path) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        sample = sample_matches(corpus, "entrepreneurialism", size=8, seed=4)
        again = sample_matches(corpus, "entrepreneurialism", size=8, seed=4)
        other = sample_matches(corpus, "entrepreneurialism", size=8, seed=5)
        everything = sample_matches(corpus, "entrepreneurialism", size=10_000, seed=0)
        total = theme_trends(corpus, ["entrepreneurialism"], by="year", draws=10, min_documents=1)["matches"].sum()
    assert list(sample.columns) == SAMPLE_COLUMNS
    assert len(sample) == 8 and sample["id"].tolist() == list(range(1, 9))
    pd.testing.assert_frame_equal(sample, again)
    assert sample[["doc_id", "start"]].values.tolist() != other[["doc_id", "start"]].values.tolist()
    assert sample.attrs["population"] == total == len(everything) > 8  # every match can be drawn, once
    drawn = set(map(tuple, sample[["doc_id", "start", "end"]].values.tolist()))
    assert drawn <= set(map(tuple, everything[["doc_id", "start", "end"]].values.tolist()))
    with policytext.open_corpus(small_corpus) as corpus:
        texts = {d: corpus.store.conn.execute("SELECT text FROM documents WHERE id = ?", (d,)).fetchone()[0]
                 for d in sample["doc_id"]}
    entries = load_lexicon().get("entrepreneurialism").terms
    for row in sample.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.match  # offsets point into Document.text
        assert row.term in entries and row.match


def test_judged_sheet_gives_precision_with_wilson_interval(small_corpus: Path, tmp_path: Path) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        sample = sample_matches(corpus, "entrepreneurialism", size=12, seed=1)
    path = write_judgement_sheet(sample, tmp_path / "judge.csv")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == SHEET_COLUMNS and all(r["judgement"] == "" for r in rows)
    assert all(f"[{r['match']}]" in r["context"] for r in rows)
    # A reader's judgements: the first entry's matches wrong, the rest right, one left empty.
    first = rows[0]["term"]
    for i, row in enumerate(rows):
        row["judgement"] = "" if i == len(rows) - 1 else ("N" if row["term"] == first else "yes")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SHEET_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    precision = estimate_precision(path)
    assert list(precision.columns) == PRECISION_COLUMNS
    overall = precision.iloc[0]
    judged = rows[:-1]
    correct = sum(r["term"] != first for r in judged)
    assert (overall["term"], overall["judged"], overall["correct"]) == ("(all)", len(judged), correct)
    assert (overall["precision_low"], overall["precision_high"]) == pytest.approx(wilson_interval(correct, len(judged)))
    assert precision.set_index("term").loc[first, "correct"] == 0
    assert precision.attrs["unjudged"] == 1
    with pytest.raises(BadInput, match="exists"):
        write_judgement_sheet(sample, path)  # a filled-in sheet is never overwritten


def test_a_judgement_other_than_y_or_n_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "judged.csv"
    path.write_text("id,term,judgement\n1,trust,y\n2,trust,maybe\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"judged.csv:3: the judgement 'maybe' is neither y nor n"):
        read_judgements(path)
    (tmp_path / "nojudge.csv").write_text("id,term\n1,trust\n", encoding="utf-8")
    with pytest.raises(BadInput, match="no judgement column"):
        read_judgements(tmp_path / "nojudge.csv")


def test_themes_check_cli(capsys, small_corpus: Path, tmp_path: Path) -> None:
    base = ["--corpus", str(small_corpus), "themes", "check", "entrepreneurialism"]
    assert main(base + ["--sample", "5", "--seed", "2"]) == 0
    out, err = capsys.readouterr()
    for title in ("Matches of entrepreneurialism by entry", "Matches of entrepreneurialism by government and entry",
                  "5 of "):
        assert title in out, out
    assert main(base + ["--sample", "5", "--seed", "2", "--format", "json"]) == 0
    parts = json.loads(capsys.readouterr()[0])
    assert set(parts) == {"terms", "groups", "sample"} and len(parts["sample"]) == 5
    assert main(base + ["--show", "sample", "--sample", "5", "--seed", "2", "--format", "csv"]) == 0
    assert [r["id"] for r in csv.DictReader(io.StringIO(capsys.readouterr()[0]))] == ["1", "2", "3", "4", "5"]
    sheet = tmp_path / "judge.csv"
    assert main(base + ["--sample", "6", "--judge", str(sheet)]) == 0
    assert f"to {sheet}: fill in the judgement column with y or n" in capsys.readouterr()[1]
    text = sheet.read_text(encoding="utf-8").splitlines()
    sheet.write_text("\n".join([text[0]] + [line + "y" for line in text[1:]]) + "\n", encoding="utf-8")
    assert main(base + ["--judged", str(sheet), "--format", "json"]) == 0
    precision = json.loads(capsys.readouterr()[0])
    assert precision[0]["term"] == "(all)" and precision[0]["precision"] == 1.0 and precision[0]["judged"] == 6
    assert precision[0]["precision_low"] < 1.0  # six right of six is not certainty
    assert main(["--quiet"] + base + ["--format", "csv"]) == 1
    assert capsys.readouterr()[1].startswith("Error: --format csv prints one table: choose it with --show")


def test_a_selection_made_once_serves_the_counts_and_the_sample(small_corpus: Path) -> None:
    """``themes check`` passes one lemma selection to both; the results are those of separate look-ups."""
    from policytext.analyse.lemmas import select_lemmas

    with policytext.open_corpus(small_corpus) as corpus:
        selection = select_lemmas(corpus, since="1990")
        counts = count_theme_terms(corpus, "entrepreneurialism", lemmas=selection, since="1990")
        sample = sample_matches(corpus, "entrepreneurialism", size=5, seed=2, lemmas=selection, since="1990")
        assert counts.equals(count_theme_terms(corpus, "entrepreneurialism", since="1990"))
        pd.testing.assert_frame_equal(sample, sample_matches(corpus, "entrepreneurialism", size=5, seed=2,
                                                             since="1990"))
    assert counts["matches"].sum() == sample.attrs["population"] and len(sample) == 5
