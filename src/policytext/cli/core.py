"""Commands of the foundation: collect sotu/files, docs, stats, export, failures, delete, retag, check."""
from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional

import typer

from policytext.cli.root import app, collect_app, state
from policytext.cli.options import ALL_DOCUMENTS, DOCUMENT_IDS, FORMAT, document_filters, filter_options
from policytext.store.edits import SELECT_FILTERS
from policytext.cli.render import OutputFormat, message, progress_bar, render
from policytext.corpus import DOCUMENT_FRAME_COLUMNS, open_corpus
from policytext.errors import ConfigError, ConfirmationRequired
from policytext.store import UpdatedDocument, WriteReport

DOCS_COLUMNS = [c for c in DOCUMENT_FRAME_COLUMNS if c != "text"]
"""Columns of ``docs --format json|jsonl|csv``: every column of :meth:`Corpus.documents` but the
text, the same in the three formats (a debate speech's ``speaker_role``, ``role`` and ``side`` among them)."""

DOCS_TABLE_COLUMNS = ["date", "speaker", "title", "kind", "government", "words", "id"]
"""Columns of the printed ``docs`` table (narrow enough for a terminal); ``role`` and ``side`` are
added after ``speaker`` when any document listed has one."""


def describe_update(update: UpdatedDocument) -> str:
    """One line naming what an update replaced: the id, the old version and where it came from."""
    shown = update.source_id
    if shown.startswith(f"{update.item}#"):
        shown = shown[len(update.item) + 1:]
    was = update.previous_title or ", ".join(v for v in (update.previous_speaker, update.previous_date) if v)
    before = update.previous_where
    if before == update.where:
        before = "the same place"
    elif before and before.startswith(f"{update.item}:"):
        before = f"line {update.previous_line}"
    details = ", ".join(part for part in (repr(was) if was else None, before and f"from {before}") if part)
    return (f"updated {update.where}: id {shown!r} (was {details or 'an earlier version'}; "
            f"changed {', '.join(update.changed)})")


def finish_collect(report: WriteReport, *, quiet: bool) -> None:
    """Print each skip, rename, update and failure and the summary on stderr; exit 1 when any item failed."""
    for skip in report.skips:
        message(f"skipped {skip.where}: {skip.reason}", quiet=quiet)
    for collision in report.collisions:
        if collision.action == "renamed":
            first = f"{collision.first_item}:{collision.first_line}" if collision.first_line is not None else collision.first_item
            if collision.first_item == collision.item and collision.first_line is not None:
                first = f"line {collision.first_line}"
            message(f"renamed {collision.where}: id {collision.id!r} is also at {first}; collected as "
                    f"{collision.new_id!r}", quiet=quiet)
    for update in report.updates:
        message(describe_update(update), quiet=quiet)
    for notice in report.notices:
        message(f"note {notice.where}: {notice.reason}", quiet=quiet)
    for failure in report.failures:
        message(f"failed {failure.where}: {failure.reason}")  # failures are shown even when quiet
    if report.cleared:
        message(f"cleared {report.cleared} earlier failure(s): their items now read without them", quiet=quiet)
    message(report.summary(), quiet=quiet and report.ok)
    if not report.ok:
        raise typer.Exit(1)


@collect_app.command("sotu")
def collect_sotu(
    ctx: typer.Context,
    since: Optional[str] = typer.Option(None, help="First year to collect (e.g. 1946)."),
    until: Optional[str] = typer.Option(None, help="Last year to collect."),
) -> None:
    """Collect the State of the Union addresses shipped in the 'sotu' package (1790 onwards).

    Example: policytext collect sotu --since 1946
    """
    from policytext.collect.sotu import count_sotu

    st = state(ctx)
    since, until = _year(since, "--since"), _year(until, "--until")
    with open_corpus(config=st.config(), create=True) as corpus:
        with progress_bar("State of the Union", count_sotu(since=since, until=until), quiet=st.quiet) as advance:
            report = corpus.collect_sotu(since=since, until=until, progress=advance)
    finish_collect(report, quiet=st.quiet)


def _year(value: str | None, option: str) -> int | None:
    """Return the year ``value`` names, refusing a date: the other commands' --since takes one.

    A click usage error ("Input should be a valid integer") once answered 'collect sotu --since
    2020-01', which every other command takes; reading it as 2020 would be a guess about June.
    """
    if value is None:
        return None
    text = value.strip()
    if not text.isdigit() or len(text) > 4:
        raise ConfigError(f"collect sotu {option} takes a year, as the addresses are chosen by year: "
                          f"{option} 1990, not {value!r}")
    return int(text)


@collect_app.command("files")
def collect_files(
    ctx: typer.Context,
    paths: List[Path] = typer.Argument(..., help="Files or folders (folders are walked)."),
    kind: Optional[str] = typer.Option(None, help="Kind of every document: speech, blog, manifesto…"),
    publisher: Optional[str] = typer.Option(None, help="The organisation that published them."),
    country: Optional[str] = typer.Option(None, help="Country code (GB, US…) for the government label."),
    field: List[str] = typer.Option([], "--field", "-f", help="FIELD=COLUMN: which JSON key or CSV column holds a field, e.g. -f text=foreword -f speaker=leader_name; FIELD= ignores a column. Beats the columns recognised by name."),
    encoding: str = typer.Option("utf-8", help="Encoding of the lines that are not UTF-8 (each line is tried as UTF-8 first), e.g. cp1252; utf-16 or utf-32 decode the whole file."),
    date_order: Optional[str] = typer.Option(None, help="How to read 03/04/2015: dmy (day first) or mdy (month first). Not given: day first, with a note on the dates that could be read either way."),
    max_file_bytes: Optional[int] = typer.Option(None, min=1, help="Files larger than this fail (default 50 MB)."),
    on_duplicate_id: str = typer.Option(
        "error", "--on-duplicate-id",
        help="An id given twice in one run: error (the repeat fails, the first is kept), skip (the "
             "repeat is skipped), update (the last wins) or suffix (keep every row; the repeat's id "
             "gets '@L<line>'). Every case is reported."),
    allow_duplicates: bool = typer.Option(
        False, "--allow-duplicates",
        help="Store a text (50 words or more) found again under another id as a document of its own. "
             "Default: stored once, the other address listed by 'policytext duplicates' and noted."),
) -> None:
    """Collect text, Markdown, HTML, JSON, JSON Lines and CSV files.

    A saved GOV.UK Content API item is read as 'collect govuk' reads it (the same document).

    Example: policytext collect files speeches/ --kind speech --country GB
    Example: policytext collect files forewords.csv -f text=foreword -f speaker=leader_name -f date=year
    Example: policytext collect files debates.csv -f id=speech_id --on-duplicate-id suffix

    Collecting an item again updates its document when the item changed, and says what each
    update replaced.
    """
    from policytext.collect.files import parse_field_mapping

    from policytext.collect.base import check_on_duplicate_id

    st = state(ctx)
    check_on_duplicate_id(on_duplicate_id)
    mapping = parse_field_mapping(field)
    config = st.config(max_file_bytes=max_file_bytes)
    with open_corpus(config=config, create=True) as corpus:
        with progress_bar("files", None, quiet=st.quiet) as advance:
            report = corpus.collect_files(paths, progress=advance, on_duplicate_id=on_duplicate_id,
                                          allow_duplicates=allow_duplicates, kind=kind, publisher=publisher,
                                          country=country, fields=mapping, encoding=encoding,
                                          date_order=date_order, max_file_bytes=config.max_file_bytes)
    finish_collect(report, quiet=st.quiet)


@app.command("docs")
@document_filters()
def docs(
    ctx: typer.Context,
    limit: Optional[int] = typer.Option(None, help="At most this many documents."),
    format: OutputFormat = FORMAT,
) -> None:
    """List documents, oldest first.

    json, jsonl and csv give the documents' columns but the text and meta (a debate speech's
    speaker_role, role and side among them; 'policytext export' writes meta too); the table a
    narrower set, with role and side when any document has one.

    Example: policytext docs --speaker Kennedy --format json
    """
    st = state(ctx)
    with open_corpus(config=st.config(), readonly=True) as corpus:
        frame = corpus.documents(text=False, **filter_options(ctx))  # the filters and --limit
    columns = DOCS_COLUMNS
    if format is OutputFormat.table:
        present = [c for c in ("role", "side") if frame[c].notna().any()]
        columns = DOCS_TABLE_COLUMNS[:2] + present + DOCS_TABLE_COLUMNS[2:]
    render(frame[columns], format, title="Documents")


@app.command("stats")
@document_filters()
def stats(
    ctx: typer.Context,
    by: str = typer.Option("government", help="Group by government, year, quarter, speaker, party, kind, role, "
                           "side, post (the groupings of trends) or source."),
    format: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table, json, jsonl or csv."),
) -> None:
    """Corpus statistics: documents and words, in total and by a grouping (government, year, role, side...).

    The filters count only the documents they choose. Documents without a government are counted
    in a row of their own (empty government); by year, quarter, speaker, role, side or post, those
    without one are the row '(none)', last (as trends --include-unlabelled would show them).

    Example: policytext stats --by government

    Example: policytext stats --party Labour --since 2010 --by kind

    Example: policytext stats --by role --source hansard
    """
    st = state(ctx)
    from policytext.analyse.groups import STATS_GROUPINGS, group_stats
    from policytext.cli.search import _note_unannotated
    from policytext.store.filters import check_grouping

    check_grouping(by, STATS_GROUPINGS)
    filters = filter_options(ctx)
    with open_corpus(config=st.config(), readonly=True) as corpus:
        frames = corpus.stats(**filters)
        if by not in frames:
            from policytext.provenance import attach_provenance

            frames[by] = attach_provenance(group_stats(corpus.documents(text=False, **filters), by), corpus,
                                           "stats", filters)
        total = frames["total"].iloc[0]
        if format is OutputFormat.table:
            count = int(total["documents"])
            # "1 documents, …, ? to ?" read as a fault: say one document, and no dates when there are none
            dates = (f", {total['first']} to {total['last']}" if total["first"] else ", undated" if count else "")
            message(f"{count:,} document{'' if count == 1 else 's'}, {int(total['words']):,} words{dates}", quiet=False)
        # the overview of a corpus is where a user sees first that part of it awaits `annotate`
        _note_unannotated(st, corpus, empty=False,
                          **{name: value for name, value in filters.items() if name != "limit"})
    render(frames[by], format, title=f"Documents by {by}")


@app.command("export")
@document_filters()
def export(
    ctx: typer.Context,
    to: Path = typer.Option(..., "--to", help="Folder to write into (created when missing)."),
    format: str = typer.Option("parquet", "--format", help="parquet, csv or jsonl."),
    tables: str = typer.Option("documents", "--tables", help="Comma-separated: documents, sentences, quotes, "
                               "claims, entities, lemmas; or all."),
) -> None:
    """Export the selected documents and their annotations as tidy Parquet, CSV or JSON Lines files,
    with a manifest.json (versions, model, filters, row counts, SHA-256 of each file).

    Parquet keeps types: date is a date only when known to the day (date_text writes it to its
    precision: 2010, 2010-05 or 2010-05-06), lists are lists, meta is JSON text.

    Exporting into the folder of an earlier export removes the files its manifest listed that this
    export does not write (and no other file).

    Example: policytext export --to out/ --tables all --since 2020 --format parquet
    """
    st = state(ctx)

    def removed(path: Path) -> None:
        message(f"removed {path}: the earlier export's manifest listed it and this export does not write it",
                quiet=st.quiet)

    with open_corpus(config=st.config(), readonly=True) as corpus:
        paths = corpus.export(to, format=format, tables=tables, on_remove=removed, **filter_options(ctx))
    for path in paths:
        message(f"wrote {path}", quiet=st.quiet)


@app.command("failures")
def failures(
    ctx: typer.Context,
    stage: Optional[str] = typer.Option(None, help="Only this stage (e.g. collect-files)."),
    limit: Optional[int] = typer.Option(None, help="At most this many rows."),
    all_: bool = typer.Option(False, "--all", help="Also failures of items that later succeeded (the history)."),
    format: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table, json, jsonl or csv."),
) -> None:
    """List the items still failing, with the reason, latest first.

    An item that failed the same way in several runs is one row ('attempts' counts them); once
    a run reads the item without that failure, it is cleared and listed only with --all.

    Example: policytext failures --stage collect-files
    Example: policytext failures --all --format csv
    """
    st = state(ctx)
    with open_corpus(config=st.config(), readonly=True) as corpus:
        frame = corpus.failures(stage=stage, limit=limit, cleared=all_)
    if format is OutputFormat.table and not all_:
        frame = frame.drop(columns=["cleared_at"])
    render(frame, format, title="Failures", max_width=80)


EDIT_COLUMNS = ["date", "speaker", "party", "kind", "government", "title", "id"]


def _chosen(ids: List[str], filters: dict[str, Optional[str]]) -> dict[str, Any]:
    return {"ids": ids or None, **{k: v for k, v in filters.items() if v not in (None, "")}}


def _show_plan(corpus: Any, ids: tuple[str, ...], *, quiet: bool) -> None:
    """Print the chosen documents as a table on stdout (at most 50 rows, and how many more)."""
    from policytext.store.edits import describe_documents

    if not ids or quiet:
        return
    rows = describe_documents(corpus.store, ids[:50], columns=EDIT_COLUMNS)
    render(rows, OutputFormat.table, title="Documents", columns=EDIT_COLUMNS)
    if len(ids) > len(rows):
        message(f"… and {len(ids) - len(rows):,} more", quiet=False)


def _parse_settings(pairs: List[str]) -> dict[str, str]:
    changes: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--set expects FIELD=VALUE (e.g. kind=speech; an empty value clears "
                              f"the field), not {pair!r}")
        changes[name.strip()] = value
    return changes


@app.command("delete")
@document_filters(*SELECT_FILTERS)
def delete(
    ctx: typer.Context,
    id_: List[str] = DOCUMENT_IDS,
    all_: bool = ALL_DOCUMENTS,
    yes: bool = typer.Option(False, "--yes", help="Delete without asking: the documents are listed, then deleted."),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would be deleted; change nothing."),
    forget: bool = typer.Option(
        False, "--forget",
        help="Deleting for privacy: keep no record of the documents (id, source, speaker, party, kind, "
             "government), erase the records earlier deletes kept of what the choice names, scrub "
             "the store file of the deleted text and drop the cached pages that hold it. A repeat is then "
             "refused as unknown."),
) -> None:
    """Delete documents with their annotations, search entries and other locations.

    Choose documents with filters and/or --id (an empty choice is refused unless --all). The
    command lists what it would delete and deletes only with --yes; --dry-run only lists.
    Collecting the same items again brings them back. Deleting the same speaker, party, kind,
    government or ids again says they were deleted earlier and exits 0; a value or id the corpus
    never had is refused. The store keeps that record of deleted documents (never their text);
    --forget keeps none and erases the earlier one for the same choice.

    Example: policytext delete --source files --since 2020-03 --until 2020-03 --dry-run
    Example: policytext delete --id files-3f2a9c0d1e2b4a5c --yes
    Example: policytext delete --speaker "Ann Lee" --forget --yes
    """
    st = state(ctx)
    chosen = _chosen(id_, filter_options(ctx))
    with open_corpus(config=st.config()) as corpus:
        plan = corpus.delete(all_documents=all_, dry_run=True, forget=forget, **chosen)
        _show_plan(corpus, plan.ids, quiet=st.quiet)
        removed = ", ".join(f"{n:,} {table}" for table, n in plan.removed.items() if n)
        what = f"{plan.documents:,} document(s)" + (f" with {removed}" if removed else "")
        if plan.cached_pages:
            what += f" and {plan.cached_pages:,} cached page(s) that hold their text"
        records = f"{plan.forgotten:,} record(s) of earlier deletes"
        what_goes = (f"{what} and {records}" if plan.documents else records) if plan.forgotten else what
        earlier = f"deleted earlier: {'; '.join(plan.deleted_earlier)}"
        if dry_run or not (plan.documents or plan.forgotten):
            message(f"would delete {what_goes}; nothing changed (dry run)" if plan.documents or plan.forgotten else
                    f"nothing to delete: {earlier}" if plan.deleted_earlier else
                    "no documents match; nothing to delete", quiet=False)
            if (plan.documents or plan.forgotten) and plan.deleted_earlier:
                message(f"note: {earlier}", quiet=st.quiet)
            return
        if not yes:
            raise ConfirmationRequired(f"nothing deleted: {what_goes} would go. Run the same command with "
                                       "--yes to delete them, or --dry-run to only list them.")
        report = corpus.delete(all_documents=all_, forget=forget, **chosen)
    removed = ", ".join(f"{n:,} {table}" for table, n in report.removed.items() if n)
    message(f"deleted {report.documents:,} document(s)" + (f" with {removed}" if removed else ""), quiet=False)
    if forget:
        pages = f" and {report.cached_pages:,} cached page(s) that held their text" if report.cached_pages else ""
        message(f"forgot {report.forgotten:,} record(s) of earlier deletes{pages}; kept no record of these",
                quiet=False)
        if report.log_kept:
            message("note: another process has the store open, so SQLite's write-ahead log (policytext.db-wal) "
                    "may hold deleted text until the store is next written with none open", quiet=False)
    elif report.deleted_earlier:
        message(f"note: {earlier}", quiet=st.quiet)


@app.command("retag")
@document_filters(*SELECT_FILTERS)
def retag(
    ctx: typer.Context,
    set_: List[str] = typer.Option([], "--set", help="FIELD=VALUE to set: kind, speaker, party or government (repeat; an empty VALUE clears)."),
    id_: List[str] = DOCUMENT_IDS,
    all_: bool = ALL_DOCUMENTS,
    yes: bool = typer.Option(False, "--yes", help="Change without asking: the documents are listed, then changed."),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would change; change nothing."),
    new_label: bool = typer.Option(False, "--new-label", help="Set a kind no document has yet (without it, such a kind is refused as a likely typo, with the closest)."),
) -> None:
    """Set the kind, speaker, party or government of documents.

    Choose documents with filters and/or --id (an empty choice is refused unless --all). The
    command lists them and changes them only with --yes; --dry-run only lists. Claims keep their
    speaker in step; documents whose speaker or kind changed are marked for 'policytext annotate'.
    A later collect of the same items sets these fields from the source again (and says so).

    Example: policytext retag --source files --kind Speech --set kind=speech --yes
    Example: policytext retag --id files-3f2a9c0d1e2b4a5c --set speaker="Keir Starmer" --set party=Labour --dry-run
    """
    from policytext.store.edits import check_retag_changes

    st = state(ctx)
    changes = check_retag_changes(_parse_settings(set_))
    chosen = _chosen(id_, filter_options(ctx))
    setting = ", ".join(f"{k}={v!r}" if v is not None else f"{k} cleared" for k, v in changes.items())
    with open_corpus(config=st.config()) as corpus:
        plan = corpus.retag(changes, all_documents=all_, dry_run=True, new_label=new_label, **chosen)
        _show_plan(corpus, plan.ids, quiet=st.quiet)
        if dry_run or not plan.changed:
            message(f"would set {setting} on {plan.changed:,} of {plan.matched:,} document(s); nothing "
                    "changed (dry run)" if plan.changed else
                    f"{plan.matched:,} document(s) match and none would change; nothing to do", quiet=False)
            return
        if not yes:
            raise ConfirmationRequired(f"nothing changed: {setting} would change {plan.changed:,} of "
                                       f"{plan.matched:,} document(s). Run the same command with --yes "
                                       "to change them, or --dry-run to only list them.")
        report = corpus.retag(changes, all_documents=all_, new_label=new_label, **chosen)
    fields = ", ".join(f"{name} on {n:,}" for name, n in report.by_field.items() if n)
    message(f"retagged {report.changed:,} of {report.matched:,} document(s) ({fields}); "
            f"{report.claims:,} claim(s) got another speaker", quiet=False)
    if report.to_annotate:
        message(f"{report.to_annotate:,} annotated document(s) changed speaker or kind: run "
                "'policytext annotate' to bring their quotes, names and claims in step", quiet=False)


@app.command("check")
def check(
    ctx: typer.Context,
    store: Optional[Path] = typer.Argument(None, help="A store file or corpus folder (default: the corpus)."),
) -> None:
    """Check the store thoroughly without changing it: SQLite's integrity and foreign-key checks
    and the search index. Exit 1 when it is damaged, with how to recover.

    Example: policytext check
    Example: policytext check recovered.db
    """
    from policytext.errors import StoreCorrupt
    from policytext.store.db import check_store, damaged_message, index_message

    st = state(ctx)
    config = st.config()
    result = check_store(store if store is not None else config.store_path,
                         busy_timeout=config.busy_timeout_seconds)
    for problem in result.problems + result.index_problems:
        typer.echo(problem)
    for skipped in result.skipped:
        message(f"not checked: {skipped}", quiet=st.quiet)
    if result.problems:
        raise StoreCorrupt(damaged_message(result.path, f"{len(result.problems)} problem(s) found by "
                                                        f"{', '.join(result.checked) or 'opening it'}"))
    if result.index_problems:
        raise StoreCorrupt(index_message(result.path, f"{len(result.index_problems)} index(es)"))
    typer.echo(f"{result.path}: ok ({', '.join(result.checked)})")
