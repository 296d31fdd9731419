"""Topics over time: each topic's top terms per group, the split of term weight, the chart, the CLI."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import policytext
from policytext.analyse.topic_evolution import (TOPIC_EVOLUTION_COLUMNS, plot_topic_evolution, topic_evolution,
                                                topic_term_mass)
from policytext.analyse.topics import fit_topics, split_passages
from policytext.analyse.lemmas import lemma_frame
from policytext.cli import main
from policytext.errors import ConfigError


@pytest.fixture(scope="module")
def evolving(small_corpus: Path) -> Path:
    with policytext.open_corpus(small_corpus) as corpus:
        fit_topics(corpus, k=4, seed=0, name="evolve")
    return small_corpus


def test_topic_evolution_by_government(evolving: Path) -> None:
    with policytext.open_corpus(evolving) as corpus:
        frame = topic_evolution(corpus, "evolve", by="government", top=5)
    assert list(frame.columns) == TOPIC_EVOLUTION_COLUMNS
    assert list(dict.fromkeys(frame["group"])) == ["G. H. W. Bush administration (1989–1993)",
                                                  "Clinton administration (1993–2001)"]
    for (topic, group), rows in frame.groupby(["topic", "group"]):
        assert rows["rank"].tolist() == [1, 2, 3, 4, 5]
        assert rows["weight"].is_monotonic_decreasing and rows["weight"].sum() <= 1 + 1e-9
    shares = frame.drop_duplicates(["topic", "group"]).groupby("group")["share"].sum()
    np.testing.assert_allclose(shares, 1.0)  # each group's weight is split among the topics
    assert frame["overall_top"].any() and (frame["documents"] > 0).all()


def test_term_weight_is_split_among_topics_without_loss(evolving: Path) -> None:
    with policytext.open_corpus(evolving) as corpus:
        from policytext.analyse.topics import load_topic_model

        model = load_topic_model(corpus, "evolve")
        texts, _ = split_passages(lemma_frame(corpus), 200)
    mass = topic_term_mass(model, texts)
    matrix = model.term_matrix(texts)
    explained = np.asarray(matrix.sum(axis=0)).ravel()
    np.testing.assert_allclose(mass.sum(axis=0), explained, rtol=1e-9, atol=1e-9)


def test_evolution_chart_and_cli(capsys, evolving: Path, tmp_path: Path) -> None:
    with policytext.open_corpus(evolving) as corpus:
        frame = topic_evolution(corpus, "evolve", by="year", top=4)
    figure = plot_topic_evolution(frame, tmp_path / "evolution.png", terms=3)
    assert len(figure.axes) == 4 and (tmp_path / "evolution.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ConfigError, match="none of the topics"):
        plot_topic_evolution(frame, topics=[9])
    base = ["--quiet", "--corpus", str(evolving)]
    chart = tmp_path / "evolution.svg"
    assert main(base + ["topics", "evolve", "evolve", "--by", "year", "--top", "3", "--topic", "1",
                        "--format", "json", "--plot", str(chart)]) == 0
    rows = json.loads(capsys.readouterr()[0])
    assert {row["topic"] for row in rows} == {1} and {row["group"] for row in rows} == {"1990", "1991", "1992", "1994", "1995"}
    assert b"<svg" in chart.read_bytes()[:400]
    assert main(base + ["topics", "evolve", "evolve", "--by", "party"]) == 0
    assert "Democratic" in capsys.readouterr()[0]


def test_evolution_read_a_block_at_a_time_has_the_weights_of_the_whole_frame(evolving: Path) -> None:
    """The streams are read a block at a time and each year's passages summed: the figures of all at once."""
    from policytext.analyse.groups import group_labels
    from policytext.analyse.lemmas import select_lemmas
    from policytext.analyse.topics import load_topic_model
    from policytext.errors import BadQuery

    with policytext.open_corpus(evolving) as corpus:
        selection = select_lemmas(corpus, since="1990")
        frame = topic_evolution(corpus, "evolve", by="year", top=3, lemmas=selection, since="1990")
        model = load_topic_model(corpus, "evolve")
        whole = lemma_frame(corpus, since="1990")
        with pytest.raises(BadQuery, match="made for other documents"):
            topic_evolution(corpus, "evolve", lemmas=selection)
    texts, owners = split_passages(whole, int(model.card_.get("segment", 200)))
    years = group_labels(whole, "year").to_numpy()[owners]
    vocabulary = list(model.vocabulary_)
    assert len(set(frame["group"])) > 1
    for year, rows in frame.groupby("group"):
        mass = topic_term_mass(model, [text for text, owner in zip(texts, years) if owner == year])
        for row in rows.itertuples():
            topic_total = mass[row.topic].sum()
            assert row.share == pytest.approx(topic_total / mass.sum())
            assert row.weight == pytest.approx(mass[row.topic, vocabulary.index(row.term)] / topic_total)
