"""Charts worth printing: theme rates and topic shares by group, sized for a paper or a slide.

Every function returns a :class:`~policytext.plots.figure.ChartFigure` (a matplotlib Figure made
without pyplot) that a notebook displays, and writes PNG, SVG or PDF (fonts embedded) when given
a path. Groups in time are drawn on a date axis with the governments' terms as a labelled band
beneath it; other groups (speaker, party, kind) as dots with their intervals.
"""
from policytext.plots.bands import government_periods, short_name
from policytext.plots.figure import PLOT_SUFFIXES, SIZES, ChartFigure, ChartSize, check_plot_path
from policytext.plots.themes import plot_theme_trends
from policytext.plots.topics import plot_topic_trends

__all__ = ["PLOT_SUFFIXES", "SIZES", "ChartFigure", "ChartSize", "check_plot_path", "government_periods",
           "plot_theme_trends", "plot_topic_trends", "short_name"]
