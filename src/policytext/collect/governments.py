"""Government timelines: which government or administration was in office on a date.

Packaged timelines cover the United Kingdom from 1945 and the United States from 1789. A user
adds a timeline for another country (or overrides one) from a CSV or TOML file.

A source's own label for a government ("2015 Conservative government" on GOV.UK) is mapped to the
timeline's names by :class:`GovernmentAliases`: a packaged table per source, extended by the user's
``[government_aliases]`` in ``policytext.toml``.
"""
from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from policytext.errors import BadQuery, ConfigError

COUNTRY_ALIASES = {"UK": "GB", "GBR": "GB", "USA": "US", "UNITED KINGDOM": "GB", "UNITED STATES": "US"}


def normalise_country(country: str | None) -> str | None:
    """Return an upper-case ISO 3166 alpha-2 code, mapping common aliases ("UK" -> "GB")."""
    if not country:
        return None
    code = country.strip().upper()
    return COUNTRY_ALIASES.get(code, code)


def check_country_option(country: str | None, timelines: "Timelines", in_corpus: Iterable[str] = ()) -> str | None:
    """Return ``country`` normalised when a timeline or the corpus knows it; refuse any other code.

    A country given as an option labels every document collected, so a typo ("XX", "GE" for GB)
    would give them all a country no timeline has and no government, silently. Known codes are
    those with a timeline (packaged or the ``timelines`` setting's) and those the corpus already
    has; a new country needs a timeline file first.

    Raises:
        BadQuery: naming the known codes and the closest.
    """
    code = normalise_country(country)
    if code is None:
        return None
    problem = unknown_country(country, known_countries(timelines, in_corpus))
    if problem is None:
        return code
    raise BadQuery(f"{problem}; for another country add its government timeline with the 'timelines' setting "
                   "of policytext.toml, or leave --country out")


def check_corpus_country(corpus: Any, country: str | None) -> str | None:
    """:func:`check_country_option` against ``corpus``'s timelines and the countries its documents have."""
    return check_country_option(country, corpus.timelines, corpus_countries(corpus))


def corpus_countries(corpus: Any) -> list[str]:
    """Return the countries the documents of ``corpus`` have."""
    return [row[0] for row in corpus.store.conn.execute("SELECT DISTINCT country FROM documents") if row[0]]


def known_countries(timelines: "Timelines", in_corpus: Iterable[str] = ()) -> frozenset[str]:
    """Return the country codes a timeline or the corpus knows."""
    return frozenset(timelines.countries()) | {c for c in in_corpus if c}


def unknown_country(country: Any, known: Iterable[str]) -> str | None:
    """Return why ``country`` is not a known code (with the closest), or None when it is one or empty."""
    code = normalise_country(str(country)) if country not in (None, "") else None
    known = sorted(known)
    if code is None or code in known:
        return None
    import difflib

    close = difflib.get_close_matches(code, known, n=2, cutoff=0.5)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    return (f"unknown country {country!r}{hint}: known codes are {', '.join(known)} (and the aliases "
            f"{', '.join(sorted(COUNTRY_ALIASES))})")


@dataclass(frozen=True)
class Government:
    """One government or administration and the days it covers (``start <= day < end``)."""

    country: str
    name: str
    start: str
    end: str | None
    leader: str
    party: str
    note: str = ""

    def covers(self, day: str) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def governing_parties(label: str) -> tuple[str, ...]:
    """Return the parties a government's ``party`` label names, as written (not yet canonical).

    A coalition lists its parties joined by an en dash ("Conservative–Liberal Democrat
    coalition"); a hyphen is part of a name ("Democratic-Republican"). "Nonpartisan" names none.

    >>> governing_parties("Conservative–Liberal Democrat coalition"), governing_parties("Democratic-Republican")
    (('Conservative', 'Liberal Democrat'), ('Democratic-Republican',))
    """
    label = " ".join(label.split())
    if label.casefold().endswith(" coalition"):
        label = label[: -len(" coalition")]
    parties = tuple(part.strip() for part in label.split("–") if part.strip())
    return () if [p.casefold() for p in parties] in ([], ["nonpartisan"]) else parties


def _check_date(value: str, where: str) -> str:
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError as err:
        raise ConfigError(f"{where}: {value!r} is not a date in YYYY-MM-DD form") from err


class Timelines:
    """Look up governments by country and date.

    Example:
        >>> Timelines.packaged().government_for("GB", "2010-05-11").name
        'Cameron–Clegg coalition (2010–2015)'
    """

    def __init__(self, governments: Iterable[Government] = ()):
        self._by_country: dict[str, list[Government]] = {}
        for government in governments:
            self._by_country.setdefault(government.country, []).append(government)
        for country, items in self._by_country.items():
            items.sort(key=lambda g: g.start)
        self._starts = {c: [g.start for g in items] for c, items in self._by_country.items()}
        self._names = frozenset(g.name for items in self._by_country.values() for g in items)
        self._throughout: dict[tuple[str | None, str, str], Government | None] = {}  # asked once per document

    @classmethod
    def packaged(cls) -> "Timelines":
        governments: list[Government] = []
        folder = resources.files("policytext.collect").joinpath("data")
        for entry in folder.iterdir():
            name = entry.name
            if name.startswith("governments-") and name.endswith(".csv"):
                country = name[len("governments-"):-len(".csv")].upper()
                governments.extend(_read_csv(entry.read_text(encoding="utf-8"), country, name))
        return cls(governments)

    @classmethod
    def load(cls, extra_files: Iterable[str | Path] = ()) -> "Timelines":
        """Return the packaged timelines, with each country in ``extra_files`` replaced."""
        timelines = cls.packaged()
        for path in extra_files:
            timelines = timelines.merged(read_timeline(path))
        return timelines

    def merged(self, other: "Timelines") -> "Timelines":
        """Return timelines where every country of ``other`` replaces the same country here."""
        kept = [g for c, items in self._by_country.items() if c not in other._by_country for g in items]
        return Timelines(kept + [g for items in other._by_country.values() for g in items])

    def countries(self) -> list[str]:
        return sorted(self._by_country)

    def governments(self, country: str) -> list[Government]:
        return list(self._by_country.get(normalise_country(country) or "", []))

    def government_for(self, country: str | None, day: str | None) -> Government | None:
        """Return the government in office in ``country`` on ``day`` (ISO date), or ``None``."""
        code = normalise_country(country)
        if not code or not day or code not in self._by_country:
            return None
        day = day[:10]
        items = self._by_country[code]
        position = bisect.bisect_right(self._starts[code], day) - 1
        if position < 0:
            return None
        government = items[position]
        return government if government.covers(day) else None

    def previous(self, government: Government) -> Government | None:
        """Return the government in office just before ``government`` (None for the first)."""
        items = self._by_country.get(government.country, [])
        position = bisect.bisect_left(self._starts[government.country], government.start) - 1
        return items[position] if position >= 0 and items[position].end == government.start else None

    def governments_during(self, country: str | None, start: str, end: str) -> list[Government]:
        """Return the governments of ``country`` in office on any day of ``start <= day < end``."""
        code = normalise_country(country)
        return [g for g in self._by_country.get(code or "", [])
                if g.start < end and (g.end is None or start < g.end)]

    def government_throughout(self, country: str | None, start: str, end: str) -> Government | None:
        """Return the one government in office on every day of ``start <= day < end``, or ``None``.

        ``None`` when two governments share the period, or part of it lies outside the timeline:
        a document dated only by that period could belong to either, so none is chosen.

        >>> Timelines.packaged().government_throughout("GB", "1945-01-01", "1946-01-01") is None
        True
        """
        key = (country, start, end)
        if key not in self._throughout:
            government = self.government_for(country, start)
            if government is not None and government.end is not None and government.end < end:
                government = None
            self._throughout[key] = government
        return self._throughout[key]

    def names(self) -> frozenset[str]:
        """Return the names of every government of every country."""
        return self._names

    def order(self) -> dict[str, str]:
        """Return each government name mapped to its start date, to sort groups in time."""
        return {g.name: g.start for items in self._by_country.values() for g in items}


def _read_csv(text: str, default_country: str | None, where: str) -> list[Government]:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"name", "start"} - set(reader.fieldnames or [])
    if missing:
        raise ConfigError(f"{where}: the timeline needs the columns {', '.join(sorted(missing))}")
    governments = []
    for line, row in enumerate(reader, start=2):
        country = normalise_country(row.get("country") or default_country)
        if not country:
            raise ConfigError(f"{where}:{line}: no country (add a 'country' column)")
        governments.append(
            Government(
                country=country,
                name=(row.get("name") or "").strip(),
                start=_check_date(row["start"], f"{where}:{line}"),
                end=_check_date(row["end"], f"{where}:{line}") if (row.get("end") or "").strip() else None,
                leader=(row.get("leader") or "").strip(),
                party=(row.get("party") or "").strip(),
                note=(row.get("note") or "").strip(),
            )
        )
    return governments


def read_timeline(path: str | Path) -> Timelines:
    """Read a user's timeline from a CSV (columns ``country,name,start,end,leader,party``) or TOML
    file (``[[government]]`` tables with the same keys)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read the timeline {path}: {err}") from err
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"{path}: not valid TOML: {err}") from err
        governments = []
        for index, item in enumerate(data.get("government", []), start=1):
            where = f"{path} [[government]] #{index}"
            country = normalise_country(item.get("country") or data.get("country"))
            if not country or not item.get("name") or not item.get("start"):
                raise ConfigError(f"{where}: needs country, name and start")
            governments.append(
                Government(
                    country=country,
                    name=str(item["name"]),
                    start=_check_date(str(item["start"]), where),
                    end=_check_date(str(item["end"]), where) if item.get("end") else None,
                    leader=str(item.get("leader", "")),
                    party=str(item.get("party", "")),
                    note=str(item.get("note", "")),
                )
            )
        if not governments:
            raise ConfigError(f"{path}: no [[government]] tables found")
        return Timelines(governments)
    return Timelines(_read_csv(text, None, str(path)))


def _label_key(label: str) -> str:
    """Return the form in which source labels are compared: spacing collapsed, case folded."""
    return " ".join(label.split()).casefold()


class GovernmentAliases:
    """Map sources' own government labels to the names of the timelines.

    A label may stand for several governments (GOV.UK's "2015 Conservative government" covers
    Cameron's 2015–2016 government and May's first year): the document's date decides among them.

    Example:
        >>> aliases = GovernmentAliases.packaged()
        >>> sorted(aliases.candidates("2015 Conservative government"))
        ['Cameron government (2015–2016)', 'May government (2016–2019)']
    """

    def __init__(self, table: dict[str, tuple[str, ...]] | None = None):
        self._table = {_label_key(k): tuple(v) for k, v in (table or {}).items()}

    @classmethod
    def packaged(cls) -> "GovernmentAliases":
        table: dict[str, list[str]] = {}
        folder = resources.files("policytext.collect").joinpath("data")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith("-governments.csv"):
                reader = csv.DictReader(io.StringIO(entry.read_text(encoding="utf-8")))
                for row in reader:
                    label, name = (row.get("source_label") or "").strip(), (row.get("government") or "").strip()
                    if label and name:
                        table.setdefault(label, []).append(name)
        return cls({k: tuple(v) for k, v in table.items()})

    @classmethod
    def load(cls, user: Mapping[str, str | Sequence[str]] | None = None, *,
             timelines: Timelines | None = None) -> "GovernmentAliases":
        """Return the packaged aliases with the user's (label -> name or list of names) on top.

        A user's label replaces the packaged entry for the same label. Each of the user's names
        must be one of ``timelines`` (when given): an unknown name is a :class:`ConfigError`, not a
        new group.
        """
        known = timelines.names() if timelines is not None else None
        table = dict(cls.packaged()._table)
        for label, names in (user or {}).items():
            values = (names,) if isinstance(names, str) else tuple(names)
            if not str(label).strip() or not values or not all(isinstance(v, str) and v.strip() for v in values):
                raise ConfigError(f"[government_aliases] {label!r}: give a government name or a list of names")
            values = tuple(v.strip() for v in values)
            unknown = [v for v in values if known is not None and v not in known]
            if unknown:
                raise ConfigError(
                    f"government alias {label!r} names {', '.join(map(repr, unknown))}, which no timeline "
                    f"has. Use a timeline's name exactly (see 'policytext stats --by government') or add "
                    f"a timeline file (setting 'timelines')."
                )
            table[_label_key(str(label))] = values
        result = cls()
        result._table = table
        return result

    def candidates(self, label: str | None) -> tuple[str, ...] | None:
        """Return the timeline names ``label`` stands for, or ``None`` when it is not in the table."""
        if not label:
            return None
        return self._table.get(_label_key(label))
