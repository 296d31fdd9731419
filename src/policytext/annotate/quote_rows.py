"""The row a quote travels in through annotation, and the schemes that say what counts as a quote.

Below the finder (:mod:`policytext.annotate.quotes`) and its filter
(:mod:`policytext.annotate.quote_filter`), which both use it. Imports no spaCy: the Dask engine's
coordinator checks a scheme without loading it.
"""
from __future__ import annotations

from typing import NamedTuple

from policytext.errors import ConfigError
from policytext.records import QUOTE_SCHEMES

SCHEMES = QUOTE_SCHEMES
"""What counts as a quote (:data:`policytext.records.QUOTE_SCHEMES`): ``speech`` or ``attribution``."""
DEFAULT_SCHEME = "speech"


def check_scheme(scheme: str) -> str:
    """Return ``scheme`` when it is one of :data:`SCHEMES`, else raise :class:`ConfigError` saying which there are.

    Example:
        >>> check_scheme("speech")
        'speech'
    """
    if scheme not in SCHEMES:
        raise ConfigError(f"unknown quote scheme {scheme!r}: choose {' or '.join(SCHEMES)} "
                          f"(--scheme, or 'quote_scheme = \"…\"' in policytext.toml)")
    return scheme


class QuoteRow(NamedTuple):
    """One quote found in a doc: content span, speaker (name, mention span, how resolved), cue, kind, confidence.

    Character offsets point into the doc's text. ``speaker`` is the fullest name or body the doc
    gives the speaker, or None; ``resolved_by`` says how the mention was resolved (see
    :data:`policytext.annotate.speakers.RESOLVED_BY`); ``speaker_role`` what the doc calls them
    ("Skills Minister", "spokesperson"), or None. ``left_out`` holds the spans between ``start`` and
    ``end`` that are not the quote's words: under ``speech``, the speech tag that interrupts one
    quoted sentence (“A,” she said, “b.”), left out of the stored text (:func:`quote_text`).
    """

    start: int
    end: int
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    cue: str | None
    kind: str
    confidence: float
    resolved_by: str = "none"
    scheme: str = DEFAULT_SCHEME
    speaker_role: str | None = None
    left_out: tuple[tuple[int, int], ...] = ()

    def shifted(self, offset: int) -> "QuoteRow":
        """Return the row with every offset moved by ``offset`` (a chunk's start in its document)."""
        return self._replace(start=self.start + offset, end=self.end + offset,
                             speaker_start=None if self.speaker_start is None else self.speaker_start + offset,
                             speaker_end=None if self.speaker_end is None else self.speaker_end + offset,
                             left_out=tuple((a + offset, b + offset) for a, b in self.left_out or ()))


PIECE_JOINER = " … "
"""What stands for a speech tag left out of a quote's text (:func:`quote_text`)."""


def quote_text(text: str, start: int, end: int, left_out=()) -> str:
    """Return the words of the quote at ``start:end`` of ``text``: its pieces joined by :data:`PIECE_JOINER`.

    ``left_out`` are the spans inside it that are not the quote's words (:attr:`QuoteRow.left_out`).

    Example:
        >>> quote_text("“If only,” she wrote, “we had known.”", 1, 36, [(9, 23)])
        'If only, … we had known.'
    """
    pieces, at = [], start
    for gap_start, gap_end in sorted(left_out or ()):
        pieces.append(text[at:gap_start])
        at = gap_end
    pieces.append(text[at:end])
    return PIECE_JOINER.join(pieces)
