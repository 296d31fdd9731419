"""Charts: theme trends with government periods shaded and labelled; topic shares; PNG and SVG."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from policytext.analyse.topics import TOPIC_TREND_COLUMNS
from policytext.analyse.trends import TREND_COLUMNS
from policytext.errors import ConfigError
from policytext.plots import plot_theme_trends, plot_topic_trends


def trends_frame() -> pd.DataFrame:
    rows = []
    for theme, rates in (("trust", (2.0, 5.0)), ("entrepreneurialism", (9.0, 4.0))):
        for (group, start, end), rate in zip((("Kennedy administration (1961–1963)", "1961-01-20", "1963-11-22"),
                                              ("Johnson administration (1963–1969)", "1963-11-22", "1969-01-20")), rates):
            rows.append({"theme": theme, "group": group, "start": start, "end": end, "documents": 3,
                         "tokens": 20000, "matches": int(rate * 2), "rate": rate, "rate_low": rate - 1,
                         "rate_high": rate + 1, "documents_with_theme": 2, "document_share": 2 / 3,
                         "g2": 1.0, "p_value": 0.3, "log_ratio": 0.5})
    return pd.DataFrame(rows, columns=TREND_COLUMNS)


def test_theme_trends_svg_shades_and_labels_governments(tmp_path: Path) -> None:
    path = tmp_path / "trends.svg"
    figure = plot_theme_trends(trends_frame(), path)
    svg = path.read_text(encoding="utf-8")
    assert "Kennedy" in svg and "Johnson" in svg and "entrepreneurialism" in svg
    ax = figure.axes[0]
    assert len(ax.patches) == 2  # one shaded band per administration
    assert ax.get_ylabel().startswith("matches per 10,000 tokens")


def test_theme_trends_png(tmp_path: Path) -> None:
    path = tmp_path / "trends.png"
    plot_theme_trends(trends_frame(), path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_topic_trends_plot(tmp_path: Path) -> None:
    frame = pd.DataFrame([
        {"topic": t, "label": f"label {t}", "group": g, "start": s, "end": e, "documents": 2,
         "share": 0.5, "share_low": 0.4, "share_high": 0.6}
        for t in (0, 1) for g, s, e in (("Kennedy administration (1961–1963)", "1961-01-20", "1963-11-22"),
                                        ("Johnson administration (1963–1969)", "1963-11-22", "1969-01-20"))],
        columns=TOPIC_TREND_COLUMNS)
    path = tmp_path / "topics.svg"
    figure = plot_topic_trends(frame, path)
    assert "label 1" in path.read_text(encoding="utf-8")
    assert len(figure.axes[0].lines) == 2


@pytest.mark.parametrize("name", ["chart.pdf", "chart", "chart.jpeg"])
def test_unsupported_suffix(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError, match="end the file name with .png or .svg"):
        plot_theme_trends(trends_frame(), tmp_path / name)


def test_empty_trends_say_why() -> None:
    with pytest.raises(ConfigError, match="nothing to plot"):
        plot_theme_trends(pd.DataFrame(columns=TREND_COLUMNS))
