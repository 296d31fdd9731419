"""Where the quote finder stops with a cue: the trace of the finder itself, on real parses."""
from __future__ import annotations

import pytest

from policytext.annotate.quote_reports import ReportRules
from policytext.annotate.quotes import extract_quote_candidates
from policytext.evaluation.quote_errors import _Tracer, stopped_at


@pytest.fixture(scope="module")
def parse(nlp):
    def run(text):
        with nlp.select_pipes(disable=[p for p in ("policytext_quotes", "policytext_claims") if p in nlp.pipe_names]):
            return nlp(text)
    return run


def _stop(parse, text, word, rules=ReportRules()):
    doc = parse(text)
    tracer = _Tracer()
    extract_quote_candidates(doc, scheme="attribution", report_rules=rules, trace=tracer)
    token = next(t for t in doc if t.text == word)
    return stopped_at(token, tracer.of(token))


def test_a_thing_as_the_subject_of_an_evidence_verb_is_refused_as_no_speaker(parse):
    text = "Two past elections suggest that the party will lose the seat in November."
    assert _stop(parse, text, "suggest") == "subject refused as no speaker"
    # read as a report when the switch is on, so the trace says so
    assert _stop(parse, text, "suggest", ReportRules(evidence_subjects=True)) == "report read, content elsewhere"


def test_a_verb_in_no_list_and_a_rarer_cue_without_a_clause(parse):
    text = "The Chinese Communist Party leadership fears that the protests will spread to other cities."
    assert _stop(parse, text, "spread") == "rare cue without a clause"
    assert _stop(parse, "The senator was dinged by critics for skipping the vote.", "dinged") == "verb in no list"


def test_a_report_dropped_as_overlapping_one_already_found(parse):
    text = ("Carson said the critics were wrong and rejected the notion that the episode should be water "
            "under the bridge.")
    assert _stop(parse, text, "rejected") == "dropped as overlapping"
    assert _stop(parse, text, "rejected", ReportRules(keep_distinct_reports=True)) == "report read, content elsewhere"


def test_no_cue_word():
    assert stopped_at(None, []) == "no cue word"


def test_the_trace_is_off_by_default_and_changes_nothing(parse):
    doc = parse("Two past elections suggest that the party will lose the seat. Jo Bloggs said the vote was close.")
    events = []
    traced = extract_quote_candidates(doc, trace=lambda token, event: events.append(event))
    assert events and [row for row, _ in traced] == [row for row, _ in extract_quote_candidates(doc)]
