import pytest

from policytext.annotate.claim_types import CLAIM_TYPES, count_type_features, find_claim_types


@pytest.mark.parametrize("text, expected", [
    ("Unemployment fell to 4.2% last year.", {"quantity": "4.2%", "trend": "fell"}),
    ("Spending was slashed by a fifth, more than twice the rate.",
     {"quantity": "a fifth", "comparison": "more than", "trend": "slashed"}),
    ("Prices are rising because of the war.", {"causal": "because of", "trend": "rising"}),
    ("We will build 300,000 homes a year by 2025.", {"quantity": "300,000", "prediction": "will"}),
    ("The deficit is £30bn higher than forecast.", {"quantity": "£30bn", "comparison": "higher than"}),
    ("According to the ONS, wages are flat.", {"attribution_of_fact": "According to"}),
    ("Thank you all for coming tonight.", {}),
    ("God bless America.", {}),
])
def test_types_and_their_triggers(text, expected):
    found = {name: text[start:end] for name, start, end in find_claim_types(text)}
    assert {k: found.get(k) for k in expected} == expected
    assert set(found) - set(expected) <= {"comparison", "trend", "prediction", "quantity"}
    if not expected:
        assert found == {}


def test_each_type_is_given_once_with_offsets_inside_the_text():
    text = "Taxes rose 5% in 2019 and 7% in 2020, the highest rise since 1990."
    found = find_claim_types(text)
    names = [name for name, _, _ in found]
    assert len(names) == len(set(names))
    assert all(0 <= start < end <= len(text) for _, start, end in found)


def test_features_have_one_flag_per_type_and_the_digit_share():
    features = count_type_features("Crime rose 12% in 2019.")
    assert len(features) == len(CLAIM_TYPES) + 1
    assert features[CLAIM_TYPES.index("quantity")] == 1.0
    assert features[CLAIM_TYPES.index("causal")] == 0.0
    assert features[-1] == pytest.approx(2 / 5)


def _every_pattern_tried(text):
    """find_claim_types as it was before the pieces: every pattern of every type run over the text."""
    from policytext.annotate.claim_types import _COMPILED, _first_strong

    found = []
    for name in CLAIM_TYPES:
        for pattern in _COMPILED[name]:
            match = _first_strong(pattern.finditer(text), name)
            if match is not None:
                found.append((name, match.start(), match.end()))
                break
    return found


def _address_sentences():
    import re

    from policytext.collect.sotu import iter_sotu

    texts = [outcome.text for outcome in iter_sotu(since=2009, until=2011) if hasattr(outcome, "text")]
    return [s for text in texts for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


TRICKY = [
    "Prices are UP FROM.", "It is at least as big.", "The least we can do.", "Costs were DOWN from 2019",
    "ſince 1990 it roſe", "İt wİll grow", "The KPI rose by 5 % in 2020/21", "a THIRD of them",
    "₹٣٣ rose", "He won't stop; we're going to win.", "Worst-ever result, compared with last year.",
]


def test_skipping_patterns_without_their_pieces_finds_what_every_pattern_finds():
    # The pieces only save time: on real addresses (three State of the Union addresses, about
    # 1,000 sentences) and on texts written to probe them, the types and triggers are the same.
    sentences = _address_sentences() + TRICKY
    assert len(sentences) > 500
    assert [find_claim_types(s) for s in sentences] == [_every_pattern_tried(s) for s in sentences]


def test_every_match_of_every_pattern_holds_one_of_its_pieces():
    # Stronger than comparing first triggers: a piece list that misses a form a pattern matches
    # shows here even where an earlier pattern hides it.
    from policytext.annotate.claim_types import _DIGIT, _NEEDED

    for text in _address_sentences() + TRICKY[:4] + TRICKY[6:]:  # not the ſ/İ texts, matched without pieces
        for name in CLAIM_TYPES:
            for pattern, needs in _NEEDED[name]:
                for match in pattern.finditer(text):
                    words = match.group(0).lower()
                    assert any(any(c.isdigit() for c in words) if need is _DIGIT else need in words
                               for need in needs), (name, pattern.pattern, words)


@pytest.mark.parametrize("pattern, pieces", [
    (r"\b\w+er than\b", ("er than",)),
    (r"\b(?:because(?: of)?|due to)\b", ("because", "due to")),  # "because of" holds "because": one is enough
    (r"\bcompared (?:with|to)\b", ("compared to", "compared with")),
    (r"[$£€]\s?\d[\d,.]*", ("<digit>",)),  # a digit is rarer than a currency sign or as rare: one piece
    (r"\b(?:ris(?:e|es|en|ing)|rose)\b", ("rise", "rising", "rose")),
    (r"\bby 20\d\d\b", ("by 20",)),
    (r"\bsurplus(?:es)?\b", ("surplus",)),  # a pattern added tomorrow gets its pieces without a second list
    (r"\b\w+\b", None),  # nothing certain: the pattern is always run
    (r"\b(?:a|b)?\b", None),  # may match the empty string
])
def test_required_pieces_are_read_from_the_pattern_itself(pattern, pieces):
    import re

    from policytext.annotate.claim_types import required_pieces

    assert required_pieces(re.compile(pattern, re.IGNORECASE)) == pieces


def test_every_pattern_of_every_type_has_pieces_so_none_runs_on_every_sentence():
    from policytext.annotate.claim_types import _NEEDED

    assert all(needs for patterns in _NEEDED.values() for _, needs in patterns)


def test_the_fast_path_finds_what_every_pattern_finds_on_real_debate_sentences():
    # ClaimBuster: 9,674 sentences of US presidential debates, 1960-2016 (real text, not written
    # for the test): the pieces derived from the patterns skip nothing that a pattern would match.
    from helpers import shared_data
    from policytext.evaluation.claims_data import read_claimbuster

    texts, _ = read_claimbuster(shared_data("claims", "claimbuster-2.5xncs.csv"))
    assert len(texts) > 9000
    assert [find_claim_types(t) for t in texts] == [_every_pattern_tried(t) for t in texts]
