"""Commands of the person table: collect people (load and link), and people (show)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from policytext.cli.render import OutputFormat, message, render
from policytext.cli.root import app, collect_app, state
from policytext.corpus import open_corpus


@collect_app.command("people", short_help="People, parties and posts by date from Popolo or ParlaMint files. Example: policytext collect people people.json ministers-2010.json")
def collect_people(
    ctx: typer.Context,
    files: List[Path] = typer.Argument(
        None, help="mySociety's Popolo files (people.json, ministers*.json) and ParlaMint's -listPerson.xml "
                   "(its -listOrg.xml is read from beside it). Without files: link the documents again."),
    link: bool = typer.Option(True, "--link/--no-link",
                              help="Link the stored documents to the people (default) or only load them."),
) -> None:
    """Load the person table, then link documents to it and give them party, post and side on their date.

    Each file's rows replace those it gave before. Memberships of person ids no file names are
    left out; overlapping terms of one post and two parties on one date are loaded; each is
    reported with counts and examples. Documents are linked by the person id their source gives
    (Hansard, ParlaMint), else by the speaker's name when exactly one person has it (GOV.UK):
    an ambiguous name is reported and left unlinked.

    Example: policytext collect people people.json ministers-2010.json
    Example: policytext collect people ParlaMint-GB-listPerson.xml
    """
    from policytext.collect.people import link_documents, load_people

    st = state(ctx)
    with open_corpus(config=st.config(), create=True) as corpus:
        if files:
            report = load_people(corpus, files, link=link)
            for warning in report.warnings():
                message(f"warning: {warning}")
            message(report.summary(), quiet=st.quiet)
            linked = report.linked
        else:
            linked = link_documents(corpus)
    if linked is not None:
        for warning in linked.warnings():
            message(f"warning: {warning}")
        message(linked.summary(), quiet=st.quiet)


@app.command("people")
def people(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="A person id (uk.org.publicwhip/person/10268) or any part of a name."),
    on: Optional[str] = typer.Option(None, "--on", help="Only the parties and posts held on this day "
                                                         "(YYYY-MM-DD), with the role and side that day."),
    limit: Optional[int] = typer.Option(20, help="At most this many people."),
    format: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table, json, jsonl or csv."),
) -> None:
    """Show people of the person table with their names, parties and posts by date.

    Load the table first with 'policytext collect people'.

    Example: policytext people Healey
    Example: policytext people "John Healey" --on 2009-10-27
    """
    from policytext.collect.people import describe_people

    st = state(ctx)
    with open_corpus(config=st.config(), readonly=True) as corpus:
        frame = describe_people(corpus, query, on=on, limit=limit)
    if frame.empty:
        message(f"No one in the person table is named {query!r} or has that id (load people with "
                "'policytext collect people').")
        raise typer.Exit(1)
    render(frame, format, title="People", max_width=70)
