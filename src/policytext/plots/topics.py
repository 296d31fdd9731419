"""Topic shares by group as small multiples: one panel per topic, each in its own colour."""
from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from matplotlib.dates import AutoDateLocator, DateFormatter, date2num

from policytext.errors import ConfigError
from policytext.plots.bands import parse_date, short_name, terms_overlap
from policytext.plots.figure import (ChartFigure, ChartSize, chart_size, chart_style, distinct_colours, finish,
                                     new_figure, resolve_grouping)

_ONE_COLOUR = "#1f4e79"


def topic_colours(count: int) -> list[str]:
    """Return a distinct colour per topic up to 20; past 20, one colour (the panels' titles tell them apart)."""
    return distinct_colours(count) if count <= 20 else [_ONE_COLOUR] * count


def group_names(groups: list[str]) -> list[str]:
    """Return the groups' short names, with their years where two share a name (Wilson, Trump).

    >>> group_names(["Trump administration (2017–2021)", "Biden administration (2021–2025)", "Trump administration (2025–)"])
    ['Trump 2017–2021', 'Biden', 'Trump 2025–']
    """
    import re
    from collections import Counter

    short = [short_name(g) for g in groups]
    repeated = {name for name, count in Counter(short).items() if count > 1}
    names = []
    for group, name in zip(groups, short):
        years = re.search(r"\(([^)]*)\)\s*$", str(group))
        names.append(f"{name} {years.group(1)}" if name in repeated and years else name)
    return names


def plot_topic_trends(trends: pd.DataFrame, path: str | Path | None = None, *, by: str | None = None,
                      topics: Sequence[int] | None = None, title: str | None = None,
                      size: str | ChartSize = "slide") -> ChartFigure:
    """Chart each topic's mean share by group, with its 95% interval, one small panel per topic.

    Panels share both axes, so shares compare across topics. Groups by year or quarter are on a
    date axis; governments, speakers, parties and kinds are in their table order, named beneath
    the bottom panels. Governments of two countries (terms that overlap) are points with their
    intervals, never joined by a line from one country's government to the other's.

    Args:
        trends: the frame of :func:`~policytext.analyse.topics.topic_trends`.
        path: also write the chart here (.png, .svg or .pdf; fonts embedded).
        by: how the groups were made (default: the table's provenance).
        topics: only these topic numbers (default: all).
        title: the chart's title.
        size: ``column`` (one column of a paper) or ``slide``.

    Example:
        >>> plot_topic_trends(topic_trends(corpus, "nmf-k10"), "topics.png")   # doctest: +SKIP
    """
    if trends.empty:
        raise ConfigError("nothing to plot: the topic trends table is empty")
    size = chart_size(size)
    by = resolve_grouping(trends, by)
    frame = trends if topics is None else trends[trends["topic"].isin(list(topics))]
    if frame.empty:
        raise ConfigError(f"nothing to plot: the table has none of the topics {list(topics)}")
    on_dates = by in ("year", "quarter")
    joined = not (by == "government" and terms_overlap(frame))
    if on_dates:
        frame = frame.dropna(subset=["start", "end"])
    groups = list(dict.fromkeys(frame["group"]))
    numbers = list(dict.fromkeys(frame["topic"]))
    columns = min(len(numbers), 2 if size.name == "column" else 4)
    rows = math.ceil(len(numbers) / columns)
    panel = 0.95 if size.name == "column" else 1.45
    names_height = 0 if on_dates else max(len(n) for n in group_names(groups)) * size.font * 0.5 / 72
    with chart_style(size):
        figure = new_figure(size, max(size.height, rows * panel + 0.6 + names_height))
        axes = figure.subplots(rows, columns, sharex=True, sharey=True, squeeze=False)
        colours = topic_colours(len(numbers))
        title_font = size.font * 0.8
        characters = max(12, int(size.width / columns * 72 / (title_font * 0.55)))
        for index, (number, ax) in enumerate(zip(numbers, axes.flat)):
            topic = frame[frame["topic"] == number]
            position = {g: i for i, g in enumerate(groups)}
            if on_dates:
                x = np.array([(date2num(parse_date(s)) + date2num(parse_date(e))) / 2
                              for s, e in zip(topic["start"], topic["end"])])
            else:
                x = np.array([position[g] for g in topic["group"]], dtype=float)
            share = topic["share"].to_numpy(dtype=float)
            low, high = topic["share_low"].to_numpy(dtype=float), topic["share_high"].to_numpy(dtype=float)
            colour = colours[index]
            if joined:
                ax.fill_between(x, low, high, color=colour, alpha=0.22, linewidth=0, zorder=2)
                ax.plot(x, share, color=colour, marker="o", zorder=3)
            else:
                # two countries' governments: a point and its interval each, no line from one
                # country's government to the other's
                bars = np.vstack([share - low, high - share])
                ax.errorbar(x, share, yerr=np.where(np.isnan(bars), 0.0, bars), color=colour, marker="o",
                            linestyle="none", elinewidth=1.2, capsize=0, zorder=3)
            no_interval = np.isnan(low) | np.isnan(high)
            if no_interval.any():
                ax.plot(x[no_interval], share[no_interval], linestyle="none", marker="o",
                        markerfacecolor="white", markeredgecolor=colour, zorder=4)
            label = f"{number}: {topic['label'].iloc[0]}"
            ax.set_title(textwrap.shorten(label, characters, placeholder="…"), fontsize=title_font, loc="left")
            ax.grid(axis="y", color="#ececec", linewidth=0.5)
            ax.set_axisbelow(True)
            ax.tick_params(labelsize=size.font * 0.75)
        for ax in list(axes.flat)[len(numbers):]:
            ax.set_visible(False)
        first = axes.flat[0]
        first.set_ylim(bottom=0)
        if on_dates:
            locator = AutoDateLocator(minticks=2, maxticks=4)
            first.xaxis.set_major_locator(locator)
            first.xaxis.set_major_formatter(DateFormatter("%Y"))
        else:
            first.set_xticks(range(len(groups)), group_names(groups))
            for ax in axes.flat:
                ax.tick_params(axis="x", labelrotation=90)
            first.set_xlim(-0.5, len(groups) - 0.5)
        # The last panel of a short last row has no panel beneath it: show its group names.
        for ax in axes.flat[len(numbers) - columns:len(numbers)]:
            ax.xaxis.set_tick_params(labelbottom=True)
        figure.supylabel("mean topic share of documents (95% interval)", fontsize=size.font * 0.85)
        figure.suptitle(title or "Topics over time", fontsize=size.font * 1.1)
        _fit_titles(figure, [ax for ax in axes.flat if ax.get_visible()])
    return finish(figure, path)


def _fit_titles(figure: ChartFigure, panels: list) -> None:
    """Shorten each panel's title (its topic's terms) until it ends within its panel."""
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    for ax in panels:
        title = ax.title if ax.get_title(loc="center") else ax._left_title
        right = ax.get_window_extent(renderer).x1
        full = title.get_text()
        width = len(full)
        while width > 8 and title.get_window_extent(renderer).x1 > right:
            width -= 2
            title.set_text(textwrap.shorten(full, width, placeholder="…"))
