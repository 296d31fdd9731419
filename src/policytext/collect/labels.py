"""Give every collected document its canonical labels: date precision, government and party.

One step, shared by every collector, run when documents are written:

- **date precision**: a source date of ``YYYY`` or ``YYYY-MM`` is stored as the first day of the
  period with ``date_precision`` ``year`` or ``month``; a full date has precision ``day``.
- **government**: the timeline's name for the government in office on the date. A year-only (or
  month-only) date gets a government only when one government was in office for the whole
  period; a year that spans two governments, or lies partly outside the timeline, gets none unless
  the source's own label says which. The source's label is kept as ``source_government`` and
  mapped through :class:`~policytext.collect.governments.GovernmentAliases`; when the date says
  otherwise the date wins and the disagreement is kept in ``meta["government_disagreement"]``.
- **party**: the canonical name from :class:`~policytext.collect.parties.PartyAliases`; the
  source's value is kept as ``source_party``.
- **side**: a debate speech (:data:`~policytext.records.SIDED_KINDS`) whose collector gave no
  side (nor said why: ``meta["side_unknown"]``) but a party gets its party's side that day
  (:class:`~policytext.collect.parties.Sides`), so a speech from a CSV of debates is the
  government's only when its speaker's party governed.
"""
from __future__ import annotations

import copy
import functools
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from policytext.collect.governments import GovernmentAliases, Timelines
from policytext.collect.parties import PartyAliases, Sides
from policytext.errors import ConfigError
from policytext.records import DATE_PRECISIONS, SIDED_KINDS, Document

_REDUCED_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_GOVERNMENT_NOTES = frozenset(("government_disagreement", "government_candidates"))
"""The meta keys labelling writes (and drops before labelling again)."""
_MEMO_SIZE = 65536
"""How many distinct dates a labeller remembers before starting again."""


def split_date(value: str | None, precision: str | None = None) -> tuple[str | None, str | None]:
    """Return ``(ISO day, precision)`` for an ISO date of a year, a month or a day.

    A year or month becomes its first day. A full date keeps the ``precision`` a collector gave
    (a source may give 1 January to mean "some day in the year"), else ``day``.

    >>> split_date("1945"), split_date("2015-03"), split_date("2015-03-04")
    (('1945-01-01', 'year'), ('2015-03-01', 'month'), ('2015-03-04', 'day'))
    >>> split_date("Spring 1945")
    ('Spring 1945', None)
    """
    if precision is not None and precision not in DATE_PRECISIONS:
        raise ValueError(f"date precision must be one of {', '.join(DATE_PRECISIONS)}, not {precision!r}")
    if not value:
        return None, None
    text = str(value).strip()
    match = _REDUCED_DATE.match(text)
    if match:
        year, month = match.groups()
        return (f"{year}-{month}-01", "month") if month else (f"{year}-01-01", "year")
    try:
        day = dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return text, None  # not an ISO date: kept as given, with no precision and no government
    return day, precision or "day"


def date_period(day: str, precision: str | None) -> tuple[str, str]:
    """Return the days a date may stand for, ``start <= day < end``, from its precision.

    >>> date_period("1945-01-01", "year"), date_period("2016-07-01", "month")
    (('1945-01-01', '1946-01-01'), ('2016-07-01', '2016-08-01'))
    """
    year, month = int(day[:4]), int(day[5:7])
    if precision == "year":
        return f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
    if precision == "month":
        following = (year + 1, 1) if month == 12 else (year, month + 1)
        return f"{year:04d}-{month:02d}-01", f"{following[0]:04d}-{following[1]:02d}-01"
    following_day = dt.date.fromisoformat(day[:10]) + dt.timedelta(days=1)
    return day[:10], following_day.isoformat()


def as_collected(document: Document) -> Document:
    """Return a stored document as its collector made it: the government back to the source's own.

    Collectors that find an item unchanged yield it from the store so the writer counts it; the
    writer labels every document again, and would otherwise take the timeline's government read
    back from the store for a label the source gave (``source_government``), and count the item as
    updated. Party and date need nothing: the source's party is kept, and the stored precision too.
    """
    return document.with_changes(government=document.source_government)


@dataclass(frozen=True)
class Labeller:
    """The tables that label documents: timelines, government aliases and party aliases.

    Example:
        >>> labeller = Labeller.packaged()
        >>> doc = labeller.label(Document(source="files", source_id="m", text="…", date="1945",
        ...                               country="GB", party="Con"))
        >>> doc.date, doc.date_precision, doc.government, doc.party, doc.source_party
        ('1945-01-01', 'year', None, 'Conservative', 'Con')
    """

    timelines: Timelines
    government_aliases: GovernmentAliases = field(default_factory=GovernmentAliases.packaged)
    party_aliases: PartyAliases = field(default_factory=PartyAliases.packaged)
    # the labels worked out per (country, date, precision, source's government): see _dated
    _memo: dict[tuple[Any, ...], tuple[Any, ...]] = field(default_factory=dict, init=False, repr=False,
                                                          compare=False, hash=False)

    @classmethod
    def packaged(cls, timelines: Timelines | None = None) -> "Labeller":
        return cls(timelines or Timelines.packaged())

    @classmethod
    def load(cls, timelines: Timelines, *, government_aliases: Mapping[str, Any] | None = None,
             party_aliases: Mapping[str, str] | None = None) -> "Labeller":
        """Return a labeller with the packaged tables and the user's aliases (``policytext.toml``)."""
        return cls(timelines, GovernmentAliases.load(government_aliases, timelines=timelines),
                   PartyAliases.load(party_aliases))

    def label(self, document: Document) -> Document:
        """Return ``document`` with its date precision, government and party set (see the module)."""
        source_government = document.source_government or document.government
        day, precision, government, notes = self._dated(document.country, document.date, document.date_precision,
                                                        source_government)
        meta = dict(document.meta)
        if not _GOVERNMENT_NOTES.isdisjoint(meta):
            for key in _GOVERNMENT_NOTES:
                meta.pop(key, None)
        if notes:
            meta.update(copy.deepcopy(notes))  # each document its own copy of the notes
        source_party = document.source_party or document.party
        party = self.party_aliases.canonical(source_party, country=document.country, day=day)
        side = document.side
        # a collector that weighed the side and found none says why (meta side_unknown): kept
        if side is None and party and (document.kind or "").casefold() in SIDED_KINDS \
                and "side_unknown" not in meta:
            side, _ = self._sides.of_speaker(
                role=document.role, party=party, country=document.country, day=day)
        return document.with_changes(
            date=day, date_precision=precision, government=government,
            source_government=source_government, party=party, side=side,
            source_party=" ".join(source_party.split()) if source_party else None, meta=meta)

    @functools.cached_property
    def _sides(self) -> Sides:
        return Sides(self.timelines, self.party_aliases)

    def _dated(self, country: str | None, date: Any, date_precision: str | None,
               source_government: str | None) -> tuple[str | None, str | None, str | None, dict[str, Any]]:
        """Return the day, precision, government and government notes for meta of a document's date.

        Remembered by the labeller (its tables never change): the documents of one collect share
        a few dates, and working them out again was most of the cost of labelling a speech.
        """
        key = (country, date, date_precision, source_government)
        try:
            found = self._memo.get(key)
        except TypeError:  # an unhashable date: worked out each time
            found, key = None, None
        if found is not None:
            return found
        day, precision = split_date(date, date_precision)
        notes: dict[str, Any] = {}
        government = self._government(country, day, precision, source_government, notes)
        found = (day, precision, government, notes)
        if key is not None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = found
        return found

    def canonical_changes(self, changes: Mapping[str, str | None]) -> dict[str, str | None]:
        """Return labels a user sets by hand (``party``, ``government``) under their canonical names.

        A party goes through the aliases that apply everywhere; a government must be a timeline's
        name, or an alias that names exactly one, else :class:`ConfigError`.
        """
        result = dict(changes)
        if result.get("party"):
            result["party"] = self.party_aliases.canonical(result["party"])
        value = result.get("government")
        if value:
            candidates = self.government_aliases.candidates(value)
            if candidates is None and value in self.timelines.names():
                candidates = (value,)
            if not candidates or len(candidates) != 1:
                known = sorted(n for n in self.timelines.names() if value.casefold() in n.casefold())
                hint = f" Did you mean {', '.join(map(repr, known))}?" if known else ""
                raise ConfigError(
                    f"cannot set the government {value!r}: " + (
                        f"it stands for several ({', '.join(candidates)}); name one." if candidates else
                        f"no timeline has a government of that name.{hint} Give the timeline's full name "
                        f"(see 'policytext stats --by government'), or add a timeline or a "
                        f"[government_aliases] entry in policytext.toml."))
            result["government"] = candidates[0]
        return result

    def retagged(self, document: Mapping[str, Any], values: Mapping[str, Any],
                 given: Mapping[str, Any]) -> dict[str, Any]:
        """Return the party, side and meta a retag gives one stored ``document`` (a mapping of its columns).

        ``values`` are the retag's values (after :meth:`canonical_changes`), ``given`` the user's as
        typed. The party is read as collecting reads it, in the document's country on its day (US
        "D" is "Democratic"); a debate speech (:data:`~policytext.records.SIDED_KINDS`) gets the side
        of its speaker's party and role that day, with ``meta.side_unknown`` saying why when none,
        as when it was collected. Other documents keep their side.
        """
        import json

        country, day = document.get("country"), (document.get("date") or None)
        result: dict[str, Any] = {}
        party = document.get("party")
        if "party" in values:
            raw = given.get("party")
            party = self.party_aliases.canonical(raw, country=country, day=day) if raw else None
            result["party"] = party
        kind = values["kind"] if "kind" in values else document.get("kind")
        if (kind or "").casefold() not in SIDED_KINDS:
            return result
        meta = json.loads(document.get("meta") or "{}")
        side, why = self._sides.of_speaker(role=document.get("role"), party=party, country=country,
                                           day=day[:10] if day else None, status=meta.get("party_status"))
        result["side"] = side
        if meta.get("side_unknown") != (None if side else why):
            if side:
                meta.pop("side_unknown", None)
            else:
                meta["side_unknown"] = why
            result["meta"] = json.dumps(meta, ensure_ascii=False, sort_keys=True)
        return result

    def _government(self, country: str | None, day: str | None, precision: str | None,
                    source_label: str | None, meta: dict[str, Any]) -> str | None:
        candidates = self.government_aliases.candidates(source_label)
        if candidates is None and source_label and source_label.strip() in self.timelines.names():
            candidates = (source_label.strip(),)
        if day is None:
            return candidates[0] if candidates and len(candidates) == 1 else None
        try:
            start, end = date_period(day, precision)
        except ValueError:  # not an ISO date: nothing to look up
            return None
        by_date = self.timelines.government_throughout(country, start, end)
        if by_date is not None:
            if candidates is not None and by_date.name not in candidates:
                meta["government_disagreement"] = {"source_government": source_label, "by_date": by_date.name}
            return by_date.name
        during = self._governments_named_during(candidates or (), start, end)
        if candidates and len(during) == 1:
            return during[0]
        if candidates and not during:
            meta["government_disagreement"] = {"source_government": source_label, "by_date": None}
        in_office = [g.name for g in self.timelines.governments_during(country, start, end)]
        if precision != "day" and in_office:
            # Left unlabelled on purpose: the date could fall in any of these (or outside the timeline).
            meta["government_candidates"] = in_office
        return None

    def _governments_named_during(self, names: tuple[str, ...], start: str, end: str) -> list[str]:
        found = []
        for country in self.timelines.countries():
            for government in self.timelines.governments(country):
                if government.name in names and government.start < end and (government.end is None or start < government.end):
                    found.append(government.name)
        return found
