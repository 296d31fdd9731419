"""Charts with matplotlib: theme trends with each government's period shaded, and topic shares.

Functions return a matplotlib ``Figure`` (shown inline in notebooks) and write PNG or SVG when
given a path. They use the object-oriented API only, so no global pyplot state is touched.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

import pandas as pd
from matplotlib.dates import date2num
from matplotlib.figure import Figure

from policytext.analyse.groups import NO_GROUP
from policytext.errors import ConfigError

PLOT_SUFFIXES = (".png", ".svg")
_SHADES = ("#e8eef7", "#f7f0e4")


def check_plot_path(path: str | Path) -> Path:
    """Return ``path`` when its suffix is .png or .svg; raise :class:`ConfigError` otherwise."""
    path = Path(path)
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise ConfigError(f"cannot write a chart to {path.name}: end the file name with .png or .svg")
    return path


def _date(value) -> dt.date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    return dt.date.fromisoformat(str(value)[:10])


def _middle(start: dt.date, end: dt.date) -> float:
    return (date2num(start) + date2num(end)) / 2.0


def _short(name: str) -> str:
    """'Kennedy administration (1961–1963)' -> 'Kennedy' (labels must fit above narrow bands)."""
    return str(name).split(" administration")[0].split(" ministry")[0].split(" (")[0]


def shade_periods(ax, periods: pd.DataFrame) -> None:
    """Shade each period (``group``, ``start``, ``end``) on ``ax`` and label it at the top."""
    for index, period in enumerate(periods.itertuples(index=False)):
        start, end = _date(period.start), _date(period.end)
        if start is None or end is None:
            continue
        ax.axvspan(date2num(start), date2num(end), color=_SHADES[index % 2], zorder=0, linewidth=0)
        ax.text(_middle(start, end), 1.01, _short(period.group), rotation=60, va="bottom", ha="left",
                fontsize=7, color="#444444", transform=ax.get_xaxis_transform(), clip_on=False)


def _save(figure: Figure, path: str | Path | None) -> Figure:
    if path is not None:
        target = check_plot_path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(target, format=target.suffix[1:].lower(), bbox_inches="tight")
    return figure


def plot_theme_trends(trends: pd.DataFrame, path: str | Path | None = None, *,
                      periods: pd.DataFrame | None = None, title: str | None = None) -> Figure:
    """Plot each theme's rate per 10,000 tokens over time, with its 95% interval.

    Each group is drawn at the middle of its period (a government's term, a year...), with error
    bars; government periods are shaded and labelled.

    Args:
        trends: the frame of :func:`~policytext.analyse.trends.theme_trends`.
        path: write the chart here (.png or .svg).
        periods: periods to shade (``group, start, end``); by default the groups themselves when
            they are governments, else none.
        title: the chart title.

    Returns:
        The matplotlib figure.

    Example:
        >>> plot_theme_trends(theme_trends(corpus, ["trust"]), "trust.svg")   # doctest: +SKIP
    """
    if trends.empty:
        raise ConfigError("nothing to plot: the trends table is empty (no documents matched)")
    figure = Figure(figsize=(11, 5.5))
    ax = figure.add_subplot()
    dated = trends.dropna(subset=["start", "end"])
    if periods is None and dated["group"].astype(str).str.contains(r"administration|ministry|government|coalition", case=False).any():
        # Documents without a government (kept with include_unlabelled) are no government's period.
        periods = dated[dated["group"] != NO_GROUP].drop_duplicates("group")[["group", "start", "end"]]
    if periods is not None:
        shade_periods(ax, periods)
    for theme, rows in dated.groupby("theme", sort=False):
        x = [_middle(_date(s), _date(e)) for s, e in zip(rows["start"], rows["end"])]
        low = (rows["rate"] - rows["rate_low"]).clip(lower=0)
        high = (rows["rate_high"] - rows["rate"]).clip(lower=0)
        ax.errorbar(x, rows["rate"], yerr=[low, high], marker="o", capsize=3, label=str(theme), zorder=3)
    ax.xaxis_date()
    ax.set_ylabel("matches per 10,000 tokens (95% bootstrap interval)")
    ax.set_ylim(bottom=0)
    ax.legend(loc="best", fontsize=8)
    ax.set_title(title or "Themes over time", pad=60 if periods is not None else 6)
    return _save(figure, path)


def plot_topic_trends(trends: pd.DataFrame, path: str | Path | None = None, *,
                      topics: Sequence[int] | None = None, title: str | None = None) -> Figure:
    """Plot topic shares over time (one line per topic, with 95% intervals as bands).

    Args:
        trends: the frame of :func:`~policytext.analyse.topics.topic_trends`.
        path: write the chart here (.png or .svg).
        topics: only these topic numbers (default: all).
        title: the chart title.

    Example:
        >>> plot_topic_trends(topic_trends(corpus, "nmf-k10"), "topics.png")   # doctest: +SKIP
    """
    if trends.empty:
        raise ConfigError("nothing to plot: the topic trends table is empty")
    figure = Figure(figsize=(11, 5.5))
    ax = figure.add_subplot()
    dated = trends.dropna(subset=["start", "end"])
    if topics is not None:
        dated = dated[dated["topic"].isin(list(topics))]
    if dated["group"].astype(str).str.contains(r"administration|ministry|government|coalition", case=False).any():
        shade_periods(ax, dated[dated["group"] != NO_GROUP].drop_duplicates("group")[["group", "start", "end"]])
    for (topic, label), rows in dated.groupby(["topic", "label"], sort=False):
        x = [_middle(_date(s), _date(e)) for s, e in zip(rows["start"], rows["end"])]
        line = ax.plot(x, rows["share"], marker="o", label=f"{topic}: {label}", zorder=3)[0]
        ax.fill_between(x, rows["share_low"], rows["share_high"], color=line.get_color(), alpha=0.15, zorder=2)
    ax.xaxis_date()
    ax.set_ylabel("mean topic share of documents (95% bootstrap interval)")
    ax.set_ylim(bottom=0)
    ax.legend(loc="best", fontsize=7, ncol=2)
    ax.set_title(title or "Topics over time", pad=60)
    return _save(figure, path)
