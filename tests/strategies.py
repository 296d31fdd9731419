"""Hypothesis strategies for hostile input, shared by the property tests (``from strategies import …``)."""
from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st

QUICK = settings(max_examples=200, deadline=None, database=None)
"""Settings of every property test here: a couple of hundred examples, seconds per test, no
example database written into the checkout."""

_QUERY_PIECES = st.sampled_from([
    "tax", "peace", "health", "care", " ", "  ", "OR", "AND", "NOT", "NEAR", "NEAR(", "(", ")", '"', "*",
    ",", ", 5", "5", "\u00b2", "\u0665", "\x00", "\x1f", "\t", "\u201c", "\u201d", "_", "-", ":", "^",
    "\u00e9", "\u200b", "\ufeff", "\U0001f600",
])

QUERIES = st.one_of(
    st.text(max_size=60),
    st.text(st.characters(exclude_categories=()), max_size=30),  # surrogates and controls too
    st.lists(st.one_of(_QUERY_PIECES, st.text(max_size=3)), max_size=40).map("".join),  # near the syntax
)
"""Arbitrary Unicode, and strings built from the query language's own pieces and its traps."""

DATE_BOUNDS = st.one_of(
    st.text(max_size=12),
    st.from_regex(r"\A[0-9]{1,5}(-[0-9]{1,3}(-[0-9]{1,3})?)?\Z"),
    st.from_regex(r"\A\d{4}(-\d{2}(-\d{2})?)?\Z"),  # digits of any script
    st.integers(-5, 10_005),
    st.none(),
)
"""What a user might give as ``since`` or ``until``: anything, date-shaped strings, numbers."""
