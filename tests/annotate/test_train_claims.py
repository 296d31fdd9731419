"""Rebuilding the claim scorer: the context model chosen and fitted again beside a kept text model."""
from __future__ import annotations

import json

import numpy as np
import pytest

from policytext.annotate.claim_model import ClaimScorer
from policytext.annotate.train_claims import retrain_context, train_claim_scorer
from policytext.errors import ConfigError
from policytext.evaluation.claims import CLAIMBUSTER_FILE, CLEF2020_FILE, CLEF_FILE, context_feature_sets


def _write_data(folder):
    rows = ["sentence_id,screening,label,text"]
    for i in range(30):
        rows.append(f'{2 * i},-3,1,"Taxes rose by {i + 3} percent since 19{i + 10}."')
        rows.append(f'{2 * i + 1},-3,0,"Thank you all, it is good to be here number {i}."')
    (folder / CLAIMBUSTER_FILE).write_text("\n".join(rows) + "\n", encoding="utf-8")
    for name, years in ((CLEF_FILE, (10, 12, 14, 16)), (CLEF2020_FILE, (18, 19))):
        lines = ["line_number,speaker,text,label,file_name"]
        for year in years:
            turns = [("HOST", "What about taxes?", 0), ("A", f"Taxes rose by {year} percent since 19{year}.", 1),
                     ("A", "Thank you very much.", 0), ("A", f"Unemployment fell to {year} million.", 1),
                     ("HOST", "It is good to be here tonight.", 0), ("SYSTEM", "(APPLAUSE)", 0)]
            lines += [f'{i},{speaker},"{text}",{label},20{year}-debate.tsv'
                      for i, (speaker, text, label) in enumerate(turns, start=1)]
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_retrain_context_keeps_the_text_model_and_chooses_the_context_again(tmp_path):
    data = _write_data(tmp_path)
    out = tmp_path / "model"
    # a text model whose context model reads only the text score (as one trained before new features)
    train_claim_scorer(data, out=out, evaluate=False)
    before = ClaimScorer.load(out)
    scorer = retrain_context(data, out=out)
    after = ClaimScorer.load(out)
    np.testing.assert_array_equal(after.coef_, before.coef_)  # the text model is kept as it was
    assert after.word_vocabulary_ == before.word_vocabulary_ and after.intercept_ == before.intercept_
    assert (after.C, after.features) == (before.C, before.features)
    chosen = after.card["chosen_by"]
    assert chosen["text"] == before.card["chosen_by"]["text"]  # the text model's CV table is kept
    best = max(chosen["context"], key=lambda row: row["clef2019_map"])
    assert after.context_features == context_feature_sets()[best["context"]]
    assert after.context_C == best["context_C"]
    assert after.card["metrics"]["clef2020_task5"]["context"]["transcripts"] == 2
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8")) == after.card
    assert scorer.get_params() == after.get_params()


class _HashEncoder:
    """Stands in for the sentence encoder: a fixed vector per sentence, and a count of what it was asked."""

    def __init__(self):
        self.calls = 0

    def __call__(self, texts):
        self.calls += len(texts)
        rng = [np.random.default_rng(sum(map(ord, text))) for text in texts]
        return np.vstack([r.normal(size=384) for r in rng]).astype(np.float32)


def test_the_embeddings_model_reads_the_vector_cache(tmp_path, monkeypatch):
    from policytext.evaluation.claims_vectors import embed_claim_sets

    data = _write_data(tmp_path)
    encoder = _HashEncoder()
    embed_claim_sets(data, tmp_path / "cache", sets=("clef2019", "claimbuster"), encode=encoder, log=None)
    embedded = encoder.calls
    # the real encoder must not be loaded: every vector the build needs is in the cache
    monkeypatch.setattr("policytext.annotate.claim_model.load_sentence_embedder",
                        lambda: pytest.fail("the build embedded sentences the cache holds"))
    scorer = train_claim_scorer(data, out=tmp_path / "model", model="embeddings", evaluate=False,
                                vector_cache=tmp_path / "cache")
    assert scorer.uses_embeddings and encoder.calls == embedded
    assert ClaimScorer.load(tmp_path / "model", model="embeddings").get_params() == scorer.get_params()


def test_a_vector_cache_is_refused_for_the_text_model(tmp_path):
    with pytest.raises(ConfigError, match="read only by the embeddings claim model"):
        train_claim_scorer(_write_data(tmp_path), out=tmp_path / "m", evaluate=False, vector_cache=tmp_path)
