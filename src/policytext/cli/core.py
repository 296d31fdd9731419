"""Commands of the foundation: collect sotu/files, docs, stats, export, failures."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from policytext.cli.app import app, collect_app, state
from policytext.cli.options import FORMAT, GOVERNMENT, KIND, PARTY, SINCE, SPEAKER, UNTIL
from policytext.cli.render import OutputFormat, message, progress_bar, render
from policytext.corpus import open_corpus
from policytext.store import WriteReport

DOCS_COLUMNS = ["id", "title", "date", "speaker", "party", "kind", "country", "government",
                "source", "url", "words"]

DOCS_TABLE_COLUMNS = ["date", "speaker", "title", "kind", "government", "words", "id"]


def finish_collect(report: WriteReport, *, quiet: bool) -> None:
    """Print each failure and the summary on stderr; exit 1 when any item failed."""
    for skip in report.skips:
        where = f"{skip['item']}:{skip['line']}" if skip.get("line") else skip["item"]
        message(f"skipped {where}: {skip['reason']}", quiet=quiet)
    for failure in report.failures:
        where = f"{failure['item']}:{failure['line']}" if failure.get("line") else failure["item"]
        message(f"failed {where}: {failure['reason']}")  # failures are shown even when quiet
    message(report.summary(), quiet=quiet and report.ok)
    if not report.ok:
        raise typer.Exit(1)


@collect_app.command("sotu")
def collect_sotu(
    ctx: typer.Context,
    since: Optional[int] = typer.Option(None, help="First year to collect (e.g. 1946)."),
    until: Optional[int] = typer.Option(None, help="Last year to collect."),
) -> None:
    """Collect the State of the Union addresses shipped in the 'sotu' package (1790 onwards).

    Example: policytext collect sotu --since 1946
    """
    from policytext.collect.sotu import count_sotu

    st = state(ctx)
    with open_corpus(config=st.config(), create=True) as corpus:
        with progress_bar("State of the Union", count_sotu(since=since, until=until), quiet=st.quiet) as advance:
            report = corpus.collect_sotu(since=since, until=until, progress=advance)
    finish_collect(report, quiet=st.quiet)


@collect_app.command("files")
def collect_files(
    ctx: typer.Context,
    paths: List[Path] = typer.Argument(..., help="Files or folders (folders are walked)."),
    kind: Optional[str] = typer.Option(None, help="Kind of every document: speech, blog, manifesto…"),
    publisher: Optional[str] = typer.Option(None, help="The organisation that published them."),
    country: Optional[str] = typer.Option(None, help="Country code (GB, US…) for the government label."),
    field: List[str] = typer.Option([], "--field", "-f", help="FIELD=COLUMN: which JSON key or CSV column holds a field, e.g. -f text=foreword -f speaker=leader_name."),
    encoding: str = typer.Option("utf-8", help="Text encoding of the files."),
    date_order: str = typer.Option("dmy", help="How to read 03/04/2015: dmy (day first) or mdy."),
    max_file_bytes: Optional[int] = typer.Option(None, help="Files larger than this fail (default 50 MB)."),
) -> None:
    """Collect text, Markdown, HTML, JSON, JSON Lines and CSV files.

    Example: policytext collect files speeches/ --kind speech --country GB
    Example: policytext collect files forewords.csv -f text=foreword -f speaker=leader_name -f date=year
    """
    from policytext.collect.files import parse_field_mapping

    st = state(ctx)
    mapping = parse_field_mapping(field)
    config = st.config(max_file_bytes=max_file_bytes)
    with open_corpus(config=config, create=True) as corpus:
        with progress_bar("files", None, quiet=st.quiet) as advance:
            report = corpus.collect_files(paths, progress=advance, kind=kind, publisher=publisher,
                                          country=country, fields=mapping, encoding=encoding,
                                          date_order=date_order, max_file_bytes=config.max_file_bytes)
    finish_collect(report, quiet=st.quiet)


@app.command("docs")
def docs(
    ctx: typer.Context,
    speaker: Optional[str] = SPEAKER,
    party: Optional[str] = PARTY,
    government: Optional[str] = GOVERNMENT,
    kind: Optional[str] = KIND,
    since: Optional[str] = SINCE,
    until: Optional[str] = UNTIL,
    limit: Optional[int] = typer.Option(None, help="At most this many documents."),
    format: OutputFormat = FORMAT,
) -> None:
    """List documents, oldest first.

    Example: policytext docs --speaker Kennedy --format json
    """
    st = state(ctx)
    with open_corpus(config=st.config()) as corpus:
        frame = corpus.documents(text=False, speaker=speaker, party=party, government=government,
                                 kind=kind, since=since, until=until, limit=limit)
    columns = DOCS_TABLE_COLUMNS if format is OutputFormat.table else DOCS_COLUMNS
    render(frame[columns], format, title="Documents")


@app.command("stats")
def stats(
    ctx: typer.Context,
    by: str = typer.Option("government", help="Group by source, kind, party or government."),
    format: OutputFormat = typer.Option(OutputFormat.table, "--format"),
) -> None:
    """Corpus statistics: documents and words, in total and by source, kind, party or government.

    Documents without a government are counted in a row of their own (empty government).

    Example: policytext stats --by government
    """
    st = state(ctx)
    if by not in ("source", "kind", "party", "government"):
        from policytext.errors import ConfigError

        raise ConfigError(f"--by must be source, kind, party or government, not {by!r}")
    with open_corpus(config=st.config()) as corpus:
        frames = corpus.stats()
    total = frames["total"].iloc[0]
    if format is OutputFormat.table:
        message(f"{int(total['documents']):,} documents, {int(total['words']):,} words, "
                f"{total['first'] or '?'} to {total['last'] or '?'}", quiet=False)
    render(frames[by], format, title=f"Documents by {by}")


@app.command("export")
def export(
    ctx: typer.Context,
    to: Path = typer.Option(..., "--to", help="Folder to write into (created when missing)."),
    format: str = typer.Option("parquet", "--format", help="parquet, csv or jsonl."),
    speaker: Optional[str] = SPEAKER,
    party: Optional[str] = PARTY,
    government: Optional[str] = GOVERNMENT,
    kind: Optional[str] = KIND,
    since: Optional[str] = SINCE,
    until: Optional[str] = UNTIL,
) -> None:
    """Export documents (with their text) as Parquet, CSV or JSON Lines.

    Example: policytext export --to out/ --format parquet
    """
    st = state(ctx)
    with open_corpus(config=st.config()) as corpus:
        paths = corpus.export(to, format=format, speaker=speaker, party=party, government=government,
                              kind=kind, since=since, until=until)
    for path in paths:
        message(f"wrote {path}", quiet=st.quiet)


@app.command("failures")
def failures(
    ctx: typer.Context,
    stage: Optional[str] = typer.Option(None, help="Only this stage (e.g. collect-files)."),
    limit: Optional[int] = typer.Option(None),
    format: OutputFormat = typer.Option(OutputFormat.table, "--format"),
) -> None:
    """List the items that failed, with the reason, newest first.

    Example: policytext failures --stage collect-files
    """
    st = state(ctx)
    with open_corpus(config=st.config()) as corpus:
        frame = corpus.failures(stage=stage, limit=limit)
    render(frame, format, title="Failures", max_width=80)
