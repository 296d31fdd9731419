"""What needs annotating, and what a run reports: the part of annotation that needs no spaCy.

:mod:`policytext.annotate.runner` (which loads spaCy) uses these, and so does the Dask engine's
coordinator, which selects documents, writes shards and ingests rows but never annotates: it
imports this module and not spaCy, thinc or torch (about 5 s of CPU and some hundreds of MB),
while the workers' fork server imports those (:mod:`policytext.dask_forkserver`).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from policytext.annotate.quote_rows import DEFAULT_SCHEME
from policytext.errors import ConfigError
from policytext.records import ANNOTATION_RULES, DEFAULT_CLAIM_MODEL, annotation_model_key

if TYPE_CHECKING:
    from policytext.corpus import Corpus

STAGE = "annotate"
"""The stage of annotation's failures (``policytext failures``)."""


@dataclass
class AnnotateReport:
    """What an annotation run did."""

    model: str
    annotated: int = 0
    up_to_date: int = 0
    failed: int = 0
    words: int = 0
    sentences: int = 0
    entities: int = 0
    quotes: int = 0
    claims: int = 0
    seconds: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)
    changed: int = 0  # documents changed or deleted while they were being annotated: not written
    other_languages: dict[str, int] = field(default_factory=dict)
    """Documents annotated whose stored language is not the pipeline's, by language: they got
    sentences (and lemmas) only, no entities, quotes or claims."""

    def count_other_language(self, language: str, count: int = 1) -> None:
        self.other_languages[language] = self.other_languages.get(language, 0) + count

    @property
    def ok(self) -> bool:
        return self.failed == 0

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (f"{self.annotated} annotated, {self.up_to_date} already up to date, {self.failed} failed "
                f"({self.sentences:,} sentences, {self.entities:,} entities, {self.quotes:,} quotes, "
                f"{self.claims:,} claims; {self.words:,} words in {self.seconds:.1f} s with {self.model})"
                + (f"; {self.changed} changed or deleted while being annotated, so not written: "
                   "run annotate again" if self.changed else "")
                + self._other_languages_note())

    def _other_languages_note(self) -> str:
        count = sum(self.other_languages.values())
        if not count:
            return ""
        ordered = sorted(self.other_languages.items(), key=lambda item: (-item[1], item[0]))
        languages = (ordered[0][0] if len(ordered) == 1
                     else ", ".join(f"{language}: {n}" for language, n in ordered))
        return (f"; {count} document{'s' if count != 1 else ''} in another language ({languages}): "
                "sentences only, no entities, quotes or claims")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def select_documents_to_annotate(corpus: "Corpus", *, model: str, force: bool = False,
                                 scheme: str = DEFAULT_SCHEME, claim_model: str = DEFAULT_CLAIM_MODEL) -> list[str]:
    """Return the ids of the documents that need annotating with ``model``, quote ``scheme`` and ``claim_model``, oldest first.

    Documents annotated under other annotation rules than this version's
    (:data:`~policytext.records.ANNOTATION_RULES`), or under none recorded (annotated by a version
    before the rules were recorded), need annotating too.
    """
    sql = "SELECT id FROM documents"
    params: list[Any] = []
    if not force:
        sql += (" WHERE annotated_sha256 IS NULL OR annotated_sha256 != content_sha256"
                " OR annotated_model IS NULL OR annotated_model != ?"
                " OR annotated_quote_scheme IS NULL OR annotated_quote_scheme != ?"
                " OR annotated_rules IS NULL OR annotated_rules != ?")
        params += [annotation_model_key(model, claim_model), scheme, ANNOTATION_RULES]
    sql += " ORDER BY date, id"
    return [row[0] for row in corpus.store.conn.execute(sql, params)]


def check_run_options(*, batch_size: int, workers: int) -> None:
    """Raise :class:`ConfigError` unless the batch size and the number of workers are 1 or more."""
    if batch_size < 1 or workers < 1:
        raise ConfigError(f"--batch-size and --workers must be 1 or more (got {batch_size} and {workers})")


def corpus_names(corpus: "Corpus") -> tuple[list[str], list[str]]:
    """Return the speakers and organisations named in the corpus's own metadata."""
    return store_names(corpus.store.conn)


def store_names(conn: Any) -> tuple[list[str], list[str]]:
    """Return the speakers and organisations named in the ``documents`` of a store's connection
    (what :func:`corpus_names` returns for the corpus of that store)."""
    people = [r[0] for r in conn.execute("SELECT DISTINCT speaker FROM documents WHERE speaker IS NOT NULL")]
    bodies: set[str] = set()
    for (orgs, publisher) in conn.execute("SELECT DISTINCT organisations, publisher FROM documents"):
        try:
            bodies.update(name for name in json.loads(orgs or "[]") if isinstance(name, str))
        except ValueError:
            pass
        if publisher:
            bodies.add(publisher)
    return sorted(people), sorted(bodies)
