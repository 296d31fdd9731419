"""Scoring CheckThat! participants' run files: exact coverage of each transcript, ties, and the comparison."""
from __future__ import annotations

import csv

import pytest

from policytext.errors import BadInput
from policytext.evaluation.claims_data import rank_figures
from policytext.annotate.claim_model import LabelledTranscript
from policytext.annotate.claim_features import TranscriptLine
from policytext.evaluation.claims_runs import line_order_average_precision, read_run, score_run_folder

LINES = [
    ("debate_a.tsv", "MODERATOR", "Welcome to tonight's debate.", 0),
    ("debate_a.tsv", "SMITH", "Unemployment fell by 3 million people since 2010.", 1),
    ("debate_a.tsv", "SMITH", "Thank you.", 0),
    ("debate_a.tsv", "JONES", "We spent 40 billion dollars on roads last year.", 1),
    ("debate_b.tsv", "MODERATOR", "Good evening.", 0),
    ("debate_b.tsv", "SMITH", "Crime rose 12 percent in the city last year.", 1),
]


@pytest.fixture
def gold(tmp_path):
    path = tmp_path / "gold.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line_number", "speaker", "text", "label", "file_name"])
        numbers: dict[str, int] = {}
        for name, speaker, text, label in LINES:
            numbers[name] = numbers.get(name, 0) + 1
            writer.writerow([numbers[name], speaker, text, label, name])
    return path


def _run(folder, name, rows):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("".join(f"{line}\t{score}\n" for line, score in rows), encoding="utf-8")
    return folder / name


@pytest.mark.parametrize(("rows", "message"), [
    ([(1, 0.1), (2, 0.9), (3, 0.2)], "1 of the transcript's 4 lines have no score"),
    ([(1, 0.1), (2, 0.9), (2, 0.2), (3, 0.0), (4, 0.5)], "given twice"),
    ([(1, 0.1), (2, 0.9), (3, 0.2), (5, 0.5)], "outside"),
    ([(1, 0.1), (2, "high"), (3, 0.2), (4, 0.5)], "line_number<TAB>score"),
])
def test_a_run_must_cover_its_transcript_exactly(tmp_path, rows, message):
    with pytest.raises(BadInput, match=message):
        read_run(_run(tmp_path / "run", "debate_a.tsv", rows), 4)


def test_ties_in_line_order_differ_from_ties_as_a_block():
    # the check-worthy line ties with one line before it: in line order it comes second (AP 0.5);
    # as a block both lines share the block's precision, 1/2 (scikit-learn counts the block at once)
    labels, scores = [0, 1, 0], [1.0, 1.0, 0.0]
    assert line_order_average_precision(labels, scores) == 0.5
    # and a tie after the check-worthy line costs nothing in line order, but halves the block's precision
    assert line_order_average_precision([1, 0, 0], [1.0, 1.0, 0.0]) == 1.0
    transcript = LabelledTranscript("t", [TranscriptLine(str(i)) for i in range(3)], [1, 0, 0])
    assert rank_figures([transcript], [[1.0, 1.0, 0.0]]).map == 0.5


def test_a_folder_is_scored_on_the_transcripts_it_covers(tmp_path, gold):
    folder = tmp_path / "run"
    _run(folder, "debate_a.tsv", [(1, 0.0), (2, 0.2), (3, 0.9), (4, 0.8)])  # ranks the claims 2nd and 3rd
    result = score_run_folder(folder, gold)
    assert result["transcripts"] == ["debate_a.tsv"]
    assert result["without_run_file"] == ["debate_b.tsv"]
    assert result["run"]["map"] == pytest.approx((1 / 2 + 2 / 3) / 2, abs=1e-4)
    assert result["map_ties_in_line_order"]["run"] == pytest.approx(result["run"]["map"], abs=1e-4)
    # the shipped scorer puts the two statements with figures above the greeting and the thanks
    assert result["shipped"]["map"] == 1.0
    assert result["paired_difference_shipped_minus_run"]["mean"] > 0


def test_a_run_file_naming_no_transcript_is_refused(tmp_path, gold):
    folder = tmp_path / "run"
    _run(folder, "debate_a.tsv", [(1, 0.0), (2, 0.2), (3, 0.9), (4, 0.8)])
    _run(folder, "debate_c.tsv", [(1, 0.5)])
    with pytest.raises(BadInput, match="debate_c.tsv name no transcript"):
        score_run_folder(folder, gold)
