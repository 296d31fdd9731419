"""Analyse a corpus: themes, trends across governments, topic models, keyness and KWIC.

Every public function takes an open :class:`~policytext.corpus.Corpus` and the shared filter
vocabulary (``speaker``, ``party``, ``government``, ``kind``, ``since``, ``until``, ``limit``) as
keyword-only options, and returns a pandas DataFrame with fixed, documented columns.

A module's name is the module: ``policytext.analyse.keyness``, ``.kwic`` and ``.topic_evolution``
are modules, whose functions of the same name are ``policytext.keyness``, ``policytext.kwic`` and
``policytext.analyse.topic_evolution.topic_evolution``.
"""
from policytext.analyse.keyness import KEYNESS_COLUMNS
from policytext.analyse.kwic import KWIC_COLUMNS
from policytext.analyse.lemmas import ensure_lemmas, lemma_frame
from policytext.analyse.themes import Lexicon, Theme, load_lexicon, suggest_terms
from policytext.analyse.topic_evolution import TOPIC_EVOLUTION_COLUMNS
from policytext.analyse.topics import TopicModel, apply_topics, fit_topics, load_topic_model, topic_trends
from policytext.analyse.trends import TREND_COLUMNS, theme_trends

__all__ = [
    "KEYNESS_COLUMNS", "KWIC_COLUMNS", "TOPIC_EVOLUTION_COLUMNS", "TREND_COLUMNS", "Lexicon", "Theme", "TopicModel",
    "apply_topics", "ensure_lemmas", "fit_topics", "lemma_frame", "load_lexicon",
    "load_topic_model", "suggest_terms", "theme_trends", "topic_trends",
]
