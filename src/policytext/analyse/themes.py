"""Themes: a packaged, documented lexicon of lemmas, phrases and wildcards with exclusions.

A theme's entries are matched on a document's lemma stream (see :mod:`policytext.lemma_stream`), so
"trusted", "trusting" and "trusts" all count as ``trust``. The packaged lexicon lives in
``analyse/data/themes.toml``, which documents the format and every theme; users add or replace
themes with a file of their own in the same format.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from policytext.analyse.stats import g2_and_log_ratio
from policytext.errors import BadQuery, ConfigError
from policytext.store.filters import strict_options

PACKAGED_THEMES = "themes.toml"
CORPUS_THEMES_FILE = "themes.toml"
THEME_LIST_COLUMNS = ["theme", "label", "terms", "exclusions", "source", "description"]
SUGGEST_COLUMNS = ["term", "near", "total", "expected", "g2", "log_ratio"]
"""Columns of :func:`suggest_terms`: ``near`` is how often the lemma occurs within the window
around the theme's matches, ``total`` its count in the selected documents, ``expected`` the count
near the matches if it were spread evenly, ``g2`` the log-likelihood of near vs elsewhere and
``log_ratio`` the binary log of the two relative frequencies."""

_TOKEN = re.compile(r"^[^\s*]*(\*[^\s*]*)*$")


@dataclass(frozen=True)
class Pattern:
    """One theme entry compiled: a sequence of lemma tests (exact text or a wildcard)."""

    text: str
    parts: tuple[str, ...]

    @classmethod
    def parse(cls, text: str, where: str) -> "Pattern":
        cleaned = " ".join(str(text).lower().replace("-", " ").split())
        if not cleaned or cleaned.strip("*") == "":
            raise ConfigError(f"{where}: the entry {text!r} is empty or only a wildcard; give a lemma "
                              "or a phrase such as 'trust' or 'value for money'")
        return cls(text=cleaned, parts=tuple(cleaned.split(" ")))

    def part_matches(self, index: int, lemma: str) -> bool:
        part = self.parts[index]
        if "*" not in part:
            return part == lemma
        return _wildcard(part).fullmatch(lemma) is not None


_WILDCARDS: dict[str, re.Pattern[str]] = {}


def _wildcard(part: str) -> re.Pattern[str]:
    compiled = _WILDCARDS.get(part)
    if compiled is None:
        compiled = re.compile("[^ ]*".join(re.escape(p) for p in part.split("*")))
        _WILDCARDS[part] = compiled
    return compiled


@dataclass(frozen=True)
class Theme:
    """A named theme: its entries and exclusions, and where it was defined."""

    name: str
    label: str
    description: str
    terms: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    notes: str = ""
    source: str = "packaged"
    _patterns: tuple[Pattern, ...] = field(default=(), repr=False, compare=False)
    _exclusions: tuple[Pattern, ...] = field(default=(), repr=False, compare=False)

    @classmethod
    def build(cls, name: str, data: Mapping[str, Any], source: str) -> "Theme":
        where = f"{source}: theme {name!r}"
        terms = data.get("terms")
        if not isinstance(terms, list) or not terms:
            raise ConfigError(f"{where} needs 'terms', a non-empty list of lemmas or phrases")
        exclude = data.get("exclude") or []
        if not isinstance(exclude, list):
            raise ConfigError(f"{where}: 'exclude' must be a list of phrases")
        patterns = tuple(Pattern.parse(t, where) for t in terms)
        exclusions = tuple(Pattern.parse(t, where) for t in exclude)
        return cls(name=name, label=str(data.get("label") or name), description=" ".join(str(data.get("description") or "").split()),
                   terms=tuple(p.text for p in patterns), exclude=tuple(p.text for p in exclusions),
                   notes=" ".join(str(data.get("notes") or "").split()), source=source,
                   _patterns=patterns, _exclusions=exclusions)

    def extended(self, other: "Theme") -> "Theme":
        """Return this theme with ``other``'s terms and exclusions added."""
        terms = list(dict.fromkeys(self.terms + other.terms))
        exclude = list(dict.fromkeys(self.exclude + other.exclude))
        data = {"label": other.label if other.label != other.name else self.label,
                "description": other.description or self.description, "terms": terms,
                "exclude": exclude, "notes": other.notes or self.notes}
        return Theme.build(self.name, data, f"{self.source} + {other.source}")

    def find(self, lemmas: Sequence[str]) -> list[tuple[int, int]]:
        """Return the ``(start, end)`` token spans of the theme's matches in a lemma sequence.

        Term matches overlapping an exclusion match are dropped; overlapping term matches count
        once (the longest wins, left to right).

        Example:
            >>> theme = Theme.build("t", {"terms": ["trust"], "exclude": ["trust fund"]}, "example")
            >>> theme.find("we trust the trust fund".split())
            [(1, 2)]
        """
        return [(start, end) for start, end, _ in self.find_terms(lemmas)]

    def find_terms(self, lemmas: Sequence[str]) -> list[tuple[int, int, str]]:
        """Return the theme's matches as ``(start, end, entry)``: which entry of the theme matched.

        The matches are those of :meth:`find`; when two entries match the same span, the one
        listed first in the theme is named.

        Example:
            >>> theme = Theme.build("t", {"terms": ["small business", "business*"]}, "example")
            >>> theme.find_terms("small business and businessman".split())
            [(0, 2, 'small business'), (3, 4, 'business*')]
        """
        spans = _find_spans(self._patterns, lemmas)
        if not spans:
            return []
        if self._exclusions:
            blocked = _find_spans(self._exclusions, lemmas)
            if blocked:
                covered = _covered_positions(blocked, len(lemmas))  # one pass over the exclusions, not one per match
                spans = [s for s in spans if not any(covered[p] for p in range(s[0], s[1]))]
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0]), s[2]))
        kept: list[tuple[int, int, str]] = []
        for start, end, index in spans:
            if not kept or start >= kept[-1][1]:
                kept.append((start, end, self._patterns[index].text))
        return kept

    def count(self, lemmas: Sequence[str]) -> int:
        """Return how many times the theme occurs in a lemma sequence."""
        return len(self.find(lemmas))

    def covers(self, term: str) -> bool:
        """Return whether ``term`` (a lemma or phrase) is itself a match of the theme."""
        parts = term.split(" ")
        return self.find(parts) == [(0, len(parts))]


def _covered_positions(spans: Sequence[tuple[int, int, int]], length: int) -> bytearray:
    """Return a flag per token position of a stream of ``length``: 1 where one of ``spans`` covers it.

    >>> list(_covered_positions([(1, 3, 0)], 4))
    [0, 1, 1, 0]
    """
    covered = bytearray(length)
    for start, end, _ in spans:
        covered[start:end] = b"\x01" * (end - start)
    return covered


def _find_spans(patterns: Sequence[Pattern], lemmas: Sequence[str]) -> list[tuple[int, int, int]]:
    """Return every ``(start, end, index of the pattern)`` where one of ``patterns`` matches."""
    exact: dict[str, list[tuple[int, Pattern]]] = {}
    wild: list[tuple[int, Pattern]] = []
    for index, pattern in enumerate(patterns):
        if "*" in pattern.parts[0]:
            wild.append((index, pattern))
        else:
            exact.setdefault(pattern.parts[0], []).append((index, pattern))
    spans = []
    total = len(lemmas)
    for i, lemma in enumerate(lemmas):
        candidates = exact.get(lemma, [])
        if wild:
            candidates = candidates + [(k, p) for k, p in wild if p.part_matches(0, lemma)]
        for index, pattern in candidates:
            n = len(pattern.parts)
            if i + n <= total and all(pattern.part_matches(j, lemmas[i + j]) for j in range(1, n)):
                spans.append((i, i + n, index))
    return spans


class Lexicon:
    """A set of themes by name.

    Example:
        >>> lexicon = load_lexicon()
        >>> lexicon.get("trust").count("they trust us".split())
        1
    """

    def __init__(self, themes: Iterable[Theme]):
        self.themes: dict[str, Theme] = {t.name: t for t in themes}

    def names(self) -> list[str]:
        return list(self.themes)

    def __contains__(self, name: object) -> bool:
        return name in self.themes

    def get(self, name: str) -> Theme:
        """Return theme ``name``; raise :class:`BadQuery` naming the known themes otherwise."""
        theme = self.themes.get(name) or self.themes.get(name.lower().replace("-", "_"))
        if theme is None:
            raise BadQuery(f"no theme named {name!r}. Known themes: {', '.join(self.names())}. "
                           "List them with 'policytext themes list'.")
        return theme

    def merged(self, other: "Lexicon", *, extend: Iterable[str] = ()) -> "Lexicon":
        """Return this lexicon with ``other``'s themes added; same names replace (or extend)."""
        themes = dict(self.themes)
        extend = set(extend)
        for name, theme in other.themes.items():
            themes[name] = themes[name].extended(theme) if name in extend and name in themes else theme
        return Lexicon(themes.values())

    def frame(self) -> pd.DataFrame:
        """Return one row per theme with :data:`THEME_LIST_COLUMNS`."""
        rows = [{"theme": t.name, "label": t.label, "terms": len(t.terms), "exclusions": len(t.exclude),
                 "source": t.source, "description": t.description} for t in self.themes.values()]
        return pd.DataFrame(rows, columns=THEME_LIST_COLUMNS)


def read_lexicon(text: str, source: str) -> tuple[Lexicon, list[str]]:
    """Parse a theme file's TOML text; return the lexicon and the names marked ``extend = true``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{source} is not valid TOML: {err}. See the packaged themes.toml for the format.") from err
    tables = data.get("themes")
    if not isinstance(tables, dict) or not tables:
        raise ConfigError(f"{source} defines no themes: add tables such as [themes.trust] with a 'terms' list")
    themes, extend = [], []
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: [themes.{name}] must be a table with 'terms'")
        themes.append(Theme.build(name, table, source))
        if table.get("extend"):
            extend.append(name)
    return Lexicon(themes), extend


def load_lexicon(paths: Iterable[str | Path] = (), *, config=None) -> Lexicon:
    """Return the packaged themes, merged with the user's theme files.

    Files are applied in order: ``themes.toml`` in the corpus folder, then the files named by
    ``themes = [...]`` in the corpus's ``policytext.toml`` (relative to the corpus folder), then
    ``paths``. A user theme with the name of an existing one replaces it, or extends it when the
    theme sets ``extend = true``.

    Args:
        paths: extra theme files (TOML).
        config: the resolved :class:`~policytext.config.Config`, to find the corpus's files.

    Example:
        >>> "trust" in load_lexicon()
        True
    """
    text = resources.files("policytext.analyse").joinpath("data", PACKAGED_THEMES).read_text(encoding="utf-8")
    lexicon, _ = read_lexicon(text, "packaged themes.toml")
    files: list[Path] = []
    if config is not None:
        corpus_file = Path(config.corpus) / CORPUS_THEMES_FILE
        if corpus_file.is_file():
            files.append(corpus_file)
        configured = config.extra.get("themes") or []
        if isinstance(configured, str):
            configured = [configured]
        files.extend(Path(config.corpus) / str(p) if not Path(str(p)).is_absolute() else Path(str(p)) for p in configured)
    files.extend(Path(p) for p in paths)
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigError(f"cannot read the theme file {path}: {err}") from err
        user, extend = read_lexicon(text, str(path))
        lexicon = lexicon.merged(user, extend=extend)
    return lexicon


def describe_theme(theme: Theme) -> pd.DataFrame:
    """Return a theme's entries as rows ``kind, entry`` (kind is term, wildcard, phrase or exclude)."""
    rows = []
    for term in theme.terms:
        kind = "wildcard" if "*" in term else ("phrase" if " " in term else "lemma")
        rows.append({"kind": kind, "entry": term})
    rows.extend({"kind": "exclude", "entry": e} for e in theme.exclude)
    return pd.DataFrame(rows, columns=["kind", "entry"])


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | frozenset(STOP_WORDS)


english_stop_words = _stop_words  # the public name: topic models and their evaluation use it


@strict_options
def suggest_terms(corpus, name: str, *, lexicon: Lexicon | None = None, window: int = 10,
                  top: int = 20, min_count: int = 3, lemmas: str | Path | None = None,
                  **filters: Any) -> pd.DataFrame:
    """Propose lemmas that keep company with a theme in this corpus, ranked, for a user to accept.

    For every match of the theme, the ``window`` lemmas on each side are counted; a lemma that
    occurs near the matches much more often than elsewhere in the same documents is a candidate.
    Stop words, numbers and lemmas the theme already matches are left out.

    Args:
        corpus: an open corpus.
        name: the theme.
        lexicon: the themes (default: :func:`load_lexicon` for the corpus).
        window: lemmas on each side of a match.
        top: how many suggestions.
        min_count: the fewest occurrences near the matches a suggestion needs.
        lemmas: a folder of Parquet lemma files (default: the work directories the store records;
            see :func:`~policytext.analyse.lemmas.iter_lemmas`).
        filters: the shared document filters.

    Returns:
        A DataFrame with :data:`SUGGEST_COLUMNS`, best first.

    Example:
        >>> suggest_terms(corpus, "trust", top=5)   # doctest: +SKIP
    """
    from policytext.analyse.lemmas import iter_lemmas

    lexicon = lexicon or load_lexicon(config=corpus.config)
    theme = lexicon.get(name)
    stop = _stop_words()
    near: Counter[str] = Counter()
    total: Counter[str] = Counter()
    near_tokens = 0
    all_tokens = 0
    for *_, text in iter_lemmas(corpus, lemmas=lemmas, **filters):  # one stream in memory at a time
        words = text.split()
        all_tokens += len(words)
        total.update(words)
        covered: set[int] = set()
        spans = theme.find(words)
        inside = {i for s, e in spans for i in range(s, e)}
        for start, end in spans:
            covered.update(range(max(0, start - window), min(len(words), end + window)))
        covered -= inside
        near_tokens += len(covered)
        near.update(words[i] for i in covered)
    rows = []
    rest_tokens = all_tokens - near_tokens
    for term, count in near.items():
        if count < min_count or term in stop or not term.isalpha() or len(term) < 3 or theme.covers(term):
            continue
        a, b = count, total[term] - count
        g2, ratio = g2_and_log_ratio(a, b, near_tokens, rest_tokens)
        if ratio <= 0:
            continue
        rows.append({"term": term, "near": a, "total": total[term],
                     "expected": total[term] * near_tokens / all_tokens if all_tokens else 0.0,
                     "g2": g2, "log_ratio": ratio})
    result = pd.DataFrame(rows, columns=SUGGEST_COLUMNS)
    return result.sort_values(["g2", "term"], ascending=[False, True]).head(top).reset_index(drop=True)
