"""Read local input safely: regular files only, capped while read, decoded line by line, and
JSON values SQLite can store.

Shared by ``collect files`` and ``extract``. Nothing here blocks on a named pipe, reads a device
until memory runs out, or lets a value through that would fail later, far from its line: a lone
surrogate (it cannot be encoded as UTF-8), a ``NaN``/``Infinity`` (not JSON), or a value nested so
deeply that Python cannot serialise it again. Lines are decoded UTF-8 first, then in the encoding
given, so a file that mixes the two is read whole.
"""
from __future__ import annotations

import codecs
import io
import json
import math
import os
import re
import stat
from typing import IO, Any, BinaryIO, Iterator

from policytext.errors import BadInput

# Deeper JSON than this is refused: real records nest a few levels, and Python's own JSON
# encoder and decoder stop at about 1,000 (RecursionError), which would strike while storing.
MAX_JSON_DEPTH = 100

_SURROGATE = re.compile("[\ud800-\udfff]")

_FILE_TYPES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def describe_file_type(mode: int) -> str:
    """Name the type of file of a ``st_mode``: ``"a regular file"``, ``"a named pipe (FIFO)"``…"""
    if stat.S_ISREG(mode):
        return "a regular file"
    return next((name for test, name in _FILE_TYPES if test(mode)), "a special file")


def printable_path(path: str | os.PathLike[str]) -> str:
    """Return ``path`` as text that can be printed and stored: undecodable bytes as ``\\xNN``.

    >>> printable_path(os.fsdecode(b"caf\\xe9.txt"))
    'caf\\\\xe9.txt'
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def has_surrogate(text: str) -> bool:
    """Tell whether ``text`` holds a lone surrogate (from a ``\\ud800`` escape or an undecodable byte)."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def undecodable_name_reason(path: str | os.PathLike[str]) -> str | None:
    """Return why ``path`` cannot be stored (bytes that are not UTF-8 in its name), or None."""
    if not has_surrogate(os.fspath(path)):
        return None
    return ("the name has bytes that are not valid UTF-8, so it cannot be stored or cited; "
            "rename it (e.g. with convmv) and collect it again")


class _CappedRaw(io.RawIOBase):
    """A raw binary stream that fails with :class:`BadInput` once more than ``limit`` bytes are read."""

    def __init__(self, raw: Any, limit: int, where: str):
        super().__init__()
        self._raw, self._limit, self._where, self._count = raw, limit, where, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        count = self._raw.readinto(buffer)
        self._count += count or 0
        if self._count > self._limit:
            raise BadInput(self._where, f"more than {self._limit:,} bytes read, over the limit "
                                        f"(setting max_file_bytes)")
        return count

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def cap_stream(raw: Any, *, max_bytes: int, where: str, buffer_size: int = 1 << 20) -> BinaryIO:
    """Wrap a raw binary stream (e.g. ``sys.stdin.buffer``) so that reading past ``max_bytes`` fails.

    The cap holds whatever the stream is (a pipe, ``/dev/zero``): at most ``max_bytes`` plus one
    buffer are ever read.
    """
    return io.BufferedReader(_CappedRaw(raw, max_bytes, where), buffer_size)


def open_regular_file(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> BinaryIO:
    """Open a regular file for reading in binary, never blocking, capped at ``max_bytes``.

    Named pipes, sockets and devices are refused before they are opened (and, should the path
    change in between, after: the file is opened non-blocking and checked again), so a FIFO with
    no writer never hangs and ``/dev/zero`` is never read. A file over ``max_bytes`` fails
    before a byte is read, and one that grows while read fails once it passes the cap.

    Raises:
        BadInput: the path is missing, unreadable, not a regular file, or too large.
    """
    where = printable_path(path)
    try:
        info = os.stat(path)
    except OSError as err:
        raise BadInput(where, f"cannot read the file: {err.strerror or err}") from err
    _check_regular(info, where, max_bytes)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise BadInput(where, f"cannot read the file: {err.strerror or err}") from err
    raw = io.FileIO(fd, "rb", closefd=True)
    try:
        _check_regular(os.fstat(fd), where, max_bytes)
    except BaseException:
        raw.close()
        raise
    if max_bytes is None:
        return io.BufferedReader(raw, 1 << 20)
    return cap_stream(raw, max_bytes=max_bytes, where=where)


def _check_regular(info: os.stat_result, where: str, max_bytes: int | None) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise BadInput(where, f"not a regular file but {describe_file_type(info.st_mode)}; "
                              f"only regular files are read")
    if max_bytes is not None and info.st_size > max_bytes:
        raise BadInput(where, f"the file is {info.st_size:,} bytes, over the limit of {max_bytes:,} "
                              f"(setting max_file_bytes)")


class _NotFinite(ValueError):
    def __init__(self, literal: str):
        super().__init__(literal)
        self.literal = literal


def _refuse_infinity(literal: str) -> Any:
    if literal == "NaN":
        return None  # NaN is how Python and pandas write a missing value; JSON's is null
    raise _NotFinite(literal)


def _finite_float(literal: str) -> float:
    value = float(literal)
    if math.isinf(value):  # e.g. 1e999
        raise _NotFinite(literal)
    return value


def load_json(text: str, *, check: bool = True) -> Any:
    """Parse ``text`` as JSON into values that strict JSON and SQLite can hold again.

    ``NaN`` becomes ``None`` (it marks a missing value); ``Infinity``, ``-Infinity`` and numbers
    too large for a float are refused, and so (unless ``check`` is false, for a caller that
    checks each record with :func:`json_value_problem`) are lone surrogates and nesting deeper
    than :data:`MAX_JSON_DEPTH`.

    Raises:
        ValueError: with a reason to show (``json.JSONDecodeError`` for malformed JSON).

    >>> load_json('{"a": NaN, "b": [1, "x"]}')
    {'a': None, 'b': [1, 'x']}
    """
    try:
        value = json.loads(text, parse_constant=_refuse_infinity, parse_float=_finite_float)
    except _NotFinite as err:
        raise ValueError(f"{err.literal} is not a JSON number; write a number or null") from None
    except RecursionError:
        raise ValueError("nested too deeply to read (over about 1,000 levels)") from None
    problem = json_value_problem(value) if check else None
    if problem:
        raise ValueError(problem)
    return value


def json_value_problem(value: Any) -> str | None:
    """Return why a parsed JSON value cannot be stored (deep nesting, a lone surrogate), or None."""
    stack: list[tuple[Any, int, str]] = [(value, 0, "")]
    while stack:
        item, depth, where = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return f"nested deeper than {MAX_JSON_DEPTH} levels"
        if isinstance(item, str):
            if has_surrogate(item):
                found = _SURROGATE.search(item).group()  # type: ignore[union-attr]
                place = f" in {where!r}" if where else ""
                return (f"a lone surrogate (\\u{ord(found):04x}){place}, which is not text and "
                        f"cannot be stored as UTF-8; fix the file")
        elif isinstance(item, dict):
            for key, child in item.items():
                if has_surrogate(key):
                    return "a key holds a lone surrogate, which cannot be stored as UTF-8; fix the file"
                stack.append((child, depth + 1, where or key))
        elif isinstance(item, list):
            stack.extend((child, depth + 1, where) for child in item)
    return None


def is_ascii_compatible(encoding: str) -> bool:
    """Tell whether ``encoding`` writes ASCII as ASCII (so lines split on bytes, and NUL means binary)."""
    sample = "\t\n\r !\"#',.:;<=>[]{}azAZ09"
    try:
        return sample.encode(encoding) == sample.encode("ascii")
    except (UnicodeError, LookupError):
        return False


def _is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


class DecodedLines:
    """The physical lines of an open file as text, read one at a time.

    In an ASCII-compatible encoding each line is decoded on its own, UTF-8 first, then
    ``encoding``: ``repaired`` lists the lines that needed the fallback (``mixed`` tells whether
    other lines were UTF-8 that is not ASCII), ``undecodable`` the lines (with the byte) that
    neither could read, which the reader fails alone. Other encodings (UTF-16, UTF-32…) are
    decoded as one stream; bytes they cannot read end the file there (:class:`BadInput`).
    """

    def __init__(self, handle: BinaryIO, encoding: str, where: str):
        self._handle, self._encoding, self._where = handle, encoding, where
        self._fallback = None if _is_utf8(encoding) else encoding
        self.repaired: list[int] = []
        self.mixed = False  # some lines that are not ASCII are UTF-8: the file mixes encodings
        self.undecodable: dict[int, int] = {}  # line number -> offset of the first bad byte in it

    def __iter__(self) -> Iterator[str]:
        if not is_ascii_compatible(self._encoding):
            yield from self._iter_stream()
            return
        # surrogateescape keeps undecodable bytes, so the raw line can be decoded again
        text = _text_stream(self._handle, "utf-8", errors="surrogateescape")
        for number, line in enumerate(text, start=1):
            if number == 1:
                line = line.lstrip("\ufeff")
            if not line.isascii():
                if has_surrogate(line):
                    line = self._decode_again(line, number)
                else:
                    self.mixed = True
            yield line

    def _decode_again(self, line: str, number: int) -> str:
        raw = line.encode("utf-8", "surrogateescape")
        if self._fallback:
            try:
                decoded = raw.decode(self._fallback)
            except UnicodeDecodeError:
                pass
            else:
                self.repaired.append(number)
                return decoded
        try:
            raw.decode(self._fallback or "utf-8")
        except UnicodeDecodeError as err:
            self.undecodable[number] = err.start
        return raw.decode(self._fallback or "utf-8", "replace")

    def _iter_stream(self) -> Iterator[str]:
        number = 0
        try:
            for number, line in enumerate(_text_stream(self._handle, self._encoding, errors="strict"), start=1):
                yield line.lstrip("\ufeff") if number == 1 else line
        except UnicodeDecodeError as err:
            raise BadInput(self._where, f"bytes that are not valid {self._encoding} after line {number} "
                                        f"({err.reason}); the rest of the file is not read",
                           line=number + 1) from err

    def undecodable_input(self, line: int, *, record_line: int | None = None) -> BadInput:
        """Return the failure of a record that holds the undecodable ``line``."""
        hint = ("; pass --encoding, e.g. --encoding cp1252, for the lines that are not UTF-8"
                if self._fallback is None else " (nor valid UTF-8)")
        return BadInput(self._where, f"bytes that are not valid {self._encoding} at byte "
                                     f"{self.undecodable[line]} of line {line}{hint}",
                        line=record_line or line)


def _text_stream(handle: BinaryIO, encoding: str, *, errors: str) -> IO[str]:
    """Return a text view of ``handle`` that splits lines on \\n, \\r\\n or \\r and keeps the ends."""
    return io.TextIOWrapper(handle, encoding=encoding, errors=errors, newline="")


def decode_whole(data: bytes, encoding: str, where: str) -> tuple[str, list[int]]:
    """Decode a whole file; return the text and, if it mixes encodings, the lines in the fallback one.

    Raises:
        BadInput: bytes that no encoding tried can read, with the line.
    """
    if not is_ascii_compatible(encoding):
        try:
            return data.decode(encoding), []
        except UnicodeDecodeError as err:
            raise BadInput(where, f"bytes that are not valid {encoding} at byte {err.start} ({err.reason})",
                           line=data[: err.start].count(b"\n") + 1) from err
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as err:
        if _is_utf8(encoding):
            line = data[: err.start].count(b"\n") + 1
            raise BadInput(where, f"bytes that are not valid {encoding} at byte {err.start} "
                                  f"(pass --encoding, e.g. --encoding cp1252)", line=line) from err
    parts, repaired, mixed = [], [], False
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            parts.append(raw.decode("utf-8"))
            mixed = mixed or not raw.isascii()
            continue
        except UnicodeDecodeError:
            pass
        try:
            parts.append(raw.decode(encoding))
        except UnicodeDecodeError as err:
            raise BadInput(where, f"bytes that are neither UTF-8 nor {encoding} at byte {err.start} "
                                  f"of line {number}", line=number) from err
        repaired.append(number)
    return "".join(parts), repaired if mixed else []
