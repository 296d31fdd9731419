"""Theme charts drawn from real tables: the government band, dots for categories, years and quarters."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection

from policytext.analyse.trends import TREND_COLUMNS
from policytext.errors import ConfigError
from policytext.plots import plot_theme_trends
from policytext.plots.bands import short_name


def band_labels(figure) -> list[str]:
    return [t.get_text() for t in figure.axes[1].texts]


def caption(figure) -> str:
    return figure.axes[1].get_xlabel()


def test_by_government_band_beneath_the_axis(table, matches_reference, no_overlaps) -> None:
    """UK manifesto forewords 1945-2019: thin terms abbreviated and spelt out, no band for '(none)'."""
    trends = table("forewords-government")
    figure = plot_theme_trends(trends, by="government", size="column", title="Trust and enterprise in forewords")
    main, band = figure.axes
    governments = [g for g in dict.fromkeys(trends["group"]) if g != "(none)"]
    assert len(band.patches) == len(governments) == len(main.patches)  # one box per term, none for '(none)'
    assert band.get_position().y1 < main.get_position().y0  # beneath the chart
    labels = band_labels(figure)
    assert len(labels) == len(governments)
    for label, government in zip(labels, governments):
        name = short_name(government)
        assert label == name or f"{label}\u00a0{name.replace(' ', chr(0xa0))}" in caption(figure)
    assert "Thatcher" in labels and "Wi" in labels  # a long term by name, Wilson 1974-76 abbreviated
    assert "(none) (12 documents)" in caption(figure).replace("\n", " ")
    boxes = no_overlaps(figure)
    title = next(box for text, box in boxes if text.startswith("Trust and enterprise"))
    assert all(box.y1 < title.y0 for text, box in boxes if text in labels)
    matches_reference(figure, "forewords-government-column")


def test_by_party_is_dots_with_intervals(table, matches_reference, no_overlaps) -> None:
    trends = table("forewords-party")
    figure = plot_theme_trends(trends, by="party", size="column")
    ax, = figure.axes
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[:2] == ["Conservative (n=21)", "Labour (n=21)"]
    assert ax.get_xlabel().startswith("matches per 10,000 tokens")
    bars = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(bars) == 2  # one set of horizontal intervals per theme, no line joining parties
    assert not [line for line in ax.get_lines() if len(line.get_xdata()) > 1 and line.get_linestyle() != "None"]
    no_overlaps(figure)
    matches_reference(figure, "forewords-party-column")


def test_by_year_with_the_governments_of_the_period(table, matches_reference, no_overlaps) -> None:
    """Every UK government 1945-2019 in a column's width: the thinnest in rows below, with leaders."""
    figure = plot_theme_trends(table("forewords-year"), by="year", periods=table("forewords-year-governments"),
                               size="column")
    labels = band_labels(figure)
    assert len(labels) == 18 and "DH" in labels and "CC" in labels  # Douglas-Home, Churchill caretaker
    assert "DH\u00a0Douglas-Home" in caption(figure)
    main = figure.axes[0]
    assert len(main.collections) == 1  # the intervals of the years
    no_overlaps(figure)
    matches_reference(figure, "forewords-year-column")


def test_by_quarter_on_commons_sentences(table, matches_reference, no_overlaps) -> None:
    figure = plot_theme_trends(table("commons-quarter"), by="quarter", periods=table("commons-quarter-governments"),
                               size="slide", title="Commons sentences 2009-2010 by quarter")
    assert band_labels(figure) == ["Brown", "Cameron–Clegg"]
    assert caption(figure) == ""
    no_overlaps(figure)
    matches_reference(figure, "commons-quarter-slide", dpi=40)


def test_sotu_administrations_on_a_slide(table, matches_reference, no_overlaps) -> None:
    figure = plot_theme_trends(table("sotu-government"), by="government", size="slide")
    assert band_labels(figure) == ["G. H. W. Bush", "Clinton"]
    no_overlaps(figure)
    matches_reference(figure, "sotu-government-slide", dpi=40)


def hand_made(rows: list[tuple[str, str, str, str, int, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"theme": theme, "group": group, "start": start, "end": end, "documents": documents,
                          "tokens": 20000, "matches": 1, "rate": rate, "rate_low": low, "rate_high": high,
                          "documents_with_theme": 1, "document_share": 0.5, "test": "document permutation", "p_value": 0.3,
                          "log_ratio": 0.5}
                         for theme, group, start, end, documents, rate, low, high in rows], columns=TREND_COLUMNS)


@pytest.mark.parametrize("by", ["government", "party"])
def test_a_group_without_an_interval_is_an_open_point_without_a_bar(by: str, no_overlaps) -> None:
    """Too few documents to resample: no interval (NaN), drawn as an open marker and said so."""
    trends = hand_made([
        ("trust", "Kennedy administration (1961–1963)", "1961-01-20", "1963-11-22", 2, 4.0, np.nan, np.nan),
        ("trust", "Johnson administration (1963–1969)", "1963-11-22", "1969-01-20", 6, 5.0, 3.0, 7.5),
        ("trust", "Nixon administration (1969–1974)", "1969-01-20", "1974-08-09", 6, 0.0, 0.0, 1.2)])
    figure = plot_theme_trends(trends, by=by, size="column")
    ax = figure.axes[0]
    bars, = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(bars.get_segments()) == 2  # Johnson's interval and Nixon's upper bound, none for Kennedy
    open_points = [line for line in ax.get_lines() if line.get_markerfacecolor() == "white"]
    assert len(open_points) == 1 and list(open_points[0].get_ydata() if by == "government"
                                          else open_points[0].get_xdata()) == [4.0]
    assert "no interval (too few documents)" in [t.get_text() for t in figure.legends[0].get_texts()] \
        if figure.legends else [t.get_text() for t in ax.get_legend().get_texts()]
    no_overlaps(figure)


def test_a_table_without_provenance_must_say_how_it_was_grouped() -> None:
    trends = hand_made([("trust", "Labour", "2001-01-01", "2005-01-01", 3, 1.0, 0.5, 2.0)])
    with pytest.raises(ConfigError, match="pass by= one of government, year, quarter, speaker, party, kind"):
        plot_theme_trends(trends)


def test_too_many_categories_are_refused() -> None:
    trends = hand_made([("trust", f"Speaker {i}", "2001-01-01", "2005-01-01", 3, 1.0, 0.5, 2.0) for i in range(41)])
    with pytest.raises(ConfigError, match="41 groups are too many for one chart"):
        plot_theme_trends(trends, by="speaker")


@pytest.mark.parametrize("name", ["chart", "chart.jpeg", "chart.eps"])
def test_unsupported_suffix(tmp_path, name: str) -> None:
    trends = hand_made([("trust", "Labour", "2001-01-01", "2005-01-01", 3, 1.0, 0.5, 2.0)])
    with pytest.raises(ConfigError, match=r"end the file name with .png, .svg or .pdf"):
        plot_theme_trends(trends, tmp_path / name, by="party")


def test_unknown_size_is_refused() -> None:
    trends = hand_made([("trust", "Labour", "2001-01-01", "2005-01-01", 3, 1.0, 0.5, 2.0)])
    with pytest.raises(ConfigError, match="unknown chart size 'poster': use one of column, slide"):
        plot_theme_trends(trends, by="party", size="poster")


def test_empty_trends_say_why() -> None:
    with pytest.raises(ConfigError, match="nothing to plot"):
        plot_theme_trends(pd.DataFrame(columns=TREND_COLUMNS), by="government")


@pytest.mark.parametrize("by", ["government", "party"])
def test_an_upper_bound_is_dashed_from_zero_and_said_so(by: str, no_overlaps) -> None:
    """A group with no match has a one-sided bound, not an interval round its zero: drawn dashed."""
    trends = hand_made([
        ("trust", "Johnson administration (1963–1969)", "1963-11-22", "1969-01-20", 6, 5.0, 3.0, 7.5),
        ("trust", "Nixon administration (1969–1974)", "1969-01-20", "1974-08-09", 6, 0.0, 0.0, 1.2)])
    trends["interval"] = ["bootstrap", "upper bound"]
    figure = plot_theme_trends(trends, by=by, size="column")
    ax = figure.axes[0]
    collections = [c for c in ax.collections if isinstance(c, LineCollection)]
    dashed = [c for c in collections if c.get_linestyle()[0][1] is not None]
    solid = [c for c in collections if c.get_linestyle()[0][1] is None]
    assert len(dashed) == 1 and len(dashed[0].get_segments()) == 1
    (start, end), = [tuple(p[1] if by == "government" else p[0] for p in s) for s in dashed[0].get_segments()]
    assert (start, end) == (0.0, 1.2)
    assert sum(len(c.get_segments()) for c in solid) == 1  # Johnson's interval only
    legend = figure.legends[0] if figure.legends else ax.get_legend()
    assert "no match: dashed up to the 95% upper bound" in [t.get_text() for t in legend.get_texts()]
    no_overlaps(figure)


def test_the_last_term_of_one_address_gets_room_for_its_name_and_point() -> None:
    """The demo's chart: Trump's second term (2025-, one address) was a sliver at the right edge,
    its point against the edge and its label cut to "Tru"."""
    from matplotlib.dates import date2num

    trends = hand_made([
        ("trust", f"{name} administration ({start[:4]}–{end[:4] if end < '2026' else ''})", start, end, 4, 2.0, 1.0, 3.0)
        for name, start, end in [("Truman", "1945-04-12", "1953-01-20"), ("Eisenhower", "1953-01-20", "1961-01-20"),
                                 ("Kennedy", "1961-01-20", "1963-11-22"), ("Johnson", "1963-11-22", "1969-01-20"),
                                 ("Nixon", "1969-01-20", "1974-08-09"), ("Ford", "1974-08-09", "1977-01-20"),
                                 ("Carter", "1977-01-20", "1981-01-20"), ("Reagan", "1981-01-20", "1989-01-20"),
                                 ("Clinton", "1993-01-20", "2001-01-20"), ("Obama", "2009-01-20", "2017-01-20"),
                                 ("Biden", "2021-01-20", "2025-01-20"), ("Trump", "2025-01-20", "2026-02-24")]])
    figure = plot_theme_trends(trends, by="government", size="slide")
    main = figure.axes[0]
    assert band_labels(figure)[-1] == "Trump"
    last_point = date2num(pd.Timestamp("2025-01-20")) + (date2num(pd.Timestamp("2026-02-24"))
                                                       - date2num(pd.Timestamp("2025-01-20"))) / 2
    low, high = main.get_xlim()
    assert (high - last_point) / (high - low) > 0.02  # not against the edge


def test_governments_of_two_countries_are_rows_not_one_line_through_both() -> None:
    """US and UK governments overlap in time: a line from Obama to Cameron to Trump would be a trend of nothing."""
    trends = hand_made([
        ("trust", "Obama administration (2009–2017)", "2009-01-20", "2017-01-20", 7, 2.9, 1.4, 4.6),
        ("trust", "Cameron–Clegg coalition (2010–2015)", "2010-05-11", "2015-05-08", 6, 3.5, 1.0, 6.0),
        ("trust", "Trump administration (2017–2021)", "2017-01-20", "2021-01-20", 6, 1.7, 0.5, 3.0)])
    figure = plot_theme_trends(trends, by="government", size="column")
    ax = figure.axes[0]
    assert len(figure.axes) == 1  # no band of terms drawn over one another
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Obama administration (2009–2017) (n=7)", "Cameron–Clegg coalition (2010–2015) (n=6)",
        "Trump administration (2017–2021) (n=6)"]
    assert not [line for line in ax.get_lines() if line.get_linestyle() == "-" and len(line.get_xdata()) > 1]


def test_successive_governments_of_one_country_stay_on_a_time_axis() -> None:
    trends = hand_made([
        ("trust", "Johnson administration (1963–1969)", "1963-11-22", "1969-01-20", 6, 5.0, 3.0, 7.5),
        ("trust", "Nixon administration (1969–1974)", "1969-01-20", "1974-08-09", 6, 1.0, 0.2, 1.2)])
    figure = plot_theme_trends(trends, by="government", size="column")
    assert len(figure.axes) == 2  # the chart and the band of terms beneath it


@pytest.mark.parametrize(("themes", "size"), [(1, "slide"), (2, "slide"), (2, "column"), (6, "column"), (9, "slide")])
def test_the_legend_covers_no_interval(themes: int, size: str) -> None:
    """Intervals reaching the top of the axis in every term (the demo's G. W. Bush trust interval to
    15.5 was hidden under the legend 'best' placed inside the axes): no interval's top, no point and
    no line end lies under the legend's box, for any number of themes."""
    terms = [("Truman administration (1945–1953)", "1945-04-12", "1953-01-20"),
             ("Eisenhower administration (1953–1961)", "1953-01-20", "1961-01-20"),
             ("Kennedy administration (1961–1963)", "1961-01-20", "1963-11-22"),
             ("Johnson administration (1963–1969)", "1963-11-22", "1969-01-20"),
             ("Nixon administration (1969–1974)", "1969-01-20", "1974-08-09"),
             ("Carter administration (1977–1981)", "1977-01-20", "1981-01-20")]
    rows = []
    for t in range(themes):
        for g, (group, start, end) in enumerate(terms):
            rate = 2.0 + (g + t) % 3
            rows.append((f"theme {t}", group, start, end, 5, rate, 0.5, 15.5 if (g + t) % 2 else 12.0))
    rows.append(("theme 0", "Ford administration (1974–1977)", "1974-08-09", "1977-01-20", 1, 3.0, np.nan, np.nan))
    figure = plot_theme_trends(hand_made(rows), by="government", size=size)
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    legends = [ax.get_legend(), *figure.legends]
    boxes = [legend.get_window_extent(renderer) for legend in legends if legend is not None]
    assert boxes
    ends = []
    for collection in ax.collections:
        if isinstance(collection, LineCollection):
            ends += [point for segment in collection.get_segments() for point in segment]
    for line in ax.get_lines():
        ends += list(zip(line.get_xdata(), line.get_ydata()))
    assert len(ends) > 2 * themes * len(terms)
    for x, y in ends:
        px, py = ax.transData.transform((float(x), float(y)))
        assert not any(box.contains(px, py) for box in boxes), (x, y)
