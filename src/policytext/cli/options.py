"""Options shared by many commands, so the filter vocabulary reads the same everywhere."""
from __future__ import annotations

from typing import Any

import typer

from policytext.cli.render import OutputFormat
from policytext.store.filters import FILTER_NAMES

SPEAKER = typer.Option(None, help="Part of the speaker's name.")
PARTY = typer.Option(None, help="Party, whole name.")
GOVERNMENT = typer.Option(None, help="Part of the government's name, e.g. Kennedy or 'Cameron government'.")
KIND = typer.Option(None, help="Kind of document: speech, statement, blog…")
SINCE = typer.Option(None, help="From this date: YYYY, YYYY-MM or YYYY-MM-DD.")
UNTIL = typer.Option(None, help="Up to this date, inclusive.")
SOURCE = typer.Option(None, help="Source: files, sotu, govuk, web.")
COUNTRY = typer.Option(None, help="Country code, e.g. GB.")
ROLE = typer.Option(None, help="The speaker's place that day: minister, shadow, backbencher or chair (Hansard with --posts).")
POST = typer.Option(None, help="Part of a post the speaker held that day, e.g. 'Cabinet Office'.")
DOCUMENT_IDS = typer.Option([], "--id", help="A document id (repeat for more).")
ALL_DOCUMENTS = typer.Option(False, "--all", help="Choose every document (needed when no filter or --id is given).")
FORMAT = typer.Option(OutputFormat.table, "--format", help="table, json, jsonl or csv.")
PROVENANCE = typer.Option(False, "--provenance", help="Say how the table was made (policytext and model "
                          "versions, filters, settings, seed): json becomes {\"provenance\": …, \"rows\": […]}, "
                          "jsonl and csv start with it ('# key: value' lines in csv), a table prints it on stderr.")


def filter_options(ctx: typer.Context) -> dict[str, Any]:
    """Return the shared document filters this command was given, by their library names.

    Options left unset are left out; the library checks the values (dates, limit) in one place.
    """
    return {name: value for name, value in ctx.params.items() if name in FILTER_NAMES and value is not None}
