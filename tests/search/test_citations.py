"""Citations from a hit's speaker, document and source."""
from __future__ import annotations

import pytest

from policytext.search.citations import format_citation, format_date


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"speaker": "A", "title": "T", "publisher": "P", "source": "s", "date": "2015-05-08", "url": "https://x"},
         "A, “T”, P, 8 May 2015, https://x"),
        ({"speaker": None, "title": "T", "publisher": None, "source": "sotu", "date": None, "url": None},
         "“T”, sotu"),
        ({"speaker": "Q", "title": "T", "publisher": None, "source": "s", "date": "2015", "url": None, "quoted_in": "W"},
         "Q, quoted in “T” by W, s, 2015"),
        ({"speaker": None, "title": None, "publisher": None, "source": None, "date": None, "url": None},
         "(no source details recorded)"),
    ],
)
def test_format_citation(fields, expected) -> None:
    assert format_citation(**fields) == expected


@pytest.mark.parametrize(("value", "expected"), [("1962-01-11", "11 January 1962"), ("2015", "2015"), (None, None)])
def test_format_date(value, expected) -> None:
    assert format_date(value) == expected
