"""The checks of issue 4's "Done means", on the motivating blog post."""
import pytest

from helpers import shared_data


@pytest.fixture(scope="module")
def seed(pipeline):
    from policytext.annotate.extract import TextItem, annotate_texts

    text = shared_data("seed", "trust-to-try-things-out.txt").read_text(encoding="utf-8")
    [(_, annotation)] = list(annotate_texts([TextItem("seed", text, kind="blog")], pipeline))
    return text, annotation


@pytest.mark.parametrize("name, label", [
    ("Matthew Hancock", "PERSON"), ("Cabinet Office", "ORG"), ("NHS", "ORG"), ("Mutual Ventures", "ORG"),
    ("England", "GPE"),
])
def test_entities(seed, name, label):
    _, annotation = seed
    assert any(e.name == name and e.label == label for e in annotation.entities)


@pytest.mark.parametrize("passage", [
    "a civil service that is more trusting of people, and gives the go-ahead to initiative will deliver better services",
    "trust to try things out",
])
def test_hancocks_quoted_passages_are_attributed_to_him(seed, passage):
    _, annotation = seed
    quotes = [q for q in annotation.quotes if passage in q.text]
    assert quotes, passage
    assert {q.speaker for q in quotes} == {"Matthew Hancock"}


def test_a_record_is_no_speaker_in_the_speech_scheme(seed):
    # "Hancock’s record at the Department for Business … suggests he knows …" was stored as a quote
    # of "Hancock’s record" (resolved by role): a thing no journalist cites as a speaker, listed by
    # 'quoted' and matched by 'quotes --speaker Hancock'. The words stay the quote's mention.
    _, annotation = seed
    [quote] = [q for q in annotation.quotes if q.text.startswith("he knows the importance")]
    assert quote.scheme == "speech"
    assert (quote.speaker, quote.resolved_by, quote.speaker_role) == (None, "none", None)
    assert quote.speaker_mention == "Hancock’s record"


def test_the_spending_sentence_is_a_quantity_and_comparison_claim_with_a_high_score(seed):
    text, annotation = seed
    [claim] = [c for c in annotation.claims if "slashed by a fifth" in c.text]
    assert {"quantity", "comparison"} <= set(claim.types)
    assert claim.score >= 0.8
    triggers = {kind: text[start:end] for kind, start, end in claim.triggers}
    assert triggers["comparison"] == "more than"


def test_every_offset_points_into_the_text(seed):
    text, annotation = seed
    for record in annotation.sentences + annotation.entities + annotation.quotes + annotation.claims:
        assert text[record.start:record.end] == record.text
