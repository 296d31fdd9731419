"""Check a theme's validity: which entries drive it, a seeded sample of matches to judge, precision.

A lexicon count is only as good as its matches. :func:`count_theme_terms` shows which entries make
up a theme's count; :func:`sample_matches` draws a simple random sample of the theme's matches
(seeded, so a second reader judges the same ones) with their context; :func:`write_judgement_sheet`
writes it as a CSV with an empty ``judgement`` column to fill in with ``y`` or ``n``, and
:func:`estimate_precision` reads the judged sheet back and reports the share of true matches with
Wilson's 95% interval, overall and by entry.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from policytext.analyse.kwic import KWIC_COLUMNS, match_contexts
from policytext.analyse.lemmas import LemmaSelection, select_lemmas
from policytext.analyse.stats import wilson_interval
from policytext.analyse.themes import Lexicon, load_lexicon
from policytext.errors import BadInput, BadQuery
from policytext.provenance import attach_provenance, themes_digest
from policytext.store.filters import strict_options

TERM_COUNT_COLUMNS = ["term", "matches", "share", "documents"]
"""Columns of :func:`count_theme_terms`, most matches first: the theme's ``term`` (entry), its
``matches``, their ``share`` of the theme's matches, and the ``documents`` it occurs in."""

SAMPLE_COLUMNS = ["id", "term"] + KWIC_COLUMNS
"""Columns of :func:`sample_matches`: ``id`` (1, 2, … in document order), the ``term`` (entry) that
matched, then the columns of :func:`~policytext.analyse.kwic.kwic`."""

SHEET_COLUMNS = ["id", "doc_id", "date", "speaker", "term", "match", "context", "judgement"]
"""Columns of the judgement sheet: ``context`` is the match in ``[brackets]`` with the words around
it; ``judgement`` is left empty for a reader to write ``y`` (the match is the theme) or ``n``."""

PRECISION_COLUMNS = ["term", "judged", "correct", "precision", "precision_low", "precision_high"]
"""Columns of :func:`estimate_precision`: one row ``(all)`` then one per entry judged; ``judged``
matches judged y or n, ``correct`` those judged y, ``precision`` their share and
``precision_low``/``precision_high`` its Wilson 95% interval (NaN when nothing was judged)."""

YES = {"y", "yes", "1", "true", "t"}
NO = {"n", "no", "0", "false", "f"}


def _theme_matches(corpus, name: str, lexicon: Lexicon | None, progress, filters: dict[str, Any], lemmas):
    """Return the theme, the lemma selection, its metadata and each document's matches.

    The streams are read one block at a time (see :meth:`~policytext.analyse.lemmas.LemmaSelection.iter`)
    and only the matches are kept, so memory holds a block whatever the size of the selection.
    """
    lexicon = lexicon or load_lexicon(config=corpus.config)
    theme = lexicon.get(name)
    selection = select_lemmas(corpus, lemmas=lemmas, **filters)
    found = [theme.find_terms(text.split()) for *_, text in selection.iter(progress=progress)]
    return theme, selection, selection.metadata(), found


@strict_options
def count_theme_terms(corpus, name: str, *, lexicon: Lexicon | None = None,
                      progress: Callable[..., None] | None = None,
                      lemmas: "str | Path | LemmaSelection | None" = None, **filters: Any) -> pd.DataFrame:
    """Return how many of a theme's matches each of its entries makes, most first.

    Args:
        corpus: an open corpus.
        name: the theme.
        lexicon: the themes (default: the packaged ones with the corpus's own files).
        progress: called once per document lemmatised.
        lemmas: where the lemma streams are (a folder of Parquet lemma files, see
            :func:`~policytext.analyse.lemmas.iter_lemmas`), or a selection of the same filters made by
            :func:`~policytext.analyse.lemmas.select_lemmas` (looked up once for several calls).
        filters: the shared document filters.

    Returns:
        A DataFrame with :data:`TERM_COUNT_COLUMNS` (entries without a match are left out).

    Example:
        >>> count_theme_terms(corpus, "entrepreneurialism", since="1946")   # doctest: +SKIP
    """
    theme, _, _, found = _theme_matches(corpus, name, lexicon, progress, filters, lemmas)
    matches: dict[str, int] = {}
    documents: dict[str, int] = {}
    for spans in found:
        for term in {t for _, _, t in spans}:
            documents[term] = documents.get(term, 0) + 1
        for _, _, term in spans:
            matches[term] = matches.get(term, 0) + 1
    total = sum(matches.values())
    rows = [{"term": t, "matches": n, "share": n / total, "documents": documents[t]}
            for t, n in sorted(matches.items(), key=lambda item: (-item[1], item[0]))]
    result = pd.DataFrame(rows, columns=TERM_COUNT_COLUMNS)
    return attach_provenance(result, corpus, "count_theme_terms", filters, theme=theme.name,
                             themes_sha256=themes_digest([theme]))


@strict_options
def sample_matches(corpus, name: str, *, size: int = 20, seed: int = 0, window: int = 10,
                   lexicon: Lexicon | None = None, progress: Callable[..., None] | None = None,
                   lemmas: "str | Path | LemmaSelection | None" = None, **filters: Any) -> pd.DataFrame:
    """Return a simple random sample of a theme's matches with their context, for a reader to judge.

    Every match in the selected documents has the same chance to be drawn, so the share judged
    true estimates the theme's precision over its whole count. The same ``seed`` and selection
    draw the same matches.

    Args:
        corpus: an open corpus.
        name: the theme.
        size: how many matches (all of them when the theme has fewer).
        seed: the random seed.
        window: words of context on each side.
        lexicon: the themes.
        progress: called once per document lemmatised.
        lemmas: where the lemma streams are (a folder of Parquet lemma files, see
            :func:`~policytext.analyse.lemmas.iter_lemmas`), or a selection of the same filters made by
            :func:`~policytext.analyse.lemmas.select_lemmas` (looked up once for several calls).
        filters: the shared document filters.

    Returns:
        A DataFrame with :data:`SAMPLE_COLUMNS`, in document order; ``attrs["population"]`` is
        the number of matches drawn from.

    Example:
        >>> sample_matches(corpus, "trust", size=50, seed=1)   # doctest: +SKIP
    """
    if size < 1:
        raise BadQuery(f"--sample must be 1 or more, not {size}")
    if window < 0:
        raise BadQuery(f"--window must be zero or more, not {window}")
    theme, selection, frame, found = _theme_matches(corpus, name, lexicon, progress, filters, lemmas)
    population = [(row, k) for row, spans in enumerate(found) for k in range(len(spans))]
    rng = np.random.default_rng(seed)
    picked = sorted(rng.choice(len(population), size=min(size, len(population)), replace=False).tolist()) \
        if population else []
    chosen: dict[str, list[int]] = {}
    ids = frame["id"].tolist()
    for index in picked:
        row, k = population[index]
        chosen.setdefault(ids[row], []).append(k)
    streams = {row[0]: row[-1] for row in selection.iter(only=set(chosen))}
    drawn_terms: list[str] = []

    def find(doc_id: str, lemmas: list[str]) -> list[tuple[int, int]]:
        spans = theme.find_terms(lemmas)
        kept = [spans[k] for k in chosen[doc_id] if k < len(spans)]
        drawn_terms.extend(term for _, _, term in kept)
        return [(start, end) for start, end, _ in kept]

    rows = match_contexts(corpus, list(chosen), streams, find, window=window)
    result = pd.DataFrame(rows, columns=KWIC_COLUMNS)
    result.insert(0, "term", drawn_terms)
    result.insert(0, "id", range(1, len(result) + 1))
    result.attrs["population"] = len(population)
    return attach_provenance(result, corpus, "sample_matches", filters, theme=theme.name, size=size, seed=seed,
                             window=window, population=len(population), themes_sha256=themes_digest([theme]))


def write_judgement_sheet(sample: pd.DataFrame, path: str | Path) -> Path:
    """Write a sample of matches as a CSV with :data:`SHEET_COLUMNS` and an empty ``judgement`` column.

    Fill ``judgement`` with ``y`` where the match is an instance of the theme and ``n`` where it is
    not; leave it empty to skip a match. Read it back with :func:`estimate_precision`.
    """
    path = Path(path)
    if path.exists():
        raise BadInput(str(path), "the file exists: judgements are not overwritten; give a new file name")
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=SHEET_COLUMNS)
            writer.writeheader()
            for row in sample.itertuples(index=False):
                context = f"{row.left} [{row.match}] {row.right}".strip()
                writer.writerow({"id": row.id, "doc_id": row.doc_id, "date": row.date, "speaker": row.speaker,
                                 "term": row.term, "match": row.match, "context": context, "judgement": ""})
    except OSError as err:
        raise BadInput(str(path), f"cannot write the judgement sheet: {err}") from err
    return path


def read_judgements(path: str | Path) -> pd.DataFrame:
    """Read a judgement sheet; return its rows with ``judgement`` as True, False or None (not judged).

    Refuses a sheet without the ``term`` and ``judgement`` columns, and any judgement other than
    y/yes/1/true, n/no/0/false or empty (case ignored), naming the row.
    """
    path = Path(path)
    try:
        sheet = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError as err:
        raise BadInput(str(path), "no such file: write one with 'themes check THEME --judge FILE'") from err
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise BadInput(str(path), f"cannot read it as a CSV judgement sheet: {err}") from err
    missing = [c for c in ("term", "judgement") if c not in sheet.columns]
    if missing:
        raise BadInput(str(path), f"the sheet has no {' or '.join(missing)} column; write one with "
                                  "'themes check THEME --judge FILE'")
    values = []
    for line, raw in enumerate(sheet["judgement"], start=2):
        value = raw.strip().lower()
        if value in YES:
            values.append(True)
        elif value in NO:
            values.append(False)
        elif value == "":
            values.append(None)
        else:
            raise BadInput(str(path), f"the judgement {raw!r} is neither y nor n (leave it empty to skip the match)",
                           line=line)
    sheet["judgement"] = pd.Series(values, index=sheet.index, dtype=object)
    return sheet


def estimate_precision(judged: pd.DataFrame | str | Path, *, confidence: float = 0.95) -> pd.DataFrame:
    """Return the theme's precision estimated from a judged sample, overall and by entry.

    Args:
        judged: a judgement sheet's path, or the frame :func:`read_judgements` returns.
        confidence: of the Wilson interval.

    Returns:
        A DataFrame with :data:`PRECISION_COLUMNS`; ``attrs["unjudged"]`` counts the rows left empty.

    Example:
        >>> sheet = pd.DataFrame({"term": ["trust", "trust", "faith"], "judgement": [True, False, True]})
        >>> estimate_precision(sheet)[["term", "judged", "correct", "precision"]].to_dict("list")
        {'term': ['(all)', 'trust', 'faith'], 'judged': [3, 2, 1], 'correct': [2, 1, 1], 'precision': [0.6666666666666666, 0.5, 1.0]}
    """
    sheet = judged if isinstance(judged, pd.DataFrame) else read_judgements(judged)
    done = sheet[sheet["judgement"].notna()]
    rows = []
    groups = [("(all)", done)] + [(str(t), part) for t, part in
                                  sorted(done.groupby("term", sort=False), key=lambda item: (-len(item[1]), str(item[0])))]
    for term, part in groups:
        n = len(part)
        correct = int(sum(bool(v) for v in part["judgement"]))
        low, high = wilson_interval(correct, n, confidence=confidence)
        rows.append({"term": term, "judged": n, "correct": correct,
                     "precision": correct / n if n else float("nan"), "precision_low": low, "precision_high": high})
    result = pd.DataFrame(rows, columns=PRECISION_COLUMNS)
    result.attrs["unjudged"] = int(sheet["judgement"].isna().sum())
    result.attrs["method"] = (f"share of judged matches marked y, Wilson score {confidence:.0%} interval; "
                              "a simple random sample of the theme's matches")
    return result
