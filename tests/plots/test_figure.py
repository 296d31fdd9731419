"""Sizes, formats and embedded fonts of every chart; a notebook is tested by running the example."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from policytext.analyse.trends import TREND_COLUMNS
from policytext.plots import SIZES, plot_theme_trends


def small_table() -> pd.DataFrame:
    rows = [{"theme": "trust", "group": group, "start": start, "end": end, "documents": 6, "tokens": 20000,
             "matches": 4, "rate": rate, "rate_low": rate - 1, "rate_high": rate + 1, "documents_with_theme": 3,
             "document_share": 0.5, "test": "document permutation", "p_value": 0.3, "log_ratio": 0.5}
            for group, start, end, rate in (("Labour", "1997-05-02", "2010-05-11", 3.0),
                                            ("Conservative", "2010-05-11", "2024-07-05", 2.0))]
    return pd.DataFrame(rows, columns=TREND_COLUMNS)


@pytest.mark.parametrize("size", ["column", "slide"])
def test_png_is_sized_for_a_column_or_a_slide(tmp_path: Path, size: str) -> None:
    path = tmp_path / "chart.png"
    plot_theme_trends(small_table(), path, by="party", size=size)
    with Image.open(path) as image:
        assert image.width == round(SIZES[size].width * 300)  # 300 dpi: print quality
        assert image.info["dpi"][0] == pytest.approx(300, abs=1)


def test_svg_draws_text_as_paths_and_pdf_embeds_truetype(tmp_path: Path) -> None:
    plot_theme_trends(small_table(), tmp_path / "chart.svg", by="party")
    svg = (tmp_path / "chart.svg").read_text(encoding="utf-8")
    assert "<text" not in svg and "<path" in svg  # no font needed to show it
    assert not re.search(r"<dc:date>", svg)  # the same chart, the same file
    plot_theme_trends(small_table(), tmp_path / "chart.pdf", by="party")
    pdf = (tmp_path / "chart.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"/Subtype /Type3" not in pdf  # TrueType embedded, not Type 3


def test_the_figure_renders_itself_for_jupyter() -> None:
    figure = plot_theme_trends(small_table(), by="party", size="column")
    png = figure._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and figure.shown
