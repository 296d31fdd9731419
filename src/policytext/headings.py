"""Headings: which stored sentences are a heading, a list item or a line of their own, not running text.

Annotating marks each sentence (``sentences.heading``, 1 or 0). A text of at most
:data:`HEADING_MAX_CHARS` characters is a heading when it is all in capitals ("TAXES"), starts with
a dash or bullet (a list item: "--World Heritage Trust."), or has no closing punctuation
("Anti-trust Enforcement and Competition"): its *look*, which search also judges at query time for
sentences stored before annotating marked headings (``heading`` NULL). Annotating also sees the
document's layout: a short text standing on a line of its own (at most :data:`LINE_HEADING_CHARS`
characters: "Thank you.", "January 16, 1981.", a signature, a closing line) is marked too. Search weighs a heading
down (:func:`policytext.search.hits.relevance_sql`).
"""
from __future__ import annotations

HEADING_MAX_CHARS = 100
"""Longer texts are never headings."""
LINE_HEADING_CHARS = 80
"""A text standing on a line of its own is marked when at most this long. Chosen on the dev
queries of :mod:`policytext.evaluation.ranking` among 20, 40, 60, 80 and 100 characters (dev
nDCG@10 0.802 by the look alone; 0.802, 0.804, 0.804, 0.805, 0.805: the smaller of the best kept;
docs/search.md)."""
CLOSING = ".!?:;\"\u201d'\u2019)]"
"""Characters that close a sentence (with the quotation marks and brackets that may follow it)."""
BULLETS = "-*\u2022"
"""Characters that start a list item."""
_SPACE = " \t\n\r"


def is_heading(text: str, *, alone: bool = False) -> bool:
    """Return whether a sentence's ``text`` is a heading or list item (see the module's docstring).

    ``alone`` says the text stands on a line of its own in its document (:func:`stands_alone`).

    Example:
        >>> is_heading("TAXES"), is_heading("We will cut taxes."), is_heading("Thank you.", alone=True)
        (True, False, True)
    """
    if len(text) > HEADING_MAX_CHARS:
        return False
    stripped = text.strip(_SPACE)
    if not stripped:
        return False
    if stripped[-1] not in CLOSING or (text == text.upper() and text != text.lower()):
        return True
    return stripped[0] in BULLETS or (alone and len(stripped) <= LINE_HEADING_CHARS)


def stands_alone(document: str, start: int, end: int) -> bool:
    """Return whether ``document[start:end]`` (a sentence) fills its lines: a line break or the text's edge either side.

    Example:
        >>> text = "TAXES\\n\\nWe cut them. Thank you.\\nGoodnight."
        >>> stands_alone(text, 0, 7), stands_alone(text, 7, 20), stands_alone(text, 31, 41)
        (True, False, True)
    """
    before = document[:start].rstrip(" \t")
    after = document[end:].lstrip(" \t") if document[start:end].rstrip(" \t")[-1:] != "\n" else "\n"
    return (not before or before[-1] in "\n\r") and (not after or after[0] in "\n\r")
