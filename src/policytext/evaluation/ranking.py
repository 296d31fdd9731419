"""Evaluate search ranking: do fragments and headings come first, on judged real queries?

The judged set is built from a corpus of the State of the Union addresses with stored sentences
(the post-1945 one of ``make demo`` or ``benchmarks/bench_search.py``) and :data:`QUERIES`, 40
queries a journalist might type, split by position: even positions ``dev``, odd ``test``.

Each hit in the top 10 of any ranking compared is judged by rules stated here and independent of
the rankers' own features (those read only the length and the look of the text):

- **fragment** (gain 0): spaCy's parse of the sentence finds no finite verb (no token with
  ``VerbForm=Fin`` and no modal), or it has fewer than four words: a heading ("Anti-trust
  Enforcement and Competition"), a list item ("--World Heritage Trust."), a motto;
- **sentence** (gain 1): a full sentence;
- **on topic** (gain 2): a full sentence whose neighbour in the document (the sentence before or
  after) matches the query too, so the passage is about the query rather than a passing mention.

Reported per split: nDCG@10 with those gains (the ideal ordering taken from every judged hit of the
query), and the share of fragments in the top 10. A ranking is BM25 times a length prior
``n / (n + L)`` (``n`` characters) times a weight ``H`` for text that looks like a heading
(:func:`policytext.search.hits.relevance_sql`); ``L`` and ``H`` are chosen on ``dev`` (highest
nDCG@10, then the smaller change from BM25) and reported on ``test``.

Run it: ``python -m policytext.evaluation.ranking CORPUS_FOLDER``.
"""
from __future__ import annotations

import argparse
import math
from typing import Any, Iterable, Sequence

from policytext.search.hits import STORED_HEADING, relevance_sql
from policytext.search.matching import match_query

QUERIES = (
    "trust", "taxes", "inflation", "jobs", "freedom", '"health care"', "war", "peace", "immigration",
    "crime", "drugs", "environment", "defense", "budget", "deficit", "veterans", "farmers", "housing",
    "welfare", '"social security"', "medicare", "terrorism", "china", "soviet", "oil", "trade", "tariffs",
    "children", "science", "space", '"small business"', "infrastructure", "climate", "nuclear",
    "poverty", '"civil rights"', "agriculture", "energy", "education", "competition",
)
SPLITS = ("dev", "test")
LENGTH_PRIORS = (0, 10, 20, 40, 80, 160)
HEADING_WEIGHTS = (1.0, 0.75, 0.5, 0.25)
TOP = 10
GAINS = {"fragment": 0, "sentence": 1, "on topic": 2}


def split_of(position: int) -> str:
    """Return the split of the query at ``position`` in :data:`QUERIES` (even ``dev``, odd ``test``)."""
    return SPLITS[position % 2]


def top_ids(conn: Any, query: str, *, length_prior: float, heading_weight: float, top: int = TOP) -> list[int]:
    """Return the ids of the ``top`` sentences a ranking puts first for ``query``."""
    order = relevance_sql("t", "sentences_fts.rank", length_prior=length_prior, heading_weight=heading_weight,
                          heading_column=STORED_HEADING)
    found = match_query(query, "sentences")
    where, params = found.restrict(conn, "1", [])
    rows = conn.execute(
        f"SELECT t.id FROM sentences_fts JOIN sentences AS t ON t.id = sentences_fts.rowid "
        f"WHERE sentences_fts MATCH ? AND {where} ORDER BY {order}, t.doc_id, t.start_char, t.id LIMIT ?",
        [found.fts_query, *params, top]).fetchall()
    return [row[0] for row in rows]


def is_fragment(doc: Any) -> bool:
    """Say whether a parsed text is a fragment: no finite verb or modal, or fewer than four words."""
    words = sum(1 for token in doc if token.is_alpha)
    finite = any(token.tag_ == "MD" or "Fin" in token.morph.get("VerbForm") for token in doc)
    return words < 4 or not finite


def judge(conn: Any, nlp: Any, query: str, ids: Iterable[int]) -> dict[int, str]:
    """Return the judgement (a key of :data:`GAINS`) of each sentence id found for ``query``."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    found = match_query(query, "sentences")
    where, params = found.restrict(conn, "1", [])
    matching = {row[0] for row in conn.execute(
        f"SELECT t.id FROM sentences_fts JOIN sentences AS t ON t.id = sentences_fts.rowid "
        f"WHERE sentences_fts MATCH ? AND {where}", [found.fts_query, *params])}
    marks = ", ".join("?" for _ in ids)
    rows = conn.execute(f"SELECT id, doc_id, idx, text FROM sentences WHERE id IN ({marks})", ids).fetchall()
    judged = {}
    for (sentence_id, doc_id, idx, _), doc in zip(rows, nlp.pipe(row[3] for row in rows)):
        if is_fragment(doc):
            judged[sentence_id] = "fragment"
            continue
        neighbours = {row[0] for row in conn.execute(
            "SELECT id FROM sentences WHERE doc_id = ? AND idx IN (?, ?)", [doc_id, idx - 1, idx + 1])}
        judged[sentence_id] = "on topic" if neighbours & matching else "sentence"
    return judged


def ndcg(gains: Sequence[int], pool: Iterable[int], top: int = TOP) -> float:
    """Return nDCG@``top`` of ranked ``gains`` against the best order of every judged gain in ``pool``."""
    def dcg(values: Iterable[int]) -> float:
        return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(list(values)[:top]))
    ideal = dcg(sorted(pool, reverse=True))
    return dcg(gains) / ideal if ideal else 0.0


def evaluate(corpus: Any, *, length_priors: Sequence[float] = LENGTH_PRIORS,
             heading_weights: Sequence[float] = HEADING_WEIGHTS, queries: Sequence[str] = QUERIES,
             nlp: Any = None) -> dict[str, Any]:
    """Rank every query with every (length prior, heading weight), judge the hits and score each split.

    Returns ``{"table": {(L, H): {split: {"ndcg": …, "fragments": …, "queries": n}}}, "chosen": (L, H),
    "judged": {judgement: count}}``; ``chosen`` is the best on ``dev``.
    """
    if nlp is None:
        import spacy

        nlp = spacy.load(corpus.config.model, exclude=["ner", "lemmatizer"])
    conn = corpus.store.conn
    configs = [(float(lp), float(hw)) for lp in length_priors for hw in heading_weights]
    ranked = {config: [top_ids(conn, query, length_prior=config[0], heading_weight=config[1])
                       for query in queries] for config in configs}
    judged = [judge(conn, nlp, query, (i for config in configs for i in ranked[config][q]))
              for q, query in enumerate(queries)]
    table: dict[tuple[float, float], dict[str, dict[str, float]]] = {}
    for config in configs:
        scores: dict[str, dict[str, list[float]]] = {split: {"ndcg": [], "fragments": []} for split in SPLITS}
        for q, ids in enumerate(ranked[config]):
            if not ids:
                continue
            split = scores[split_of(q)]
            gains = [GAINS[judged[q][i]] for i in ids]
            split["ndcg"].append(ndcg(gains, [GAINS[j] for j in judged[q].values()]))
            split["fragments"].append(sum(1 for i in ids if judged[q][i] == "fragment") / len(ids))
        table[config] = {split: {"ndcg": sum(v["ndcg"]) / len(v["ndcg"]),
                                 "fragments": sum(v["fragments"]) / len(v["fragments"]),
                                 "queries": len(v["ndcg"])} for split, v in scores.items()}
    # the best on dev; among equals (to 3 decimals) the one nearest plain BM25
    chosen = max(configs, key=lambda c: (round(table[c]["dev"]["ndcg"], 3), -c[0], c[1]))
    counts: dict[str, int] = {}
    for found in judged:
        for judgement in found.values():
            counts[judgement] = counts.get(judgement, 0) + 1
    return {"table": table, "chosen": chosen, "judged": counts}


def main(argv: Sequence[str] | None = None) -> None:
    """Print the table of every ranking on both splits, and the one chosen on dev."""
    from policytext.corpus import open_corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="a corpus folder of sotu addresses with stored sentences")
    args = parser.parse_args(argv)
    with open_corpus(args.corpus, readonly=True) as corpus:
        found = evaluate(corpus)
    print(f"judged hits: {found['judged']}")
    print(f"{'L':>5} {'H':>5}  {'dev nDCG':>8} {'dev frag':>8}  {'test nDCG':>9} {'test frag':>9}")
    for (lp, hw), row in found["table"].items():
        mark = "  <- chosen on dev" if (lp, hw) == found["chosen"] else ""
        print(f"{lp:5.0f} {hw:5.2f}  {row['dev']['ndcg']:8.3f} {row['dev']['fragments']:8.3f}  "
              f"{row['test']['ndcg']:9.3f} {row['test']['fragments']:9.3f}{mark}")


if __name__ == "__main__":
    main()
