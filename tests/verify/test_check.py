"""Verdicts on a real store: the 1961-1963 addresses (Eisenhower, Kennedy) and a blog quoting Hancock."""
from __future__ import annotations

import dataclasses

import pytest

from policytext.errors import BadQuery
from policytext.verify import verify_frame, verify_quote, VERIFY_COLUMNS
from policytext.verify.check import Coverage, Passage, decide, is_paraphrase


def test_typography_apart_a_quote_of_the_speaker_is_verbatim_with_its_citation(sotu):
    verdict = verify_quote(sotu, "“You are among my oldest friends in Washington — and this House is my oldest home.”",
                           speaker="Kennedy")
    assert verdict.verdict == "verbatim" and verdict.similarity == 1.0
    best = verdict.best
    assert best.relation == "own" and best.speaker == "John F. Kennedy" and best.date == "1961-01-30"
    assert best.citation.startswith("John F. Kennedy, State of the Union address, ") and best.url in best.citation
    assert best.matched == "You are among my oldest friends in Washington--and this House is my oldest home"


def test_a_removed_negation_is_altered_and_flagged(sotu):
    verdict = verify_quote(sotu, "the Constitution makes us rivals for power but partners for progress",
                           speaker="Kennedy")
    assert verdict.verdict == "altered" and verdict.changes == ("negation",)
    assert verdict.best.diff == "the Constitution makes us [-not-] rivals for power but partners for progress"
    assert verdict.best.date == "1962-01-11"


def test_a_changed_number_is_altered_and_flagged(sotu):
    verdict = verify_quote(sotu, "It was here, more than 40 years ago, that I first took the oath of Federal office.",
                           speaker="Kennedy")
    assert verdict.verdict == "altered" and "number" in verdict.changes
    assert "[-14-] {+40+}" in verdict.best.diff


def test_another_presidents_words_are_other_speaker_with_who_and_when(sotu):
    verdict = verify_quote(sotu, "Once again it is my Constitutional duty to assess the state of the Union.",
                           speaker="Kennedy")
    assert verdict.verdict == "other speaker"
    assert verdict.best.speaker == "Dwight D. Eisenhower" and verdict.best.date == "1961-01-12"
    assert "Dwight D. Eisenhower (1961-01-12)" in verdict.note


def test_not_found_says_what_the_corpus_holds_for_the_speaker_and_period(sotu):
    verdict = verify_quote(sotu, "The only thing we have to fear is fear itself", speaker="Kennedy",
                           since="1962", until="1963")
    assert verdict.verdict == "not found"
    assert verdict.coverage.documents == 2 and (verdict.coverage.first, verdict.coverage.last) == ("1962-01-11", "1963-01-14")
    assert "2 documents by a speaker matching 'Kennedy', 1962-01-11 to 1963-01-14" in verdict.note
    assert "no proof" in verdict.note


def test_the_period_limits_where_the_speaker_is_looked_for(sotu):
    quote = "You are among my oldest friends in Washington"
    assert verify_quote(sotu, quote, speaker="Kennedy", since="1962").verdict == "not found"
    assert verify_quote(sotu, quote, speaker="Kennedy", until="1961").verdict == "verbatim"


def test_a_quote_of_the_speaker_in_someone_elses_post_is_not_their_own_words(sotu):
    verdict = verify_quote(sotu, "We must trust people to try things out", speaker="Hancock")
    assert verdict.verdict == "not found"
    assert verdict.coverage.documents == 0
    [quoted] = [p for p in verdict.passages if p.relation == "quoted"]
    assert quoted.speaker == "Test Author" and quoted.similarity == 1.0
    assert "only where others quote or name the speaker" in verdict.note


def test_a_row_not_found_names_no_speaker_or_source_of_its_closest_passages(sotu):
    """The blog quoting Hancock is evidence to read, not the answer: a CSV row 'not found | Test Author |
    its citation' read as if the blog's author had said it (found by a new user checking the seed)."""
    row = verify_frame(sotu, "We must trust people to try things out", speaker="Hancock").iloc[0]
    assert row["verdict"] == "not found"
    assert [row[name] for name in ("speaker", "date", "matched", "diff", "citation", "url", "same_date")] == \
        [None] * 7
    assert any(p["relation"] == "quoted" and p["speaker"] == "Test Author" for p in row["passages"])
    found = verify_frame(sotu, "You are among my oldest friends in Washington", speaker="Kennedy").iloc[0]
    assert found["verdict"] == "verbatim" and found["speaker"] == "John F. Kennedy" and found["citation"]


def test_without_a_speaker_the_best_passage_of_anyone_decides(sotu):
    verdict = verify_quote(sotu, "Once again it is my Constitutional duty to assess the state of the Union")
    assert verdict.verdict == "verbatim" and verdict.best.speaker == "Dwight D. Eisenhower"


@pytest.mark.parametrize("quote", ["", "New Frontier", "  the  the "])
def test_a_quote_too_short_to_check_is_refused(sotu, quote):
    with pytest.raises(BadQuery, match="too short to check"):
        verify_quote(sotu, quote, speaker="Kennedy")


def test_an_unknown_date_bound_is_refused(sotu):
    with pytest.raises(BadQuery, match="since"):
        verify_quote(sotu, "You are among my oldest friends", since="last year")


def test_the_frame_has_its_columns_one_row_per_quote_and_the_paraphrase_caveat(sotu):
    from policytext.verify import QuoteItem

    frame = verify_frame(sotu, [QuoteItem("a", "You are among my oldest friends in Washington", "Kennedy", "1961"),
                                QuoteItem("b", "Once again it is my Constitutional duty", "Kennedy", None)])
    assert list(frame.columns) == VERIFY_COLUMNS
    assert frame["verdict"].tolist() == ["verbatim", "other speaker"]
    assert frame["same_date"].tolist() == [True, None]
    assert not frame["paraphrase_checked"].any()
    assert frame.attrs["policytext"]["made_by"] == "verify_frame"


@pytest.mark.parametrize(("quote", "cosine", "sentence", "checks", "expected"), [
    ("we can win a nuclear war", 0.81, "A nuclear war cannot be won.", ("negation",), False),
    ("we can win a nuclear war", 0.81, "A nuclear war cannot be won.", (), True),  # the cosine alone
    ("nobody can win an atomic war", 0.81, "A nuclear war cannot be won.", ("negation",), True),
    ("nobody can win an atomic war", 0.45, "A nuclear war cannot be won.", ("negation",), False),  # too far
    ("we will build 10 new ships", 0.7, "We will build new ships.", ("negation",), True),
    ("we will build 10 new ships", 0.7, "We will build new ships.", ("negation", "number"), False),
])
def test_the_closest_sentence_is_a_paraphrase_when_close_and_in_agreement(quote, cosine, sentence, checks, expected):
    assert is_paraphrase(quote, cosine, sentence, paraphrase_min=0.5, checks=checks) is expected


def test_an_unknown_paraphrase_check_is_refused(sotu):
    with pytest.raises(BadQuery, match="cannot check a paraphrase's tense: choose some of negation, number, name"):
        verify_quote(sotu, "we choose to go to the moon", speaker="Kennedy", paraphrase_checks=("tense",))


def test_a_speaker_no_document_or_quote_has_is_refused_with_the_names_it_may_mean(sotu):
    with pytest.raises(BadQuery, match=r"no speaker in this corpus matches 'Kenedy' .*; did you mean John F\. Kennedy"):
        verify_quote(sotu, "You are among my oldest friends in Washington", speaker="Kenedy")


def test_words_the_speakers_document_quotes_from_someone_else_are_not_their_own(annotated_corpus):
    # A press office's statement quoting Matthew Hancock (a direct quote the annotation stage
    # found): the words are Hancock's, not the press office's. They were "verbatim" for the office,
    # as George H.W. Bush 'said' the words of a letter he read out in 1991.
    from policytext.corpus import open_corpus

    quote = "We must give local leaders the trust to try things out in public services."
    with open_corpus(annotated_corpus, readonly=True) as corpus:
        office = verify_quote(corpus, quote, speaker="Test Press Office")
        hancock = verify_quote(corpus, quote, speaker="Hancock")
        anyone = verify_quote(corpus, quote)
        own_words = verify_quote(corpus, "The minister visited three councils on Monday.", speaker="Test Press Office")
    assert office.verdict == "other speaker"
    assert office.best.speaker == "Matthew Hancock" and "words of Matthew Hancock" in office.note
    assert hancock.verdict == "not found" and "only where others quote" in hancock.note
    assert anyone.verdict == "verbatim" and anyone.best.speaker == "Matthew Hancock"
    assert own_words.verdict == "verbatim" and own_words.best.relation == "own"


@pytest.fixture
def word_start_corpus(tmp_path):
    """Two speakers whose names share letters but no word start: "Ann" is in "Danny"."""
    from policytext.corpus import open_corpus
    from policytext.evaluation.sentences import split_sentences

    source = tmp_path / "speeches.csv"
    source.write_text("id,date,party,speaker,kind,text\n"
                      "1,2012-03-02,Republican,Ann Widdecombe,speech,We will protect the green belt round our towns.\n"
                      "2,2012-03-03,Republican,Danny Kruger,speech,We must rebuild the local bus network in every "
                      "county town.\n", encoding="utf-8")
    with open_corpus(tmp_path / "corpus", create=True) as corpus:
        corpus.collect_files([source], country="UK")
        split_sentences(corpus)
        yield corpus


def test_a_speaker_owns_a_passage_by_word_start_as_the_filters_match_not_by_any_substring(word_start_corpus):
    verdict = verify_quote(word_start_corpus, "We must rebuild the local bus network in every county town",
                           speaker="Ann", meaning=False)
    assert verdict.verdict == "other speaker"  # was verbatim: 'ann' is inside 'Danny Kruger'
    assert verdict.best.speaker == "Danny Kruger" and verdict.best.relation == "other"
    assert verify_quote(word_start_corpus, "We must rebuild the local bus network in every county town",
                        speaker="Danny", meaning=False).verdict == "verbatim"


def _said_on(date: str) -> Passage:
    return Passage(relation="own", similarity=1.0, matched="the state of our Union is strong",
                   diff="the state of our Union is strong", changes=(), speaker="William J. Clinton", date=date,
                   title="State of the Union address", url=f"https://example.org/{date}", citation=date,
                   doc_id=f"sotu-{date}", start=0, end=32, exact=True)


def test_a_quote_said_on_several_days_is_judged_on_the_day_claimed():
    # Clinton said it in 1997, 1998 and 1999; the batch claimed 1999-01-19 and was told
    # same_date false, the 1997 passage being first (the passages are in date order among equals)
    passages = [_said_on("1997-02-04"), _said_on("1998-01-27"), _said_on("1999-01-19")]
    coverage = Coverage(documents=3, first="1997-02-04", last="1999-01-19", all_documents=3)
    claimed = decide("the state of our union is strong", "Clinton", passages, coverage, claimed_date="1999-01-19")
    assert claimed.verdict == "verbatim" and claimed.best.date == "1999-01-19"
    assert claimed.to_dict()["same_date"] is True
    unclaimed = decide("the state of our union is strong", "Clinton", passages, coverage)
    assert unclaimed.best.date == "1997-02-04" and unclaimed.to_dict()["same_date"] is None
    closer = [dataclasses.replace(_said_on("1999-01-19"), similarity=0.9, exact=False), _said_on("1997-02-04")]
    assert decide("the state of our union is strong", "Clinton", closer, coverage,
                  claimed_date="1999").best.date == "1997-02-04"  # a better passage still wins


def test_a_claimed_date_in_another_form_is_refused(sotu):
    with pytest.raises(BadQuery, match=r"the claimed date '30/01/1961' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"):
        verify_quote(sotu, "You are among my oldest friends in Washington", claimed_date="30/01/1961")


def test_a_headline_repeating_a_quote_in_quotation_marks_is_the_quoted_persons_not_the_authors(tmp_path):
    """The seed's headline gives Hancock's phrase in quotation marks ("the ‘trust to try things out’"),
    and its body quotes him saying it: the words were "verbatim" for the blog's author, Andrew Laird."""
    from helpers import shared_data
    from policytext.annotate import annotate_corpus
    from policytext.corpus import open_corpus

    seed = shared_data("seed", "trust-to-try-things-out.txt")
    with open_corpus(tmp_path / "corpus", create=True) as corpus:
        assert corpus.collect_files([seed], country="GB").ok
        assert annotate_corpus(corpus).failed == 0
        phrase = verify_quote(corpus, "the trust to try things out", speaker="Andrew Laird")
        own_line = verify_quote(corpus, "Budget cuts have weighed heaviest on local government", speaker="Andrew Laird")
        headline = verify_quote(corpus, "Giving local leaders the trust to try things out", speaker="Andrew Laird")
    assert phrase.verdict == "other speaker" and phrase.best.speaker == "Matthew Hancock"
    assert {(p.relation, p.speaker) for p in phrase.passages} == {("other", "Matthew Hancock")}
    assert own_line.verdict == "verbatim" and own_line.best.relation == "own"
    assert headline.verdict == "verbatim" and headline.best.relation == "own"  # the headline itself is his
