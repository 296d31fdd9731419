"""The opt-in fine-tuned claim model: it refuses clearly without its built weights and never trusts stray files."""
from __future__ import annotations

import json

import pytest

from policytext.annotate.claim_finetuned import BUILD, CARD, FORMAT, WEIGHTS, FineTunedClaimScorer
from policytext.annotate.claim_model import ClaimScorer, check_claim_model, finetuned_available
from policytext.errors import ConfigError, ModelNotInstalled


def test_without_its_built_weights_the_model_says_how_to_build_them(tmp_path):
    ClaimScorer.load().save(tmp_path)  # the default scorer is there, the fine-tuned weights are not
    with pytest.raises(ModelNotInstalled, match="claim model 'finetuned' is not built in .*weights are not shipped.*"
                                                "claims_finetune train --round 0"):
        FineTunedClaimScorer.load(tmp_path)


def test_the_claims_component_refuses_the_unbuilt_model_before_any_work(tmp_path):
    import spacy

    import policytext.annotate.claims  # noqa: F401  (registers the factory)

    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    with pytest.raises(ModelNotInstalled, match="'finetuned' is not built"):
        blank.add_pipe("policytext_claims", config={"model_dir": str(tmp_path), "model": "finetuned"})


def test_weights_that_do_not_match_their_card_are_refused(tmp_path):
    (tmp_path / WEIGHTS).write_bytes(b"not the weights the card was written for")
    (tmp_path / CARD).write_text(json.dumps({"format": FORMAT, "weights_sha256": "0" * 64}), encoding="utf-8")
    with pytest.raises(ConfigError, match="does not match the SHA-256 its card records; rebuild"):
        FineTunedClaimScorer.load(tmp_path)


def test_a_card_of_another_format_is_refused(tmp_path):
    (tmp_path / WEIGHTS).write_bytes(b"x")
    (tmp_path / CARD).write_text(json.dumps({"format": "policytext-claims/5"}), encoding="utf-8")
    with pytest.raises(ConfigError, match="is not a policytext-claims-finetuned/1 card"):
        FineTunedClaimScorer.load(tmp_path)


def test_the_setting_accepts_finetuned_when_the_extra_is_installed_and_the_scorer_class_is_not_confused():
    if not finetuned_available():
        with pytest.raises(ModelNotInstalled, match="embeddings extra is not installed"):
            check_claim_model("finetuned")
    else:
        assert check_claim_model("finetuned") == "finetuned"
    with pytest.raises(ConfigError, match="not a ClaimScorer: load it with .*FineTunedClaimScorer.load"):
        ClaimScorer.load(model="finetuned")
    assert "train --round 0" in BUILD and "build --cache" in BUILD
