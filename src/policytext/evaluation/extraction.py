"""How well main-text extraction recovers the article text of saved web pages.

Data: ``../shared/data/extraction/zyte-dev/`` (``ground-truth.json``: id -> ``articleBody``,
``url``; ``html/<id>.html.gz``: the saved page). Each page's extracted text is compared with its
gold text as bags of tokens (lower-cased ``\\w+`` runs, counted with multiplicity): precision is
the share of extracted tokens that are in the gold text, recall the share of gold tokens that were
extracted, F1 their harmonic mean. A page with no extracted text scores 0. The summary reports the
median and the mean over pages.

Run: ``python -m policytext.evaluation.extraction [FOLDER]``.
"""
from __future__ import annotations

import gzip
import json
import re
import statistics
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from policytext.collect.html_text import extract_html
from policytext.errors import BadInput

DEFAULT_FOLDER = Path("../shared/data/extraction/zyte-dev")
Extractor = Callable[[bytes, str | None], str]


@dataclass(frozen=True)
class PageScore:
    id: str
    url: str | None
    precision: float
    recall: float
    f1: float
    extracted_tokens: int
    gold_tokens: int


@dataclass(frozen=True)
class ExtractionFigures:
    pages: int
    empty: int  # pages where nothing was extracted
    median_precision: float
    median_recall: float
    median_f1: float
    mean_precision: float
    mean_recall: float
    mean_f1: float


def tokenize(text: str) -> list[str]:
    """Return the lower-cased word tokens of ``text``.

    >>> tokenize("The NHS's budget, 2015/16")
    ['the', 'nhs', 's', 'budget', '2015', '16']
    """
    return re.findall(r"\w+", text.lower())


def score_tokens(extracted: str, gold: str) -> tuple[float, float, float]:
    """Return token-level precision, recall and F1 of ``extracted`` against ``gold``.

    >>> score_tokens("a b c", "a b d e")
    (0.6666666666666666, 0.5, 0.5714285714285715)
    """
    predicted, expected = Counter(tokenize(extracted)), Counter(tokenize(gold))
    overlap = sum((predicted & expected).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision = overlap / sum(predicted.values())
    recall = overlap / sum(expected.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def extract_text(html: bytes, url: str | None) -> str:
    """The extractor under test: policytext's own (trafilatura plus clean-up)."""
    page = extract_html(html, url=url)
    return page.text if page else ""


def iter_pages(folder: str | Path) -> Iterator[tuple[str, str | None, str, bytes]]:
    """Yield ``(id, url, gold_text, html_bytes)`` for each page of the data set, in id order."""
    folder = Path(folder)
    try:
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise BadInput(str(folder / "ground-truth.json"), f"cannot read the gold texts: {err}") from err
    for page_id in sorted(truth):
        entry = truth[page_id]
        path = folder / "html" / f"{page_id}.html.gz"
        try:
            html = gzip.decompress(path.read_bytes())
        except (OSError, EOFError) as err:
            raise BadInput(str(path), f"cannot read the saved page: {err}") from err
        yield page_id, entry.get("url"), entry.get("articleBody") or "", html


def score_pages(folder: str | Path, *, extractor: Extractor = extract_text) -> list[PageScore]:
    """Score ``extractor`` on every page of the data set in ``folder``.

    Args:
        folder: the data set (``ground-truth.json`` and ``html/``).
        extractor: a function ``(html_bytes, url) -> text``.

    Example:
        >>> scores = score_pages("../shared/data/extraction/zyte-dev")   # doctest: +SKIP
        >>> round(statistics.median(s.f1 for s in scores), 3)           # doctest: +SKIP
        0.995
    """
    scores = []
    for page_id, url, gold, html in iter_pages(folder):
        text = extractor(html, url)
        precision, recall, f1 = score_tokens(text, gold)
        scores.append(PageScore(page_id, url, precision, recall, f1, len(tokenize(text)),
                                len(tokenize(gold))))
    return scores


def summarise(scores: Sequence[PageScore]) -> ExtractionFigures:
    """Return the median and mean precision, recall and F1 over pages."""
    if not scores:
        raise BadInput("extraction evaluation", "no pages to score")
    column = {name: [getattr(s, name) for s in scores] for name in ("precision", "recall", "f1")}
    return ExtractionFigures(
        pages=len(scores),
        empty=sum(1 for s in scores if s.extracted_tokens == 0),
        median_precision=statistics.median(column["precision"]),
        median_recall=statistics.median(column["recall"]),
        median_f1=statistics.median(column["f1"]),
        mean_precision=statistics.fmean(column["precision"]),
        mean_recall=statistics.fmean(column["recall"]),
        mean_f1=statistics.fmean(column["f1"]),
    )


def evaluate_extraction(folder: str | Path = DEFAULT_FOLDER, *,
                        extractor: Extractor = extract_text) -> ExtractionFigures:
    """Return the summary figures of ``extractor`` on the data set in ``folder``.

    Example:
        >>> evaluate_extraction("../shared/data/extraction/zyte-dev").median_f1 >= 0.9  # doctest: +SKIP
        True
    """
    return summarise(score_pages(folder, extractor=extractor))


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures as JSON. Usage: ``python -m policytext.evaluation.extraction [FOLDER]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0]) if args else DEFAULT_FOLDER
    print(json.dumps(asdict(evaluate_extraction(folder)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
