"""Quality gate: check-worthiness on CLEF 2020 task 5 (out of sample), ClaimBuster (5-fold) and CLEF 2019 (by transcript)."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import shared_data
from policytext.annotate.claim_features import TranscriptLine
from policytext.annotate.claim_model import ClaimScorer, LabelledTranscript
from policytext.evaluation.claims import (
    CLAIMBUSTER_FILE,
    CLEF2020_FILE,
    CLEF_FILE,
    choose_params,
    context_feature_sets,
    evaluate_claimbuster,
    evaluate_clef2020,
    evaluate_clef_leave_one_out,
    precision_at,
    r_precision,
    rank_figures,
    read_claimbuster,
    read_clef,
    shipped_params,
)

# Pinned floors, measured on 2026-12-01 with the shipped model (parameters chosen by CV inside the
# training data; docs/evaluation.md#claims), each 0.03 under the measured figure: one of 20 CLEF
# 2020 transcripts moving from AP 0.44 to 0 moves the MAP by 0.022, and one ClaimBuster fold's F1
# spans 0.766-0.808, so the margin is for real losses, not for the split's noise.
CLEF2020_MAP_FLOOR = 0.065  # CLEF 2020 task 5 (20 transcripts, held out, nothing chosen on it), context model: measured 0.0954 (2026-12-02)
CLAIMBUSTER_F1_FLOOR = 0.749  # ClaimBuster, mean F1 over 5 stratified folds (seed 0), shipped parameters: measured 0.7793
CLEF2019_MAP_FLOOR = 0.245  # CLEF 2019 train, leave one transcript out, shipped parameters, context model: measured 0.2756
# (with the 2026-12-01 context model; the 2026-12-02 one, re-chosen with the within-transcript
# features on offer, measured 0.270 with its choice nested and was not run through this gate)


@pytest.mark.parametrize("labels, scores, expected", [
    ([1, 0, 0, 1], [0.9, 0.8, 0.1, 0.2], 0.5),
    ([1, 1, 0], [0.9, 0.8, 0.1], 1.0),
    ([0, 1], [0.9, 0.1], 0.0),
])
def test_r_precision(labels, scores, expected):
    assert r_precision(labels, np.asarray(scores)) == expected


@pytest.mark.parametrize("labels, scores, k, expected", [
    ([1, 0, 0, 1], [0.9, 0.8, 0.1, 0.2], 2, 0.5),
    ([1, 0], [0.1, 0.9], 10, 0.5),  # fewer lines than k: all of them
])
def test_precision_at(labels, scores, k, expected):
    assert precision_at(labels, np.asarray(scores), k) == expected


def test_rank_figures_skip_transcripts_without_a_claim_and_give_the_spread():
    def transcript(labels):
        return LabelledTranscript("t", [TranscriptLine(str(i)) for i in range(len(labels))], labels)

    transcripts = [transcript([1, 0, 0]), transcript([0, 1, 0]), transcript([0, 0, 0])]
    scores = [np.array([0.9, 0.5, 0.1]), np.array([0.9, 0.5, 0.1]), np.array([0.9, 0.5, 0.1])]
    figures = rank_figures(transcripts, scores)
    assert (figures.transcripts, figures.lines) == (2, 9)
    assert figures.average_precision == (1.0, 0.5) and figures.map == 0.75 and figures.map_sd == 0.25
    assert figures.map_interval == (0.5, 1.0)
    assert figures.r_precision == 0.5 and figures.p_at_10 == pytest.approx(1 / 3, abs=1e-4)


@pytest.fixture(scope="module")
def claims_folder():
    return shared_data("claims")


def test_the_sets_read_as_documented(claims_folder):
    cb_texts, cb_labels = read_claimbuster(claims_folder / CLAIMBUSTER_FILE)
    assert (len(cb_texts), sum(cb_labels)) == (9674, 2764)
    for name, transcripts, lines, positives in ((CLEF_FILE, 19, 16421, 440), (CLEF2020_FILE, 20, 21514, 136)):
        read = read_clef(claims_folder / name)
        assert len(read) == transcripts
        assert sum(len(t.lines) for t in read) == lines and sum(sum(t.labels) for t in read) == positives
        assert all(line.speaker for t in read for line in t.lines)


@pytest.mark.slow
def test_clef2020_task5_out_of_sample_map(claims_folder):
    # the shipped model (trained by train_claims on ClaimBuster + CLEF 2019 train); the other two
    # gates train fresh scorers with the same code
    figures = evaluate_clef2020(claims_folder, scorer=ClaimScorer.load())
    print(figures)
    assert figures["context"].transcripts == 20
    assert figures["context"].map >= CLEF2020_MAP_FLOOR


@pytest.mark.slow
def test_claimbuster_cross_validated_f1(claims_folder):
    figures = evaluate_claimbuster(claims_folder / CLAIMBUSTER_FILE, **shipped_params())
    print(figures)
    assert len(figures.fold_f1) == 5
    assert figures.f1_mean >= CLAIMBUSTER_F1_FLOOR


@pytest.mark.slow
def test_clef2019_leave_one_transcript_out_map(claims_folder):
    cb = read_claimbuster(claims_folder / CLAIMBUSTER_FILE)
    figures = evaluate_clef_leave_one_out(claims_folder / CLEF_FILE, extra=cb, **shipped_params())
    print(figures)
    assert figures["context"].transcripts == 19
    assert figures["context"].map >= CLEF2019_MAP_FLOOR


def _write_clef(path, transcripts):
    rows = ["line_number,speaker,text,label,file_name"]
    for name, lines in transcripts.items():
        rows += [f'{i},{speaker},"{text}",{label},{name}' for i, (speaker, text, label) in enumerate(lines, start=1)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


SMALL_CLEF = {
    f"20{year}-debate.tsv": [("HOST", "What about taxes?", 0), ("A", f"Taxes rose by {year} percent since 19{year}.", 1),
                             ("A", "Thank you very much.", 0), ("A", f"Unemployment fell to {year} million.", 1),
                             ("HOST", "It is good to be here tonight.", 0), ("SYSTEM", "(APPLAUSE)", 0)]
    for year in (10, 12, 14, 16)
}


def test_leave_one_transcript_out_ranks_claims_first_on_a_small_set(tmp_path):
    path = tmp_path / "clef.csv"
    _write_clef(path, SMALL_CLEF)
    figures = evaluate_clef_leave_one_out(path, min_df=1, ablations={"no speaker": ("text_logit", "question")})
    assert set(figures) == {"text", "context", "no speaker"}
    assert (figures["text"].transcripts, figures["text"].lines) == (4, 24)
    assert figures["text"].map == 1.0 and figures["context"].map == 1.0


def test_claimbuster_folds_can_choose_C_inside_their_training_folds(tmp_path):
    rows = ["sentence_id,screening,label,text"]
    for i in range(30):
        rows.append(f'{2 * i},-3,1,"Taxes rose by {i + 3} percent since 19{i + 10}."')
        rows.append(f'{2 * i + 1},-3,0,"Thank you all, it is good to be here number {i}."')
    path = tmp_path / "cb.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    fixed = evaluate_claimbuster(path, min_df=1)
    nested = evaluate_claimbuster(path, min_df=1, choose_C=(0.5, 2.0))
    assert fixed.f1 == 1.0 and nested.f1 == 1.0 and len(nested.fold_f1) == 5


def _small_claimbuster(count=30):
    texts, labels = [], []
    for i in range(count):
        texts += [f"Taxes rose by {i + 3} percent since 19{i + 10}.", f"Thank you all, it is good to be here number {i}."]
        labels += [1, 0]
    return texts, labels


def _small_transcripts():
    return [LabelledTranscript(name, [TranscriptLine(text, speaker) for speaker, text, _ in lines],
                               [label for _, _, label in lines]) for name, lines in SMALL_CLEF.items()]


def test_choose_params_tries_every_candidate_inside_the_training_data_and_keeps_the_best():
    texts, labels = _small_claimbuster()
    choice = choose_params(texts, labels, _small_transcripts(), feature_sets=(("words", "types"), ("words", "chars")),
                           Cs=(0.5, 2.0), context_Cs=(1.0,), folds=2, min_df=1)
    assert [(row["features"], row["C"]) for row in choice.text] == [
        (["words", "types"], 0.5), (["words", "types"], 2.0), (["words", "chars"], 0.5), (["words", "chars"], 2.0)]
    best = max(choice.text, key=lambda row: row["criterion"])
    assert (list(choice.params["features"]), choice.params["C"]) == (best["features"], best["C"])
    assert all(row["criterion"] == pytest.approx(row["claimbuster_f1"] + row["clef2019_map"], abs=2e-4)
               for row in choice.text)
    assert {row["context"] for row in choice.context} == set(context_feature_sets())
    best_context = max(choice.context, key=lambda row: row["clef2019_map"])
    assert choice.params["context_features"] == context_feature_sets()[best_context["context"]]
    assert choice.nested_context.transcripts == 4
    ClaimScorer(**choice.params).fit(texts, labels, transcripts=_small_transcripts())  # the choice fits as it is


def test_claimbuster_folds_can_choose_the_feature_blocks_too(tmp_path):
    texts, labels = _small_claimbuster()
    path = tmp_path / "cb.csv"
    path.write_text("sentence_id,screening,label,text\n" + "".join(
        f'{i},-3,{y},"{t}"\n' for i, (t, y) in enumerate(zip(texts, labels))), encoding="utf-8")
    figures = evaluate_claimbuster(path, min_df=1, choose_C=(0.5,), choose_features=(("words",), ("chars", "types")))
    assert figures.f1 == 1.0 and len(figures.chosen) == 5
    assert all(chosen["features"] in (["words"], ["chars", "types"]) for chosen in figures.chosen)


def test_the_shipped_model_carries_the_cross_validated_choice_it_was_built_with():
    # issue 12: every parameter of the shipped model is the CV choice inside the training data
    scorer = ClaimScorer.load()
    chosen = scorer.card["chosen_by"]
    best = max(chosen["text"], key=lambda row: row["criterion"])
    assert (list(scorer.features), scorer.C) == (best["features"], best["C"])
    best_context = max(chosen["context"], key=lambda row: row["clef2019_map"])
    assert scorer.context_features == context_feature_sets()[best_context["context"]]
    assert scorer.context_C == best_context["context_C"]
    assert CLEF2020_FILE not in scorer.card["trained_on"]
