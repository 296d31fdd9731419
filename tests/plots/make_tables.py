"""Rebuild the tables the chart tests draw (tests/plots/data/*.csv) from the real corpora.

The chart tests compare drawings with reference images; they draw these stored tables, made from
real data, so that a change to a lexicon or a topic model changes the tables (when rebuilt) and
not silently the pictures. Run from the repository root, with ../shared/data present:

    python tests/plots/make_tables.py            # then: POLICYTEXT_NEW_REFERENCES=1 pytest tests/plots

Tables: UK manifesto forewords 1945-2019 (by government with the ungoverned '(none)' kept, by
party, by year with the governments of the period, topics by government), House of Commons
sentences (ParlEE) of 2009-2010 by quarter, and the State of the Union addresses of 1989-2000 by
administration.
"""
from __future__ import annotations

import sys
import tempfile
import warnings
from pathlib import Path

import policytext
from policytext.analyse import fit_topics
from policytext.plots import government_periods

HERE = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "corpora" / "uk"
THEMES = ["trust", "entrepreneurialism"]


def main() -> None:
    warnings.simplefilter("ignore")
    folder = Path(tempfile.mkdtemp())
    with policytext.open_corpus(folder / "forewords", create=True) as corpus:
        corpus.collect_files([SHARED / "manifesto-forewords-1900-2019.csv"], country="GB")
        policytext.theme_trends(corpus, THEMES, by="government", since="1945", include_unlabelled=True) \
            .to_csv(HERE / "forewords-government.csv", index=False)
        policytext.theme_trends(corpus, THEMES, by="party", since="1945").to_csv(HERE / "forewords-party.csv", index=False)
        years = policytext.theme_trends(corpus, ["trust"], by="year", since="1945")
        years.to_csv(HERE / "forewords-year.csv", index=False)
        government_periods(corpus, years, since="1945").to_csv(HERE / "forewords-year-governments.csv", index=False)
        fit_topics(corpus, k=12, seed=1, name="forewords", since="1945")
        policytext.topic_trends(corpus, "forewords", by="government", since="1945") \
            .to_csv(HERE / "forewords-topics-government.csv", index=False)
    with policytext.open_corpus(folder / "commons", create=True) as corpus:
        corpus.collect_files([SHARED / "parlee-commons-2009-2014.csv"], encoding="cp1252", country="GB")
        quarters = policytext.theme_trends(corpus, THEMES, by="quarter", since="2009", until="2010")
        quarters.to_csv(HERE / "commons-quarter.csv", index=False)
        government_periods(corpus, quarters, since="2009", until="2010") \
            .to_csv(HERE / "commons-quarter-governments.csv", index=False)
    with policytext.open_corpus(folder / "sotu", create=True) as corpus:
        corpus.collect_sotu(since=1989, until=2000)
        policytext.theme_trends(corpus, THEMES, by="government").to_csv(HERE / "sotu-government.csv", index=False)
    print("wrote", *sorted(p.name for p in HERE.glob("*.csv")), file=sys.stderr)


if __name__ == "__main__":
    main()
