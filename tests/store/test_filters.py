"""The shared filter vocabulary, turned into SQL conditions."""
from __future__ import annotations

import sqlite3

import pytest

from policytext.errors import BadQuery
from policytext.store.filters import DocumentFilter


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"since": "2010", "until": "2015-02"}, ("2010-01-01", "2015-02-28")),
        ({"since": "2016-02-29"}, ("2016-02-29", None)),
        ({"until": "2016-02"}, (None, "2016-02-29")),
    ],
)
def test_date_bounds(options, expected) -> None:
    filter_ = DocumentFilter.from_options(**options)
    assert (filter_.since, filter_.until) == expected


def test_speaker_matches_part_of_a_name_with_like_characters_escaped() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE documents (speaker TEXT, other TEXT)")
    conn.executemany("INSERT INTO documents VALUES (?, ?)",
                     [("John F. Kennedy", "A_B"), ("Ann 100% Lee", "Kennedy"), ("AxB", None)])

    def speakers(filter_: DocumentFilter, **kwargs) -> list[str]:
        where, params = filter_.where("documents", **kwargs)
        return [r[0] for r in conn.execute(f"SELECT speaker FROM documents WHERE {where} ORDER BY 1", params)]

    assert speakers(DocumentFilter(speaker="kennedy")) == ["John F. Kennedy"]
    assert speakers(DocumentFilter(speaker="100%")) == ["Ann 100% Lee"]
    assert speakers(DocumentFilter(speaker="Kennedy"), speaker_column="documents.other") == ["Ann 100% Lee"]
    assert speakers(DocumentFilter(speaker="A_B"), speaker_column="documents.other") == ["John F. Kennedy"]


def test_bad_month() -> None:
    with pytest.raises(BadQuery, match="'2015-13' is not a valid month"):
        DocumentFilter.from_options(since="2015-13")
