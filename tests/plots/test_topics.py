"""Topic shares as small multiples: one panel per topic, each in its own colour."""
from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex

from policytext.analyse.topics import TOPIC_TREND_COLUMNS
from policytext.errors import ConfigError
from policytext.plots import plot_topic_trends
from policytext.plots.topics import topic_colours


def test_twelve_topics_by_government_on_forewords(table, matches_reference, no_overlaps) -> None:
    """A 12-topic model of UK manifesto forewords: twelve panels, twelve different colours."""
    trends = table("forewords-topics-government")
    figure = plot_topic_trends(trends, by="government", size="column", title="Topics of the forewords")
    panels = [ax for ax in figure.axes if ax.get_visible()]
    assert len(panels) == 12
    colours = [to_hex(ax.get_lines()[0].get_color()) for ax in panels]
    assert len(set(colours)) == 12
    assert [ax.get_title(loc="left").split(":")[0] for ax in panels] == [str(n) for n in range(12)]
    names = [t.get_text() for t in panels[-1].get_xticklabels()]
    assert names[:2] == ["Attlee", "Macmillan"] and "Cameron–Clegg" in names
    no_overlaps(figure)
    matches_reference(figure, "forewords-topics-government-column", dpi=72)


def test_colours_stay_distinct_up_to_twenty_then_one_colour() -> None:
    for count in (3, 10, 15, 20):
        assert len({to_hex(c) for c in topic_colours(count)}) == count
    assert len({to_hex(c) for c in topic_colours(25)}) == 1  # the panels' titles tell 25 topics apart


def test_only_some_topics(table) -> None:
    figure = plot_topic_trends(table("forewords-topics-government"), by="government", topics=[1, 4], size="slide")
    assert [ax.get_title(loc="left").split(":")[0] for ax in figure.axes if ax.get_visible()] == ["1", "4"]
    with pytest.raises(ConfigError, match="none of the topics"):
        plot_topic_trends(table("forewords-topics-government"), by="government", topics=[99])


def test_empty_topic_trends_say_why() -> None:
    with pytest.raises(ConfigError, match="nothing to plot"):
        plot_topic_trends(pd.DataFrame(columns=TOPIC_TREND_COLUMNS), by="year")


def test_two_countries_governments_are_never_joined_by_one_line(table) -> None:
    """Topics by government over UK forewords and US addresses together: the table orders the
    governments by start, so one line ran Attlee → Truman → Churchill → Eisenhower …"""
    british = table("forewords-topics-government")
    british = british[british["topic"].isin([0, 1])]
    american = table("sotu-government").drop_duplicates("group")[["group", "start", "end", "documents"]]
    rows = [british]
    for (topic, label), shares in british.groupby(["topic", "label"])["share"]:
        values = list(shares) * (len(american) // len(shares) + 1)
        rows.append(american.assign(topic=topic, label=label, share=values[:len(american)],
                                    share_low=[v * 0.8 for v in values[:len(american)]],
                                    share_high=[v * 1.2 for v in values[:len(american)]]))
    both = pd.concat(rows, ignore_index=True).sort_values(["topic", "start"], kind="stable")
    figure = plot_topic_trends(both[TOPIC_TREND_COLUMNS], by="government", size="slide")
    for ax in (ax for ax in figure.axes if ax.get_visible()):
        joined = [line for line in ax.get_lines() if line.get_linestyle() not in ("None", "none", "")
                  and len(line.get_xdata()) > 1]
        bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
        assert not joined and not bands  # points with their intervals: no line, no band between them
        assert len([line for line in ax.get_lines() if len(line.get_xdata()) > 1]) >= 1
    # one country alone keeps its line
    one = plot_topic_trends(british, by="government", size="slide")
    assert any(line.get_linestyle() == "-" for line in one.axes[0].get_lines())
