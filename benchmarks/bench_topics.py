"""Topic quality and fit time on ParlEE Commons sentences: policytext's topics beside gensim LDA.

Both models are fitted in the same run on the same lemmatised sentences of
../shared/data/corpora/uk/parlee-commons-2009-2014.csv (5,496 sentences, each hand-coded with one
of 21 Comparative Agendas Project major topics), with k = 21, the same English + parliamentary
stop words and the same seed. Printed for each model:

- NMI: normalised mutual information between each sentence's strongest topic and its CAP code;
- NPMI: mean coherence of each topic's 10 top terms, from co-occurrence in the same sentences,
  computed by one function for every model (so lemmas and bigrams are scored alike);
- fit seconds (vectorising included; the median of --repeat runs) and the ratio to the baseline.

The baseline is gensim's LdaModel (passes=10, unigrams, the same term filtering). gensim is only a
benchmark dependency (the 'bench' extra).

    .venv/bin/python benchmarks/bench_topics.py [--repeat 1] [--seed 0] [--data ../shared/data/corpora/uk]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from policytext.analyse.themes import english_stop_words
from policytext.analyse.topic_eval import lemmatise_sentences, nmi_with_codes, read_parlee, reference_coherence
from policytext.analyse.topic_model import TopicModel, analyse_terms
from policytext.analyse.topic_stop_words import parliamentary_stop_words

PARLIAMENT_STOP_WORDS = parliamentary_stop_words()  # the list `topics fit` uses on parliamentary text

ROOT = Path(__file__).resolve().parents[1]


def fit_gensim(streams: list[str], k: int, seed: int):
    """Fit the gensim LDA baseline; return (shares, top terms)."""
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    stop = english_stop_words() | frozenset(PARLIAMENT_STOP_WORDS)
    tokens = [analyse_terms(s, stop, 1) for s in streams]
    dictionary = Dictionary(tokens)
    dictionary.filter_extremes(no_below=2, no_above=0.5, keep_n=20_000)
    bows = [dictionary.doc2bow(t) for t in tokens]
    lda = LdaModel(bows, id2word=dictionary, num_topics=k, passes=10, random_state=seed)
    shares = np.zeros((len(bows), k))
    for row, bow in enumerate(bows):
        for topic, share in lda.get_document_topics(bow, minimum_probability=0.0):
            shares[row, topic] = share
    top = [[dictionary[i] for i, _ in lda.get_topic_terms(t, 10)] for t in range(k)]
    return shares, top


def fit_ours(streams: list[str], k: int, seed: int, method: str):
    model = TopicModel(k, method=method, seed=seed, stop_words=PARLIAMENT_STOP_WORDS).fit(streams)
    return model.transform(streams), model.top_terms(10)


def measure(fit, repeat: int):
    timings, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fit()
        timings.append(time.perf_counter() - started)
    return result, statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "corpora" / "uk")
    args = parser.parse_args()
    path = args.data / "parlee-commons-2009-2014.csv"
    if not path.exists():
        sys.exit(f"needs {path} (the shared data beside the project)")
    try:
        import gensim  # noqa: F401
    except ImportError:
        sys.exit("needs gensim for the baseline: .venv/bin/pip install -e '.[bench]'")

    frame = read_parlee(path)
    codes = frame["cap"].tolist()
    k = frame["cap"].nunique()
    started = time.perf_counter()
    streams = lemmatise_sentences(frame["text"].tolist())
    print(f"{len(frame):,} sentences, {k} CAP topics; lemmatised in {time.perf_counter() - started:.1f} s "
          f"(shared by all models, not in the fit times)\n")

    rows = []
    (shares, top), seconds = measure(lambda: fit_gensim(streams, k, args.seed), args.repeat)
    baseline = seconds
    rows.append(("gensim LdaModel (baseline)", shares, top, seconds))
    for label, method in (("policytext nmf (KL, TF-IDF, 1-2 grams)", "nmf"), ("policytext lda (sklearn)", "lda")):
        (shares, top), seconds = measure(lambda: fit_ours(streams, k, args.seed, method), args.repeat)
        rows.append((label, shares, top, seconds))

    print(f"{'model':<40} {'NMI':>7} {'NPMI':>8} {'fit s':>8} {'time ratio':>11}")
    for label, shares, top, seconds in rows:
        nmi = nmi_with_codes(shares, codes)
        npmi = reference_coherence(top, streams, PARLIAMENT_STOP_WORDS)
        print(f"{label:<40} {nmi:7.3f} {npmi:8.3f} {seconds:8.1f} {seconds / baseline:10.2f}x")
    print("\ntime ratio = fit seconds / the baseline's (below 1 is faster). NMI: higher is better; "
          "NPMI: -1..1, higher is more coherent.")


if __name__ == "__main__":
    main()
