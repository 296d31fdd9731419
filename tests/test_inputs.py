"""Reading local input safely: regular files only, reads capped, JSON values SQLite can store."""
from __future__ import annotations

import json
import os

import pytest

from policytext.errors import BadInput
from policytext.inputs import cap_stream, json_value_problem, load_json, open_regular_file, printable_path


def test_open_regular_file_reads_a_file(tmp_path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"some text")
    with open_regular_file(path, max_bytes=100) as handle:
        assert handle.read() == b"some text"


@pytest.mark.parametrize(("make", "reason"), [
    (lambda p: os.mkfifo(p), "not a regular file but a named pipe (FIFO); only regular files are read"),
    (lambda p: p.mkdir(), "not a regular file but a folder; only regular files are read"),
    (lambda p: None, "cannot read the file: No such file or directory"),
    (lambda p: p.write_bytes(b"x" * 101), "the file is 101 bytes, over the limit of 100 (setting max_file_bytes)"),
])
def test_open_regular_file_refuses(tmp_path, make, reason) -> None:
    path = tmp_path / "x.txt"
    make(path)
    with pytest.raises(BadInput) as caught:
        open_regular_file(path, max_bytes=100)
    assert (caught.value.item, caught.value.reason) == (str(path), reason)


def test_dev_zero_is_refused_and_a_capped_stream_stops_reading() -> None:
    with pytest.raises(BadInput, match="not a regular file but a character device"):
        open_regular_file("/dev/zero", max_bytes=100)
    with open("/dev/zero", "rb", buffering=0) as zeros:
        stream = cap_stream(zeros, max_bytes=1_000_000, where="stdin", buffer_size=65536)
        with pytest.raises(BadInput, match=r"^stdin: more than 1,000,000 bytes read, over the limit"):
            stream.read()


@pytest.mark.parametrize(("text", "value"), [
    ('{"a": NaN}', {"a": None}),
    ('[1.5, -0.0, 1e308]', [1.5, -0.0, 1e308]),
    ('"\\ud83d\\ude00"', "\U0001F600"),
    ("[" * 100 + "]" * 100, json.loads("[" * 100 + "]" * 100)),
])
def test_load_json_keeps_what_strict_json_can_hold(text, value) -> None:
    assert load_json(text) == value
    json.dumps(load_json(text), allow_nan=False).encode("utf-8")  # storable as it is


@pytest.mark.parametrize(("text", "reason"), [
    ('{"a": Infinity}', "Infinity is not a JSON number; write a number or null"),
    ('[-Infinity]', "-Infinity is not a JSON number; write a number or null"),
    ('[2e308]', "2e308 is not a JSON number; write a number or null"),
    ('{"a": "\\ud800"}', "a lone surrogate (\\ud800) in 'a', which is not text and cannot be stored as UTF-8; fix the file"),
    ('{"\\udc00": 1}', "a key holds a lone surrogate, which cannot be stored as UTF-8; fix the file"),
    ("[" * 102 + "]" * 102, "nested deeper than 100 levels"),
    ("[" * 200_000 + "]" * 200_000, "nested too deeply to read (over about 1,000 levels)"),
])
def test_load_json_refuses_what_cannot_be_stored(text, reason) -> None:
    with pytest.raises(ValueError) as caught:
        load_json(text)
    assert str(caught.value) == reason


def test_json_value_problem_is_none_for_plain_values() -> None:
    assert json_value_problem({"a": [1, "b", {"c": None}]}) is None


def test_printable_path_shows_undecodable_bytes() -> None:
    assert printable_path(os.fsdecode(b"/tmp/caf\xe9.txt")) == "/tmp/caf\\xe9.txt"
    printable_path(os.fsdecode(b"/tmp/caf\xe9.txt")).encode("utf-8")  # storable
