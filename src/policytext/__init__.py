"""policytext: political speech and policy text as evidence.

Open a corpus and query it from a notebook::

    import policytext
    corpus = policytext.open_corpus("corpus")
    corpus.documents(government="Kennedy")
"""
from policytext.corpus import DOCUMENT_FRAME_COLUMNS, Corpus, open_corpus
from policytext.config import Config, resolve_config
from policytext.errors import PolicytextError
from policytext.records import Claim, Document, Entity, Quote, Sentence
from policytext.search import find_claims, find_quotes, search_corpus, search_frame
from policytext.analyse import theme_trends, topic_trends
from policytext.analyse.keyness import keyness
from policytext.analyse.kwic import kwic

__version__ = "0.1.0"
__all__ = ["Corpus", "open_corpus", "Config", "resolve_config", "PolicytextError", "Document",
           "Sentence", "Entity", "Quote", "Claim", "DOCUMENT_FRAME_COLUMNS",
           "search_corpus", "search_frame", "find_quotes", "find_claims",
           "theme_trends", "keyness", "topic_trends", "kwic", "annotate_corpus", "load_pipeline"]


def __getattr__(name: str):
    """Give the annotation entry points on first use (they import spaCy, which is slow to load)."""
    if name in ("annotate_corpus", "load_pipeline"):
        from policytext import annotate

        return getattr(annotate, name)
    raise AttributeError(f"module 'policytext' has no attribute {name!r}")
