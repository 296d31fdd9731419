"""Citations from a document's stored details and who said the words, in every style."""
from __future__ import annotations

import json

import pytest
import rispy

from policytext.errors import BadQuery
from policytext.search.citations import (
    Cited,
    CitedSource,
    cited_words,
    export_citations,
    format_apa,
    format_bibtex,
    format_chicago,
    format_citation,
    format_cited,
    format_date,
    format_newsroom,
    format_ris,
    source_from_row,
)

SPEECH = CitedSource(doc_id="sotu-1", source="sotu", author="William J. Clinton", description="State of the Union address",
                     date="1996-01-23", kind="speech", publisher="The American Presidency Project",
                     url="https://example.org/1996", via="the sotu Python package 0.1.2", collected="2026-12-01")
BLOG = CitedSource(doc_id="files-2", source="files", author="Andrew Laird", title="Trust to try things out",
                   updated="2021-04-06", kind="blog", publisher="Mutual Ventures",
                   via="the local file post.txt", collected="2026-12-01")
NO_WRITER = CitedSource(doc_id="web-3", source="web", title="Press notice & 50% more", date="2015-06",
                        url="https://www.example.gov.uk/news/1", collected="2026-11-30")


@pytest.mark.parametrize(
    ("cited", "expected"),
    [
        (Cited(SPEECH, speaker="William J. Clinton"),
         "William J. Clinton, State of the Union address, The American Presidency Project, 23 January 1996, "
         "https://example.org/1996; text from the sotu Python package 0.1.2, collected 1 December 2026"),
        (Cited(BLOG, speaker="Matthew Hancock", quoted=True),
         "Matthew Hancock, quoted in “Trust to try things out” by Andrew Laird (Mutual Ventures, undated, updated "
         "6 April 2021), original address not recorded; text from the local file post.txt, collected 1 December 2026"),
        (Cited(NO_WRITER, speaker="Matthew Hancock", quoted=True),
         "Matthew Hancock, quoted in “Press notice & 50% more” (example.gov.uk, June 2015), "
         "https://www.example.gov.uk/news/1; collected 30 November 2026"),
        (Cited(NO_WRITER, speaker=None, quoted=True),
         "An unidentified speaker, quoted in “Press notice & 50% more” (example.gov.uk, June 2015), "
         "https://www.example.gov.uk/news/1; collected 30 November 2026"),
    ],
)
def test_newsroom_line(cited, expected) -> None:
    assert format_newsroom(cited) == expected


@pytest.mark.parametrize(
    ("cited", "expected"),
    [
        # the provenance and the collection date, as in the other styles (APA had neither)
        (Cited(SPEECH), "Clinton, W. J. (1996, January 23). [State of the Union address]. "
                        "The American Presidency Project. Text from the sotu Python package 0.1.2. "
                        "Retrieved December 1, 2026, from https://example.org/1996"),
        (Cited(BLOG), "Laird, A. (n.d.). Trust to try things out. Mutual Ventures. Text from the local file post.txt. "
                      "Retrieved December 1, 2026."),
        (Cited(NO_WRITER), "Press notice & 50% more. (2015, June). example.gov.uk. "
                           "Retrieved November 30, 2026, from https://www.example.gov.uk/news/1"),
        (Cited(CitedSource(doc_id="x", source="web", author="Joseph R. Biden Jr.", title="Remarks",
                           url="https://example.org/r", collected="2026-12-01")),
         "Biden, J. R., Jr. (n.d.). Remarks. example.org. Retrieved December 1, 2026, from https://example.org/r"),
        # initials written together ("H.W.", the sotu package's spelling) are two initials, not "H."
        (Cited(CitedSource(doc_id="x", source="sotu", author="George H.W. Bush", description="Address",
                           date="1991-01-29")),
         "Bush, G. H. W. (1991, January 29). [Address]."),
        (Cited(CitedSource(doc_id="x", source="files", author="Jean-Paul A.B.C. Sartre", title="Remarks")),
         "Sartre, J.-P. A. B. C. (n.d.). Remarks."),
    ],
)
def test_apa(cited, expected) -> None:
    assert format_apa(cited) == expected


@pytest.mark.parametrize(
    ("cited", "expected"),
    [
        (Cited(SPEECH), "Clinton, William J. State of the Union address. The American Presidency Project, "
                        "January 23, 1996. Text from the sotu Python package 0.1.2. Accessed December 1, 2026. "
                        "https://example.org/1996."),
        (Cited(BLOG, speaker="Matthew Hancock", quoted=True),
         "Matthew Hancock, quoted in Laird, Andrew. “Trust to Try Things Out.” Mutual Ventures, n.d. "
         "Text from the local file post.txt. Accessed December 1, 2026."),
    ],
)
def test_chicago(cited, expected) -> None:
    assert format_chicago(cited) == expected


def test_bibtex_escapes_text_and_keeps_the_address_verbatim() -> None:
    entry = format_bibtex(Cited(CitedSource(doc_id="web-3", source="web", title="Press notice & 50% more_x",
                                            url="https://example.org/a_b%20c", collected="2026-11-30")))
    assert entry.startswith("@misc{anonnd-web-3,\n")
    assert "  title = {Press notice \\& 50\\% more\\_x},\n" in entry
    assert "  url = {https://example.org/a_b%20c},\n" in entry
    assert "  urldate = {2026-11-30}," in entry
    speech = format_bibtex(Cited(SPEECH))
    assert "  author = {Clinton, William J.},\n" in speech and "  date = {1996-01-23},\n" in speech
    assert "  title = {[State of the Union address]},\n  type = {State of the Union address}," in speech


def test_ris_reads_back_with_its_fields() -> None:
    [record] = rispy.loads(format_ris(Cited(BLOG, speaker="Matthew Hancock", quoted=True)))
    assert record["type_of_reference"] == "BLOG"
    assert record["authors"] == ["Laird, Andrew"] and record["title"] == "Trust to try things out"
    assert record["access_date"] == "2026/12/01"
    assert record["notes"] == ["Quoting Matthew Hancock; text from the local file post.txt; collected 2026-12-01"]


def test_csl_json_item() -> None:
    item = json.loads(format_cited(Cited(SPEECH, speaker="William J. Clinton", text="The era of big Government is over."),
                                   "csl-json"))
    assert item["type"] == "speech"
    assert item["author"] == [{"family": "Clinton", "given": "William J."}]
    assert item["genre"] == "State of the Union address" and item["title"] == "[State of the Union address]"
    assert item["issued"] == {"date-parts": [[1996, 1, 23]]} and item["accessed"] == {"date-parts": [[2026, 12, 1]]}
    assert item["URL"] == "https://example.org/1996" and item["quote"] == "The era of big Government is over."


def test_export_writes_each_reference_once_in_reference_manager_formats() -> None:
    twice = [Cited(SPEECH, speaker="William J. Clinton")] * 2
    assert export_citations(twice, "bibtex").count("@misc{") == 1
    assert len(json.loads(export_citations(twice, "csl-json"))) == 1
    assert export_citations(twice, "apa").count("\n") == 2  # a line per hit


def test_unknown_format_is_refused_with_the_choices() -> None:
    with pytest.raises(BadQuery, match="unknown citation format 'mla': choose one of newsroom, apa, chicago"):
        format_cited(Cited(SPEECH), "mla")


@pytest.mark.parametrize(
    ("within", "speaker", "quoted"),
    [("sentences", "Andrew Laird", False), ("quotes", "Matthew Hancock", True), ("quotes", None, True),
     ("quotes", "Andrew Laird", False), ("claims", "Matthew Hancock", True), ("claims", "Andrew Laird", False)],
)
def test_words_of_another_are_quoted_in_the_document(within, speaker, quoted) -> None:
    assert cited_words(BLOG, speaker=speaker, within=within).quoted is quoted


def test_a_stored_description_is_not_cited_as_a_title() -> None:
    row = {"id": "sotu-1", "source": "sotu", "title": "State of the Union address", "speaker": "John F. Kennedy",
           "date": "1962-01-11", "kind": "speech", "publisher": "The American Presidency Project", "url": None,
           "collected_at": "2026-12-01T21:45:52+00:00",
           "meta": json.dumps({"untitled": True, "description": "State of the Union address",
                               "package_version": "0.1.2"})}
    source = source_from_row(row)
    assert (source.title, source.description) == (None, "State of the Union address")
    assert (source.via, source.collected) == ("the sotu Python package 0.1.2", "2026-12-01")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"speaker": "A", "title": "T", "publisher": "P", "source": "s", "date": "2015-05-08", "url": "https://x"},
         "A, “T”, P, 8 May 2015, https://x"),
        ({"speaker": None, "title": "T", "publisher": None, "source": "sotu", "date": None, "url": None},
         "“T”, sotu, undated"),
        ({"speaker": "Q", "title": "T", "publisher": None, "source": "s", "date": "2015", "url": None, "quoted_in": "W"},
         "Q, quoted in “T” by W (s, 2015)"),
        ({"speaker": None, "title": None, "publisher": None, "source": None, "date": None, "url": None},
         "(no source details recorded)"),
    ],
)
def test_format_citation(fields, expected) -> None:
    assert format_citation(**fields) == expected


@pytest.mark.parametrize(("value", "expected"), [("1962-01-11", "11 January 1962"), ("2015", "2015"), (None, None)])
def test_format_date(value, expected) -> None:
    assert format_date(value) == expected
