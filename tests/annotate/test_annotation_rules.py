"""ANNOTATION_RULES is bumped when what decides annotation output changes: a fingerprint reminds.

Stored documents are annotated again only when their recorded rules differ from
:data:`policytext.records.ANNOTATION_RULES`, so a change to the quote finder, speaker resolution,
the claim scorer or the entities' post-processing that forgets the bump leaves every store with
the older rules' rows, and nothing says so. Nothing can tell from the source whether a change
alters output; the fingerprint below changes with every edit of the files that decide it, and the
test fails until the developer has looked and recorded the new value beside the rules' version.
Those files are the annotate modules that shape stored rows (the two row writers with them), the
modules outside annotate/ whose code does (sentence headings, the lemma stream, the records),
annotate's data and the shipped claim scorer; every module annotate imports is classified.
"""
from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

import policytext.annotate
from policytext import records
from policytext.annotate.claim_model import MODEL_DIR

ANNOTATE = Path(policytext.annotate.__file__).resolve().parent
PACKAGE = ANNOTATE.parent
RECORDS = Path(records.__file__).resolve()

SHAPES_OUTPUT = {
    "claim_features.py": "the claim scorer's context features",
    "claim_finetuned.py": "the opt-in fine-tuned claim scorer",
    "claim_model.py": "the claim scorer",
    "claim_types.py": "claim types and their triggers",
    "claims.py": "the claims component: scores, types, triggers per sentence",
    "document.py": "chunking and assembling a document's records, names across chunks",
    "entities.py": "entity names and their post-processing",
    "first_names.py": "the first-name table behind pronoun agreement",
    "model.py": "which components the pipeline runs, and in what order",
    "quote_filter.py": "the learned quote filter",
    "quote_lexicon.py": "speech verbs, cues, speaker nouns",
    "quote_marks.py": "pairing of quotation marks",
    "quote_reports.py": "reporting constructions: cue, speaker, content",
    "quote_rows.py": "the quote row and the schemes",
    "quotes.py": "the quote finder",
    "runner.py": "writes the rows: columns, each sentence's heading flag, JSON of claim types and triggers",
    "selection.py": "the corpus's names handed to speaker resolution (store_names), beside what needs annotating",
    "shards.py": "the Dask engine's rows, written as runner.py writes them (heading flags, JSON)",
    "speaker_mentions.py": "the mention table speakers are resolved in",
    "speakers.py": "speaker resolution",
    "titles.py": "titles taken off people's names",
    "transcript.py": "a transcript's stage directions, speaker labels and others' turns: no claims, no lemmas",
}
"""Modules of ``policytext/annotate`` whose source decides the rows ``annotate`` stores."""

ENGINE_ONLY = {
    "__init__.py": "lazy re-exports",
    "dask_engine.py": "runs annotation on Dask; ingests shards' tables column by column as shards.py wrote them",
    "extract.py": "the `extract` command's rows, never stored",
    "forked_pipeline.py": "loads the pipeline in a fork server",
    "summaries.py": "counts over stored rows; the person counts carry their own PERSON_COUNTS_METHOD",
    "train_claims.py": "rebuilds the claim scorer (its output file is fingerprinted)",
    "train_quote_cues.py": "rebuilds the cue lexicon (its output file is fingerprinted)",
    "train_quote_filter.py": "rebuilds the quote filter (its output file is fingerprinted)",
    "workers.py": "worker processes",
}
"""Modules of ``policytext/annotate`` left out of the fingerprint: they do not change what is stored."""

OUTSIDE_SHAPES_OUTPUT = {
    "policytext.headings": "which stored sentences are headings (sentences.heading)",
    "policytext.lemma_stream": "the lemma stream stored in doc_lemmas",
    "policytext.records": "the records and vocabularies annotation fills (CLAIM_TYPES' order is a scorer "
                          "feature, SIDED_KINDS); its ANNOTATION_FINGERPRINT line is left out of the hash",
    "policytext.spacy_model": "which pipeline is loaded, and which documents are in another language "
                              "(those keep only sentences and lemmas)",
    "policytext.embedding": "the sentence vectors the embeddings claim scorer reads",
    "policytext.model_files": "how the claim scorer's arrays are read",
}
"""Modules outside ``policytext/annotate`` that annotate modules import and whose source decides
what ``annotate`` stores."""

OUTSIDE_ENGINE_ONLY = {
    "policytext.corpus": "the open corpus handed to the runner",
    "policytext.dask_forkserver": "starts Dask's fork server",
    "policytext.errors": "exception types",
    "policytext.evaluation.claims": "training only (train_claims.py)",
    "policytext.evaluation.claims_vectors": "training only (train_claims.py)",
    "policytext.evaluation.quotes": "training only (train_quote_cues.py, train_quote_filter.py)",
    "policytext.inputs": "reading the `extract` command's input",
    "policytext.lifetime": "workers that end with their parent",
    "policytext.store.db": "timestamps",
    "policytext.store.documents": "failure records",
    "policytext.store.filters": "filters of the counts over stored rows (summaries.py)",
}
"""Modules outside ``policytext/annotate`` that annotate modules import, left out of the fingerprint."""

CLAIM_SCORER_FILES = ("scorer.json", "scorer.npz")
"""The default claim scorer's files in ``models/claims`` (``metrics.json`` only reports figures)."""


def _fingerprinted_files() -> dict[str, Path]:
    files = {f"annotate/{name}": ANNOTATE / name for name in SHAPES_OUTPUT}
    files.update({_module_path(module).relative_to(PACKAGE).as_posix(): _module_path(module)
                  for module in OUTSIDE_SHAPES_OUTPUT})
    files.update({f"annotate/{path.relative_to(ANNOTATE).as_posix()}": path
                  for path in (ANNOTATE / "data").rglob("*") if path.is_file() and "__pycache__" not in path.parts})
    files.update({f"models/claims/{name}": MODEL_DIR / name for name in CLAIM_SCORER_FILES})
    return files


def _module_path(module: str) -> Path:
    path = PACKAGE.parent.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _imported_outside_annotate() -> set[str]:
    """Return the policytext modules outside annotate/ that annotate's modules import."""
    imported = set()
    for path in ANNOTATE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                     else [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            imported.update(name for name in names if name.startswith("policytext.")
                            and not name.startswith("policytext.annotate"))
    return imported


_RECORDED_LINE = re.compile(rb'^ANNOTATION_FINGERPRINT = "[0-9a-f]*"$', re.MULTILINE)


def _normalised(data: bytes) -> bytes:
    # A checkout with CRLF line endings must give the same fingerprint; binary files (NUL bytes,
    # as git decides) are taken as they are. The recorded fingerprint (in records.py, which is
    # fingerprinted) cannot be part of what it fingerprints.
    return data if b"\0" in data else _RECORDED_LINE.sub(b"", data.replace(b"\r\n", b"\n"))


def annotation_fingerprint(files: dict[str, Path]) -> str:
    """Return the sha256 over ``files`` (relative name -> path), in order of relative name."""
    digest = hashlib.sha256()
    for name in sorted(files):
        data = _normalised(files[name].read_bytes())
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def test_every_annotate_module_is_classified():
    modules = {path.name for path in ANNOTATE.glob("*.py")}
    unclassified = sorted(modules - SHAPES_OUTPUT.keys() - ENGINE_ONLY.keys())
    assert not unclassified, (
        f"{', '.join(unclassified)} in policytext/annotate is in neither SHAPES_OUTPUT nor ENGINE_ONLY of "
        f"{Path(__file__).name}: add it to SHAPES_OUTPUT if its code decides what `annotate` stores, "
        "else to ENGINE_ONLY with the reason")
    assert not (SHAPES_OUTPUT.keys() | ENGINE_ONLY.keys()) - modules, "a classified module no longer exists"


def test_every_module_annotate_imports_is_classified():
    imported = _imported_outside_annotate()
    unclassified = sorted(imported - OUTSIDE_SHAPES_OUTPUT.keys() - OUTSIDE_ENGINE_ONLY.keys())
    assert not unclassified, (
        f"annotate/ imports {', '.join(unclassified)}, in neither OUTSIDE_SHAPES_OUTPUT nor OUTSIDE_ENGINE_ONLY "
        f"of {Path(__file__).name}: add it to OUTSIDE_SHAPES_OUTPUT if its code decides what `annotate` "
        "stores, else to OUTSIDE_ENGINE_ONLY with the reason")
    assert not (OUTSIDE_SHAPES_OUTPUT.keys() | OUTSIDE_ENGINE_ONLY.keys()) - imported, \
        "a classified module is no longer imported by annotate/"


def test_fingerprint_files_exist():
    missing = [name for name, path in _fingerprinted_files().items() if not path.is_file()]
    assert not missing, f"fingerprinted files missing: {missing}"
    assert any(name.startswith("annotate/data/") for name in _fingerprinted_files())


def test_annotation_rules_bumped_with_the_files_that_decide_output():
    recorded = records.ANNOTATION_FINGERPRINT
    current = annotation_fingerprint(_fingerprinted_files())
    line = f'ANNOTATION_FINGERPRINT = "{current}"'
    assert current == recorded, (
        "The files that decide what `annotate` stores changed (annotate/ modules in SHAPES_OUTPUT and "
        f"modules in OUTSIDE_SHAPES_OUTPUT of {Path(__file__).name}, annotate/data/, models/claims/scorer.*).\n"
        "1. If stored output can change (quotes, speakers, claims, entities, sentences), bump "
        f"ANNOTATION_RULES (now {records.ANNOTATION_RULES!r}) in src/policytext/records.py: today's date, "
        "'.2', '.3'… for another bump the same day; stores are then annotated again.\n"
        "2. Either way, record the new fingerprint: in src/policytext/records.py replace the line\n"
        f'    ANNOTATION_FINGERPRINT = "{recorded}"\n'
        f"with\n    {line}")


def test_fingerprint_ignores_line_endings(tmp_path):
    unix, windows = tmp_path / "unix.py", tmp_path / "windows.py"
    unix.write_bytes(b"a = 1\nb = 2\n")
    windows.write_bytes(b"a = 1\r\nb = 2\r\n")
    assert annotation_fingerprint({"m.py": unix}) == annotation_fingerprint({"m.py": windows})
    windows.write_bytes(b"a = 1\r\nb = 3\r\n")
    assert annotation_fingerprint({"m.py": unix}) != annotation_fingerprint({"m.py": windows})


def test_recorded_fingerprint_sits_beside_the_rules_version():
    source = RECORDS.read_text(encoding="utf-8")
    assert re.search(r'^ANNOTATION_FINGERPRINT = "[0-9a-f]{64}"$', source, re.MULTILINE)
    assert source.index("ANNOTATION_RULES =") < source.index("ANNOTATION_FINGERPRINT =")
