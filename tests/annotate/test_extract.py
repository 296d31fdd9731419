import io

import pytest

from policytext.annotate.document import DocumentAnnotation
from policytext.annotate.extract import TextItem, annotation_rows, read_text_items
from policytext.errors import BadInput, ConfigError


@pytest.mark.parametrize("data, expected", [
    ("Plain text, one document.\n\nTwo paragraphs.", [("in.txt", "Plain text, one document.\n\nTwo paragraphs.")]),
    ('{"id": "a", "text": "One."}\n\n{"id": 7, "text": "Two."}\n', [("a", "One."), (7, "Two.")]),
    ('{"text": "No id: the line number is the id."}\n', [(1, "No id: the line number is the id.")]),
])
def test_read_text_items(data, expected):
    items = list(read_text_items(io.StringIO(data), name="in.txt"))
    assert [(i.id, i.text) for i in items] == expected


@pytest.mark.parametrize("line, reason", [
    ("{not json", "not valid JSON"),
    ('{"id": "a"}', "needs a JSON object with a string field 'text'"),
    ('{"id": "a", "text": 5}', "needs a JSON object with a string field 'text'"),
])
def test_bad_lines_are_reported_with_their_number_and_the_rest_goes_on(line, reason):
    data = '{"id": "ok", "text": "Fine."}\n' + line + "\n"
    items = list(read_text_items(io.StringIO(data), name="in.jsonl"))
    assert isinstance(items[0], TextItem)
    assert isinstance(items[1], BadInput) and items[1].line == 2 and reason in str(items[1])


def test_annotation_rows_refuses_an_unknown_kind():
    with pytest.raises(ConfigError, match="quotes, claims or entities, not 'verbs'"):
        annotation_rows("a", DocumentAnnotation("a"), "verbs")


@pytest.mark.parametrize("line, reason", [
    ('{"id": "a", "text": "Hi.", "speaker": 5}', "'speaker' must be a string (or left out), not int"),
    ('{"id": "a", "text": "Hi.", "kind": ["speech"]}', "'kind' must be a string (or left out), not list"),
    ('{"id": ["a"], "text": "Hi."}', "'id' must be a string or a number, not list"),
    ('{"id": true, "text": "Hi."}', "'id' must be a string or a number, not bool"),
    ('{"id": "a", "text": "Hi \\ud800"}', "cannot read the line: a lone surrogate (\\ud800) in 'text'"),
    ('{"id": "a", "text": "Hi.", "x": ' + "[" * 200_000 + "]" * 200_000 + "}",
     "cannot read the line: nested too deeply to read (over about 1,000 levels)"),
    ('{"id": "a", "text": "Hi.", "x": Infinity}', "cannot read the line: Infinity is not a JSON number"),
])
def test_a_line_of_the_wrong_type_fails_alone(line, reason):
    data = '{"id": "ok", "text": "Fine."}\n' + line + '\n{"id": "after", "text": "Also fine."}\n'
    items = list(read_text_items(io.StringIO(data), name="in.jsonl"))
    assert [i.id for i in items if isinstance(i, TextItem)] == ["ok", "after"]
    [bad] = [i for i in items if isinstance(i, BadInput)]
    assert bad.line == 2 and bad.reason.startswith(reason)


def test_nan_is_read_as_null_so_the_output_stays_json():
    [item] = read_text_items(io.StringIO('{"id": NaN, "text": "Hi."}\n'))
    assert item.id is None


def test_bytes_that_are_not_utf8_fail_their_line_only():
    raw = b'{"id": "a", "text": "Fine."}\n{"id": "b", "text": "caf\xe9"}\n{"id": "c", "text": "Also fine."}\n'
    handle = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", errors="surrogateescape")
    items = list(read_text_items(handle, name="in.jsonl"))
    assert [i.id for i in items if isinstance(i, TextItem)] == ["a", "c"]
    assert str(items[1]) == "in.jsonl:2: bytes that are not valid UTF-8 (or a lone surrogate) in the line"


def test_lines_are_read_one_at_a_time():
    """The items come as the lines are read: an endless input still gives its first item."""
    def endless():
        number = 0
        while True:
            number += 1
            yield f'{{"id": {number}, "text": "Line {number}."}}\n'

    class Endless(io.TextIOBase):
        def __init__(self):
            self._lines = endless()

        def readline(self, size=-1):
            return next(self._lines)

    items = read_text_items(Endless())
    assert [next(items).id for _ in range(3)] == [1, 2, 3]


def test_max_chars_bounds_a_plain_text_and_each_line():
    [bad] = read_text_items(io.StringIO("x" * 101), name="big.txt", max_chars=100)
    assert str(bad) == "big.txt: the text is longer than 100 characters (setting max_file_bytes)"
    data = '{"id": "a", "text": "' + "y" * 200 + '"}\n{"id": "b", "text": "Short."}\n'
    items = list(read_text_items(io.StringIO(data), name="in.jsonl", max_chars=100))
    assert str(items[0]) == "in.jsonl:1: the line is longer than 100 characters (setting max_file_bytes)"
    assert items[1] == TextItem("b", "Short.")


def test_nul_bytes_are_binary_not_text():
    [bad] = read_text_items(io.StringIO("\x00" * 10), name="stdin")
    assert str(bad) == "stdin: a binary input (it holds NUL bytes), not text"


def test_zeros_on_stdin_are_bounded():
    zeros = open("/dev/zero", "rb", buffering=0)
    with io.TextIOWrapper(zeros, encoding="utf-8", errors="surrogateescape") as handle:
        [bad] = read_text_items(handle, name="stdin", max_chars=1_000_000)
    assert bad.reason == "the text is longer than 1,000,000 characters (setting max_file_bytes)"


@pytest.mark.parametrize("source, kind", [("fifo", "a named pipe (FIFO)"), ("/dev/zero", "a character device")])
def test_extract_refuses_a_fifo_or_a_device_without_blocking(tmp_path, capsys, source, kind):
    import os
    import threading

    from policytext.cli import main

    if source == "fifo":
        source = str(tmp_path / "in.txt")
        os.mkfifo(source)
    result = {}
    # a thread, so that a regression (opening the FIFO blocks) fails the test rather than hanging it
    worker = threading.Thread(target=lambda: result.setdefault("code", main(["extract", "quotes", source])),
                              daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "extract blocked on a special file"
    assert result["code"] == 1
    err = capsys.readouterr().err
    assert err == (f"Error: cannot read {source}: not a regular file but {kind}; only regular files are read. "
                   "Give a UTF-8 text or JSON Lines file, or - for stdin.\n")


def test_extract_command_goes_on_past_bad_lines(tmp_path, capsys):
    import json

    from policytext.cli import main

    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"id": "a", "text": "Ann Lee spoke in Leeds."}\n'
                       b'{"id": "b", "text": "Bob Hall spoke.", "speaker": 5}\n'
                       b'{"id": "c", "text": "Lone \\ud800 surrogate."}\n'
                       b'{"id": "d", "text": "caf\xe9 in cp1252"}\n'
                       b'{"id": "e", "text": "Cara Moss spoke in York."}\n')
    code = main(["extract", "entities", str(source)])
    out, err = capsys.readouterr()
    assert code == 1
    assert sorted({json.loads(row)["id"] for row in out.splitlines()}) == ["a", "e"]
    assert [line.split(": ", 1)[0] for line in err.splitlines() if line.startswith("skipped")] == [
        f"skipped {source}:2", f"skipped {source}:3", f"skipped {source}:4"]
    assert "3 input line(s) skipped" in err


def test_a_text_in_another_language_gets_no_rows_and_a_note(tmp_path, capsys):
    """An Arabic text read by the English pipeline gave 'entities' and 'claims' of noise, as if they
    were findings; annotate keeps only the sentences of such a document, and extract now says so."""
    import json

    from helpers import shared_data
    from policytext.cli import main
    from policytext.collect.govuk import parse_content_item

    arabic = parse_content_item(json.loads(
        shared_data("govuk", "speech", "speech-translated.json").read_text(encoding="utf-8")))
    assert arabic.language == "ar"
    source = tmp_path / "in.jsonl"
    lines = [{"id": "ar", "text": arabic.text, "language": "ar"},
             {"id": "en", "text": "Ann Lee spoke in Leeds. Taxes rose by 5% in 2019.", "language": "en-GB"},
             {"id": "bad", "text": "x", "language": 7},
             {"id": "name", "text": "Ann Lee spoke in Leeds.", "language": "German"}]
    source.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    for what in ("entities", "claims"):
        code = main(["extract", what, str(source)])
        out, err = capsys.readouterr()
        assert code == 1  # the bad line
        assert {json.loads(row)["id"] for row in out.splitlines()} == {"en"}, what
        assert f"note: ar: in 'ar', not the pipeline's 'en', so no {what}" in err
        assert "'language' must be a string" in err
        # a name is no code: refused, not read as the pipeline's language as annotate reads a stored one
        assert "'language' must be a code such as 'en', 'ar' or 'en-GB', not 'German'" in err
