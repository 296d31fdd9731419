"""Which attributions the quote finder gets wrong on PolNeAR train, out of fold, sorted into kinds.

Every article of the training split (one in ``every``) is run through the whole quote pipeline
with the filter fitted on the other folds (as :mod:`policytext.evaluation.quote_folds` does), and
its predicted and gold quotes are matched as the scorer matches them (>= 50% word-token overlap of
the longer, best first). What is left over is sorted:

- **boundary**: an unmatched prediction that shares words with an unmatched gold quote (found, but
  under 50% overlap): content too long (the prediction holds the gold content and more), too short
  (inside it), crossing; and whether it takes in the gold source or cue;
- **false positive**: an unmatched prediction that shares no word with an unmatched gold quote:
  ``overlaps a found quote`` (a second reading of an attribution already matched) or ``no gold``
  (narrative the finder read as attribution), by cue;
- **false negative**: an unmatched gold quote no unmatched prediction touches: ``filter dropped``
  (a candidate matched it and the filter threw it away), ``no candidate`` with the gold cue read
  in the parse: a speech verb or learned cue, a cue noun, "according to", a cue in another sentence
  than the content, no cue word at all;
- for each ``no candidate`` one, **where the finder stopped** with the gold cue (:func:`stopped_at`,
  read from the finder's own trace, :data:`~policytext.annotate.quote_reports.Trace`): a verb in no
  list, the cue not tagged a verb, a cue noun never looked at, a noun cue with no report read, a
  rarer cue without a clause, a subject refused as no speaker, the cue found but no content read,
  a report read and then dropped as overlapping one already found (or as too short, or a body
  acting), a report read whose content lies elsewhere, the cue inside quotation marks, no cue.

Run it: ``python -m policytext.evaluation.quote_errors --cache-dir DIR [--examples N]`` (prints JSON;
the parse cache is quote_folds'). Only training data: never run it on a split reported as held out.
"""
from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Sequence

from policytext.annotate.document import assemble_annotation, read_chunk
from policytext.annotate.extract import annotation_rows
from policytext.annotate.quote_lexicon import CUE_LEMMAS, load_cue_lexicon
from policytext.annotate.quote_reports import TRACE_EVENTS  # noqa: F401  (named in stopped_at's docs)
from policytext.annotate.quotes import extract_quote_candidates, extract_quote_rows
from policytext.annotate.speakers import DEFAULT_SPEAKER_SETTINGS
from policytext.evaluation.quote_folds import (
    CROSS_SPLITS,
    _cache_name,
    fit_fold_filter,
    label_candidates,
    parse_articles,
)
from policytext.evaluation.quotes import _tokens, match_quotes, read_split


def _token_at(chunks: Sequence[tuple[Any, int]], start: int, end: int) -> Any:
    """Return the last token of the parse inside [start, end) (the head word of a cue), or None."""
    for doc, offset in chunks:
        if offset <= start < offset + len(doc.text):
            span = doc.char_span(start - offset, min(end - offset, len(doc.text)), alignment_mode="expand")
            if span is not None and len(span):
                words = [t for t in span if t.pos_ in ("VERB", "NOUN", "AUX")] or list(span)
                return words[-1]
    return None


def _cue_kind(lemma: str | None, pos: str | None, text: str) -> str:
    lexicon = load_cue_lexicon()
    rare = load_cue_lexicon(threshold=0.07)
    if text.lower().startswith("according"):
        return "according to"
    if lemma is None:
        return "no cue word"
    if pos == "NOUN":
        return "cue noun in lexicon" if (lemma, "NOUN") in rare else "cue noun not in lexicon"
    if lemma in CUE_LEMMAS:
        return "speech verb"
    if (lemma, "VERB") in lexicon:
        return "learned cue verb"
    if (lemma, "VERB") in rare:
        return "rare learned cue (needs a clause)"
    return "cue not in lexicon"


def stopped_at(token: Any, events: Sequence[str], in_quote: bool = False) -> str:
    """Return where the quote finder stopped with a gold cue ``token`` (None: the gold has no cue word).

    ``events`` are what the finder's trace was told about this token (:data:`TRACE_EVENTS`), in order;
    ``in_quote``: the token is inside quotation marks (the finder reads no cue there).

    Example:
        >>> stopped_at(None, [])
        'no cue word'
    """
    if token is None:
        return "no cue word"
    for event in ("dropped as overlapping", "dropped as too short", "dropped as a body acting", "subject refused",
                  "rare cue without a clause", "no content read", "noun, no report read",
                  "adjective, no report read", "according to, no report read"):
        if event in events:
            return {"subject refused": "subject refused as no speaker",
                    "no content read": "cue found, no content read"}.get(event, event)
    if "read" in events:
        return "report read, content elsewhere"
    if in_quote:
        return "cue inside quotation marks"
    if token.pos_ == "NOUN":
        return "cue noun not in lexicon"
    if token.pos_ in ("VERB", "AUX"):
        return "verb in no list"
    return "cue not tagged a verb"


class _Tracer:
    """Collects the finder's trace per token of the docs it runs on (``doc``, token index) -> events."""

    def __init__(self) -> None:
        self.events: dict[tuple[int, int], list[str]] = {}

    def __call__(self, token: Any, event: str) -> None:
        self.events.setdefault((id(token.doc), token.i), []).append(event)

    def of(self, token: Any) -> list[str]:
        return self.events.get((id(token.doc), token.i), []) if token is not None else []


def classify(folder: str, *, every: int, cache: Path | None, folds: int = 5, scheme: str = "attribution",
             examples: int = 8, seed: int = 1) -> dict[str, Any]:
    """Return the counts of each kind of error out of fold on ``folder``, with examples."""
    articles = read_split(folder)[::every]
    parsed = parse_articles(articles, cache=cache)
    candidates = label_candidates(articles, parsed, scheme=scheme)
    filters = [fit_fold_filter(articles, candidates, held, folds=folds, scheme=scheme) for held in range(folds)]
    kinds: Counter[str] = Counter()
    detail: dict[str, Counter[str]] = {"fp_cue": Counter(), "fn_cue": Counter(), "boundary_shape": Counter(),
                                       "no_candidate_stopped_at": Counter()}
    tracer = _Tracer()
    samples: dict[str, list[dict[str, Any]]] = {}
    totals = Counter()

    def keep(kind: str, record: dict[str, Any]) -> None:
        samples.setdefault(kind, []).append(record)

    for number, article in enumerate(articles):
        text = article.text
        chunks = parsed[number]
        rows_by_chunk, all_candidates = [], []
        for doc, offset in chunks:
            doc._.pt_quotes = extract_quote_rows(doc, scheme=scheme, quote_filter=filters[number % folds],
                                                 speakers=DEFAULT_SPEAKER_SETTINGS)
            rows_by_chunk.append(read_chunk(doc, offset))
            all_candidates += [row.shifted(offset) for row, _ in extract_quote_candidates(doc, scheme=scheme, trace=tracer)]
        annotation = assemble_annotation(article.id, text, rows_by_chunk, kind="article")
        rows = [r for r in annotation_rows(article.id, annotation, "quotes")]
        pred = [(_tokens(text, [(r["start"], r["end"])]), r) for r in rows]
        pred = [(t, r) for t, r in pred if t]
        gold = [(_tokens(text, q.content), q) for q in article.quotes]
        gold = [(t, q) for t, q in gold if t]
        pairs = match_quotes([t for t, _ in gold], [t for t, _ in pred])
        used_gold, used_pred = {g for g, _ in pairs}, {p for _, p in pairs}
        totals.update(gold=len(gold), predicted=len(pred), matched=len(used_gold))
        cand_tokens = [_tokens(text, [(c.start, c.end)]) for c in all_candidates]
        boundary_gold = set()
        for p, (p_tokens, row) in enumerate(pred):
            if p in used_pred:
                continue
            touching = [(len(p_tokens & g_tokens), g) for g, (g_tokens, _) in enumerate(gold)
                        if g not in used_gold and p_tokens & g_tokens]
            snippet = {"article": article.id, "predicted": text[row["start"]:row["end"]][:240],
                       "cue": row.get("cue"), "speaker": row.get("speaker")}
            if touching:
                _, g = max(touching)
                boundary_gold.add(g)
                g_tokens, quote = gold[g]
                if g_tokens < p_tokens:
                    shape = "too long"
                elif p_tokens < g_tokens:
                    shape = "too short"
                else:
                    shape = "crossing"
                if quote.source and _tokens(text, quote.source) & p_tokens:
                    shape += ", takes in the source"
                elif quote.cue and _tokens(text, quote.cue) & p_tokens:
                    shape += ", takes in the cue"
                kinds["boundary"] += 1
                detail["boundary_shape"][shape] += 1
                keep("boundary: " + shape, {**snippet, "gold": " … ".join(text[s:e] for s, e in quote.content)[:240]})
                continue
            found = any(p_tokens & gold[g][0] for g in used_gold)
            cue = (row.get("cue") or "").lower()
            lemma = cue if cue in (":", "according to", "") else None
            if lemma is None:
                token = _cue_token(chunks, cue.split()[0], row["start"], row["end"])
                lemma = token.lemma_.lower() if token is not None else cue
            group = ("speech verb" if lemma in CUE_LEMMAS else "colon lead-in" if lemma == ":" else
                     "according to" if lemma == "according to" else "marked, no cue" if not lemma else "learned cue")
            kind = "false positive: overlaps a found quote" if found else f"false positive: no gold ({group})"
            kinds[kind] += 1
            if not found:
                detail["fp_cue"][lemma or "(none)"] += 1
            keep(kind, snippet)
        for g, (g_tokens, quote) in enumerate(gold):
            if g in used_gold or g in boundary_gold:
                continue
            best = max((len(g_tokens & c) / max(len(g_tokens), len(c)) for c in cand_tokens if g_tokens & c), default=0.0)
            cue_text = " ".join(text[s:e] for s, e in quote.cue)
            snippet = {"article": article.id, "gold": " … ".join(text[s:e] for s, e in quote.content)[:240],
                       "cue": cue_text, "source": " ".join(text[s:e] for s, e in quote.source)}
            if best >= 0.5:
                kinds["false negative: filter dropped"] += 1
                keep("false negative: filter dropped", snippet)
                continue
            token = _token_at(chunks, quote.cue[0][0], quote.cue[-1][1]) if quote.cue else None
            lemma, pos = (token.lemma_.lower(), token.pos_) if token is not None else (None, None)
            cue_kind = _cue_kind(lemma, pos, cue_text)
            content_start, content_end = quote.content[0][0], quote.content[-1][1]
            if quote.cue and token is not None:
                offset = _offset_of(chunks, token)
                if token.sent.start_char + offset > content_start or token.sent.end_char + offset < content_end:
                    cue_kind += ", across sentences"
            marked = any(ch in text[max(0, content_start - 2):content_start + 1] for ch in "\"“`'")
            if marked:
                cue_kind += ", marked"
            kind = "false negative: no candidate" if best == 0 else "false negative: candidate under 50%"
            kinds[kind] += 1
            if best == 0:
                quoted = token is not None and _in_marks(text, token.idx + _offset_of(chunks, token))
                stop = stopped_at(token if quote.cue else None, tracer.of(token), quoted)
                detail["no_candidate_stopped_at"][stop] += 1
                keep(f"no candidate, stopped at: {stop}", {**snippet, "lemma": lemma})
            detail["fn_cue"][cue_kind] += 1
            keep(f"{kind}: {cue_kind}", {**snippet, "lemma": lemma, "best_candidate_overlap": round(best, 2)})
    rng = random.Random(seed)
    return {"split": Path(folder).name, "every_nth_article": every, "articles": len(articles), **totals,
            "kinds": dict(kinds.most_common()), **{k: dict(v.most_common(40)) for k, v in detail.items()},
            "examples": {k: rng.sample(v, min(examples, len(v))) for k, v in sorted(samples.items())}}


def _cue_token(chunks: Sequence[tuple[Any, int]], word: str, start: int, end: int) -> Any:
    """Return the token spelled ``word`` nearest the span [start, end) (a predicted row's cue), or None."""
    best, distance = None, None
    for doc, offset in chunks:
        for token in doc:
            if token.lower_ != word:
                continue
            at = token.idx + offset
            gap = 0 if start <= at < end else min(abs(at - start), abs(at - end))
            if distance is None or gap < distance:
                best, distance = token, gap
    return best


def _in_marks(text: str, at: int) -> bool:
    """True when the character at ``at`` is inside quotation marks as the finder reads them."""
    from policytext.annotate.quote_marks import find_quote_marks

    return any(m.open_start <= at < m.close_end for m in find_quote_marks(text))


def _offset_of(chunks: Sequence[tuple[Any, int]], token: Any) -> int:
    return next(offset for doc, offset in chunks if doc is token.doc)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the error kinds of the attribution scheme on PolNeAR train, out of fold, as JSON."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m policytext.evaluation.quote_errors", description=main.__doc__)
    parser.add_argument("--cache-dir", default=None, help="quote_folds' parse cache folder")
    parser.add_argument("--examples", type=int, default=8, help="examples per kind")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    folder, scheme, every = CROSS_SPLITS["polnear-train"]
    cache = Path(args.cache_dir) / _cache_name("polnear-train", every) if args.cache_dir else None
    print(json.dumps(classify(folder, every=every, cache=cache, scheme=scheme, examples=args.examples), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
