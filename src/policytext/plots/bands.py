"""Government terms as a labelled band beneath a chart's date axis.

Each term is a box in one row under the axis, labelled inside by its short name ("Attlee"), or by
an abbreviation ("DH") when the name does not fit; a label that fits nowhere in the box goes to a
row below, under its term with a leader line, in the first row where it overlaps no other label.
Abbreviations are spelt out under the band. Documents without a government have no band.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re
import textwrap
from dataclasses import dataclass

import pandas as pd
from matplotlib.dates import date2num
from matplotlib.patches import Rectangle

from policytext.analyse.groups import NO_GROUP
from policytext.store.filters import strict_options

_SHADES = ("#dfe6f0", "#efe6d6")
_MAIN_SHADES = ("#f3f6fa", "#faf6ef")
_SUFFIX = re.compile(r"\s+(administration|government|ministry|coalition)$", re.IGNORECASE)
_YEARS = re.compile(r"\s*\([^)]*\)\s*$")


def parse_date(value) -> dt.date | None:
    """Return the date of an ISO string (``None`` for missing values)."""
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    return dt.date.fromisoformat(str(value)[:10])


def short_name(name: str) -> str:
    """Return a government's name without its years and its kind.

    >>> short_name("Douglas-Home government (1963–1964)"), short_name("G. W. Bush administration (2001–2009)")
    ('Douglas-Home', 'G. W. Bush')
    """
    return _SUFFIX.sub("", _YEARS.sub("", str(name)).strip()) or str(name)


def abbreviations(names: list[str]) -> dict[str, str]:
    """Return a short, unique abbreviation of each short name ("Douglas-Home" -> "DH", "Eden" -> "Ed").

    >>> abbreviations(["Callaghan", "Cameron", "Douglas-Home"])
    {'Callaghan': 'Ca', 'Cameron': 'Cam', 'Douglas-Home': 'DH'}
    """
    found: dict[str, str] = {}
    used: set[str] = set()
    for name in dict.fromkeys(names):
        parts = [p for p in re.split(r"[\s\-–.]+", name) if p]
        if len(parts) > 1:
            rest = "".join(p[0].upper() for p in parts[1:])
            candidates = [parts[0][:n].capitalize() + rest for n in range(1, len(parts[0]) + 1)]
        else:
            candidates = [name[:n] for n in range(2, len(name) + 1)] or [name]
        choice = next((c for c in candidates if c not in used), None)
        number = 2
        while choice is None:
            choice = f"{candidates[0]}{number}" if f"{candidates[0]}{number}" not in used else None
            number += 1
        found[name] = choice
        used.add(choice)
    return found


def ongoing_groups(frame: pd.DataFrame) -> list[str]:
    """Return the groups of ``frame`` that have a start but no end: governments still in office.

    >>> ongoing_groups(pd.DataFrame({"group": ["A", "B"], "start": ["2017-01-20", "2025-01-20"],
    ...                              "end": ["2021-01-20", None]}))
    ['B']
    """
    if frame is None or frame.empty:
        return []
    found = [g for g, s, e in zip(frame["group"], frame["start"], frame["end"])
             if g != NO_GROUP and isinstance(g, str) and parse_date(s) is not None and parse_date(e) is None]
    return list(dict.fromkeys(found))


def close_ongoing(frame: pd.DataFrame, today: dt.date | None = None) -> pd.DataFrame:
    """Return ``frame`` with the open end of each ongoing group drawn to ``today`` (default: the date
    the chart is made), never to its last document: the term is still running."""
    ongoing = ongoing_groups(frame)
    if not ongoing:
        return frame
    day = (today or dt.date.today()).isoformat()
    closed = frame.copy()
    mask = closed["group"].isin(ongoing) & closed["end"].map(lambda e: parse_date(e) is None)
    closed["end"] = closed["end"].astype(object).where(~mask, [max(day, str(s)[:10]) for s in closed["start"]])
    return closed


def band_periods(periods: pd.DataFrame) -> pd.DataFrame:
    """Return the periods to draw: one row per government with both dates (an ongoing one's end is
    today, see :func:`close_ongoing`), no '(none)' group."""
    if periods is None or periods.empty:
        return pd.DataFrame(columns=["group", "start", "end"])
    periods = close_ongoing(periods)
    kept = periods[(periods["group"] != NO_GROUP) & periods["group"].notna()]
    kept = kept[[parse_date(s) is not None and parse_date(e) is not None for s, e in zip(kept["start"], kept["end"])]]
    return kept.drop_duplicates("group")[["group", "start", "end"]].reset_index(drop=True)


def terms_overlap(trends: pd.DataFrame) -> bool:
    """Say whether two groups' terms overlap (governments of two countries), so no line may join them.

    Example:
        >>> terms_overlap(pd.DataFrame({"group": ["A", "B"], "start": ["2009-01-20", "2010-05-11"],
        ...                             "end": ["2017-01-20", "2015-05-08"]}))
        True
    """
    terms = band_periods(trends[["group", "start", "end"]]).sort_values("start")
    starts, ends = list(terms["start"]), list(terms["end"])
    return any(later < end for later, end in zip(starts[1:], itertools.accumulate(ends, max)))


def shade_periods(ax, periods: pd.DataFrame) -> None:
    """Shade each period faintly across ``ax``, so that points can be read against the band."""
    for index, period in enumerate(band_periods(periods).itertuples(index=False)):
        ax.axvspan(date2num(parse_date(period.start)), date2num(parse_date(period.end)),
                   color=_MAIN_SHADES[index % 2], zorder=0, linewidth=0)


@dataclass
class _Label:
    group: str
    text: str
    lane: int
    centre: float      # pixels
    half_width: float  # pixels, with padding
    middle: float | None  # the term's middle, pixels: the leader's x (None: no leader)
    abbreviated: bool


def _place(ax, periods: pd.DataFrame, fontsize: float) -> list[_Label]:
    """Choose each label's text and row so that no two labels overlap (positions in pixels)."""
    figure = ax.figure
    renderer = figure.canvas.get_renderer()
    left, right = ax.get_window_extent(renderer).intervalx
    pad = fontsize * figure.dpi / 72 * 0.25
    names = [short_name(g) for g in periods["group"]]
    abbreviated = abbreviations(names)

    def width(text: str) -> float:
        probe = ax.text(0, 0, text, fontsize=fontsize)
        extent = probe.get_window_extent(renderer).width
        probe.remove()
        return extent

    placed: list[_Label] = []
    for number, (period, name) in enumerate(zip(periods.itertuples(index=False), names), 1):
        start = ax.transData.transform((date2num(parse_date(period.start)), 0))[0]
        end = ax.transData.transform((date2num(parse_date(period.end)), 0))[0]
        start, end = max(start, left), min(end, right)
        if end <= start:
            continue
        middle = (start + end) / 2
        # the last term's full name may use the room left after it on the axis (make_room)
        room = right if number == len(names) else end
        label = None
        for text, short, until in ((name, False, room), (abbreviated[name], abbreviated[name] != name, end)):
            half = width(text) / 2 + pad
            centre = (start + until) / 2
            if 2 * half <= until - start and not _overlaps(placed, 0, centre, half):
                label = _Label(period.group, text, 0, centre, half, centre, short)
                break
        if label is None:
            text = abbreviated[name]
            half = width(text) / 2 + pad
            centre = min(max(middle, left + half), right - half)
            deepest = max((p.lane for p in placed), default=0) + 1
            lane = next((k for k in range(1, deepest + 1) if _free(placed, k, centre, half, middle)), None)
            leader = lane is not None
            if lane is None:  # any leader would cross a label: no leader, but still no overlap
                lane = next(k for k in range(1, deepest + 2) if not _overlaps(placed, k, centre, half))
            label = _Label(period.group, text, lane, centre, half, middle if leader else None, text != name)
        placed.append(label)
    return placed


MAX_ROOM = 0.12
"""The most :func:`make_room` widens the date axis by, as a share of its span."""


def make_room(ax, periods: pd.DataFrame, fontsize: float) -> None:
    """Widen ``ax``'s date axis on the right so that the last term's name fits after its start.

    The last term often ends with the data (a government in office: "Trump administration
    (2025–)", one address): its box is a sliver at the right edge, its point squeezed against
    the edge and its label cut to an abbreviation. The axis is widened just enough for the name
    when that is at most :data:`MAX_ROOM` of the span (else not at all); the box itself keeps the
    term's dates.
    """
    periods = band_periods(periods)
    if periods.empty:
        return
    renderer = ax.figure.canvas.get_renderer()
    low, high = ax.get_xlim()
    left, right = ax.get_window_extent(renderer).intervalx
    probe = ax.text(0, 0, short_name(periods["group"].iloc[-1]), fontsize=fontsize)
    needed = probe.get_window_extent(renderer).width + fontsize * ax.figure.dpi / 72  # a little air either side
    probe.remove()
    width = right - left
    start = date2num(parse_date(periods["start"].iloc[-1]))
    if needed >= width or (high - start) * width / (high - low) >= needed:
        return
    # the right limit at which the last term's start is ``needed`` pixels from the edge; when
    # more than MAX_ROOM would be needed, the name is abbreviated in its box as before
    wanted = (start * width - low * needed) / (width - needed)
    if wanted <= high + MAX_ROOM * (high - low):
        ax.set_xlim(low, wanted)


def _overlaps(placed: list[_Label], lane: int, centre: float, half: float) -> bool:
    return any(p.lane == lane and abs(p.centre - centre) < p.half_width + half for p in placed)


def _free(placed: list[_Label], lane: int, centre: float, half: float, middle: float) -> bool:
    """A label fits in ``lane`` when it overlaps no label there, crosses no leader passing through
    the lane, and its own leader crosses no label in the rows above it."""
    if _overlaps(placed, lane, centre, half):
        return False
    if any(p.lane > lane and p.middle is not None and abs(p.middle - centre) < half for p in placed):
        return False
    return not any(0 < p.lane < lane and abs(p.centre - middle) < p.half_width for p in placed)


def lane_height(fontsize: float) -> float:
    """Return the height of one row of the band, in inches."""
    return fontsize * 1.9 / 72


def count_lanes(ax, periods: pd.DataFrame, fontsize: float) -> int:
    """Return how many rows the band's labels need at ``ax``'s current size."""
    placed = _place(ax, band_periods(periods), fontsize)
    return 1 + max((p.lane for p in placed), default=0)


def draw_band(ax, periods: pd.DataFrame, fontsize: float) -> list[str]:
    """Draw the band of ``periods`` in ``ax`` (whose x axis is shared with the chart's).

    Returns:
        The spelt-out abbreviations ("DH Douglas-Home"), in time order.
    """
    periods = band_periods(periods)
    placed = _place(ax, periods, fontsize)
    lanes = 1 + max((p.lane for p in placed), default=0)
    row = 1.0 / lanes
    transform = ax.get_xaxis_transform()
    for index, period in enumerate(periods.itertuples(index=False)):
        start, end = date2num(parse_date(period.start)), date2num(parse_date(period.end))
        ax.add_patch(Rectangle((start, 1 - row), end - start, row, transform=transform,
                               facecolor=_SHADES[index % 2], edgecolor="white", linewidth=0.6, clip_on=True))
    to_data = ax.transData.inverted()
    legend = []
    for label in placed:
        x = to_data.transform((label.centre, 0))[0]
        y = 1 - (label.lane + 0.5) * row
        ax.text(x, y, label.text, transform=transform, ha="center", va="center", fontsize=fontsize,
                color="#333333", clip_on=False)
        if label.lane and label.middle is not None:
            middle = to_data.transform((label.middle, 0))[0]
            ax.plot([middle, middle], [1 - row, 1 - label.lane * row - row * 0.12], transform=transform,
                    color="#888888", linewidth=0.5, clip_on=False)
        if label.abbreviated:
            entry = f"{label.text} {short_name(label.group)}".replace(" ", "\u00a0")  # wrapped as one
            if entry not in legend:
                legend.append(entry)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.tick_params(axis="x", which="both", bottom=False, labelbottom=False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return legend


def wrap_caption(entries: list[str], notes: list[str], width_inches: float, fontsize: float) -> str:
    """Return the abbreviations, then any notes, as lines that fit ``width_inches`` at ``fontsize``."""
    characters = max(20, int(width_inches * 72 / (fontsize * 0.6)))
    lines = textwrap.wrap(" · ".join(entries), characters, break_long_words=False, break_on_hyphens=False)
    for note in notes:
        lines += textwrap.wrap(note, characters, break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines)


@strict_options
def government_periods(corpus, trends: pd.DataFrame, **filters) -> pd.DataFrame | None:
    """Return the governments in office over the trends' dates, when the documents are of one country.

    For charts by year or quarter: the band then shows who governed. ``None`` when the selected
    documents come from several countries (whose band would it be?) or from none with a timeline.
    """
    dated = trends.dropna(subset=["start", "end"])
    if dated.empty:
        return None
    governments = corpus.stats(**filters)["government"]
    countries = sorted({c for c, g in zip(governments["country"], governments["government"]) if c and g})
    if len(countries) != 1:
        return None
    start, end = str(min(dated["start"]))[:10], str(max(dated["end"]))[:10]
    rows = [{"group": g.name, "start": max(g.start, start), "end": min(g.end or end, end)}
            for g in corpus.timelines.governments_during(countries[0], start, end)]
    return pd.DataFrame(rows, columns=["group", "start", "end"]) if rows else None
