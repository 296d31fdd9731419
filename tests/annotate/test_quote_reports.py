"""Reporting constructions: the array shortcuts of the finder pick exactly what a token-by-token reading picks."""
from __future__ import annotations

import json

import pytest

from helpers import shared_data
from policytext.annotate.quote_filter import describe_candidate, parse_columns
from policytext.annotate.quote_lexicon import CLAUSE_CUE_RATE_THRESHOLD, CUE_LEMMAS, SUBJECT_DEPS, load_cue_lexicon
from policytext.annotate.quote_marks import find_quote_marks
from policytext.annotate.quote_reports import DocView, _cue_positions, char_mask
from policytext.annotate.quotes import extract_quote_candidates
from policytext.annotate.speakers import SpeakerResolver


@pytest.fixture(scope="module")
def news_docs(pipeline):
    """Three real news articles of ggt-dev and the seed, parsed without the quote component's output."""
    lines = shared_data("quotes", "ggt-dev", "articles.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    texts = [json.loads(line)["text"][:6000] for line in lines]
    texts.append(shared_data("seed", "trust-to-try-things-out.txt").read_text(encoding="utf-8"))
    with pipeline.select_pipes(disable=["policytext_quotes", "policytext_claims"]):
        return list(pipeline.pipe(texts))


def _mask(doc):
    return char_mask(len(doc.text), [(m.open_start, m.close_end) for m in find_quote_marks(doc.text)])


def _cue_positions_token_by_token(doc, in_quote, lexicon, adjectives=False):
    """The definition the array reading must keep (what find_reports tested on every token before)."""
    cues = []
    for token in doc:
        if token.idx < len(in_quote) and in_quote[token.idx]:
            continue
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            cues.append(token.i)
        elif token.pos_ == "NOUN":
            if (token.lemma_.lower(), "NOUN") in lexicon:
                cues.append(token.i)
        elif token.pos_ in ("VERB", "AUX"):
            lemma = token.lemma_.lower()
            if lemma in CUE_LEMMAS or (lemma, "VERB") in lexicon:
                cues.append(token.i)
        elif adjectives and token.pos_ == "ADJ" and token.dep_ == "acomp":
            if (token.lemma_.lower(), "ADJ") in lexicon:
                cues.append(token.i)
    return cues, [t.i for t in doc if t.text == ":"]


def test_cue_positions_are_those_of_a_token_by_token_reading(news_docs):
    lexicon = load_cue_lexicon(threshold=CLAUSE_CUE_RATE_THRESHOLD)
    found = 0
    adjectives = 0
    for doc in news_docs:
        in_quote = _mask(doc)
        expected = _cue_positions_token_by_token(doc, in_quote, lexicon)
        assert _cue_positions(doc, in_quote, lexicon) == expected
        found += len(expected[0])
        with_adjectives = _cue_positions_token_by_token(doc, in_quote, lexicon, adjectives=True)
        assert _cue_positions(doc, in_quote, lexicon, adjectives=True) == with_adjectives
        adjectives += len(with_adjectives[0]) - len(expected[0])
    assert found > 20  # the articles report speech: the comparison compared something
    assert adjectives > 0


def test_sentence_subjects_of_the_mention_table_are_those_of_every_token(news_docs):
    for doc in news_docs:
        resolver = SpeakerResolver(DocView.of(doc))
        expected = [(sent.start_char, resolver._person_of[t.i].key) for sent in doc.sents for t in sent
                    if t.dep_ in SUBJECT_DEPS and t.head.dep_ == "ROOT" and t.i in resolver._person_of]
        assert resolver.table.subjects == expected
        assert resolver.table.sentences == [sent.start_char for sent in doc.sents]


def test_content_features_read_from_arrays_are_those_of_the_tokens(news_docs):
    compared = 0
    for doc in news_docs:
        for row, _ in extract_quote_candidates(doc, scheme="speech"):
            content = doc.char_span(row.start, row.end, alignment_mode="expand")
            if content is None or not len(content):
                continue
            features = describe_candidate(doc, row, None, "report", _mask(doc), parse=parse_columns(doc))
            assert features["content_has_verb"] == float(any(t.pos_ in ("VERB", "AUX") for t in content))
            assert features["content_has_subject"] == float(any(t.dep_ in SUBJECT_DEPS for t in content))
            assert features["content_propn_share"] == sum(t.pos_ == "PROPN" for t in content) / len(content)
            compared += 1
    assert compared > 10


def test_an_empty_doc_has_no_cues(pipeline):
    doc = pipeline.make_doc("")
    assert _cue_positions(doc, bytearray(), load_cue_lexicon(threshold=CLAUSE_CUE_RATE_THRESHOLD)) == ([], [])


def _contents(pipeline, text, rules):
    from policytext.annotate.quote_reports import ReportRules  # noqa: F401  (rules is one)

    with pipeline.select_pipes(disable=["policytext_quotes", "policytext_claims"]):
        doc = pipeline(text)
    return [(text[row.start:row.end], row.speaker) for row, _ in extract_quote_candidates(doc, report_rules=rules)]


def _speech_contents(pipeline, text, rules):
    with pipeline.select_pipes(disable=["policytext_quotes", "policytext_claims"]):
        doc = pipeline(text)
    return [(text[row.start:row.end], row.speaker)
            for row, _ in extract_quote_candidates(doc, scheme="speech", report_rules=rules)]


def test_a_passive_cue_without_an_agent_reports_its_subject_and_names_no_speaker(pipeline):
    from policytext.annotate.quote_reports import ReportRules

    text = "The House is expected to pass a bipartisan bill later this week that would end the program."
    assert not any(content.startswith("The House") for content, _ in _contents(pipeline, text, ReportRules()))
    found = _contents(pipeline, text, ReportRules(passive_content=True))
    assert ("The House is expected to pass a bipartisan bill later this week that would end the program", None) in found
    # with an agent the passive names its speaker, as before
    agent = "The plan was praised by Senator Jane Smith as a serious start."
    assert _contents(pipeline, agent, ReportRules(passive_content=True)) == _contents(pipeline, agent, ReportRules())


def test_reported_content_stops_before_another_speech_verb_clause(pipeline):
    from policytext.annotate.quote_reports import ReportRules

    text = ("Mr. Jones said the former president had made a good case for his wife, while other voters said "
            "they had not heard anything to pull them away.")
    jones = [c for c, speaker in _contents(pipeline, text, ReportRules()) if speaker == "Jones"]
    assert jones and "other voters" in jones[0]
    found = _contents(pipeline, text, ReportRules(stop_at_next_report=True))
    assert ("the former president had made a good case for his wife", "Jones") in found
    assert ("they had not heard anything to pull them away", "other voters") in found


def test_a_thing_that_suggests_a_clause_is_its_source_and_never_a_person(pipeline):
    from policytext.annotate.quote_reports import ReportRules

    text = "Two past elections suggest that the party will lose the seat in November."
    assert _contents(pipeline, text, ReportRules()) == []
    assert _contents(pipeline, text, ReportRules(evidence_subjects=True)) == [
        ("the party will lose the seat in November", "past elections")]
    # the data speak, not the minister named just before (off, the clause inside went to her)
    text = ("Ann Lee, the health minister, spoke on Monday. "
            "The early ratings data suggests that the debate drew a record audience.")
    found = _contents(pipeline, text, ReportRules(evidence_subjects=True))
    assert ("the debate drew a record audience", "early ratings data") in found
    assert not any(speaker == "Ann Lee" and "audience" in content for content, speaker in found)
    # without a clause of its own the thing shows no report ("the data show Trump with 31 percent")
    text = "The latest figures show Trump with 31 percent of the vote."
    assert _contents(pipeline, text, ReportRules(evidence_subjects=True)) == _contents(pipeline, text, ReportRules())


def test_a_report_nested_in_another_is_kept_though_it_covers_most_of_it(pipeline):
    from policytext.annotate.quote_reports import ReportRules

    text = ("Carson said the critics were wrong and rejected the notion that the episode should be water "
            "under the bridge.")
    nested = "the notion that the episode should be water under the bridge"
    assert nested not in [content for content, _ in _contents(pipeline, text, ReportRules())]
    assert nested in [content for content, _ in _contents(pipeline, text, ReportRules(keep_distinct_reports=True))]
    # a second cue after the clause reads the same content again: still one candidate
    text = "Pence said in politics it takes time to develop those relationships, he argued."
    assert _contents(pipeline, text, ReportRules(keep_distinct_reports=True)) == _contents(pipeline, text, ReportRules())


def test_an_attitude_after_a_copula_reports_its_clause_object_or_infinitive(pipeline):
    from policytext.annotate.quote_reports import ReportRules

    cases = [("Senator Jones was critical of the plan to cut taxes.", ("the plan to cut taxes", "Jones")),
             ("Republicans were eager to move on from the fight over the budget.",
              ("to move on from the fight over the budget", "Republicans"))]
    for text, expected in cases:
        assert expected not in _contents(pipeline, text, ReportRules())
        assert expected in _contents(pipeline, text, ReportRules(attitudes=("attribution",)))
        # an attitude is no speech: under the speech scheme it is read only when asked for there
        assert _speech_contents(pipeline, text, ReportRules(attitudes=("attribution",))) == \
            _speech_contents(pipeline, text, ReportRules())
        assert expected in _speech_contents(pipeline, text, ReportRules(attitudes=("speech",)))
    # a thing holds no attitude, "it" is no source, and "likely" (a rarer cue) needs a clause
    for text in ("The plan is likely to pass the Senate next week.", "It is unclear whether the bill will pass.",
                 "Trade is critical to the economy of the state."):
        assert _contents(pipeline, text, ReportRules(attitudes=("attribution",))) == _contents(pipeline, text, ReportRules())
