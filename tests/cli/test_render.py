"""Rendering with provenance: the json/jsonl/csv outputs of trends, keyness and topics say how they were made."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from policytext.cli.render import render
from helpers import run_cli as run


def _frame() -> pd.DataFrame:
    frame = pd.DataFrame({"term": ["trust", "#1 priority"], "g2": [12.5, 3.0]})
    frame.attrs["policytext"] = {"made_by": "keyness", "filters": {"since": "2015"}, "parameters": {"top": 2}}
    return frame


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("json", '{\n  "provenance": {\n    "made_by": "keyness",\n    "filters": {\n      "since": "2015"\n    },\n'
                 '    "parameters": {\n      "top": 2\n    }\n  },\n  "rows": [\n    {\n      "term": "trust",\n'
                 '      "g2": 12.5\n    },\n    {\n      "term": "#1 priority",\n      "g2": 3.0\n    }\n  ]\n}\n'),
        ("jsonl", '{"provenance": {"made_by": "keyness", "filters": {"since": "2015"}, "parameters": {"top": 2}}}\n'
                  '{"term": "trust", "g2": 12.5}\n{"term": "#1 priority", "g2": 3.0}\n'),
        ("csv", '# made_by: "keyness"\n# filters: {"since": "2015"}\n# parameters: {"top": 2}\n'
                'term,g2\ntrust,12.5\n#1 priority,3.0\n'),
    ],
)
def test_render_with_provenance(capsys, fmt, expected) -> None:
    render(_frame(), fmt, provenance=True)
    assert capsys.readouterr().out == expected


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_render_without_provenance_is_plain_rows(capsys, fmt) -> None:
    render(_frame(), fmt)
    out = capsys.readouterr().out
    assert "provenance" not in out and "made_by" not in out
    assert out.splitlines()[0] in ("[", '{"term": "trust", "g2": 12.5}', "term,g2")


def test_table_with_provenance_notes_it_on_stderr(capsys) -> None:
    render(_frame(), "table", provenance=True)
    out, err = capsys.readouterr()
    assert "trust" in out and "made_by" not in out
    assert err.splitlines() == ['made_by: "keyness"', 'filters: {"since": "2015"}', 'parameters: {"top": 2}']


def test_trends_keyness_and_topics_with_provenance(capsys, annotated_corpus) -> None:
    corpus = ["--quiet", "--corpus", str(annotated_corpus)]
    trends = ["trends", "trust", "--by", "kind", "--seed", "4", "--since", "2010"]
    code, plain, _ = run(capsys, *corpus, *trends, "--format", "json")
    code_with, out, _ = run(capsys, *corpus, *trends, "--format", "json", "--provenance")
    assert code == code_with == 0
    body = json.loads(out)
    assert body["rows"] == json.loads(plain) and len(body["rows"]) == 4  # manifesto, statement, blog, speech
    assert (body["provenance"]["made_by"], body["provenance"]["filters"]) == ("theme_trends", {"since": "2010"})
    assert body["provenance"]["parameters"]["seed"] == 4

    code, plain, _ = run(capsys, *corpus, *trends, "--format", "csv")
    code_with, out, _ = run(capsys, *corpus, *trends, "--format", "csv", "--provenance")
    header = [line for line in out.splitlines() if line.startswith("#")]
    assert [line.split(":")[0] for line in header] == [
        "# policytext_version", "# made_by", "# made_at", "# corpus", "# filters", "# parameters", "# models",
        "# spacy_version"]
    assert out.endswith(plain)
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(out), comment="#"), pd.read_csv(io.StringIO(plain)))

    code, out, _ = run(capsys, *corpus, "keyness", "--by", "kind", "--target", "statement", "--min-count", "1",
                       "--top", "3", "--format", "jsonl", "--provenance")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(lines) == 4
    parameters = lines[0]["provenance"]["parameters"]
    methods = parameters.pop("methods")
    assert parameters == {"by": "kind", "target": "statement", "reference": "rest", "top": 3, "min_count": 1,
                          "include_unlabelled": False, "min_documents": 5}
    assert methods["adjust"] == "none" and methods["test"].startswith("log-likelihood G2")

    assert run(capsys, *corpus, "topics", "fit", "--k", "2", "--segment", "50", "--name", "render-test")[0] == 0
    code, out, _ = run(capsys, *corpus, "topics", "trends", "render-test", "--by", "kind", "--format", "json",
                       "--provenance")
    body = json.loads(out)
    assert code == 0 and body["provenance"]["parameters"]["topic_model"] == "render-test"
    code, out, _ = run(capsys, *corpus, "topics", "apply", "render-test", "--format", "json", "--provenance")
    assert code == 0 and json.loads(out)["provenance"]["made_by"] == "apply_topics"


def test_a_narrow_table_folds_text_and_keeps_ids_dates_and_numbers_whole(capsys, monkeypatch) -> None:
    from policytext.cli import render as rendering

    monkeypatch.setattr(rendering.stdout, "width", 80)
    frame = pd.DataFrame({
        "date": ["2002-01-29"], "speaker": ["George W. Bush"], "title": ["State of the Union address"],
        "government": ["G. W. Bush administration (2001–2009)"], "words": [3825], "id": ["sotu-26b93c86cca4b53f"],
        **{f"stat{i}": ["2.9e-03"] for i in range(8)},  # too many columns for 80: the table grows instead
    })
    render(frame, "table")
    out = capsys.readouterr().out
    for whole in ("2002-01-29", "sotu-26b93c86cca4b53f", "3,825", "2.9e-03"):
        assert whole in out
    assert "administ" in out  # text still folds, and its column does not vanish
    assert rendering.stdout.width == 80  # widened for that table only
