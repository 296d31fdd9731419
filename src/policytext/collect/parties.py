"""Party aliases: one canonical name per party, whatever spelling or language a source uses.

The packaged table (``data/parties.csv``) maps "CON", "Con", "Tory" and "Conservateur" to
"Conservative", "LD" and "Lib Dem" to "Liberal Democrats", US "D" and "GOP" to the US parties, and
so on. Users add aliases under ``[party_aliases]`` in ``policytext.toml``. A value in no row is
kept as the source gave it: a party is never guessed.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from typing import Mapping

from policytext.collect.governments import normalise_country
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
