"""The figure every chart is drawn on: sizes, fonts, saving, and showing itself in a notebook.

A chart is a :class:`ChartFigure`, a matplotlib ``Figure`` made without pyplot (no global state,
no backend to choose). It renders itself as PNG for Jupyter, so a notebook shows it with no
``%matplotlib inline``, whether it is the cell's last value or not (shown once either way).
"""
from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from policytext.errors import ConfigError

PLOT_SUFFIXES = (".png", ".svg", ".pdf")


@dataclass(frozen=True)
class ChartSize:
    """A chart's width and base height (inches) and its font size (points)."""

    name: str
    width: float
    height: float
    font: float


SIZES = {
    # One column of a two-column paper: 89 mm wide, text as large as the paper's captions.
    "column": ChartSize("column", 3.5, 2.6, 7.0),
    # A 16:9 slide, with text readable from the back of a room.
    "slide": ChartSize("slide", 10.0, 5.0, 14.0),
}
"""The sizes a chart is drawn for (``--size column|slide``)."""

# Text as a drawing (SVG) or as an embedded TrueType font (PDF, PS): the chart looks the same on a
# machine without its fonts, and journals accept it. DejaVu Sans ships with matplotlib, so a chart
# renders the same everywhere (and matches the reference images of the tests).
_STYLE = {
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "font.family": "DejaVu Sans",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "policytext",
}


def chart_size(size: str | ChartSize) -> ChartSize:
    """Return the :class:`ChartSize` named ``size`` (column or slide); raise ConfigError otherwise."""
    if isinstance(size, ChartSize):
        return size
    try:
        return SIZES[size]
    except (KeyError, TypeError):
        raise ConfigError(f"unknown chart size {size!r}: use one of {', '.join(SIZES)}") from None


@contextmanager
def chart_style(size: ChartSize) -> Iterator[None]:
    """Draw (and save) inside this context: fonts embedded, sizes scaled to ``size``."""
    font = size.font
    with matplotlib.rc_context({**_STYLE, "font.size": font, "axes.titlesize": font * 1.15,
                                "axes.labelsize": font, "xtick.labelsize": font * 0.9,
                                "ytick.labelsize": font * 0.9, "legend.fontsize": font * 0.9,
                                "lines.linewidth": 1.0 if size.name == "column" else 1.8,
                                "lines.markersize": 3.5 if size.name == "column" else 7.0,
                                "axes.linewidth": 0.6 if size.name == "column" else 1.0}):
        yield


class ChartFigure(Figure):
    """A matplotlib Figure that Jupyter displays as PNG, once, without ``%matplotlib inline``."""

    chart_size: ChartSize = SIZES["slide"]
    shown = False

    def _repr_png_(self) -> bytes:
        self.shown = True
        buffer = io.BytesIO()
        # A column chart is small: draw it at a higher resolution so that its text stays legible.
        dpi = max(100.0, 800.0 / self.get_figwidth())
        with chart_style(self.chart_size):
            self.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()


def new_figure(size: ChartSize, height: float | None = None) -> ChartFigure:
    """Return an empty :class:`ChartFigure` of ``size`` (``height`` inches if given) with constrained layout."""
    figure = ChartFigure(figsize=(size.width, height or size.height), layout="constrained")
    figure.chart_size = size
    FigureCanvasAgg(figure)  # a canvas to measure text on, whatever backend is set
    pad = 0.03 if size.name == "column" else 0.06
    figure.get_layout_engine().set(w_pad=pad, h_pad=pad)
    return figure


def check_plot_path(path: str | Path) -> Path:
    """Return ``path`` when its suffix is .png, .svg or .pdf; raise :class:`ConfigError` otherwise."""
    path = Path(path)
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise ConfigError(f"cannot write a chart to {path.name}: end the file name with .png, .svg or .pdf")
    return path


def finish(figure: ChartFigure, path: str | Path | None) -> ChartFigure:
    """Write ``figure`` to ``path`` (PNG, SVG or PDF, fonts embedded) and queue it for a notebook."""
    if path is not None:
        target = check_plot_path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with chart_style(figure.chart_size):
            figure.savefig(target, format=target.suffix[1:].lower(), dpi=300 if target.suffix.lower() == ".png" else "figure",
                           metadata=_metadata(target.suffix.lower()))
    _show_in_notebook(figure)
    return figure


def _metadata(suffix: str) -> dict:
    # No creation date in the file: the same chart gives the same bytes.
    if suffix == ".svg":
        return {"Date": None}
    if suffix == ".pdf":
        return {"CreationDate": None}
    return {}


# ---------------------------------------------------------------------- notebooks

class _PendingCharts:
    """Charts made during a notebook cell; those the cell did not already show are shown after it."""

    def __init__(self, shell) -> None:
        self.shell = shell
        self.figures: list[ChartFigure] = []

    def add(self, figure: ChartFigure) -> None:
        if all(figure is not f for f in self.figures):
            self.figures.append(figure)

    def __call__(self, result) -> None:  # IPython's post_run_cell event
        figures, self.figures = self.figures, []
        shown = getattr(result, "result", None)
        if getattr(result, "error_in_exec", None) is not None:
            return
        from IPython.display import display

        for figure in figures:
            if figure is not shown and not figure.shown:
                display(figure)


def _show_in_notebook(figure: ChartFigure) -> None:
    """In a Jupyter kernel, show ``figure`` after the cell unless the cell shows it itself."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:  # a terminal or a script: no inline images
        return
    figure.shown = False
    callbacks = shell.events.callbacks.get("post_run_cell", [])
    pending = next((c for c in callbacks if isinstance(c, _PendingCharts)), None)
    if pending is None:
        pending = _PendingCharts(shell)
        shell.events.register("post_run_cell", pending)
    pending.add(figure)


# ---------------------------------------------------------------------- groupings

TIME_GROUPINGS = ("government", "year", "quarter")
"""Groupings drawn on a date axis; every other grouping (speaker, party, kind...) is categories."""


def resolve_grouping(frame, by: str | None) -> str:
    """Return how ``frame``'s groups were made: ``by`` if given, else the table's provenance.

    Time groupings (government, year, quarter) are drawn on a date axis; the others (speaker,
    party, kind) are categories, drawn as dots with intervals. A table without provenance (made by
    hand) must say which with ``by``: the chart does not guess from the group names.
    """
    if by is None:
        by = (frame.attrs.get("policytext") or {}).get("parameters", {}).get("by")
    from policytext.analyse.groups import GROUPINGS

    if by is None:
        raise ConfigError("cannot tell how the table's groups were made (it has no provenance): pass "
                          f"by= one of {', '.join(GROUPINGS)}")
    if by not in GROUPINGS:
        raise ConfigError(f"unknown grouping {by!r}: use one of {', '.join(GROUPINGS)}")
    return by


def distinct_colours(count: int) -> list[str]:
    """Return ``count`` (at most 20) different colours, all dark enough for a line on white.

    The ten of matplotlib's 'tab10', then the darkest and the middle shade of each hue of
    'tab20b' (tab20's light halves are too pale for text and thin lines).
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    if count > 20:
        raise ConfigError(f"{count} colours asked for; at most 20 stay distinct")
    tab10, tab20b = colormaps["tab10"], colormaps["tab20b"]
    palette = [to_hex(tab10(i)) for i in range(10)] + [to_hex(tab20b(i)) for i in (0, 4, 8, 12, 16, 2, 6, 10, 14, 18)]
    return palette[:count]
