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
