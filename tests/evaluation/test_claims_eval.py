"""Quality gate: check-worthiness on ClaimBuster (5-fold F1) and CLEF 2019 (leave-one-transcript-out MAP)."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import shared_data
from policytext.annotate.claim_features import parse_sentences
from policytext.evaluation.claims import (
    CLAIMBUSTER_FILE,
    CLEF_FILE,
    _r_precision,
    evaluate_claimbuster,
    evaluate_clef,
    read_claimbuster,
    read_clef,
)

# Pinned floors, measured on 2026-11-28: see docs/evaluation.md. The issue asks for ClaimBuster
# F1 >= 0.80; the scorer measures 0.8007 (mean over the 5 folds, folds 0.784-0.814), so the floor
# is the issue's, with a margin of under 0.001: a small loss of quality fails it.
CLAIMBUSTER_F1_FLOOR = 0.80  # mean F1 of the 5 folds, measured 0.8007
CLAIMBUSTER_FOLD_F1_FLOOR = 0.78  # the worst fold, measured 0.7841
CLEF_MAP_FLOOR = 0.25  # measured 0.2662 (the floor is 0.20)


@pytest.mark.parametrize("labels, scores, expected", [
    ([1, 0, 0, 1], [0.9, 0.8, 0.1, 0.2], 0.5),
    ([1, 1, 0], [0.9, 0.8, 0.1], 1.0),
    ([0, 1], [0.9, 0.1], 0.0),
])
def test_r_precision(labels, scores, expected):
    assert _r_precision(labels, np.asarray(scores)) == expected


@pytest.fixture(scope="module")
def claims_data():
    folder = shared_data("claims")
    cb_texts, cb_labels = read_claimbuster(folder / CLAIMBUSTER_FILE)
    clef = read_clef(folder / CLEF_FILE)
    return folder, (cb_texts, cb_labels), clef


@pytest.fixture(scope="module")
def claimbuster_parsed(claims_data):
    """ClaimBuster's sentences with their tags and token vectors, parsed once for both evaluations."""
    _, (cb_texts, _), _ = claims_data
    return parse_sentences(cb_texts)


def test_the_sets_read_as_documented(claims_data):
    _, (cb_texts, cb_labels), clef = claims_data
    assert (len(cb_texts), sum(cb_labels)) == (9674, 2764)
    assert len(clef) == 19
    assert sum(len(texts) for _, texts, _ in clef) == 16421
    assert sum(sum(labels) for _, _, labels in clef) == 440


@pytest.mark.slow
def test_claimbuster_cross_validated_f1(claims_data, claimbuster_parsed):
    folder, _, _ = claims_data
    # every fold learns everything from its training part
    figures = evaluate_claimbuster(folder / CLAIMBUSTER_FILE, sentences=claimbuster_parsed)
    print(figures)
    assert len(figures.fold_f1) == 5
    assert figures.f1_mean == pytest.approx(float(np.mean(figures.fold_f1)), abs=1e-4)
    assert figures.f1_mean >= CLAIMBUSTER_F1_FLOOR
    assert min(figures.fold_f1) >= CLAIMBUSTER_FOLD_F1_FLOOR


@pytest.mark.slow
def test_clef_2019_leave_one_transcript_out_map(claims_data, claimbuster_parsed):
    folder, (_, cb_labels), _ = claims_data
    figures = evaluate_clef(folder / CLEF_FILE, vocabulary=claimbuster_parsed, extra=(claimbuster_parsed, cb_labels))
    print(figures)
    assert figures.transcripts == 19
    assert figures.map >= CLEF_MAP_FLOOR


def _write_clef(path, transcripts):
    rows = ["line_number,speaker,text,label,file_name"]
    for name, sentences in transcripts.items():
        rows += [f'{i},A,"{text}",{label},{name}' for i, (text, label) in enumerate(sentences, start=1)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


SMALL_CLEF = {
    f"20{year}-debate.tsv": [(f"Taxes rose by {year} percent since 19{year}.", 1), ("Thank you very much.", 0),
                             (f"Unemployment fell to {year} million.", 1), ("It is good to be here tonight.", 0),
                             ("God bless you all.", 0), ("I want to thank my family.", 0)]
    for year in (10, 12, 14, 16)
}


@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize("jobs", [1, 2])
def test_clef_rounds_rank_claims_first_on_a_small_set(tmp_path, shared, jobs):
    path = tmp_path / "clef.csv"
    _write_clef(path, SMALL_CLEF)
    texts = [text for sentences in SMALL_CLEF.values() for text, _ in sentences]
    vocabulary = parse_sentences(texts) if shared else None
    figures = evaluate_clef(path, vocabulary=vocabulary, jobs=jobs)
    assert (figures.transcripts, figures.sentences) == (4, 24)
    assert figures.map == 1.0 and figures.r_precision == 1.0


def test_parsed_sentences_of_another_file_are_refused(tmp_path):
    from policytext.errors import ConfigError

    path = tmp_path / "clef.csv"
    _write_clef(path, SMALL_CLEF)
    with pytest.raises(ConfigError, match="not the data file's"):
        evaluate_clef(path, sentences=parse_sentences(["Something else."]))
