"""Quality gate: topics against hand-coded CAP topics of ParlEE Commons sentences (2009-2014).

Pinned floors sit a little under the figures measured when the gate was set (docs/evaluation.md),
so a change that makes the topics worse fails CI.
"""
from __future__ import annotations

import pytest

from helpers import shared_data
from policytext.analyse.topic_eval import evaluate_k_choice, evaluate_model, lemmatise_sentences, read_parlee
from policytext.analyse.topic_selection import K_SELECTION_COLUMNS
from policytext.analyse.topic_stop_words import parliamentary_stop_words
from policytext.analyse.topics import TopicModel

NMI_FLOOR = 0.085   # measured 0.090 (k = 21, seed 0, packaged parliamentary stop words)
NPMI_FLOOR = -0.03  # measured -0.014; the gensim LDA baseline scores about -0.13
# --k auto on all 5,496 sentences (k in 5..25, 3 runs each on a seeded 80%, seed 0) chose k = 5,
# measured NMI 0.043; k = 21 with the same (packaged parliamentary) stop words measured 0.090.
# Floors 0.01 under each. The gate is deterministic (seed 0); other seeds on 80% of the sentences
# ranged 0.039-0.062 at k = 5 and 0.080-0.093 at k = 20 (docs/evaluation.md).
CHOSEN_NMI_FLOOR = 0.033
REFERENCE_NMI_FLOOR = 0.080


@pytest.fixture(scope="module")
def parlee():
    frame = read_parlee(shared_data("corpora", "uk", "parlee-commons-2009-2014.csv"))
    return frame, lemmatise_sentences(frame["text"].tolist())


def test_parlee_is_read_whole_despite_mixed_encoding(parlee) -> None:
    frame, _ = parlee
    assert len(frame) == 5496
    assert frame["cap"].nunique() == 21
    assert not frame["text"].str.contains("\ufffd|â€", regex=True).any()  # no mis-decoded characters


@pytest.mark.slow
def test_nmf_topics_match_hand_coded_topics(parlee) -> None:
    frame, streams = parlee
    k = frame["cap"].nunique()
    result = evaluate_model(TopicModel(k, seed=0, stop_words=parliamentary_stop_words()), streams, frame["cap"].tolist())
    assert result["nmi"] >= NMI_FLOOR, result
    assert result["npmi"] >= NPMI_FLOOR, result


@pytest.mark.slow
def test_auto_k_is_reported_with_nmi_at_the_chosen_k_and_at_21(parlee) -> None:
    # --k auto as 'topics fit' runs it on parliamentary text (packaged parliamentary stop words,
    # k in 5..25, 3 seeded runs on 80% each); NMI on all 5,496 sentences (docs/evaluation.md).
    frame, streams = parlee
    result = evaluate_k_choice(streams, frame["cap"].tolist())
    table = result["table"]
    assert list(table.columns) == K_SELECTION_COLUMNS and list(table["k"]) == [5, 10, 15, 20, 25]
    assert result["chosen"] == int(table.loc[table["score"].idxmax(), "k"]) and table["chosen"].sum() == 1
    assert result["reference_k"] == 21
    assert result["nmi_chosen"] >= CHOSEN_NMI_FLOOR, result
    assert result["nmi_reference"] >= REFERENCE_NMI_FLOOR, result
