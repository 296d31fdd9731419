"""Topics over time: each topic's top terms in each period (or other group), with a chart.

A topic's wording is read from the passages of each period: every term occurrence in a passage is
shared among the topics in proportion to ``share of the topic in the passage × weight of the term
in the topic`` (the model's own explanation of that occurrence), and the shares given to a topic
are summed over the period's passages. The heaviest terms of each topic in each period are its
words there, so a researcher sees, say, a "health" topic speak of "insurance" in one government
and of "waiting list" in another. The topics stay those of the fitted model; only their wording
is read per period (as BERTopic's topics over time do).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

import numpy as np
import pandas as pd

from policytext.analyse.groups import check_grouping, group_labels, group_periods, leave_out_unlabelled
from policytext.analyse.lemmas import LemmaSelection, select_lemmas
from policytext.analyse.topic_model import TopicModel, segment_stream
from policytext.analyse.topics import load_topic_model
from policytext.errors import ConfigError
from policytext.provenance import attach_provenance
from policytext.store.filters import strict_options

if TYPE_CHECKING:  # matplotlib is imported only when a chart is drawn
    from matplotlib.figure import Figure

TOPIC_EVOLUTION_COLUMNS = ["topic", "label", "group", "start", "end", "documents", "share", "rank", "term",
                           "weight", "overall_top"]
"""Columns of :func:`topic_evolution`, one row per topic, group and term, groups in time order:
``topic`` (0-based), ``label``, ``group``, ``start``/``end`` (the group's period), ``documents``
(in the group), ``share`` (the topic's share of the group's term weight), ``rank`` (1 first),
``term``, ``weight`` (the term's share of the topic's weight in the group) and ``overall_top``
(whether the term is also among the topic's top terms over all periods)."""
_ROWS_AT_ONCE = 2_000


@strict_options
def topic_evolution(corpus, name: str, *, by: str = "government", top: int = 8,
                    progress: Callable[..., None] | None = None, include_unlabelled: bool = False,
                    lemmas: "str | Path | LemmaSelection | None" = None, **filters: Any) -> pd.DataFrame:
    """Return each topic's top terms in each group (topics over time).

    Args:
        corpus: an open corpus.
        name: a fitted topic model of this corpus (``policytext topics fit``).
        by: government or year (topics over time), or quarter, speaker, party, kind or role.
        top: terms per topic and group.
        progress: called once per document lemmatised.
        include_unlabelled: keep documents with no group as ``(none)``; by default they are left
            out with a warning saying how many.
        lemmas: where the lemma streams are (a folder of Parquet lemma files, see
            :func:`~policytext.analyse.lemmas.iter_lemmas`), or a selection of the same filters made by
            :func:`~policytext.analyse.lemmas.select_lemmas`. They are read a block at a time.
        filters: the shared document filters.

    Returns:
        A DataFrame with :data:`TOPIC_EVOLUTION_COLUMNS`; ``attrs["left_out"]`` counts the
        documents left out for having no group.

    Example:
        >>> topic_evolution(corpus, "nmf-k10", by="government", top=5)   # doctest: +SKIP
    """
    check_grouping(by)
    if top < 1:
        raise ConfigError(f"--top must be 1 or more, not {top}")
    model = load_topic_model(corpus, name)
    made = dict(topic_model=name, fitted_at=model.card_.get("fitted_at"), by=by, top=top,
                include_unlabelled=include_unlabelled)
    selection = select_lemmas(corpus, lemmas=lemmas, **filters)
    frame = selection.metadata()
    labels = group_labels(frame, by)
    frame, labels, left_out = leave_out_unlabelled(frame, labels, by, include_unlabelled=include_unlabelled)
    rows: list[dict[str, Any]] = []
    if not frame.empty:
        overall = [set(terms) for terms in model.top_terms(top)]
        documents_in = labels.value_counts().to_dict()
        periods = {period.group: period for period in group_periods(frame, labels, by, corpus.timelines)
                   .itertuples(index=False)}
        by_group: dict[Any, list[dict[str, Any]]] = {}
        for group, mass in _stream_group_mass(model, selection, frame, labels, int(model.card_.get("segment", 200)),
                                              progress=progress):
            period = periods[group]
            total = mass.sum()
            documents = int(documents_in.get(group, 0))
            by_group[group] = group_rows = []
            for topic in range(model.k):
                topic_total = mass[topic].sum()
                if topic_total <= 0:
                    continue
                for rank, index in enumerate(np.argsort(-mass[topic], kind="stable")[:top], start=1):
                    term = str(model.vocabulary_[index])
                    group_rows.append({"topic": topic, "label": model.labels_[topic], "group": period.group,
                                       "start": period.start, "end": period.end, "documents": documents,
                                       "share": float(topic_total / total), "rank": rank, "term": term,
                                       "weight": float(mass[topic, index] / topic_total),
                                       "overall_top": term in overall[topic]})
        rows = [row for group in periods for row in by_group.get(group, [])]  # groups in time order
    result = pd.DataFrame(rows, columns=TOPIC_EVOLUTION_COLUMNS)
    result.attrs["left_out"] = left_out
    return attach_provenance(result, corpus, "topic_evolution", filters, **made)


def _stream_group_mass(model: TopicModel, selection: LemmaSelection, frame: pd.DataFrame, labels: pd.Series,
                       segment: int, *, progress: Callable[..., None] | None) -> Iterator[tuple[Any, np.ndarray]]:
    """Yield ``(group, topic_term_mass of its passages)`` as each group's last document is read.

    The streams are read a block at a time; passages wait in a buffer of :data:`_ROWS_AT_ONCE`,
    and a group's mass is held from its first document to its last. Groups in time (government,
    year, quarter) follow one another in the selection's date order, so about one is open at a
    time; others (speaker, party) may stay open together, a topics × terms array each. A group
    without a passage is not yielded.
    """
    group_of = dict(zip(frame["id"], labels))
    last_of = {group: doc_id for doc_id, group in group_of.items()}
    masses: dict[Any, np.ndarray] = {}
    waiting: list[tuple[Any, str]] = []

    def add(groups) -> None:
        for group in groups:
            part = topic_term_mass(model, [text for owner, text in waiting if owner == group])
            masses[group] = masses[group] + part if group in masses else part
        waiting[:] = [item for item in waiting if item[0] not in groups]

    for doc_id, *_, text in selection.iter(progress=progress):
        group = group_of.get(doc_id)
        if group is None:  # left out for having no group
            continue
        waiting.extend((group, passage) for passage in segment_stream(text, segment))
        if last_of[group] == doc_id:
            if any(owner == group for owner, _ in waiting):
                add([group])
            if group in masses:
                yield group, masses.pop(group)
        elif len(waiting) >= _ROWS_AT_ONCE:
            add(list(dict.fromkeys(owner for owner, _ in waiting)))


def topic_term_mass(model: TopicModel, texts: Sequence[str]) -> np.ndarray:
    """Return how much of each term's weight in ``texts`` each topic explains (topics × terms).

    Each term occurrence's weight is split among the topics in proportion to ``share of the topic
    in the passage × weight of the term in the topic``, and summed over the passages.
    """
    mass = np.zeros((model.k, len(model.vocabulary_)))
    if not texts:
        return mass
    beta = model.topic_term_weights()
    for first in range(0, len(texts), _ROWS_AT_ONCE):
        chunk = list(texts[first:first + _ROWS_AT_ONCE])
        matrix = model.term_matrix(chunk)
        shares = model.transform(chunk)
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        cols, values = matrix.indices, matrix.data
        explained = np.einsum("ij,ij->i", shares[rows], beta[:, cols].T)
        keep = explained > 0
        rows, cols, values, explained = rows[keep], cols[keep], values[keep], explained[keep]
        for topic in range(model.k):
            part = values * shares[rows, topic] * beta[topic, cols] / explained
            mass[topic] += np.bincount(cols, weights=part, minlength=mass.shape[1])
    return mass


def plot_topic_evolution(evolution: pd.DataFrame, path: str | Path | None = None, *,
                         topics: Sequence[int] | None = None, terms: int = 5, title: str | None = None,
                         size: str = "slide") -> Figure:
    """Chart each topic's top terms per group: one heat map per topic, groups in time order across.

    Each panel's rows are the terms that are among the topic's ``terms`` heaviest in some group,
    its columns the groups; the shade is the term's weight in the topic in that group (blank: not
    among that group's top terms). Drawn with the chart helpers of :mod:`policytext.plots` (fonts
    embedded, shown in a notebook).

    Args:
        evolution: the frame of :func:`topic_evolution`.
        path: write the chart here (.png, .svg or .pdf).
        topics: only these topic numbers (default: all).
        terms: the heaviest terms of each group to show.
        title: the chart's title.
        size: ``column`` (a paper's column) or ``slide``; the height grows with the terms shown.

    Example:
        >>> plot_topic_evolution(topic_evolution(corpus, "nmf-k10", by="year"), "evolution.svg")   # doctest: +SKIP
    """
    from policytext.plots.bands import short_name
    from policytext.plots.figure import chart_size, chart_style, check_plot_path, finish, new_figure

    if path is not None:
        check_plot_path(path)
    chosen_size = chart_size(size)
    if evolution.empty:
        raise ConfigError("nothing to plot: the topic evolution table is empty")
    shown = evolution[evolution["rank"] <= terms]
    if topics is not None:
        shown = shown[shown["topic"].isin(list(topics))]
        if shown.empty:
            raise ConfigError(f"none of the topics {list(topics)} is in the table")
    groups = list(dict.fromkeys(evolution["group"]))
    tables = []
    for topic in dict.fromkeys(shown["topic"]):
        rows = shown[shown["topic"] == topic]
        order = rows.groupby("term")["weight"].sum().sort_values(ascending=False).index.tolist()
        full = evolution[(evolution["topic"] == topic) & evolution["term"].isin(order)]
        table = full.pivot_table(index="term", columns="group", values="weight", aggfunc="sum")
        tables.append((topic, rows["label"].iloc[0], table.reindex(index=order, columns=groups)))
    line = chosen_size.font / 72 * 1.5  # inches per row of terms
    height = 1.0 + sum(line * max(len(table.index), 2) + 2.5 * line for _, _, table in tables)
    with chart_style(chosen_size):
        figure = new_figure(chosen_size, height)
        grid = figure.add_gridspec(len(tables), 1, height_ratios=[max(len(t.index), 2) + 2.5 for _, _, t in tables])
        for position, (topic, label, table) in enumerate(tables):
            ax = figure.add_subplot(grid[position])
            ax.imshow(table.to_numpy(dtype=float), aspect="auto", cmap="Blues", vmin=0, interpolation="nearest")
            ax.set_yticks(range(len(table.index)), labels=list(table.index))
            ax.set_title(f"{topic}: {label}", loc="left")
            last = position == len(tables) - 1
            ax.set_xticks(range(len(groups)), labels=[short_name(str(g)) for g in groups] if last else [],
                          rotation=45, ha="right")
        figure.suptitle(title or "Topics' top terms over time")
        figure.supxlabel("shade: the term's weight in the topic\nblank: not among that group's top terms",
                         fontsize=chosen_size.font * 0.8, color="#555555")
    return finish(figure, path)
