"""Topics of a corpus: fit and save a model, its shares by group, new texts, passages, evolution.

The estimator is :class:`~policytext.analyse.topic_model.TopicModel`; choosing k is
:mod:`policytext.analyse.topic_selection`; stop words are :mod:`policytext.analyse.topic_stop_words`;
how each topic's wording changes over time is :mod:`policytext.analyse.topic_evolution`. This
module ties them to a corpus: models live in the corpus's ``models/topics`` folder, each a JSON
card beside a NumPy ``.npz``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from policytext.analyse.groups import check_grouping, group_labels, group_periods, leave_out_unlabelled
from policytext.analyse.lemmas import LemmaSelection, lemma_frame, select_lemmas
from policytext.analyse.themes import Lexicon, load_lexicon
from policytext.analyse.topic_model import (TOPIC_TERM_COLUMNS, TopicModel, analyse_terms, npmi_coherence,
                                            segment_stream)
from policytext.analyse.topic_selection import K_SELECTION_COLUMNS, choose_k, select_k
from policytext.analyse.topic_stop_words import count_parliamentary, parliamentary_stop_words
from policytext.analyse.trends import stable_seed
from policytext.errors import BadQuery, ConfigError, ModelNotFound
from policytext.provenance import attach_provenance, package_version
from policytext.store.filters import strict_options

__all__ = ["K_SELECTION_COLUMNS", "PASSAGE_COLUMNS", "TOPIC_TERM_COLUMNS", "TOPIC_TREND_COLUMNS", "TopicModel",
           "analyse_terms", "apply_topics", "choose_k", "document_topics", "fit_topics", "load_topic_model",
           "model_path", "npmi_coherence", "representative_passages", "segment_stream", "split_passages",
           "topic_trends"]

MODELS_FOLDER = "models"
TOPIC_TREND_COLUMNS = ["topic", "label", "group", "start", "end", "documents", "share", "share_low",
                       "share_high"]
"""Columns of :func:`topic_trends`, one row per topic and group, groups in time order:
``topic`` (0-based), ``label`` (guided theme or top three terms), ``group``, ``start``/``end``
(the group's period), ``documents``, ``share`` (mean topic share of the group's documents) and
``share_low``/``share_high`` (95% bootstrap interval over documents)."""
PASSAGE_COLUMNS = ["topic", "label", "doc_id", "date", "speaker", "share", "similarity", "start", "end",
                   "passage"]
"""Columns of :func:`representative_passages`: ``share`` is the topic's share of the passage,
``similarity`` the cosine of its words with the topic's terms (:meth:`TopicModel.similarity`);
``start``/``end`` are character offsets of the passage in the document's text."""
MIN_PASSAGE_LEMMAS = 12
"""The fewest lemmas a representative passage may have: a one-line fragment ("Gone", "I call Clive
Efford") can take a topic's whole share (1.000) without showing what the topic is about."""
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$")


def models_folder(corpus) -> Path:
    return Path(corpus.path) / MODELS_FOLDER / "topics"


def model_path(corpus, name: str) -> Path:
    """Return where topic model ``name`` of this corpus lives (without suffix)."""
    if not _NAME.match(name):
        raise ConfigError(f"{name!r} is not a usable model name: use letters, digits, '.', '_' or '-'")
    return models_folder(corpus) / name


def corpus_state(frame: pd.DataFrame) -> dict[str, Any]:
    """Describe the documents a model was fitted on: count, tokens, date range and a digest."""
    digest = hashlib.sha256("\n".join(sorted(frame["id"])).encode("utf-8")).hexdigest()
    dates = frame["date"].dropna()
    return {"documents": int(len(frame)), "tokens": int(frame["tokens"].sum()),
            "first": dates.min() if len(dates) else None, "last": dates.max() if len(dates) else None,
            "documents_sha256": digest}


def split_passages(frame: pd.DataFrame, segment: int) -> tuple[list[str], np.ndarray]:
    """Return the passages of ``segment`` lemmas of each document, and the row of ``frame`` each comes from."""
    texts, owners = [], []
    for row, text in enumerate(frame["lemmas"]):
        for passage in segment_stream(text, segment):
            texts.append(passage)
            owners.append(row)
    return texts, np.asarray(owners)


@strict_options
def fit_topics(corpus, *, k: int | str = 10, method: str = "nmf", seed: int = 0, name: str | None = None,
               segment: int = 200, guided: Sequence[str] = (), stop_words: Iterable[str] = (),
               parliamentary: bool | None = None, k_range: Sequence[int] = (5, 10, 15, 20, 25),
               k_seeds: int = 3, lexicon: Lexicon | None = None, progress: Callable[..., None] | None = None,
               lemmas: str | Path | None = None, **filters: Any) -> tuple[TopicModel, Path, pd.DataFrame]:
    """Fit a topic model on the selected documents and save it in the corpus's ``models/topics``.

    Args:
        corpus: an open corpus.
        k: the number of topics, or ``"auto"`` to choose one of ``k_range`` by coherence on held-out
            passages and stability across seeds (:func:`~policytext.analyse.topic_selection.select_k`).
        method: ``"nmf"`` or ``"lda"``.
        seed: the random seed.
        name: the model's name (default ``<method>-k<k>``).
        segment: passages of this many lemmas are the units topics are fitted on (0: documents).
        guided: theme names; each seeds one topic with its entries (saved in the model's
            parameters, so they fit it again without the lexicon).
        stop_words: domain stop words, added to the English ones and to ``stop_words`` in
            ``policytext.toml``.
        parliamentary: add the packaged parliamentary stop words ("hon", "friend", "member"...):
            ``None`` (the default) when any selected document is parliamentary text (its source or
            kind, see :func:`~policytext.analyse.topic_stop_words.is_parliamentary`), ``True``
            always, ``False`` never.
        k_range: the k values ``"auto"`` tries.
        k_seeds: the runs per k that ``"auto"`` fits (each on its own held-out split).
        lexicon: the themes for ``guided``.
        progress: called once per document lemmatised.
        lemmas: a folder of Parquet lemma files (default: the work directories the store records;
            see :func:`~policytext.analyse.lemmas.iter_lemmas`), or a selection of the same filters
            made by :func:`~policytext.analyse.lemmas.select_lemmas`.
        filters: the shared document filters.

    Returns:
        The model, the path of its card, and the k tried (:data:`K_SELECTION_COLUMNS`; for a
        fixed k one row with only ``k`` and ``chosen``).

    Example:
        >>> model, path, tried = fit_topics(corpus, k="auto", since="1946")   # doctest: +SKIP
    """
    configured = corpus.config.extra.get("stop_words") or []
    words = list(stop_words) + ([configured] if isinstance(configured, str) else list(configured))
    selection = select_lemmas(corpus, lemmas=lemmas, **filters)
    frame = selection.metadata()
    if frame.empty:
        raise BadQuery("no documents match the filters; widen them or collect documents first")
    found_parliamentary = count_parliamentary(_sources_and_kinds(corpus, frame["id"].tolist()))
    use_parliamentary = found_parliamentary > 0 if parliamentary is None else bool(parliamentary)
    if use_parliamentary:
        words += parliamentary_stop_words()
    # the passages are what the model is fitted on; the whole streams are never held beside them
    texts: list[str] = []
    tokens: list[int] = []
    for *_, doc_tokens, text in selection.iter(progress=progress):
        texts.extend(segment_stream(text, segment))
        tokens.append(int(doc_tokens or 0))
    frame = frame.assign(tokens=tokens)
    lexicon = lexicon or (load_lexicon(config=corpus.config) if guided else None)
    guided_entries = {}
    for theme_name in guided:
        theme = lexicon.get(theme_name)
        guided_entries[theme.name] = {"terms": list(theme.terms), "exclude": list(theme.exclude)}

    def build(n_topics: int, run_seed: int = seed) -> TopicModel:
        return TopicModel(n_topics, method=method, seed=run_seed, stop_words=words, guided=guided_entries,
                          min_df=2 if len(texts) >= 20 else 1, max_df=0.5 if len(texts) >= 20 else 1.0)

    if str(k) == "auto":
        candidates = [value for value in k_range if value >= max(2, len(guided_entries)) and value <= len(texts)]
        if not candidates:
            raise BadQuery(f"no k in {list(k_range)} fits {len(texts)} passages; select more documents")
        chosen, tried = select_k(build, texts, candidates, seeds=k_seeds, seed=seed)
        model = build(chosen).fit(texts)
    else:
        try:
            k_value = int(k)
        except ValueError as err:
            raise ConfigError(f"--k must be a number or 'auto', not {k!r}") from err
        model = build(k_value).fit(texts)
        tried = pd.DataFrame([{"k": k_value, "chosen": True}], columns=K_SELECTION_COLUMNS)
    name = name or f"{method}-k{model.k}"
    card = {
        "name": name, "fitted_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "corpus": corpus_state(frame), "filters": {k_: v for k_, v in filters.items() if v is not None},
        "segment": segment, "coherence_mean": float(np.mean(model.coherence_)),
        "k_tried": [{key: (None if pd.isna(value) else value) for key, value in row.items()}
                    for row in tried.to_dict("records")],
        "parliamentary_stop_words": {"used": use_parliamentary, "setting": parliamentary,
                                     "parliamentary_documents": found_parliamentary},
        "policytext_version": package_version("policytext"),
    }
    path = model.save(model_path(corpus, name), card=card)
    model.card_ = card
    return model, path, attach_provenance(tried, corpus, "fit_topics", filters, topic_model=name, method=method,
                                          seed=seed, segment=segment, parliamentary_stop_words=use_parliamentary)


def _sources_and_kinds(corpus, ids: Sequence[str]) -> list[tuple[str | None, str | None]]:
    """Return the ``(source, kind)`` of each document of ``ids``."""
    rows: list[tuple[str | None, str | None]] = []
    for first in range(0, len(ids), 500):
        chunk = list(ids[first:first + 500])
        marks = ", ".join("?" * len(chunk))
        rows.extend(tuple(r) for r in corpus.store.conn.execute(
            f"SELECT source, kind FROM documents WHERE id IN ({marks})", chunk))
    return rows


def load_topic_model(corpus, name: str) -> TopicModel:
    """Load topic model ``name`` of this corpus (see ``policytext topics fit``)."""
    path = model_path(corpus, name).with_suffix(".json")
    if not path.exists():
        known = sorted(p.stem for p in models_folder(corpus).glob("*.json")) if models_folder(corpus).exists() else []
        raise ModelNotFound(f"no topic model named {name!r} in {models_folder(corpus)}. "
                       + (f"Known: {', '.join(known)}." if known else "Fit one with 'policytext topics fit'."))
    return TopicModel.load(path)


def document_topics(model: TopicModel, frame: pd.DataFrame, segment: int) -> np.ndarray:
    """Return each document's topic shares: the token-weighted mean over its passages."""
    texts, owners = split_passages(frame, segment)
    shares = model.transform(texts)
    lengths = np.array([len(t.split()) for t in texts], dtype=np.float64)
    result = np.zeros((len(frame), model.k))
    np.add.at(result, owners, shares * lengths[:, None])
    weight = np.zeros(len(frame))
    np.add.at(weight, owners, lengths)
    return np.divide(result, weight[:, None], out=np.zeros_like(result), where=weight[:, None] > 0)


@strict_options
def topic_trends(corpus, name: str, *, by: str = "government", draws: int = 1000, seed: int = 0,
                 progress: Callable[..., None] | None = None, include_unlabelled: bool = False,
                 lemmas: "str | Path | LemmaSelection | None" = None, **filters: Any) -> pd.DataFrame:
    """Return the mean share of each topic of model ``name`` in each group, with 95% intervals.

    Args:
        corpus: an open corpus.
        name: a fitted model of this corpus.
        by: government, year, quarter, speaker, party or kind.
        draws, seed: bootstrap resamples over documents, and their seed.
        progress: called once per document lemmatised.
        include_unlabelled: keep documents with no group (e.g. no government) as ``(none)``;
            by default they are left out with a warning saying how many.
        lemmas: where the lemma streams are (see :func:`~policytext.analyse.lemmas.iter_lemmas`).
        filters: the shared document filters.

    Returns:
        A DataFrame with :data:`TOPIC_TREND_COLUMNS`; ``attrs["left_out"]`` counts the documents
        left out for having no group.

    Example:
        >>> topic_trends(corpus, "nmf-k10", by="government")   # doctest: +SKIP
    """
    check_grouping(by)
    model = load_topic_model(corpus, name)
    made = dict(topic_model=name, fitted_at=model.card_.get("fitted_at"), by=by, seed=seed, draws=draws,
                include_unlabelled=include_unlabelled)
    frame = lemma_frame(corpus, lemmas=lemmas, progress=progress, **filters)
    labels = group_labels(frame, by)
    frame, labels, left_out = leave_out_unlabelled(frame, labels, by, include_unlabelled=include_unlabelled)
    if frame.empty:
        empty = pd.DataFrame(columns=TOPIC_TREND_COLUMNS)
        empty.attrs["left_out"] = left_out
        return attach_provenance(empty, corpus, "topic_trends", filters, **made)
    shares = document_topics(model, frame, int(model.card_.get("segment", 200)))
    periods = group_periods(frame, labels, by, corpus.timelines)
    rows = []
    for topic in range(model.k):
        for period in periods.itertuples(index=False):
            mask = (labels == period.group).to_numpy()
            values = shares[mask, topic]
            rng = np.random.default_rng(stable_seed(seed, str(topic), str(period.group)))
            draws_ = values[rng.integers(0, len(values), size=(draws, len(values)))].mean(axis=1)
            low, high = np.percentile(draws_, [2.5, 97.5])
            rows.append({"topic": topic, "label": model.labels_[topic], "group": period.group,
                         "start": period.start, "end": period.end, "documents": int(mask.sum()),
                         "share": float(values.mean()), "share_low": float(low), "share_high": float(high)})
    result = pd.DataFrame(rows, columns=TOPIC_TREND_COLUMNS)
    result.attrs["left_out"] = left_out
    return attach_provenance(result, corpus, "topic_trends", filters, **made)


@strict_options
def apply_topics(corpus, name: str, texts: Mapping[str, str] | None = None, *,
                 progress: Callable[..., None] | None = None, lemmas: "str | Path | LemmaSelection | None" = None,
                 **filters: Any) -> pd.DataFrame:
    """Return the topic shares of new texts (``label -> text``) or of the selected documents.

    The selected documents' lemma streams are read as :func:`~policytext.analyse.lemmas.iter_lemmas`
    says (``lemmas``: a folder of Parquet lemma files, or a selection).

    Returns:
        A DataFrame with ``item``, ``top_topic``, ``top_label``, ``top_share`` and one
        ``topic_<i>`` column of shares per topic.

    Example:
        >>> apply_topics(corpus, "nmf-k10", {"note.txt": "We will cut taxes for small firms."})   # doctest: +SKIP
    """
    from policytext.analyse.lemmas import lemmatise_text, load_lemmatizer

    model = load_topic_model(corpus, name)
    segment = int(model.card_.get("segment", 200))
    if texts is not None:
        nlp = load_lemmatizer(corpus.config.model)
        items = list(texts)
        streams = []
        for item in items:
            streams.append(" ".join(lemmatise_text(nlp, texts[item])))
            if progress:
                progress()
        frame = pd.DataFrame({"id": items, "lemmas": streams})
    else:
        frame = lemma_frame(corpus, lemmas=lemmas, progress=progress, **filters)
    shares = document_topics(model, frame, segment) if len(frame) else np.zeros((0, model.k))
    top = shares.argmax(axis=1) if len(frame) else np.zeros(0, dtype=int)
    result = pd.DataFrame({"item": frame["id"].tolist(), "top_topic": top.astype(int),
                           "top_label": [model.labels_[t] for t in top],
                           "top_share": shares.max(axis=1) if len(frame) else []})
    for topic in range(model.k):
        result[f"topic_{topic}"] = shares[:, topic]
    return attach_provenance(result, corpus, "apply_topics", None if texts is not None else filters, topic_model=name,
                             fitted_at=model.card_.get("fitted_at"), texts=list(texts) if texts is not None else None)


@strict_options
def representative_passages(corpus, name: str, *, per_topic: int = 2, min_lemmas: int = MIN_PASSAGE_LEMMAS,
                            **filters: Any) -> pd.DataFrame:
    """Return, for each topic, the passages (original text) where the topic weighs most.

    Passages are ranked by share × similarity × length (the passage's lemmas over the model's
    segment, at most 1), not by share alone: with NMF many passages are wholly one topic's (share
    1.000; 34 to 77 of 711 per topic with k=5 on the State of the Union addresses of 2001-2026),
    and among them a closing line ("God bless you, and God bless the United States of America")
    won by its place. The similarity (cosine of the passage's weighted terms with the topic's)
    puts first the passages that use the topic's own words; the length keeps a document's short
    tail from outranking a full passage.

    Args:
        corpus: an open corpus.
        name: a fitted model of this corpus.
        per_topic: passages per topic.
        min_lemmas: passages with fewer lemmas are never shown (see :data:`MIN_PASSAGE_LEMMAS`);
            a topic whose passages are all shorter gets no row.
        filters: the shared document filters.

    Returns:
        A DataFrame with :data:`PASSAGE_COLUMNS`; ``attrs["too_short"]`` counts the passages left
        out for being shorter than ``min_lemmas``.

    Example:
        >>> representative_passages(corpus, "nmf-k10", per_topic=2)   # doctest: +SKIP
    """
    from policytext.analyse.lemmas import load_tokenizer, word_spans

    if min_lemmas < 1:
        raise ConfigError(f"--min-lemmas must be 1 or more, not {min_lemmas}")
    model = load_topic_model(corpus, name)
    segment = int(model.card_.get("segment", 200)) or 200
    frame = lemma_frame(corpus, **filters)
    texts, owners = split_passages(frame, segment)
    made = dict(topic_model=name, fitted_at=model.card_.get("fitted_at"), per_topic=per_topic,
                min_lemmas=min_lemmas)
    lengths = np.array([len(t.split()) for t in texts], dtype=int)
    long_enough = np.flatnonzero(lengths >= min_lemmas)
    rows: list[dict[str, Any]] = []
    if len(long_enough):
        rows = _passage_rows(corpus, model, frame, texts, owners, long_enough, segment, per_topic,
                             load_tokenizer(corpus.config.model), word_spans)
    result = pd.DataFrame(rows, columns=PASSAGE_COLUMNS)
    result.attrs["too_short"] = int(len(texts) - len(long_enough))
    return attach_provenance(result, corpus, "representative_passages", filters, **made)


SENTENCE_REACH = 400
"""Characters a passage may grow at each end to reach a sentence's edge; past that, a word's edge."""
_SENTENCE_END = re.compile(r"(?:[.!?][\"'”’)\]]*|\n)(?:\s+|$)")


def sentence_bounds(conn: Any, doc_id: str, text: str, start: int, end: int) -> tuple[int, int]:
    """Return ``(start, end)`` widened to the sentences they fall in, or at least to whole words.

    A passage is a run of the lemma stream's word tokens, and a token may be part of a word ("'s"
    of "Iran's"): shown from there it began "'s primary state sponsor of terror". The stored
    sentences of an annotated document give the edges; otherwise a full stop, question or
    exclamation mark (or a line break) followed by space does. An edge further than
    :data:`SENTENCE_REACH` characters away gives way to the nearest whitespace.
    """
    rows = conn.execute("SELECT MIN(start_char), MAX(end_char) FROM sentences WHERE doc_id = ? AND "
                        "end_char > ? AND start_char < ?", (doc_id, start, end)).fetchone()
    if rows and rows[0] is not None and start - SENTENCE_REACH <= rows[0] <= start \
            and end <= rows[1] <= end + SENTENCE_REACH:
        return int(rows[0]), int(rows[1])
    low = max(0, start - SENTENCE_REACH)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, low, start + 1) if m.end() <= start]
    if ends:
        new_start = ends[-1]
    elif low == 0:  # the document's first sentence
        new_start = len(text) - len(text.lstrip())
    else:
        new_start = _word_start(text, start)
    following = _SENTENCE_END.search(text, max(end - 1, 0), min(len(text), end + SENTENCE_REACH))
    new_end = following.start() + len(following.group().rstrip()) if following else _word_end(text, end)
    return new_start, max(new_end, end)


def _word_start(text: str, at: int) -> int:
    while at > 0 and not text[at - 1].isspace():
        at -= 1
    return at


def _word_end(text: str, at: int) -> int:
    while at < len(text) and not text[at].isspace():
        at += 1
    return at


def _passage_rows(corpus, model: TopicModel, frame: pd.DataFrame, texts: list[str], owners: np.ndarray,
                  candidates: np.ndarray, segment: int, per_topic: int, tokenizer, word_spans) -> list[dict[str, Any]]:
    """Return the rows of :func:`representative_passages` chosen among the passages ``candidates``."""
    chosen = [texts[i] for i in candidates]
    shares, similarity = model.transform(chosen), model.similarity(chosen)
    fullness = np.minimum(1.0, np.array([len(t.split()) for t in chosen], dtype=float) / segment)
    rank = shares * similarity * fullness[:, None]
    position = np.zeros(len(texts), dtype=int)  # index of each passage within its document
    for i in range(1, len(texts)):
        position[i] = position[i - 1] + 1 if owners[i] == owners[i - 1] else 0
    spans_cache: dict[int, list[tuple[int, int]]] = {}
    rows = []
    conn = corpus.store.conn
    for topic in range(model.k):
        for best in np.argsort(-rank[:, topic], kind="stable")[:per_topic]:
            if rank[best, topic] <= 0:
                break
            passage = int(candidates[best])
            owner = int(owners[passage])
            doc_id = frame["id"].iloc[owner]
            text = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
            if owner not in spans_cache:
                spans_cache[owner] = word_spans(tokenizer, text)
            spans = spans_cache[owner]
            first = position[passage] * segment
            last = min(first + segment, len(spans)) - 1
            if spans and first < len(spans):
                start, end = sentence_bounds(conn, doc_id, text, spans[first][0], spans[last][1])
            else:
                start, end = 0, len(text)
            rows.append({"topic": topic, "label": model.labels_[topic], "doc_id": doc_id,
                         "date": frame["date"].iloc[owner], "speaker": frame["speaker"].iloc[owner],
                         "share": float(shares[best, topic]), "similarity": float(similarity[best, topic]),
                         "start": start, "end": end,
                         "passage": " ".join(text[start:end].split())})
    return rows
