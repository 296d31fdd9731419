"""Helpers of the chart tests: reference images, text overlaps, the stored tables of real data."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.testing.compare import compare_images
from matplotlib.text import Text

from policytext.plots.figure import chart_style

HERE = Path(__file__).parent
REFERENCE = HERE / "reference"
# Same fonts (DejaVu Sans, shipped with matplotlib) and the same renderer give the same pixels; the
# tolerance (RMS over 0-255) absorbs anti-aliasing differences between FreeType builds, not a moved
# label (a label moved by a few pixels scores well above it).
TOLERANCE = 2.0


@pytest.fixture
def table():
    """Read a stored table (tests/plots/data/NAME.csv, made from real corpora by make_tables.py)."""
    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(HERE / "data" / f"{name}.csv")
    return read


@pytest.fixture
def matches_reference(tmp_path: Path):
    """Compare a figure with tests/plots/reference/NAME.png (POLICYTEXT_NEW_REFERENCES=1 rewrites it:
    look at the new image before committing it)."""
    def compare(figure, name: str, dpi: float = 100) -> None:
        actual = tmp_path / f"{name}.png"
        with chart_style(figure.chart_size):
            figure.savefig(actual, dpi=dpi)
        expected = REFERENCE / f"{name}.png"
        if os.environ.get("POLICYTEXT_NEW_REFERENCES"):
            REFERENCE.mkdir(exist_ok=True)
            shutil.copyfile(actual, expected)
        assert expected.exists(), f"no reference image {expected.name}: make it with POLICYTEXT_NEW_REFERENCES=1"
        difference = compare_images(str(expected), str(actual), tol=TOLERANCE)
        assert difference is None, difference
    return compare


def text_boxes(figure) -> list[tuple[str, object]]:
    """Return every text ``figure`` draws, with its box in pixels (after layout).

    Tick labels count only for the ticks drawn (matplotlib keeps labels of ticks outside the view).
    """
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    every_tick_label, drawn = set(), set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                every_tick_label.update((id(tick.label1), id(tick.label2)))
            if ax.get_visible():
                for tick in axis._update_ticks():  # the ticks matplotlib draws
                    drawn.update((id(tick.label1), id(tick.label2)))
    found = []
    for text in figure.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if (text.axes is not None and not text.axes.get_visible()) or \
                (id(text) in every_tick_label and id(text) not in drawn):
            continue
        found.append((text.get_text(), text.get_window_extent(renderer)))
    return found


@pytest.fixture
def no_overlaps():
    """Assert that no two texts of a figure overlap and that every text lies inside the figure."""
    def check(figure) -> list[tuple[str, object]]:
        boxes = text_boxes(figure)
        width, height = figure.bbox.width, figure.bbox.height
        for label, box in boxes:
            assert box.x0 >= -0.5 and box.y0 >= -0.5 and box.x1 <= width + 0.5 and box.y1 <= height + 0.5, \
                f"{label!r} lies outside the figure: {box}"
        clashes = [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:]
                   if min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0) > 0.5
                   and min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0) > 0.5]
        assert not clashes, f"overlapping labels: {clashes}"
        return boxes
    return check
