"""Topic shares as small multiples: one panel per topic, each in its own colour."""
from __future__ import annotations

import pandas as pd
import pytest
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
