"""Theme rates by group: over time with the governments beneath the axis, or as dots with intervals."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.lines import Line2D

from policytext.analyse.groups import NO_GROUP
from policytext.errors import ConfigError
from policytext.plots.bands import (band_periods, close_ongoing, count_lanes, draw_band, lane_height, make_room,
                                    ongoing_groups, parse_date, shade_periods, terms_overlap, wrap_caption)
from policytext.plots.figure import (TIME_GROUPINGS, ChartFigure, ChartSize, chart_size, chart_style,
                                     distinct_colours, finish, new_figure, resolve_grouping)

MAX_CATEGORIES = 40
"""A dot chart of more groups than this is unreadable: filter, or group by party or kind."""
_MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")
RATE_LABEL = "matches per 10,000 tokens"


def theme_colours(count: int) -> list[str]:
    """Return ``count`` distinct colours (an error past 20: a chart of more themes is unreadable)."""
    if count > 20:
        raise ConfigError(f"{count} themes are too many for one chart: plot at most 20 at a time")
    return distinct_colours(count)


def plot_theme_trends(trends: pd.DataFrame, path: str | Path | None = None, *, by: str | None = None,
                      periods: pd.DataFrame | None = None, title: str | None = None,
                      size: str | ChartSize = "slide") -> ChartFigure:
    """Chart each theme's rate per 10,000 tokens by group, with its 95% interval.

    Groups in time (government, year, quarter) are drawn at the middle of their period on a date
    axis, with the governments' terms as a labelled band beneath it; other groups (speaker, party,
    kind) are categories, drawn as a dot and an interval each. A group without an interval (too few
    documents to resample) is an open marker without a bar.

    Args:
        trends: the frame of :func:`~policytext.analyse.trends.theme_trends`.
        path: also write the chart here (.png, .svg or .pdf; fonts embedded).
        by: how the groups were made (default: the table's provenance).
        periods: the governments for the band (``group, start, end``); by default the groups
            themselves when grouped by government, else no band (see
            :func:`~policytext.plots.government_periods` for a chart by year or quarter).
        title: the chart's title.
        size: ``column`` (one column of a paper) or ``slide``.

    Returns:
        The figure (a notebook shows it).

    Example:
        >>> plot_theme_trends(theme_trends(corpus, ["trust"]), "trust.svg", size="column")  # doctest: +SKIP
    """
    if trends.empty:
        raise ConfigError("nothing to plot: the trends table is empty (no documents matched)")
    size = chart_size(size)
    by = resolve_grouping(trends, by)
    with chart_style(size):
        if by == "government" and terms_overlap(trends):
            # two countries' governments at once: one line through them and one band of their terms
            # would join Obama to Cameron to Trump, and draw one term over another
            figure = draw_categories(trends, size=size,
                                     title=title or "Themes by government")
        elif by in TIME_GROUPINGS:
            if by == "government" and periods is None:
                periods = trends[["group", "start", "end"]]
            figure = draw_over_time(trends, "rate", "rate_low", "rate_high", series="theme", periods=periods,
                                    size=size, ylabel=f"{RATE_LABEL}\n(95% interval)",
                                    title=title or "Themes over time")
        else:
            figure = draw_categories(trends, size=size, title=title or f"Themes by {by}")
    return finish(figure, path)


def _interval_split(rows: pd.DataFrame, low: str, high: str) -> tuple[np.ndarray, np.ndarray]:
    finite = rows[low].notna().to_numpy() & rows[high].notna().to_numpy()
    return finite, ~finite


def _upper_bounds(rows: pd.DataFrame) -> np.ndarray:
    """Rows whose interval is a one-sided upper bound (no match in the group), not a bootstrap."""
    if "interval" not in rows:
        return np.zeros(len(rows), dtype=bool)
    return rows["interval"].eq("upper bound").to_numpy()


def _note_handles(any_open: bool, any_bound: bool = False, colour="#555555") -> list:
    handles = []
    if any_open:
        handles.append(Line2D([], [], linestyle="none", marker="o", markerfacecolor="white", markeredgecolor=colour,
                              label="no interval (too few documents)"))
    if any_bound:
        handles.append(Line2D([], [], linestyle=(0, (2, 2)), color=colour,
                              label="no match: dashed up to the 95% upper bound"))
    return handles


def _draw_series(ax, at: np.ndarray, values: np.ndarray, rows: pd.DataFrame, low: str, high: str, *,
                 colour: str, marker: str, size: ChartSize, label: str, vertical: bool) -> tuple[bool, bool]:
    """Draw one series' points at positions ``at``: bootstrap intervals as bars, upper bounds dashed
    from zero, groups without an interval as open points. Return whether any was open or a bound.

    ``vertical``: values on the y axis (a time axis) rather than the x axis (categories).
    """
    finite, open_ = _interval_split(rows, low, high)
    bound = finite & _upper_bounds(rows)
    finite = finite & ~bound
    width = 1.0 if size.name == "column" else 1.6
    lows, highs = rows[low].to_numpy(dtype=float), rows[high].to_numpy(dtype=float)

    def points(where: np.ndarray, **style) -> None:
        xs, ys = (at[where], values[where]) if vertical else (values[where], at[where])
        ax.plot(xs, ys, marker=marker, linestyle="none", **style)

    if bound.any():
        lines = ax.vlines if vertical else ax.hlines
        lines(at[bound], 0, highs[bound], colors=colour, linestyles=(0, (2, 2)), linewidth=width, zorder=3)
        points(bound, color=colour, zorder=3)
    if finite.any():
        spread = [np.clip(values[finite] - lows[finite], 0, None), np.clip(highs[finite] - values[finite], 0, None)]
        xs, ys = (at[finite], values[finite]) if vertical else (values[finite], at[finite])
        ax.errorbar(xs, ys, **({"yerr": spread} if vertical else {"xerr": spread}), fmt=marker, color=colour,
                    capsize=0, elinewidth=width, zorder=3, label=label)
    else:
        ax.plot([], [], marker=marker, linestyle="none", color=colour, label=label)
    if open_.any():
        points(open_, markerfacecolor="white", markeredgecolor=colour, zorder=4)
    return bool(open_.any()), bool(bound.any())


def draw_over_time(frame: pd.DataFrame, value: str, low: str, high: str, *, series: str,
                   periods: pd.DataFrame | None, size: ChartSize, ylabel: str, title: str) -> ChartFigure:
    """Draw one line of points with intervals per ``series`` on a date axis, the band beneath."""
    # Documents without a government (kept as '(none)') span no term: a point at the middle of
    # their dates would read as a period, so they are left off the axis and said so beneath it.
    ongoing = ongoing_groups(frame)
    frame = close_ongoing(frame)
    dated = frame.dropna(subset=["start", "end"])
    notes = []
    if ongoing:
        notes.append(f"Still in office, drawn to {dt.date.today().isoformat()} (no end yet): {', '.join(ongoing)}")
    undrawn = frame[(frame["group"] == NO_GROUP) | frame["start"].isna() | frame["end"].isna()]
    if not undrawn.empty:
        counts = undrawn.drop_duplicates("group")
        notes.append("Not drawn, having no period: " + ", ".join(
            f"{g} ({int(n)} document{'s' if n != 1 else ''})" for g, n in zip(counts["group"], counts["documents"])))
    dated = dated[dated["group"] != NO_GROUP]
    if dated.empty:
        raise ConfigError("nothing to plot on a time axis: no group has dates")
    band = band_periods(periods) if periods is not None else band_periods(None)
    band_font = size.font * 0.8
    legend_font = size.font * 0.75
    figure = new_figure(size)
    if band.empty:
        ax = figure.add_subplot()
        band_ax = None
    else:
        grid = figure.add_gridspec(2, 1, height_ratios=[size.height, lane_height(band_font)])
        ax = figure.add_subplot(grid[0])
        band_ax = figure.add_subplot(grid[1], sharex=ax)
        shade_periods(ax, band)

    starts = np.array([date2num(parse_date(s)) for s in dated["start"]])
    ends = np.array([date2num(parse_date(e)) for e in dated["end"]])
    names = list(dict.fromkeys(dated[series]))
    colours = theme_colours(len(names))
    spans = (ends - starts)
    step = float(np.median(spans)) * 0.12 if len(names) > 1 else 0.0
    any_open = any_bound = False
    for index, name in enumerate(names):
        rows = dated[dated[series] == name]
        mask = (dated[series] == name).to_numpy()
        x = (starts[mask] + ends[mask]) / 2 + (index - (len(names) - 1) / 2) * step
        y = rows[value].to_numpy(dtype=float)
        colour, marker = colours[index], _MARKERS[index % len(_MARKERS)]
        ax.plot(x, y, color=colour, alpha=0.5, zorder=2)
        opened, bounded = _draw_series(ax, x, y, rows, low, high, colour=colour, marker=marker, size=size,
                                       label=str(name), vertical=True)
        any_open, any_bound = any_open or opened, any_bound or bounded
    ax.set_xlim(starts.min(), ends.max())
    locator = AutoDateLocator(minticks=3, maxticks=8 if size.name == "slide" else 5)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))
    ax.set_ylim(bottom=0)
    for artist in ax.lines + ax.collections:
        artist.set_clip_on(False)  # a point at zero is drawn whole, not cut by the axis
    # Clear of the '0' of the rate axis, which sits level with the date axis's line.
    ax.tick_params(axis="x", pad=size.font * 0.7)
    ax.set_ylabel(ylabel)
    handles, _ = ax.get_legend_handles_labels()
    handles += _note_handles(any_open, any_bound)
    # Above the axes, beneath the title, never over the data: the 'best' place inside the axes is
    # only the least covered one, and with intervals spread over the whole span it hid the tops of
    # some (docs/themes.md, Charts).
    figure.suptitle(title)
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=_legend_columns(handles, size),
              fontsize=size.font * 0.8, frameon=False, borderaxespad=0.2)
    if band_ax is not None:
        _fit_band(figure, band_ax, band, size, band_font, legend_font, notes)
    elif notes:
        ax.set_xlabel(wrap_caption([], notes, ax.get_position().width * size.width, legend_font),
                      fontsize=legend_font, loc="left", color="#444444")
    return figure


def _legend_columns(handles: list, size: ChartSize) -> int:
    """Return how many legend entries fit side by side across the chart (at least 1)."""
    longest = max((len(h.get_label()) for h in handles), default=1)
    # an entry is its marker (about 3 characters' width) and its label, at 0.8 of the font, a
    # character about 0.55 of the font size wide
    entry = (longest + 4) * size.font * 0.8 * 0.55 / 72
    return max(1, min(len(handles), int(size.width * 0.95 // entry)))


def _fit_band(figure: ChartFigure, band_ax, band: pd.DataFrame, size: ChartSize, band_font: float,
              legend_font: float, notes: list[str]) -> None:
    """Size the band for the rows its labels need, then draw it and spell out its abbreviations."""
    base = size.height
    lanes = 1
    figure.draw_without_rendering()
    make_room(band_ax, band, band_font)
    for _ in range(3):  # the axis width settles after a layout or two
        figure.set_figheight(base + lanes * lane_height(band_font) + 0.15)
        band_ax.get_gridspec().set_height_ratios([base, lanes * lane_height(band_font)])
        figure.draw_without_rendering()
        needed = count_lanes(band_ax, band, band_font)
        if needed == lanes:
            break
        lanes = needed
    entries = draw_band(band_ax, band, band_font)
    text = wrap_caption(entries, notes, band_ax.get_position().width * figure.get_figwidth(), legend_font)
    if text:
        lines = text.count("\n") + 1
        # A taller figure keeps the axes' widths, so the labels placed above still fit.
        figure.set_figheight(figure.get_figheight() + lines * legend_font * 1.35 / 72)
        band_ax.set_xlabel(text, fontsize=legend_font, loc="left", color="#444444", labelpad=2)


def draw_categories(trends: pd.DataFrame, *, size: ChartSize, title: str) -> ChartFigure:
    """Draw a dot and its interval per theme and group, groups as rows (party, speaker, kind)."""
    groups = list(dict.fromkeys(trends["group"]))
    if len(groups) > MAX_CATEGORIES:
        raise ConfigError(f"{len(groups)} groups are too many for one chart (at most {MAX_CATEGORIES}): "
                          "select fewer documents (--speaker, --party, --since ...) or group by party or kind")
    names = list(dict.fromkeys(trends["theme"]))
    colours = theme_colours(len(names))
    row = size.font * (1.6 + 0.9 * len(names)) / 72
    figure = new_figure(size, max(size.height, len(groups) * row + 1.1 * size.font / 7))
    ax = figure.add_subplot()
    position = {g: i for i, g in enumerate(groups)}
    step = 0.6 / len(names) if len(names) > 1 else 0.0
    any_open = any_bound = False
    for index, name in enumerate(names):
        rows = trends[trends["theme"] == name]
        y = np.array([position[g] for g in rows["group"]], dtype=float) + (index - (len(names) - 1) / 2) * step
        x = rows["rate"].to_numpy(dtype=float)
        colour, marker = colours[index], _MARKERS[index % len(_MARKERS)]
        opened, bounded = _draw_series(ax, y, x, rows, "rate_low", "rate_high", colour=colour, marker=marker,
                                       size=size, label=str(name), vertical=False)
        any_open, any_bound = any_open or opened, any_bound or bounded
    documents = trends.drop_duplicates("group").set_index("group")["documents"]
    ax.set_yticks(range(len(groups)), [f"{g} (n={int(documents[g])})" for g in groups])
    ax.set_ylim(len(groups) - 0.5, -0.5)
    ax.set_xlim(left=0)
    for artist in ax.lines + ax.collections:
        artist.set_clip_on(False)  # a point at zero is drawn whole, not cut by the axis
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel(f"{RATE_LABEL} (95% interval)", loc="right")  # room beneath the group names
    ax.set_title(title)
    handles, _ = ax.get_legend_handles_labels()
    handles += _note_handles(any_open, any_bound)
    if len(handles) > 1:
        figure.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 3), frameon=False,
                      fontsize=size.font * 0.8)
    return figure
