"""The first-name table of speaker resolution: a first name's share of women, looked up in place.

The table is ``name_data.json`` of the ``nomquamgender`` package (MIT), found through the import
system but never imported (importing it would pull in pandas and a GPL transliteration library for
a lookup that needs neither). :class:`NameTable` bisects the installed file instead of parsing it:
see docs/benchmarks.md. :func:`policytext.annotate.speakers.first_name_gender` turns a name's code
into a gender under the speaker settings.
"""
from __future__ import annotations

import importlib.util
import json
import re
from functools import lru_cache
from pathlib import Path

from policytext.errors import ModelNotInstalled

NAME_DATA_PACKAGE = "nomquamgender"
"""The registry package whose name table gives a first name's gender (MIT; pip install nomquamgender)."""
_NAME_ENTRY = re.compile(r'(?:\{|\], )"([a-z]+)": \[\d+, (\d+), ([0-9.]+)')
"""An entry of a one-word ASCII name, anchored at an entry's start: inside a key a quotation mark is
escaped, so ``], "`` only ever opens a key (an unanchored pattern also matched the tail of keys such
as ``\\"anu``, which gave "Anu", a woman's name in 96% of 14,427 records, as a man's)."""
_COUNT_BUCKETS = (10, 1000)
"""A name's number of observations in the table is kept as a bucket: under 10, under 1,000, or more."""
_MOST_GENDERED = 45
"""Names whose share of women (in %) lies strictly between this and 100 minus it are not kept: no
``gendered`` setting up to 0.45 would count them."""
_CODES = tuple(range(101 * (len(_COUNT_BUCKETS) + 1)))
"""One shared int object per (share of women in %, count bucket): 466,000 names cost only their keys."""


class NameTable:
    """The ``nomquamgender`` first-name table, looked up in place: nothing is parsed up front.

    The installed ``name_data.json`` (720,000 names, 22 MB) is one JSON object whose keys are
    written in sorted order, so a name is found by bisecting the file's bytes (memory-mapped):
    about twenty entry reads a lookup, and opening costs a few checks instead of parsing the whole
    table (2–14 s a process under load; see docs/benchmarks.md). The order is checked at evenly
    spaced points when the table is opened; a table not in order (another package version) is read
    in full instead (:func:`read_name_table`), which is slower but gives the same answers.

    Example:
        >>> NameTable.installed().code("wendy") is not None
        True
    """

    def __init__(self, path: Path):
        import mmap

        self.path = path
        with path.open("rb") as handle:
            self._bytes = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self._codes: dict[str, int | None] | None = None
        if not self._sorted():
            self._codes = read_name_table(path)

    @classmethod
    @lru_cache(maxsize=1)
    def installed(cls) -> "NameTable":
        """Return the installed package's table (opened once per process).

        Raises:
            ModelNotInstalled: when the package is not installed.
        """
        spec = importlib.util.find_spec(NAME_DATA_PACKAGE)
        folders = list(spec.submodule_search_locations or []) if spec is not None else []
        table = next((Path(f) / "name_data.json" for f in folders if (Path(f) / "name_data.json").is_file()), None)
        if table is None:
            raise ModelNotInstalled(f"the first-name table of {NAME_DATA_PACKAGE!r} is not installed, which speaker "
                                    f"resolution needs for pronoun agreement: pip install {NAME_DATA_PACKAGE}")
        return cls(table)

    def _start_after(self, position: int) -> int:
        """Return the offset of the first entry that starts at or after ``position`` (the file's length if none)."""
        if position <= 1:
            return 1  # just after the opening brace
        found = self._bytes.find(b'], "', position - 3)
        return len(self._bytes) if found < 0 else found + 3

    def _entry(self, start: int) -> tuple[str, int, float]:
        """Return (name, count, share of women) of the entry starting at ``start``."""
        match = _TABLE_ENTRY.match(self._bytes, start)
        if match is None:
            raise ModelNotInstalled(f"{self.path} is not the name table speaker resolution reads (at byte {start}): "
                                    f"reinstall it with pip install --force-reinstall {NAME_DATA_PACKAGE}")
        key, count, share = match.groups()
        return json.loads(key) if b"\\" in key else key[1:-1].decode("utf-8"), int(count), float(share)

    def _sorted(self, points: int = 64) -> bool:
        """True when the entries at ``points`` evenly spaced offsets come in sorted order."""
        size = len(self._bytes)
        starts = sorted({self._start_after(size * i // points) for i in range(points)} - {size})
        keys = [self._entry(start)[0] for start in starts]
        return keys == sorted(keys)

    def code(self, name: str) -> int | None:
        """Return a lower-case ASCII name's code (share of women in %, count bucket; :func:`decode`), or None."""
        if self._codes is not None:
            return self._codes.get(name)
        return self._lookup(name)

    @lru_cache(maxsize=4096)
    def _lookup(self, name: str) -> int | None:
        low, high = 1, len(self._bytes)  # the entry at low sorts at or before name; every entry from high after it
        if self._entry(low)[0] > name:
            return None
        while True:
            middle = (low + high) // 2
            start = self._start_after(max(middle, low + 1))
            if start >= high:
                if middle <= low + 1:
                    break  # no entry between low and high
                high = middle  # no entry starts in [middle, high)
                continue
            if self._entry(start)[0] <= name:
                low = start
            else:
                high = start
        key, count, share = self._entry(low)
        return _encode(count, share) if key == name else None


_TABLE_ENTRY = re.compile(rb'("(?:[^"\\]|\\.)*"): \[\d+, (\d+), ([0-9.]+)')


def _encode(count: int, share: float) -> int | None:
    """Return the code of a name seen ``count`` times with this share of women, or None when no setting genders it."""
    percent = round(share * 100)
    if _MOST_GENDERED < percent < 100 - _MOST_GENDERED:
        return None  # gendered under no setting (see SpeakerSettings.gendered)
    bucket = sum(count >= edge for edge in _COUNT_BUCKETS)
    return _CODES[percent * (len(_COUNT_BUCKETS) + 1) + bucket]


def read_name_table(path: Path) -> dict[str, int | None]:
    """Return ``{first name: code}`` of every one-word ASCII name of the table, parsed in full (2–14 s).

    The fallback of :class:`NameTable` for a table whose keys are not in order, and the baseline of
    ``benchmarks/bench_names.py``.
    """
    names: dict[str, int | None] = {}
    for entry in _NAME_ENTRY.finditer(path.read_text(encoding="utf-8")):  # one match at a time: no list of 466,000
        name, count, share = entry.groups()
        code = _encode(int(count), float(share))
        if code is not None:
            names[name] = code
    return names


def decode(code: int) -> tuple[float, int]:
    """Return (share of women, least count of the bucket) of a name code."""
    percent, bucket = divmod(code, len(_COUNT_BUCKETS) + 1)
    return percent / 100, (0, *_COUNT_BUCKETS)[bucket]
