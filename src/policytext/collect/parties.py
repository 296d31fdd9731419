"""Party aliases: one canonical name per party, whatever spelling or language a source uses.

The packaged table (``data/parties.csv``) maps "CON", "Con", "Tory" and "Conservateur" to
"Conservative", "LD" and "Lib Dem" to "Liberal Democrats", US "D" and "GOP" to the US parties, and
so on. Users add aliases under ``[party_aliases]`` in ``policytext.toml``. A value in no row is
kept as the source gave it: a party is never guessed.

:class:`Sides` says which side a party was on a given day — ``government`` when it was one of
the parties of the government in office (the timeline's), else ``opposition`` — and why not
when it cannot say (no party, an independent or the chair, a day outside the timeline, the day
a government of other parties took over).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from importlib import resources
from typing import Mapping

from policytext.collect.governments import Timelines, governing_parties, normalise_country
from policytext.errors import ConfigError


def _alias_key(alias: str) -> str:
    return " ".join(alias.split()).casefold()


@dataclass(frozen=True)
class PartyAlias:
    """One row of the table: ``alias`` means ``party`` in ``country`` (any when empty) on
    ``start <= day < end`` (any day when empty)."""

    alias: str
    party: str
    country: str = ""
    start: str = ""
    end: str = ""

    def applies(self, day: str | None) -> bool:
        if not self.start and not self.end:
            return True
        if not day:
            return False  # a dated alias says nothing about an undated document
        return (not self.start or self.start <= day) and (not self.end or day < self.end)


class PartyAliases:
    """Map the party values of sources to canonical names.

    Example:
        >>> aliases = PartyAliases.packaged()
        >>> aliases.canonical("Conservateur"), aliases.canonical("LD", country="GB")
        ('Conservative', 'Liberal Democrats')
        >>> aliases.canonical("Lib", country="GB", day="1979-05-03"), aliases.canonical("Whig")
        ('Liberal', 'Whig')
    """

    def __init__(self, rows: list[PartyAlias] | None = None, user: Mapping[str, str] | None = None):
        self._rows: dict[str, list[PartyAlias]] = {}
        for row in rows or []:
            self._rows.setdefault(_alias_key(row.alias), []).append(row)
        self._user = {_alias_key(k): v for k, v in (user or {}).items()}

    @classmethod
    def packaged(cls) -> "PartyAliases":
        text = resources.files("policytext.collect").joinpath("data", "parties.csv").read_text(encoding="utf-8")
        rows = [
            PartyAlias(alias=row["alias"].strip(), party=row["party"].strip(),
                       country=normalise_country(row.get("country")) or "",
                       start=(row.get("from") or "").strip(), end=(row.get("until") or "").strip())
            for row in csv.DictReader(io.StringIO(text)) if (row.get("alias") or "").strip()
        ]
        return cls(rows)

    @classmethod
    def load(cls, user: Mapping[str, str] | None = None) -> "PartyAliases":
        """Return the packaged aliases with the user's (alias -> party) on top of them.

        A user's alias applies in every country and on every date, and wins over the packaged rows.
        """
        packaged = cls.packaged()
        for alias, party in (user or {}).items():
            if not str(alias).strip() or not isinstance(party, str) or not party.strip():
                raise ConfigError(f"[party_aliases] {alias!r}: give the canonical party name as text, "
                                  f'e.g. "Con" = "Conservative"')
        result = cls()
        result._rows = packaged._rows
        result._user = {_alias_key(str(k)): str(v).strip() for k, v in (user or {}).items()}
        return result

    def canonical(self, value: str | None, *, country: str | None = None, day: str | None = None) -> str | None:
        """Return the canonical name of the party ``value`` (as given when no alias matches)."""
        if value is None:
            return None
        given = " ".join(str(value).split())
        if not given:
            return None
        key = _alias_key(given)
        if key in self._user:
            return self._user[key]
        code = normalise_country(country) or ""
        rows = [r for r in self._rows.get(key, []) if r.applies(day)]
        for wanted in (code, ""):  # the country's own row first, then one for any country
            for row in rows:
                if row.country == wanted:
                    return row.party
        return given


# Members who sit for no party side: independents, the Speaker, crossbench and non-affiliated
# peers, bishops. Their side is unknown, not opposition.
_NO_SIDE = re.compile(r"^(?:independent|speaker|deputy speaker|crossbench(?:er)?s?|non-affiliated|"
                      r"bishops?|lords? spiritual|none|nonpartisan)\b", re.IGNORECASE)


class Sides:
    """The side of a party on a day: ``government`` or ``opposition``, from the governments' timeline.

    Example:
        >>> sides = Sides.packaged()
        >>> sides.of_party("Lib Dem", country="GB", day="2012-01-10"), sides.of_party("LD", country="GB", day="2016-01-12")
        (('government', None), ('opposition', None))
        >>> sides.of_party("Independent", country="GB", day="2012-01-10")
        (None, "'Independent' sits on no side")
    """

    def __init__(self, timelines: Timelines, aliases: PartyAliases):
        self.timelines = timelines
        self.aliases = aliases
        self._known: dict[tuple[str | None, str | None, str | None], tuple[str | None, str | None]] = {}

    @classmethod
    def packaged(cls) -> "Sides":
        return cls(Timelines.packaged(), PartyAliases.packaged())

    def of_party(self, party: str | None, *, country: str | None, day: str | None) -> tuple[str | None, str | None]:
        """Return ``(side, None)``, or ``(None, why the side is unknown)``, of ``party`` on ``day``."""
        key = (party, country, day)
        if key not in self._known:
            self._known[key] = self._side(party, country, day)
        return self._known[key]

    def of_speaker(self, *, role: str | None, party: str | None, country: str | None, day: str | None,
                   status: str | None = None) -> tuple[str | None, str | None]:
        """Return the side of a speaker on ``day`` (and why not, when unknown).

        The chair sits on no side; a minister is on the government's, a shadow on the
        opposition's; ``status`` is a source's own word (ParlaMint's ``Coalition`` or
        ``Opposition``); else the party decides (:meth:`of_party`). When two of these
        disagree the side is unknown, not chosen.

        >>> Sides.packaged().of_speaker(role="shadow", party="Labour", country="GB", day="2023-03-28")
        ('opposition', None)
        """
        if role == "chair":
            return None, "the chair sits on no side"
        said = {"minister": "government", "shadow": "opposition"}.get(role or "")
        by_status = {"coalition": "government", "opposition": "opposition"}.get((status or "").strip().casefold())
        if said and by_status and said != by_status:
            return None, f"a {role} whose party the source calls {status}"
        said = said or by_status
        by_party, why = self.of_party(party, country=country, day=day) if party else (None, "no party on the day")
        if said and by_party and said != by_party:
            what = f"a {role}" if role in ("minister", "shadow") else f"a speaker the source calls {status}"
            return None, f"{what} of {party}, a party on the {by_party} side that day"
        return (said, None) if said else (by_party, why)

    def _side(self, party: str | None, country: str | None, day: str | None) -> tuple[str | None, str | None]:
        if not party:
            return None, "no party on the day"
        if not day:
            return None, "no date"
        canonical = self.aliases.canonical(party, country=country, day=day) or party
        if _NO_SIDE.match(canonical) or _NO_SIDE.match(party):
            return None, f"{party!r} sits on no side"
        government = self.timelines.government_for(country, day)
        if government is None:
            return None, f"no government of {country or 'an unknown country'} in the timeline on {day}"
        parties = self._parties(government.party, country, day)
        if not parties:
            return None, f"the timeline names no party for {government.name}"
        if government.start == day[:10]:
            before = self.timelines.previous(government)
            if before is not None and self._parties(before.party, country, day) != parties:
                return None, f"the government changed that day ({before.name} to {government.name})"
        return ("government" if canonical in parties else "opposition"), None

    def _parties(self, label: str, country: str | None, day: str) -> frozenset[str]:
        return frozenset(self.aliases.canonical(p, country=country, day=day) or p for p in governing_parties(label))
