"""The files collector: every format, field mappings, and every kind of bad input."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers import shared_data
from policytext import open_corpus
from policytext.collect.files import FileOptions, iter_files, markdown_to_text, parse_field_mapping
from policytext.collect.base import Notice, Skipped
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
    outcomes = _outcomes([jsonl], fields=parse_field_mapping(["text=body", "speaker=who", "date=when"]), country="GB",
                         date_order="dmy")
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


# ------------------------------------------------------------- one bad item never loses the batch


def _documents(outcomes) -> list[Document]:
    return [o for o in outcomes if isinstance(o, Document)]


def _failures(outcomes) -> list[tuple[int | None, str]]:
    return [(o.line, o.reason) for o in outcomes if isinstance(o, BadInput)]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"text": "a", "organisations": 5}',
         "organisations ('organisations') holds a number (5), not text or a list of texts; map another "
         "key with --field organisations=KEY, or ignore it with --field organisations="),
        ('{"text": "a", "speaker": 5}', "speaker ('speaker') holds a number (5), not text or a list of texts"),
        ('{"text": "a", "speaker": ["Ann", 5]}', "speaker ('speaker') holds a list of other things than texts"),
        ('{"text": "a", "title": {"en": "T"}}', "title ('title') holds an object, not text"),
        ('{"text": "a", "party": true}', "party ('party') holds a boolean (true), not text"),
        ('{"text": "a", "date": [2010]}', "date ('date') holds a list of other things than texts, not text or a number"),
        ('{"text": "a\\ud800"}', "cannot read the JSON line: a lone surrogate (\\ud800) in 'text', which is not "
                                 "text and cannot be stored as UTF-8; fix the file"),
        ('{"text": "a", "meta": {"k": "\\udfff"}}', "cannot read the JSON line: a lone surrogate (\\udfff) in 'meta'"),
        ('{"text": "a", "x": ' + "[" * 200_000 + "]" * 200_000 + "}",
         "cannot read the JSON line: nested too deeply to read (over about 1,000 levels)"),
        ('{"text": "a", "x": ' + "[" * 150 + "]" * 150 + "}", "cannot read the JSON line: nested deeper than 100 levels"),
        ('{"text": "a", "score": Infinity}', "cannot read the JSON line: Infinity is not a JSON number; write a number or null"),
        ('{"text": "a", "score": -1e999}', "cannot read the JSON line: -1e999 is not a JSON number"),
    ],
)
def test_a_bad_record_fails_alone_and_the_rest_of_the_file_is_collected(tmp_path, line, reason) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text('{"text": "Before."}\n' + line + '\n{"text": "After."}\n', encoding="utf-8")
    outcomes = _outcomes([path])
    assert [d.text for d in _documents(outcomes)] == ["Before.", "After."]
    [(got_line, got_reason)] = _failures(outcomes)
    assert got_line == 2
    assert got_reason.startswith(reason)


def test_the_same_bad_values_in_a_json_array_fail_their_record_only(tmp_path) -> None:
    path = tmp_path / "items.json"
    path.write_text('[{"text": "One."}, {"text": "Two", "speaker": 5}, {"text": "\\ud800"}, {"text": "Four."}]',
                    encoding="utf-8")
    outcomes = _outcomes([path])
    assert [d.text for d in _documents(outcomes)] == ["One.", "Four."]
    assert [(o.item, o.reason[:40]) for o in outcomes if isinstance(o, BadInput)] == [
        (str(path), "record 2: speaker ('speaker') holds a nu"), (str(path), "record 3: a lone surrogate (\\ud800) in '")]


def test_a_200k_deep_json_file_fails_alone(tmp_path) -> None:
    (tmp_path / "deep.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    (tmp_path / "ok.txt").write_text("Fine.", encoding="utf-8")
    outcomes = _outcomes([tmp_path])
    assert [d.text for d in _documents(outcomes)] == ["Fine."]
    assert _failures(outcomes) == [(None, "cannot read the JSON: nested too deeply to read (over about 1,000 levels)")]


def test_surrogate_pairs_are_text_not_lone_surrogates(tmp_path) -> None:
    path = tmp_path / "emoji.jsonl"
    path.write_text('{"text": "Thumbs \\ud83d\\udc4d up.", "note": "\\ud83d\\ude00"}\n', encoding="utf-8")
    [doc] = _outcomes([path])
    assert doc.text == "Thumbs \U0001F44D up." and doc.meta["note"] == "\U0001F600"


def test_names_that_are_not_utf8_fail_alone_and_the_rest_is_collected(tmp_path, corpus_dir) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("A good speech.", encoding="utf-8")
    bytes_folder = os.fsencode(folder)
    with open(bytes_folder + b"/caf\xe9.txt", "wb") as handle:  # latin-1 é: not UTF-8
        handle.write(b"Text in a file whose name is not UTF-8.")
    os.mkdir(bytes_folder + b"/sub\xff")
    with open(bytes_folder + b"/sub\xff/inner.txt", "wb") as handle:
        handle.write(b"Inside a folder whose name is not UTF-8.")
    reason = ("the name has bytes that are not valid UTF-8, so it cannot be stored or cited; "
              "rename it (e.g. with convmv) and collect it again")
    with open_corpus(corpus_dir, create=True) as corpus:
        report = corpus.collect_files([folder, os.fsdecode(bytes_folder + b"/caf\xe9.txt")])
        assert corpus.documents()["text"].tolist() == ["A good speech."]
        stored = corpus.failures()
    assert (report.collected, report.failed) == (1, 3)
    assert [(f["item"], f["reason"]) for f in report.failures] == [
        (f"{folder}/sub\\xff", reason), (f"{folder}/caf\\xe9.txt", reason), (f"{folder}/caf\\xe9.txt", reason)]
    assert sorted(stored["item"]) == sorted(f["item"] for f in report.failures)


def test_a_lone_surrogate_never_reaches_the_store(tmp_path, corpus_dir) -> None:
    path = tmp_path / "speeches.jsonl"
    path.write_text('{"id": "1", "text": "First."}\n{"id": "2", "text": "Bad \\ud800 one."}\n'
                    '{"id": "3", "text": "Third.", "speaker": "Ann \\udc00"}\n{"id": "4", "text": "Fourth."}\n',
                    encoding="utf-8")
    with open_corpus(corpus_dir, create=True) as corpus:
        report = corpus.collect_files([path])
        assert sorted(corpus.documents()["text"]) == ["First.", "Fourth."]
        assert sorted(corpus.failures()["line"]) == [2, 3]
    assert (report.collected, report.failed) == (2, 2)


def test_nan_in_a_record_is_stored_as_null_and_the_meta_is_strict_json(tmp_path, corpus_dir) -> None:
    import sqlite3

    path = tmp_path / "scores.jsonl"
    path.write_text('{"id": "a", "text": "One.", "score": NaN, "votes": [1, NaN]}\n'
                    '{"id": "b", "text": "Two.", "score": Infinity}\n', encoding="utf-8")
    with open_corpus(corpus_dir, create=True) as corpus:
        report = corpus.collect_files([path])
        database = corpus.store.path
    assert (report.collected, report.failed) == (1, 1)
    assert report.failures[0]["reason"] == ("cannot read the JSON line: Infinity is not a JSON number; "
                                            "write a number or null")

    def refuse(constant: str) -> None:
        raise ValueError(f"not strict JSON: {constant}")

    with sqlite3.connect(database) as conn:
        [(meta,)] = conn.execute("SELECT meta FROM documents").fetchall()
    meta = json.loads(meta, parse_constant=refuse)
    assert (meta["score"], meta["votes"]) == (None, [1, None])


# ------------------------------------------------------------- regular files only, capped reads


def _in_a_limited_process(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``code`` in a child with 1 GB of address space, so a regression fails here, not the machine."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=limit, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})


def test_a_fifo_and_dev_zero_are_refused_without_blocking_or_reading(tmp_path) -> None:
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    code = ("from policytext.collect.files import iter_files\n"
            f"for outcome in iter_files([{str(fifo)!r}, '/dev/zero']):\n"
            "    print(type(outcome).__name__, outcome.reason)\n")
    result = _in_a_limited_process(code, timeout=60)  # before: blocked for ever opening the FIFO
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "BadInput not a regular file but a named pipe (FIFO); only regular files are read",
        "BadInput not a regular file but a character device; only regular files are read",
    ]


def test_a_fifo_in_a_folder_is_skipped_and_the_folder_collected(tmp_path) -> None:
    os.mkfifo(tmp_path / "x.txt")
    (tmp_path / "y.txt").write_text("A speech.", encoding="utf-8")
    code = ("from policytext.collect.files import iter_files\n"
            f"for outcome in iter_files([{str(tmp_path)!r}]):\n"
            "    print(type(outcome).__name__, getattr(outcome, 'reason', None) or outcome.text)\n")
    result = _in_a_limited_process(code, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Skipped not a regular file but a named pipe (FIFO)", "Document A speech."]


def test_the_size_cap_holds_while_reading_a_file_that_grows(tmp_path) -> None:
    path = tmp_path / "growing.jsonl"
    path.write_text('{"text": "First."}\n', encoding="utf-8")
    outcomes = iter_files([path], FileOptions(max_file_bytes=1000))
    first = next(outcomes)  # the file is open now, and was under the cap when opened
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"text": "More."}\n' * 3000)
    rest = list(outcomes)
    assert first.text == "First."
    assert 0 < len(rest) < 100  # some records up to the cap, then the failure
    assert isinstance(rest[-1], BadInput)
    assert rest[-1].reason == "more than 1,000 bytes read, over the limit (setting max_file_bytes)"


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_large_files_are_read_record_by_record_not_whole(tmp_path, suffix) -> None:
    """Reading a 10 MB file must not hold it: before, the bytes and the text were both in memory."""
    import csv as csv_module
    import tracemalloc

    text = "We will build more homes, and we will build them where people want to live. " * 140
    path = tmp_path / f"big{suffix}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        if suffix == ".csv":
            writer = csv_module.writer(handle)
            writer.writerow(["id", "text"])
            writer.writerows([str(n), text] for n in range(1000))
        else:
            handle.writelines(json.dumps({"id": str(n), "text": text}) + "\n" for n in range(1000))
    assert path.stat().st_size > 10_000_000
    tracemalloc.start()
    try:
        count = sum(isinstance(outcome, Document) for outcome in iter_files([path], FileOptions()))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 1000
    assert peak < 4_000_000, f"peak {peak:,} bytes"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "utf-8-sig"])
@pytest.mark.parametrize(("suffix", "content"), [
    (".txt", "Caf\u00e9 society\n\nA second paragraph.\n"),
    (".jsonl", '{"id": "1", "text": "Caf\u00e9 society"}\n{"id": "2", "text": "Second"}\n'),
    (".csv", "id,text\r\n1,Caf\u00e9 society\r\n2,Second\r\n"),
])
def test_encodings_with_nul_bytes_are_read_when_named(tmp_path, encoding, suffix, content) -> None:
    path = tmp_path / f"file{suffix}"
    path.write_bytes(content.encode(encoding))
    outcomes = _outcomes([path], encoding=encoding)
    assert all(isinstance(o, Document) for o in outcomes), outcomes
    assert outcomes[0].text.startswith("Caf\u00e9 society")


@pytest.mark.parametrize(("encoding", "reason"), [
    ("utf-16", "the file starts with a UTF-16 (or UTF-32) byte-order mark; pass --encoding utf-16 (or utf-32)"),
    ("utf-16-le", "a binary file, not text (if it is UTF-16 or UTF-32 text, pass --encoding utf-16 or utf-32)"),
])
def test_utf16_not_named_says_how_to_read_it(tmp_path, encoding, reason) -> None:
    path = tmp_path / "speech.txt"
    path.write_bytes("A speech.".encode(encoding))
    assert _reason(_outcomes([path])) == (reason, None)


def test_an_unknown_encoding_is_refused_before_reading() -> None:
    with pytest.raises(ConfigError, match="unknown encoding 'latin-9x'"):
        FileOptions(encoding="latin-9x")


# ------------------------------------------------------------- mixed encodings, line by line


def test_lines_are_read_as_utf8_first_then_the_encoding_given(tmp_path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("id,text\n1,\u201cQuoted\u201d in UTF-8\n".encode("utf-8")
                     + "2,It\u2019s cp1252\n3,Plain\n".encode("cp1252"))
    outcomes = _outcomes([path], encoding="cp1252")
    assert [d.text for d in _documents(outcomes)] == ["\u201cQuoted\u201d in UTF-8", "It\u2019s cp1252", "Plain"]
    [notice] = [o for o in outcomes if isinstance(o, Notice)]
    assert notice.reason == ("the file mixes encodings: 1 line(s) not valid UTF-8 were read as cp1252 (lines 3), "
                             "the others as UTF-8")

    plain = _outcomes([path])  # without an encoding named, only that record fails, with the way out
    assert [d.text for d in _documents(plain)] == ["\u201cQuoted\u201d in UTF-8", "Plain"]
    assert _failures(plain) == [(3, "bytes that are not valid utf-8 at byte 4 of line 3; pass --encoding, "
                                    "e.g. --encoding cp1252, for the lines that are not UTF-8")]


def test_r_missing_values_in_a_csv_are_read_as_missing_and_said(tmp_path) -> None:
    # R's write.csv writes NA for a missing value: the ParlEE sample's chair had the party "NA",
    # a party of its own in stats, trends and keyness
    path = tmp_path / "from-r.csv"
    path.write_text('speaker,party,country,text\n"NA","NA","NA","NA is Namibia here, and this text stays."\n'
                    'Ann Lee,Labour,GB,"A second speech."\n', encoding="utf-8")
    outcomes = _outcomes([path])
    first, second = _documents(outcomes)
    assert (first.speaker, first.party, first.country) == (None, None, "NA")
    assert first.text == "NA is Namibia here, and this text stays."
    assert (second.speaker, second.party) == ("Ann Lee", "Labour")
    [notice] = [o for o in outcomes if isinstance(o, Notice)]
    assert notice.reason == ("2 cell(s) written NA, as R writes a missing value, were read as missing "
                             "(party 1, speaker 1), not as the text 'NA'")


def test_a_file_all_in_the_named_encoding_gives_no_notice(tmp_path) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes('{"text": "Caf\u00e9"}\n{"text": "Na\u00efve"}\n'.encode("cp1252"))
    outcomes = _outcomes([path], encoding="cp1252")
    assert [d.text for d in outcomes] == ["Caf\u00e9", "Na\u00efve"]


def test_real_mixed_encoding_parlee_csv(corpus_dir) -> None:
    path = shared_data("corpora", "uk", "parlee-commons-2009-2014.csv")
    with open_corpus(corpus_dir, create=True) as corpus:
        report = corpus.collect_files([path], encoding="cp1252", country="GB", date_order="dmy")
        # 102 rows of 50 words or more repeat another row's sentence (coded again under another
        # topic): each text is stored once, the other rows' addresses recorded and said
        assert corpus.count_documents() == 5394
        texts = corpus.documents(text=True)["text"]
    assert (report.collected, report.duplicate, report.failed) == (5394, 102, 0)
    # lines end \r\r\n, so physical line n (counting each \r) is CSV row n // 2 + 1
    assert [notice.as_dict() for notice in report.notices] == [{
        "item": str(path), "line": None,
        "reason": "50 cell(s) written NA, as R writes a missing value, were read as missing (party 48, "
                  "speaker 2), not as the text 'NA'"}, {
        "item": str(path), "line": None,
        "reason": "the file mixes encodings: 7 line(s) not valid UTF-8 were read as cp1252 "
                  "(lines 91, 597, 1709, 2199, 4915, 5289, 8229), the others as UTF-8"}, {
        "item": "duplicates", "line": None,
        "reason": "102 document(s) repeat exactly the text of another under another id and were not stored "
                  "again (counted twice, they would double every count): 'policytext duplicates' lists their "
                  "addresses; collect with --allow-duplicates (allow_duplicates=True) to keep every copy"}]
    assert texts.str.contains("\u2019").sum() > 0 and not texts.str.contains("\ufffd").any()


def test_real_parlee_csv_without_an_encoding_fails_only_the_seven_lines() -> None:
    path = shared_data("corpora", "uk", "parlee-commons-2009-2014.csv")
    outcomes = _outcomes([path])
    assert len(_documents(outcomes)) == 5489
    assert [line for line, _ in _failures(outcomes)] == [91, 597, 1709, 2199, 4915, 5289, 8229]


# ------------------------------------------------------------- explicit beats detected


def test_real_manifestos_kind_option_beats_the_type_column(corpus_dir) -> None:
    path = shared_data("corpora", "uk", "manifestos-1945-2005.jsonl")
    with open_corpus(corpus_dir, create=True) as corpus:
        report = corpus.collect_files([path], kind="manifesto", country="GB")
        kinds = corpus.documents(text=False)["kind"].value_counts().to_dict()
    # 101 rows, but the 1959 Labour row's text is the 1959 Conservative manifesto's, word for word:
    # stored once, the row listed by 'policytext duplicates'
    assert (report.collected, report.duplicate) == (100, 1)
    assert kinds == {"manifesto": 100}


def test_real_manifestos_type_column_mapped_or_ignored() -> None:
    path = shared_data("corpora", "uk", "manifestos-1945-2005.jsonl")
    detected = _outcomes([path])
    assert sorted({d.kind for d in detected}) == ["natl", "regl"]
    ignored = _outcomes([path], fields=parse_field_mapping(["kind="]))
    assert {d.kind for d in ignored} == {None}
    assert ignored[0].meta["Type"] == "natl"  # kept as metadata, not used as the kind
    mapped = _outcomes([path], fields=parse_field_mapping(["kind=Language"]))
    assert {d.kind for d in mapped} == {"en"}


def test_country_option_beats_a_country_column(tmp_path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"text": "A speech.", "country": "US"}\n', encoding="utf-8")
    [doc] = _outcomes([path], country="GB")
    assert doc.country == "GB"


def test_an_option_and_a_mapping_for_the_same_field_are_refused() -> None:
    with pytest.raises(ConfigError, match=r"kind is given twice: kind='manifesto' for every document and "
                                          r"the column 'Type' \(--field kind=Type\); give one of them"):
        FileOptions(kind="manifesto", fields={"kind": "Type"})
    with pytest.raises(ConfigError, match="the text field cannot be ignored"):
        FileOptions(fields=parse_field_mapping(["text="]))


def test_field_mapped_to_nothing_is_accepted_and_ignores_the_column() -> None:
    assert parse_field_mapping(["kind=", "speaker = who "]) == {"kind": "", "speaker": "who"}


def test_a_mapped_column_missing_from_the_csv_header_fails_the_file(tmp_path) -> None:
    path = tmp_path / "speeches.csv"
    path.write_text("body,who\nA speech.,Ann\n", encoding="utf-8")
    outcomes = _outcomes([path], fields=parse_field_mapping(["text=body", "speaker=speaker_name"]))
    assert _failures(outcomes) == [(1, "no column 'speaker_name' (--field speaker=speaker_name); "
                                       "the columns are: body, who")]


def test_collect_files_command_takes_kind_and_an_empty_field(tmp_path, capsys) -> None:
    from policytext.cli import main

    path = shared_data("corpora", "uk", "manifestos-1945-2005.jsonl")
    corpus = str(tmp_path / "corpus")
    code = main(["--corpus", corpus, "--quiet", "collect", "files", str(path), "--kind", "manifesto",
                 "-f", "date=", "--country", "GB"])
    assert code == 0, capsys.readouterr().err
    with open_corpus(corpus) as opened:
        frame = opened.documents(text=False)
    assert frame["kind"].tolist() == ["manifesto"] * 100  # and the 1959 Labour row, a copy, held back
    assert frame["date"].isna().all()  # -f date= : the Year column is ignored


def test_a_date_that_is_no_date_or_could_be_read_either_way_is_noted_per_row(tmp_path, corpus_dir) -> None:
    path = tmp_path / "speeches.csv"
    path.write_text("title,text,date\nLeap,A.,2024-02-30\nRange,B.,1999..2001\nSwap,C.,02/03/2020\n"
                    "Same,E.,03/03/2020\n", encoding="utf-8")
    with open_corpus(corpus_dir, create=True) as corpus:
        report = corpus.collect_files([path])
        dates = dict(zip(corpus.documents()["title"], corpus.documents()["date"]))
    assert report.collected == 4
    assert [(n.line, n.reason) for n in report.notices] == [
        (2, "date '2024-02-30' is not a date: stored without a date"),
        (3, "date '1999..2001' is not a date: stored without a date"),
        (4, "date '02/03/2020' is ambiguous: read day first as 2020-03-02 (pass --date-order dmy to confirm "
            "or mdy to read month first)"),
    ]
    assert all(n.item == str(path) for n in report.notices)
    assert report.summary().endswith("0 failed, 3 noted")
    assert dates["Swap"] == "2020-03-02" and not isinstance(dates["Leap"], str)


def test_ambiguous_dates_are_noted_once_when_the_file_shows_day_first(tmp_path) -> None:
    path = tmp_path / "speeches.csv"
    path.write_text("text,date\nA.,02/03/2020\nB.,13/03/2020\nC.,04/05/2020\n", encoding="utf-8")
    outcomes = _outcomes([path])
    assert [d.date for d in _documents(outcomes)] == ["2020-03-02", "2020-03-13", "2020-05-04"]
    assert [(n.line, n.reason) for n in outcomes if isinstance(n, Notice)] == [
        (None, "2 date(s) could be read either way (the first '02/03/2020' at line 2): read day first, as "
               "'13/03/2020' at line 3 shows the file writes them; pass --date-order dmy to confirm")]


def test_a_chosen_date_order_is_not_noted_as_ambiguous(tmp_path) -> None:
    path = tmp_path / "speeches.jsonl"
    path.write_text('{"text": "Swap.", "date": "02/03/2020"}\n', encoding="utf-8")
    for order, date in (("dmy", "2020-03-02"), ("mdy", "2020-02-03")):
        [doc] = _outcomes([path], date_order=order)
        assert doc.date == date


@pytest.mark.parametrize("order", [None, "dmy", "mdy"])
def test_a_date_written_year_first_is_year_month_day_whatever_the_order(tmp_path, order) -> None:
    # "2010/04/03" and "2010-4-3" were read day first (2010-03-04) and "2010-13-01" became
    # 2010-01-13: a year written first is always followed by the month.
    path = tmp_path / "speeches.csv"
    path.write_text("text,date\nA.,2010/04/03\nB.,2010-4-3\nC.,2010.04.03\nD.,2010-13-01\n"
                    "E.,2010/04/03 10:30\nF.,2010-13-01T10:00\n", encoding="utf-8")
    outcomes = _outcomes([path], date_order=order)
    assert [d.date for d in _documents(outcomes)] == ["2010-04-03"] * 3 + [None, "2010-04-03", None]
    assert [(n.line, n.reason) for n in outcomes if isinstance(n, Notice)] == [
        (5, "date '2010-13-01' is not a date: stored without a date"),
        (7, "date '2010-13-01T10:00' is not a date: stored without a date")]


def test_a_json_array_notes_which_record_has_the_bad_date(tmp_path) -> None:
    path = tmp_path / "speeches.json"
    path.write_text('[{"text": "One.", "date": "2020-01-01"}, {"text": "Two.", "date": "soon"}]', encoding="utf-8")
    notices = [o for o in _outcomes([path]) if isinstance(o, Notice)]
    assert [n.reason for n in notices] == ["record 2: date 'soon' is not a date: stored without a date"]


@pytest.mark.parametrize("size", [0, -1])
def test_a_non_positive_file_size_cap_is_refused(size) -> None:
    with pytest.raises(ConfigError, match="positive number of bytes"):
        FileOptions(max_file_bytes=size)


def test_the_same_text_under_two_ids_is_stored_once_and_said(tmp_path, capsys) -> None:
    # The seed post collected as two files was kept twice without a note, and every count doubled.
    from helpers import run_cli
    from policytext.analyse.trends import theme_trends

    text = shared_data("seed", "trust-to-try-things-out.txt").read_text(encoding="utf-8")
    (tmp_path / "in").mkdir()
    for name in ("post.txt", "post-copy.txt"):
        (tmp_path / "in" / name).write_text(text, encoding="utf-8")
    folder = tmp_path / "corpus"
    code, out, err = run_cli(capsys, "--corpus", str(folder), "collect", "files", str(tmp_path / "in"), "--country", "GB")
    assert code == 0
    assert "1 collected" in out + err and "1 duplicate" in out + err
    assert "repeat exactly the text of another under another id and were not stored again" in out + err
    with open_corpus(folder) as corpus:
        assert corpus.count_documents() == 1
    code, out, _ = run_cli(capsys, "--corpus", str(folder), "duplicates", "--format", "json")
    assert code == 0 and [row["method"] for row in json.loads(out)] == ["exact"]
    # collecting again changes nothing: the kept copy is unchanged, the other still a location
    with open_corpus(folder) as corpus:
        again = corpus.collect_files([tmp_path / "in"], country="GB")
        assert (again.collected, again.unchanged, again.duplicate, corpus.count_documents()) == (0, 1, 1, 1)

    # kept on purpose, both are stored, and trends count the text once, saying so
    kept = tmp_path / "kept"
    with open_corpus(kept, create=True) as corpus:
        report = corpus.collect_files([tmp_path / "in"], country="GB", allow_duplicates=True)
        assert (report.collected, report.duplicate, corpus.count_documents()) == (2, 0, 2)
        assert any("were kept (--allow-duplicates)" in n.reason for n in report.notices)
        with pytest.warns(UserWarning, match="1 selected document\\(s\\) repeat exactly the text"):
            trends = theme_trends(corpus, ["trust"], by="kind", include_unlabelled=True)
    assert int(trends["documents"].sum()) == 1


def test_an_unknown_country_option_is_refused_with_the_known_codes(tmp_path, capsys) -> None:
    # --country XX was taken silently: every document got country 'XX' and no government.
    from helpers import run_cli

    path = tmp_path / "speech.txt"
    path.write_text(SPEECH, encoding="utf-8")
    folder = tmp_path / "corpus"
    code, out, err = run_cli(capsys, "--corpus", str(folder), "collect", "files", str(path), "--country", "XX")
    assert code != 0
    assert "unknown country 'XX'" in err and "GB, US" in err and "timelines" in err
    code, out, err = run_cli(capsys, "--corpus", str(folder), "collect", "files", str(path), "--country", "GR")
    assert code != 0 and "did you mean GB?" in err
    with open_corpus(folder, create=True) as corpus:
        assert corpus.count_documents() == 0
        corpus.collect_files([path], country="uk")  # an alias of a known code is fine
        assert corpus.documents()["country"].tolist() == ["GB"]


def test_a_file_whose_dates_contradict_each_other_says_so(tmp_path) -> None:
    # 13/06/2021 proves day first and 06/13/2021 month first; the note cited only the first
    path = tmp_path / "mixed.csv"
    path.write_text("text,date\nA.,03/04/2020\nB.,13/06/2021\nC.,06/13/2021\n", encoding="utf-8")
    outcomes = _outcomes([path])
    assert [d.date for d in _documents(outcomes)] == ["2020-04-03", "2021-06-13", None]
    notes = [(n.line, n.reason) for n in outcomes if isinstance(n, Notice)]
    assert (4, "date '06/13/2021' is not a date: stored without a date") in notes
    assert (None, "the file writes dates both ways: '13/06/2021' at line 3 can only be day first, "
                  "'06/13/2021' at line 4 only month first; the rule used was day first (no --date-order "
                  "given), so the month-first dates are stored without a date; 1 date(s) that could be "
                  "read either way (the first '03/04/2020' at line 2) were read day first and may be "
                  "wrong; check the file, or pass --date-order dmy or mdy") in notes
    assert not any("shows the file writes them" in reason for _, reason in notes)
    # month-first evidence alone says which option reads it
    path.write_text("text,date\nA.,03/04/2020\nC.,06/13/2021\n", encoding="utf-8")
    notes = [n.reason for n in _outcomes([path]) if isinstance(n, Notice) and n.line is None]
    assert notes == ["'06/13/2021' at line 3 can only be read month first, but the rule used was day first "
                     "(no --date-order given), so it is stored without a date; 1 date(s) that could be read "
                     "either way (the first '03/04/2020' at line 2) were read day first and may be wrong; "
                     "pass --date-order mdy if the file writes dates month first"]


def test_a_rows_unknown_country_skips_that_row_with_the_reason(tmp_path) -> None:
    # a country column's 'XX' was stored as typed: the row got no government, silently
    path = tmp_path / "rows.csv"
    path.write_text("text,country,date\n"
                    "\"We will trust the people and build homes for all.\",US,2020-01-01\n"
                    "\"Trust in the health service has grown across the country.\",XX,2020-02-01\n"
                    "\"Another speech about the economy and jobs for everyone.\",UK,2020-03-01\n", encoding="utf-8")
    with open_corpus(tmp_path / "corpus", create=True) as corpus:
        report = corpus.collect_files([path])
        documents = corpus.documents()
    assert (report.collected, report.skipped, report.failed) == (2, 1, 0)
    assert sorted(documents["country"]) == ["GB", "US"] and documents["government"].notna().all()
    (skipped,) = report.skips
    assert skipped.line == 3 and skipped.reason.startswith("unknown country 'XX': known codes are GB, US")


def test_a_language_column_is_the_documents_language_and_r_missing_leaves_the_default(tmp_path) -> None:
    """A CSV's language column was kept only in meta, and every document stored as 'en', so a translated
    item ("ar") was parsed as English by annotate and counted in English theme rates."""
    import csv

    from policytext.corpus import open_corpus

    path = tmp_path / "speeches.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "date", "speaker", "language", "text"])
        writer.writerow(["a", "2020-01-02", "Ann Lee", "ar", "هذه أول زيارة لي للأمم المتحدة كوزير للخارجية."])
        writer.writerow(["b", "2020-01-03", "Ann Lee", "en-GB", "We will cut waiting lists next year."])
        writer.writerow(["c", "2020-01-04", "Ann Lee", "NA", "The plan is working."])
        writer.writerow(["d", "2020-01-05", "Ann Lee", "", "Trust matters."])
    with open_corpus(tmp_path / "corpus", create=True) as corpus:
        assert corpus.collect_files([path], country="GB").ok
        stored = dict(corpus.store.conn.execute("SELECT json_extract(meta, '$.id'), language FROM documents"))
    # an empty or R-missing ('NA', which would read as Nauruan) cell keeps the collector's default
    assert stored == {"a": "ar", "b": "en-GB", "c": "en", "d": "en"}


# ---------------------------------------------------------------------------------- saved GOV.UK items


def test_a_saved_govuk_content_item_is_the_document_collect_govuk_stores(tmp_path, corpus_dir) -> None:
    """Its text is HTML under details.body, which no --field mapping names: before, every saved item
    failed with 'no text field'. Read as the GOV.UK collector reads it, it is that collector's document
    (the same id, so collecting it from the site later updates it), and the run says so."""
    from policytext.collect.govuk import parse_content_item

    source = shared_data("govuk", "speech", "speech.json")
    item = json.loads(source.read_text(encoding="utf-8"))
    path = tmp_path / "saved.json"
    path.write_text(json.dumps([item, {**item, "details": {**item["details"], "body": ""}}]), encoding="utf-8")
    outcomes = list(iter_files([path]))
    documents = [o for o in outcomes if isinstance(o, Document)]
    assert len(documents) == 1
    expected = parse_content_item(item)
    assert (documents[0].id, documents[0].source, documents[0].speaker, documents[0].text) == (
        expected.id, "govuk", "Andrea Leadsom", expected.text)
    [failed] = [o for o in outcomes if isinstance(o, BadInput)]
    assert "record 2: a GOV.UK content item, but the item has no body text" in failed.reason
    assert any(isinstance(o, Notice) and "read as a GOV.UK Content API item" in o.reason for o in outcomes)
    with open_corpus(corpus_dir, create=True) as corpus:
        assert corpus.collect_files([source]).collected == 1
        assert corpus.collect_files([source]).unchanged == 1
        stored = corpus.documents()
    assert stored["source"].tolist() == ["govuk"] and stored["government"].iloc[0]
    # a mapping of the text names the field to read: the item is then read as any record
    mapped = list(iter_files([source], FileOptions(fields={"text": "description"})))
    assert [o.source for o in mapped if isinstance(o, Document)] == ["files"]
    refused = list(iter_files([source], FileOptions(country="FR")))
    assert [o.reason for o in refused if isinstance(o, BadInput)] == [
        "a GOV.UK content item is from GB, not --country FR"]
