"""The verify and embed commands: did they really say it (a verdict with its evidence), and vectors for search by meaning."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from policytext.cli.root import app, state
from policytext.cli.options import FORMAT, document_filters, filter_options
from policytext.cli.render import OutputFormat, message, render
from policytext.corpus import open_corpus

TABLE_COLUMNS = ["id", "verdict", "similarity", "quote", "speaker", "date", "note"]
_BATCH_SUFFIXES = (".jsonl", ".json", ".ndjson")


@app.command("verify")
@document_filters("speaker", "since", "until",
                  speaker="Who is said to have said it: part of the name, from the start of a word (one quote "
                          "only: a batch file gives each quote's speaker).")
def verify(
    ctx: typer.Context,
    quote: str = typer.Argument(..., help="The quote to check, or a JSON Lines file of {id, quote, speaker?, date?} "
                                          "(read as a file when it names one or ends in .jsonl)."),
    meaning: Optional[bool] = typer.Option(None, "--paraphrase/--no-paraphrase",
                                           help="Look for a paraphrase by meaning when the words are not found "
                                                "(default: when the embeddings extra is installed and the "
                                                "sentences' vectors are kept; --paraphrase embeds them once)."),
    format: OutputFormat = FORMAT,
) -> None:
    """Check a quote against the corpus: verbatim, altered, other speaker or not found, with the passages.

    Typography (quote marks, dashes, case, spacing) never counts; '…' in a quote marks a cut. An
    altered quote shows the word-level difference ([-said-] {+quoted+}) and flags changed
    negation, numbers and names. 'paraphrase' (same meaning, other words: a sentence of the
    speaker's close in meaning that stands out from their others) and 'possible paraphrase' (a
    lead to read, not a finding: close in meaning, but a line on the subject that says something
    else is not ruled out) need the embeddings extra; without it the verdict says paraphrase was
    not checked. 'not found' says what the corpus holds for the speaker and period.

    Example: policytext verify "the era of big government is over" --speaker Clinton

    Example: policytext verify quotes.jsonl --format json
    """
    from policytext.verify import read_quote_batch, verify_frame

    from policytext.errors import BadQuery

    st = state(ctx)
    filters = filter_options(ctx)
    path = Path(quote)
    batch = path.suffix.lower() in _BATCH_SUFFIXES or path.is_file()
    if batch and "speaker" in filters:  # it was once left out quietly: every quote then went to its own speaker
        raise BadQuery(f"--speaker names who said one quote; {quote} is a batch, which gives each quote's speaker "
                       "in its 'speaker' field: leave out --speaker")
    items = read_quote_batch(path) if batch else None
    with open_corpus(config=st.config(), readonly=True) as corpus:
        frame = verify_frame(corpus, quote if items is None else items, meaning=meaning, **filters)
    if format is OutputFormat.table:
        for row in frame.to_dict(orient="records"):
            message(f"{row['verdict'].upper()}: {row['quote']!r}" + (f" [{row['id']}]" if row["id"] else ""),
                    quiet=st.quiet)
        render(frame, format, columns=TABLE_COLUMNS if items is not None else TABLE_COLUMNS[1:], max_width=300)
        if items is None:
            passages = frame.iloc[0]["passages"]
            render([{"relation": p["relation"], "similarity": p["similarity"], "diff": p["diff"],
                     "changes": p["changes"], "citation": p["citation"]} for p in passages], format,
                   title="Passages", max_width=300)
    else:
        render(frame, format)


@app.command("embed")
def embed(
    ctx: typer.Context,
    limit: Optional[int] = typer.Option(None, min=0, help="Embed at most this many sentences (a run in parts)."),
    format: OutputFormat = FORMAT,
) -> None:
    """Embed the corpus's sentences for search by meaning (only those without a vector yet).

    Needs the embeddings extra (pip install torch, then pip install 'policytext\\[embeddings]').
    Vectors are kept in the store, one per sentence; a re-annotated or deleted document loses its
    own, so running embed again after annotate embeds just the new sentences. Stopped, it keeps
    what it did.

    Example: policytext embed   (then: policytext search --meaning "the age of big government has ended")
    """
    from policytext.search.meaning import embed_corpus, load_embedder

    st = state(ctx)
    embedder = load_embedder(st.config().meaning_model)  # before opening the store: a missing extra is said at once

    def progress(done: int, todo: int) -> None:
        message(f"embedded {done:,} of {todo:,} sentences", quiet=st.quiet)

    with open_corpus(config=st.config()) as corpus:
        report = embed_corpus(corpus, embedder=embedder, limit=limit, progress=progress)
    row = report.to_dict()
    if format is OutputFormat.table:
        message(f"{report.embedded:,} sentences embedded now, {report.kept:,} already had vectors, "
                f"{report.sentences:,} in all ({report.model})", quiet=st.quiet)
    render([row], format, columns=list(row))
