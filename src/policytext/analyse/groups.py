"""Group documents by government, year, quarter, speaker, party, kind, role, side or post, ordered in time.

``post`` groups by the post(s) the speaker held that day (the ``speaker_role`` column).

``government`` is the government in office on the day, except for speeches in a chamber where
either side may speak (:data:`~policytext.records.SIDED_KINDS`): such a speech is the government's only when its
speaker is known to be on the government's side or held a minister's post that day; opposition
speeches, the chair's, and speeches whose speaker's party is unknown get no government.
"""
from __future__ import annotations

import difflib
import re
import sys
import warnings

import pandas as pd

from policytext.errors import BadQuery, ConfigError
from policytext.records import MIN_WORDS_FOR_DUPLICATE, SIDED_KINDS
from policytext.store.filters import check_grouping as _check_grouping

GROUPINGS = ("government", "year", "quarter", "speaker", "party", "kind", "role", "side", "post")
_COLUMNS = {"post": "speaker_role"}  # a grouping read from a column of another name
NO_GROUP = "(none)"
MIN_DOCUMENTS = 5
"""The fewest documents a group needs for a bootstrap interval (the ``min_group_documents``
setting changes it). Resampling one or two documents gives an interval of zero or spurious width."""


class GroupNotice(UserWarning):
    """Something about the groups of an analysis a reader of its table should know."""


class UnlabelledDocuments(GroupNotice):
    """Some selected documents have no group (no government, party…) and were left out or kept."""


class OngoingGroups(GroupNotice):
    """Some groups are governments still in office: their period has no end yet."""


class RepeatedTexts(GroupNotice):
    """Some selected documents repeat another's text exactly: each text was counted once."""


class OtherLanguages(GroupNotice):
    """Some selected documents are in another language than the pipeline's and were left out."""


class SmallGroups(GroupNotice):
    """Some groups have too few documents for an interval, or for a comparison to mean much."""


def _outside_policytext() -> int:
    """Return the ``stacklevel`` that points a warning at the first caller outside policytext.

    The notices are raised a varying depth below the public function (through ``strict_options``
    and shared helpers); the user's own line is the useful place to name.
    """
    frame = sys._getframe(1)  # the function that warns
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("policytext"):
        frame = frame.f_back
        level += 1
    return level


def check_grouping(by: str) -> str:
    """Return ``by`` when it is a known grouping; raise :class:`BadQuery` otherwise.

    >>> check_grouping("year")
    'year'
    """
    return _check_grouping(by, GROUPINGS)


def resolve_min_documents(value: int | None, config) -> int:
    """Return the fewest documents a group needs for an interval: ``value``, else the setting.

    >>> resolve_min_documents(3, None)
    3
    """
    if value is None:
        value = getattr(config, "min_group_documents", MIN_DOCUMENTS) if config is not None else MIN_DOCUMENTS
    if int(value) < 1:
        raise ConfigError(f"the fewest documents for an interval (--min-documents, setting min_group_documents) "
                          f"must be 1 or more, not {value}")
    return int(value)


def warn_small_groups(sizes: dict[str, int], minimum: int, *, what: str) -> list[str]:
    """Warn (:class:`SmallGroups`) about groups with fewer than ``minimum`` documents; return them.

    Args:
        sizes: documents per group.
        minimum: the fewest documents a group needs.
        what: what the small groups miss, e.g. "no interval (small_group is true)".
    """
    small = [g for g, n in sizes.items() if n < minimum]
    if small:
        listed = ", ".join(f"{g} ({sizes[g]})" for g in small[:6]) + (f" and {len(small) - 6} more" if len(small) > 6 else "")
        warnings.warn(f"{len(small)} group(s) have fewer than {minimum} documents: {listed}; {what}. "
                      f"Change the threshold with min_documents (--min-documents) or the setting "
                      f"min_group_documents", SmallGroups, stacklevel=_outside_policytext())
    return small


def leave_out_repeated_texts(conn, frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` (rows with an ``id``, oldest first) with each exact repeat of a text left out.

    A text collected under two ids (kept with ``allow_duplicates``, or stored before copies were
    held back) would be counted twice. The first selected copy is kept; a :class:`RepeatedTexts`
    notice says how many were left out. Texts under
    :data:`~policytext.records.MIN_WORDS_FOR_DUPLICATE` words repeat honestly and are all kept.
    """
    if frame.empty:
        return frame
    repeated = dict(conn.execute(
        "SELECT id, content_sha256 FROM documents WHERE words >= ? AND content_sha256 IN "
        "(SELECT content_sha256 FROM documents WHERE words >= ? GROUP BY content_sha256 HAVING COUNT(*) > 1)",
        (MIN_WORDS_FOR_DUPLICATE, MIN_WORDS_FOR_DUPLICATE)))
    if not repeated:
        return frame
    texts = frame["id"].map(repeated)
    copies = texts.notna() & texts.duplicated()
    count = int(copies.sum())
    if count:
        warnings.warn(f"{count} selected document(s) repeat exactly the text of another selected document and were "
                      f"counted once (the first copy kept); 'policytext duplicates' and 'policytext docs' show them",
                      RepeatedTexts, stacklevel=_outside_policytext())
    return frame[~copies.to_numpy()]


def group_labels(frame: pd.DataFrame, by: str) -> pd.Series:
    """Return the group of each document (row of ``frame``) for grouping ``by``.

    >>> group_labels(pd.DataFrame({"date": ["1962-01-11"]}), "quarter").tolist()
    ['1962-Q1']
    """
    check_grouping(by)
    if by == "year":
        return frame["date"].fillna("").str[:4].replace("", NO_GROUP)
    if by == "quarter":
        dates = frame["date"].fillna("")
        # A year-only date (stored as 1 January) says nothing about the quarter.
        precisions = frame["date_precision"] if "date_precision" in frame else pd.Series(None, index=frame.index)
        labels = [f"{d[:4]}-Q{(int(d[5:7]) - 1) // 3 + 1}" if len(d) >= 7 and p != "year" else NO_GROUP
                  for d, p in zip(dates, precisions)]
        return pd.Series(labels, index=frame.index)
    # object first: a categorical column (documents()' side and role) takes no new value such as NO_GROUP
    labels = frame[_COLUMNS.get(by, by)].astype(object).fillna(NO_GROUP).astype(str).replace("", NO_GROUP)
    if by == "government":
        labels = labels.where(~_not_the_governments(frame), NO_GROUP)
    return labels


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """Return ``frame[name]`` as lower-case text ("" when missing), or a column of "" when absent."""
    if name not in frame:
        return pd.Series("", index=frame.index)
    return frame[name].astype(object).fillna("").astype(str).str.casefold()


def _not_the_governments(frame: pd.DataFrame) -> pd.Series:
    """Return which documents are debate speeches not known to be the government's (see the module)."""
    sided = _column(frame, "kind").isin(SIDED_KINDS)
    governments = _column(frame, "side").eq("government") | _column(frame, "role").eq("minister")
    return sided & ~governments


def _government_detail(frame: pd.DataFrame, missing) -> str:
    """Say why debate speeches among the ``missing`` rows have no government, and how to give them one."""
    rows = frame[missing]
    not_theirs = _not_the_governments(rows) & _column(rows, "government").ne("")
    if not not_theirs.any():
        return ""
    side, role = _column(rows, "side")[not_theirs], _column(rows, "role")[not_theirs]
    parts = []
    opposition = int(side.eq("opposition").sum())
    if opposition:
        parts.append(f"{opposition} opposition speech(es)")
    chair = int((side.eq("") & role.eq("chair")).sum())
    if chair:
        parts.append(f"{chair} of the chair")
    party = _column(rows, "party")[not_theirs]
    placed = int((side.eq("") & ~role.eq("chair") & party.ne("")).sum())
    if placed:
        parts.append(f"{placed} whose speaker's party is on no side that day (or the timeline does not say)")
    unknown = int((side.eq("") & ~role.eq("chair") & party.eq("")).sum())
    if unknown:
        parts.append(f"{unknown} whose speaker has no known party or post that day (give the people and posts "
                     "files: 'policytext collect hansard FILES --people people.json --posts ministers.json', "
                     "or 'policytext collect people' then collect the speeches again)")
    return (f"; of them, debate speeches are the government's only when the speaker is on its side or a "
            f"minister: {', '.join(parts)}")


def leave_out_unlabelled(frame: pd.DataFrame, labels: pd.Series, by: str, *,
                         include_unlabelled: bool = False) -> tuple[pd.DataFrame, pd.Series, int]:
    """Drop the documents that have no group, unless asked to keep them as the group ``(none)``.

    Documents outside every timeline have no government; so have year-only documents whose year
    spans two governments; so have debate speeches not known to be the government's (opposition,
    the chair, a speaker of unknown party). Either way they are no government, and counting them as
    one would enter the G² tests and the charts as a group. A :class:`UnlabelledDocuments` warning
    says how many there are, how many of them are dated only by a year or month, and how many are
    debate speeches of each kind (with how to give speakers their parties).

    Returns:
        The kept rows of ``frame`` and ``labels``, and how many documents were left out.
    """
    missing = (labels == NO_GROUP).to_numpy()
    count = int(missing.sum())
    if not count:
        return frame, labels, 0
    precisions = frame["date_precision"] if "date_precision" in frame else pd.Series(None, index=frame.index)
    vague = int((precisions[missing].isin(["year", "month"])).sum())
    detail = (f" ({vague} of them dated only by a year or month that spans more than one {by} or lies "
              f"outside the timeline; set their {by} with a field mapping or retag)") if vague and by == "government" else ""
    if by == "government":
        detail += _government_detail(frame, missing)
    elif by in ("role", "side", "post") and _column(frame[missing], "kind").isin(SIDED_KINDS).any():
        # a backbencher is known only from a posts file: without it, no speech is a backbencher's
        detail += (f" (a debate speech's {by} comes from the people and posts files: 'policytext collect hansard "
                   f"FILES --people people.json --posts ministers.json'; none is guessed)")
    if include_unlabelled:
        warnings.warn(f"{count} document(s) have no {by}{detail}; they are kept as the group {NO_GROUP!r}",
                      UnlabelledDocuments, stacklevel=_outside_policytext())
        return frame, labels, 0
    warnings.warn(f"{count} document(s) have no {by} and are left out{detail}; include them as the group "
                  f"{NO_GROUP!r} with include_unlabelled=True (--include-unlabelled)",
                  UnlabelledDocuments, stacklevel=_outside_policytext())
    return frame[~missing], labels[~missing], count


def group_periods(frame: pd.DataFrame, labels: pd.Series, by: str, timelines, *,
                  notice: bool = True) -> pd.DataFrame:
    """Return each group's ``start`` and ``end`` (ISO dates) and its order in time.

    Governments take their dates from the timelines (their term of office; an ongoing one has no
    ``end``, ``None``, never the date of its last document, which would read as a closed term);
    years and quarters their calendar span; other groups the dates of their first and last
    documents. Groups without dates come last, by name. An :class:`OngoingGroups` notice names
    the ongoing governments (unless ``notice`` is False: a caller that compares only some of the
    groups names those itself).
    """
    rows = []
    starts = timelines.order() if by == "government" else {}
    ends = {}
    if by == "government":
        for country in timelines.countries():
            for government in timelines.governments(country):
                ends[government.name] = government.end
    dates = frame["date"].fillna("")
    for group in pd.unique(labels):
        mask = labels == group
        own = sorted(d for d in dates[mask] if d)
        first, last = (own[0], own[-1]) if own else (None, None)
        if by == "government" and group in starts:
            # an ongoing government's term has no end yet: its last document is not its end
            start, end = starts[group], ends.get(group)
        elif by == "year" and group != NO_GROUP:
            start, end = f"{group}-01-01", f"{group}-12-31"
        elif by == "quarter" and group != NO_GROUP:
            year, quarter = int(group[:4]), int(group[-1])
            start = f"{year}-{3 * quarter - 2:02d}-01"
            end = f"{year}-{3 * quarter:02d}-{31 if quarter in (1, 4) else 30}"
        else:
            start, end = first, last
        rows.append({"group": group, "start": start, "end": end})
    periods = pd.DataFrame(rows, columns=["group", "start", "end"])
    ongoing = [row["group"] for row in rows if by == "government" and row["group"] in starts and not row["end"]]
    if ongoing and notice:
        warnings.warn(f"{', '.join(ongoing)} {'is' if len(ongoing) == 1 else 'are'} still in office: the period has "
                      f"no end (end is empty), and its figures cover the documents so far, not a whole term",
                      OngoingGroups, stacklevel=_outside_policytext())
    periods["_key"] = periods["start"].fillna("9999")
    periods = periods.sort_values(["_key", "group"]).drop(columns="_key").reset_index(drop=True)
    return periods


def match_group(groups: list[str], value: str, *, option: str) -> str:
    """Return the group named by ``value``: exact, else the one group containing it (any case)."""
    if value in groups:
        return value
    found = [g for g in groups if value.lower() in g.lower()]
    if len(found) == 1:
        return found[0]
    if not found:
        # "Regan": a group with a word close to it (or to one of its words) is the likely one
        wanted = value.lower().split()
        close = [g for g in groups if any(difflib.get_close_matches(word, re.findall(r"\w+", g.lower()), n=1,
                                                                     cutoff=0.75) for word in wanted)]
        hint = f" (did you mean {' or '.join(repr(g) for g in close[:3])}?)" if close else ""
        raise BadQuery(f"{option} {value!r} matches no group{hint}. Groups: {', '.join(groups)}")
    raise BadQuery(f"{option} {value!r} matches several groups ({', '.join(found)}); be more precise")


STATS_GROUPINGS = GROUPINGS + ("source",)
"""The groupings of ``stats --by``: those of trends, keyness and topics, and the source."""


def group_stats(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Return documents, words and first and last dates of each group of ``frame`` (documents' metadata).

    The groups are those of :func:`group_labels` (``(none)`` for documents without one, last);
    years and quarters in time order, other groups most documents first. Columns: ``by``,
    ``documents``, ``words``, ``first``, ``last``.

    >>> frame = pd.DataFrame({"date": ["1962-01-11", "1962-05-02", None], "words": [10, 5, 1],
    ...                       "date_precision": ["day", "day", None]})
    >>> group_stats(frame, "year").to_dict("records")[0]
    {'year': '1962', 'documents': 2, 'words': 15, 'first': '1962-01-11', 'last': '1962-05-02'}
    """
    labels = group_labels(frame, by)
    dates = frame["date"].astype(object).where(frame["date"].notna(), None)
    parts = pd.DataFrame({by: labels.to_numpy(), "words": frame["words"].fillna(0).astype(int).to_numpy(),
                          "date": dates.to_numpy()})
    table = parts.groupby(by, sort=False).agg(documents=("words", "size"), words=("words", "sum"),
                                              first=("date", "min"), last=("date", "max")).reset_index()
    none = table[by] == NO_GROUP
    if by in ("year", "quarter"):
        table = table.assign(_key=table[by]).sort_values("_key")
    else:
        table = table.assign(_key=-table["documents"]).sort_values(["_key", by])
    table = pd.concat([table[~none.loc[table.index]], table[none.loc[table.index]]]).drop(columns="_key")
    table["documents"] = table["documents"].astype(int)
    table["words"] = table["words"].astype(int)
    return table.reset_index(drop=True)
