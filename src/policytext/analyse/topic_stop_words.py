"""Stop words of topic models: English, and the packaged parliamentary list for debates.

A topic fitted on Hansard-like text otherwise gathers the forms of address ("hon.", "friend",
"Member", "Speaker") instead of a subject. The parliamentary list is used automatically when the
documents a model is fitted on include parliamentary text, judged from each document's ``source``
and ``kind`` (:func:`is_parliamentary`); ``parliamentary=False`` turns it off.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Iterable, Sequence

from policytext.analyse.themes import english_stop_words
from policytext.errors import ConfigError

PARLIAMENT_STOP_WORDS_FILE = "parliament-stop-words.txt"
PARLIAMENTARY_SOURCES = ("hansard", "parlamint", "parlparse", "theyworkforyou", "parlee")
"""Sources whose documents are parliamentary text: a document's ``source`` equal to one of these
or starting with one and a hyphen or underscore (``hansard-lords``)."""
PARLIAMENTARY_KINDS = ("debate", "parliamentary debate", "debate speech", "parliamentary question",
                       "oral question", "written question", "hansard")
"""Document kinds that are parliamentary text whatever their source (compared in lower case)."""

__all__ = ["PARLIAMENTARY_KINDS", "PARLIAMENTARY_SOURCES", "english_stop_words", "is_parliamentary",
           "parliamentary_stop_words"]


@lru_cache(maxsize=1)
def parliamentary_stop_words() -> tuple[str, ...]:
    """Return the packaged parliamentary stop words (lemmas), sorted.

    Raises:
        ConfigError: when the packaged file is missing (a broken installation).

    >>> {"hon", "friend", "member", "speaker"} <= set(parliamentary_stop_words())
    True
    """
    try:
        text = resources.files("policytext.analyse").joinpath("data", PARLIAMENT_STOP_WORDS_FILE).read_text("utf-8")
    except (OSError, ModuleNotFoundError) as err:
        raise ConfigError(f"the packaged {PARLIAMENT_STOP_WORDS_FILE} is missing ({err}); reinstall policytext") from err
    words = {line.split("#", 1)[0].strip().lower() for line in text.splitlines()}
    return tuple(sorted(w for w in words if w))


def is_parliamentary(source: str | None, kind: str | None) -> bool:
    """Return whether a document with this ``source`` and ``kind`` is parliamentary text.

    >>> is_parliamentary("hansard", "speech"), is_parliamentary("files", "Debate"), is_parliamentary("govuk", "speech")
    (True, True, False)
    """
    source = (source or "").lower()
    if any(source == s or source.startswith((f"{s}-", f"{s}_")) for s in PARLIAMENTARY_SOURCES):
        return True
    return (kind or "").strip().lower() in PARLIAMENTARY_KINDS


def count_parliamentary(rows: Iterable[Sequence[str | None]]) -> int:
    """Return how many ``(source, kind)`` rows are parliamentary text."""
    return sum(1 for source, kind in rows if is_parliamentary(source, kind))
