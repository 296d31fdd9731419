"""The files collector: every format, field mappings, and every kind of bad input."""
from __future__ import annotations

import json
import os

import pytest

from helpers import shared_data
from policytext import open_corpus
from policytext.collect.files import FileOptions, iter_files, markdown_to_text, parse_field_mapping
from policytext.collect.base import Skipped
from policytext.errors import BadInput, ConfigError
from policytext.records import Document

SPEECH = ("Speech to the Local Government Association\n\n"
          "Thank you. Councils have shown that trust in local people works.\n\n"
          "We will give them the freedom to try things out.\n")


def _outcomes(paths, **options):
    return list(iter_files(paths, FileOptions(**options)))


def test_plain_text_keeps_paragraphs_and_takes_the_first_line_as_title(tmp_path) -> None:
    path = tmp_path / "speech.txt"
    path.write_text(SPEECH, encoding="utf-8")
    [doc] = _outcomes([path], kind="speech", country="uk", publisher="LGA")
    assert isinstance(doc, Document)
    assert doc.title == "Speech to the Local Government Association"
    assert "\n\nWe will give them" in doc.text
    assert (doc.kind, doc.country, doc.publisher) == ("speech", "GB", "LGA")


def test_markdown_front_matter_and_markup(tmp_path) -> None:
    path = tmp_path / "post.md"
    path.write_text("---\ntitle: Universal credit explained\ndate: 2023-03-04\nauthors: Jane Roe\n---\n"
                    "# Universal credit explained\n\nThe **taper rate** is [55%](https://example.org).\n\n"
                    "![chart](chart.png)\n\n- one point\n- another point\n", encoding="utf-8")
    [doc] = _outcomes([path])
    assert doc.title == "Universal credit explained"
    assert doc.date == "2023-03-04"
    assert doc.speaker == "Jane Roe"
    assert "The taper rate is 55%." in doc.text
    assert "**" not in doc.text and "chart.png" not in doc.text and "https://" not in doc.text


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("## Heading ##\n\nBody _here_.", "Heading\n\nBody here."),
        ("> A quoted line\n\n`code` stays", "A quoted line\n\ncode stays"),
        ("snake_case_name stays", "snake_case_name stays"),
    ],
)
def test_markdown_to_text(markdown: str, text: str) -> None:
    assert markdown_to_text(markdown) == text


def test_html_main_text_only(tmp_path) -> None:
    body = " ".join(["Public services need room to innovate and the trust of those who run them."] * 6)
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Trust to try | Blog</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/about'>About us</a></nav>"
        f"<article><h1>Trust to try things out</h1><p>{body}</p><p>A second paragraph follows here.</p></article>"
        "<footer>Cookie settings. Share on Twitter.</footer></body></html>", encoding="utf-8")
    [doc] = _outcomes([path], kind="blog")
    assert "room to innovate" in doc.text
    assert "A second paragraph" in doc.text
    assert "About us" not in doc.text and "Cookie settings" not in doc.text


def test_jsonl_and_json_records_with_mapping(tmp_path) -> None:
    jsonl = tmp_path / "speeches.jsonl"
    jsonl.write_text(
        json.dumps({"id": "a1", "body": "First speech text.", "who": "Ann Minister", "when": "12/05/2015"}) + "\n"
        + "\n"
        + json.dumps({"id": "a2", "body": "Second speech text.", "who": "Bob Minister", "when": "2016-01-02"}) + "\n",
        encoding="utf-8")
    outcomes = _outcomes([jsonl], fields=parse_field_mapping(["text=body", "speaker=who", "date=when"]), country="GB")
    assert [(d.speaker, d.date) for d in outcomes] == [("Ann Minister", "2015-05-12"), ("Bob Minister", "2016-01-02")]
    assert outcomes[0].source_id.endswith("#a1")
    assert outcomes[0].meta["id"] == "a1" and "body" not in outcomes[0].meta

    array = tmp_path / "items.json"
    array.write_text(json.dumps([{"text": "One.", "title": "T1"}, {"text": "Two.", "title": "T2"}]), encoding="utf-8")
    assert [d.title for d in _outcomes([array])] == ["T1", "T2"]


def test_month_first_dates(tmp_path) -> None:
    path = tmp_path / "us.csv"
    path.write_text("text,date\nAn address.,03/04/2015\n", encoding="utf-8")
    [doc] = _outcomes([path], date_order="mdy")
    assert doc.date == "2015-03-04"


def test_real_manifesto_forewords_csv(tmp_path) -> None:
    path = shared_data("corpora", "uk", "manifesto-forewords-1900-2019.csv")
    mapping = parse_field_mapping(["text=foreword", "speaker=leader_name", "date=year", "party=party"])
    outcomes = _outcomes([path], fields=mapping, country="GB", kind="manifesto")
    docs = [o for o in outcomes if isinstance(o, Document)]
    assert len(docs) >= 100
    blair = [d for d in docs if d.date and d.date.startswith("1997") and d.speaker and "Blair" in d.speaker]
    assert blair and blair[0].party


def test_folder_walk_skips_other_types_and_hidden_files(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("Alpha text.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("Beta text.", encoding="utf-8")
    (tmp_path / "sub" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / ".hidden.txt").write_text("Hidden.", encoding="utf-8")
    outcomes = _outcomes([tmp_path])
    assert sorted(d.text for d in outcomes if isinstance(d, Document)) == ["Alpha text.", "Beta text."]
    [skip] = [o for o in outcomes if isinstance(o, Skipped)]
    assert skip.item.endswith("image.png") and "not a supported file type (.png)" in skip.reason


def _reason(outcomes) -> tuple[str, int | None]:
    [bad] = outcomes
    assert isinstance(bad, (BadInput, Skipped)), bad
    return bad.reason, bad.line


@pytest.mark.parametrize(
    ("name", "content", "expected", "line"),
    [
        ("empty.txt", b"", "the file is empty", None),
        ("blank.txt", b"  \n\n ", "the file is empty", None),
        ("binary.txt", b"\x00\x01\x02binary\x00data", "a binary file, not text", None),
        ("latin.txt", "first line\ncaf\u00e9".encode("cp1252"), "bytes that are not valid utf-8 at byte 14", 2),
        ("broken.json", b'{"text": "a",\n "title": }', "malformed JSON: Expecting value", 2),
        ("list.json", b'[1]', "expected an object, found int", None),
        ("notext.jsonl", b'{"title": "no text here"}\n', "no text field", 1),
        ("short.csv", b"text,title\nfine text,ok\nonly-one-field\n", "the row has 1 fields, the header has 2", 3),
        ("quote.csv", b'text,title\n"unterminated,quote\n', "malformed CSV", 2),
    ],
)
def test_bad_input_is_reported_with_the_reason(tmp_path, name, content, expected, line) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    outcomes = [o for o in _outcomes([path]) if not isinstance(o, Document)]
    reason, got_line = _reason(outcomes)
    assert expected in reason
    assert got_line == line


def test_oversized_file(tmp_path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 100, encoding="utf-8")
    reason, _ = _reason(_outcomes([path], max_file_bytes=100))
    assert reason == "the file is 500 bytes, over the limit of 100 (setting max_file_bytes)"


def test_missing_path_and_broken_link(tmp_path) -> None:
    (tmp_path / "link.txt").symlink_to(tmp_path / "gone.txt")
    outcomes = _outcomes([tmp_path / "nope.txt", tmp_path / "link.txt"])
    assert [o.reason for o in outcomes] == ["no such file or folder",
                                            "cannot read: a link to a file that does not exist"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("text", encoding="utf-8")
    path.chmod(0)
    reason, _ = _reason(_outcomes([path]))
    assert reason.startswith("cannot read the file: Permission denied")


def test_encoding_option_reads_legacy_files(tmp_path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\u00e9 society".encode("cp1252"))
    [doc] = _outcomes([path], encoding="cp1252")
    assert doc.text == "Caf\u00e9 society"


@pytest.mark.parametrize(("pairs", "message"), [(["text"], "expects FIELD=COLUMN"), (["=x"], "expects FIELD=COLUMN")])
def test_bad_field_mapping(pairs, message) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_field_mapping(pairs)


def test_unknown_mapped_field() -> None:
    with pytest.raises(ConfigError, match="unknown field"):
        FileOptions(fields={"colour": "x"})


def test_batch_goes_on_past_bad_items_and_counts_them(tmp_path, corpus_dir) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "good.txt").write_text("A good speech.", encoding="utf-8")
    (inputs / "empty.txt").write_text("", encoding="utf-8")
    (inputs / "bad.jsonl").write_text('{"text": "fine"}\n{broken\n{"text": "also fine"}\n', encoding="utf-8")
    with open_corpus(corpus_dir, create=True) as corpus:
        report = corpus.collect_files([inputs])
        failures = corpus.failures()
        assert corpus.count_documents() == 3
    assert (report.collected, report.skipped, report.failed) == (3, 1, 1)
    assert failures["line"].tolist() == [2]
    assert "malformed JSON line" in failures["reason"].iloc[0]


def test_changed_file_is_updated_not_duplicated(tmp_path, corpus_dir) -> None:
    path = tmp_path / "speech.txt"
    path.write_text(SPEECH, encoding="utf-8")
    with open_corpus(corpus_dir, create=True) as corpus:
        assert corpus.collect_files([path]).collected == 1
        path.write_text(SPEECH + "\nA new closing line.\n", encoding="utf-8")
        report = corpus.collect_files([path])
        assert (report.collected, report.updated) == (0, 1)
        assert corpus.count_documents() == 1
        assert corpus.documents()["text"].iloc[0].endswith("A new closing line.")


# ---------------------------------------------------------------------------------- scraped pages

FURNITURE = ("top of page", "bottom of page", "Writer's picture", "Updated:")


def test_seed_blog_post_saved_as_text_loses_its_furniture(tmp_path) -> None:
    seed = shared_data("seed", "trust-to-try-things-out.txt")
    [doc] = _outcomes([seed], kind="blog", publisher="Mutual Ventures")
    assert doc.title == ("Giving local leaders the ‘trust to try things out’ – why the government is "
                         "right to back")
    assert doc.speaker == "Andrew Laird"
    # The page shows only when it was last updated (2021); the post is from 2015: no date is guessed.
    assert doc.date is None
    assert doc.meta["updated"] == "2021-04-06"
    for furniture in FURNITURE:
        assert furniture not in doc.text
    assert doc.text.startswith("Giving local leaders the ‘trust to try things out’ – why the government "
                               "is right to back\n\nThe General Election already feels like a distant memory.")
    assert doc.text.endswith("shaping our twenty-first century services.")
    assert doc.text.count("\n\n") == 10  # the title and the ten paragraphs, one block each


def test_scraped_text_with_a_published_date_and_the_name_on_its_own_line(tmp_path) -> None:
    path = tmp_path / "post.txt"
    path.write_text("Skip to content\nMenu\n\nWriter's picture\nPriya Calder\n\n"
                    "Why small pilots beat grand plans\n\nPublished: 3 June 2015\n4 min read\n\n"
                    "Councils that tried things early improved fastest.\nThe rest waited for Whitehall.\n\n"
                    "Share this post\n", encoding="utf-8")
    [doc] = _outcomes([path])
    assert (doc.title, doc.speaker, doc.date) == ("Why small pilots beat grand plans", "Priya Calder", "2015-06-03")
    assert "updated" not in doc.meta
    assert doc.text == ("Why small pilots beat grand plans\n\nCouncils that tried things early improved fastest.\n"
                        "The rest waited for Whitehall.")


def test_plain_text_that_is_not_a_scraped_page_is_kept_as_it_is(tmp_path) -> None:
    path = tmp_path / "speech.txt"
    path.write_text(SPEECH + "\nWe will publish the figures. Share them widely.\n", encoding="utf-8")
    [doc] = _outcomes([path])
    assert doc.title == "Speech to the Local Government Association" and doc.speaker is None
    assert doc.text.endswith("Share them widely.")


def test_scraped_text_of_furniture_only_is_skipped(tmp_path) -> None:
    path = tmp_path / "empty-page.txt"
    path.write_text("top of page\n\nShare this post\n\nbottom of page\n", encoding="utf-8")
    [outcome] = _outcomes([path])
    assert isinstance(outcome, Skipped) and outcome.reason == "the file has no text besides page furniture"


def test_saved_html_page_gets_the_web_collectors_metadata(tmp_path) -> None:
    paragraph = ("Councils that tried things early and dropped what failed improved fastest, while the "
                 "rest waited for Whitehall to design a perfect model that never came.")
    path = tmp_path / "post.html"
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Small pilots | Civic Lab</title>"
        "<link rel='canonical' href='https://civic.example.org/post/small-pilots'>"
        "<meta property='og:site_name' content='Civic Lab'>"
        "<meta property='article:modified_time' content='2022-03-14T10:00:00Z'></head><body>"
        "<div>top of page</div><nav><a href='/'>Home</a></nav><article><h1>Why small pilots beat grand plans</h1>"
        "<div><img alt=\"Writer's picture\"><span>Priya Calder</span></div>"
        "<p>Updated: Mar 14, 2022</p><p>3 min read</p>"
        f"<p>{paragraph}</p><p>{paragraph} A second time, for length.</p><p>Share this post</p>"
        "</article><div>bottom of page</div></body></html>", encoding="utf-8")
    [doc] = _outcomes([path])
    assert doc.title == "Why small pilots beat grand plans"
    assert doc.speaker == "Priya Calder"
    assert doc.date is None  # only an updated date on the page
    assert doc.meta["updated"] == "2022-03-14"
    assert doc.meta["canonical_url"] == doc.url == "https://civic.example.org/post/small-pilots"
    assert doc.publisher == "Civic Lab"
    for furniture in FURNITURE + ("min read", "Share this post", "Home"):
        assert furniture not in doc.text
    assert doc.text.startswith("Why small pilots beat grand plans\n\nCouncils that tried things early")
