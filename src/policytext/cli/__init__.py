"""The command line: thin commands over the library. Errors become ``Error: …`` here, only here."""
from __future__ import annotations

import sys

import typer

try:  # typer >= 0.26 carries its own copy of click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as click_exceptions

from policytext.cli.root import app
from policytext.errors import PolicytextError

# Each module registers its commands on ``app`` (or ``collect_app``) when imported.
from policytext.cli import core  # noqa: E402,F401
from policytext.cli import annotate  # noqa: E402,F401  (annotate, entities, quoted, extract)
from policytext.cli import analyse  # noqa: E402,F401  (themes, trends, topics, keyness, kwic)
from policytext.cli import collect_web  # noqa: E402,F401
from policytext.cli import people  # noqa: E402,F401  (collect people, people)
from policytext.cli import search  # noqa: E402,F401  (search, serve, quotes, claims)
from policytext.cli import verify  # noqa: E402,F401  (verify)
from policytext.cli.render import unwrap_help  # noqa: E402

unwrap_help(app)  # the docstrings' line breaks, kept by typer, broke help mid-sentence at 80 columns


ROOT_OPTIONS = {"--corpus": "--corpus DIR", "-c": "-c DIR", "--quiet": "--quiet", "-q": "-q"}
"""The options of ``policytext`` itself, which a user may write after the command instead."""
COUNT_OPTIONS = {"--limit": "--top", "--top": "--limit"}
"""How many rows: --limit where a command lists documents or records, --top where it ranks names or terms."""
FILTER_OPTIONS = frozenset(("--speaker", "--party", "--government", "--kind", "--since", "--until"))
"""The document filters most commands share; a command without any says so when one is given."""
INTERRUPTED = "Interrupted: everything committed so far is kept; run the same command again to finish.\n"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1 error or failed items, 2 usage, 130 interrupted)."""
    try:
        # Outside standalone mode typer returns the code of typer.Exit (130 for Ctrl-C) instead of
        # exiting; commands themselves return None.
        result = app(args=argv, prog_name="policytext", standalone_mode=False)
    except PolicytextError as err:
        sys.stderr.write(f"Error: {err}\n")
        return 1
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write(INTERRUPTED)
        return 130
    except typer.Exit as exit_:
        return int(getattr(exit_, "exit_code", 0) or 0)
    except click_exceptions.ClickException as err:  # usage errors: bad option values and the like
        if isinstance(err, click_exceptions.NoSuchOption) and err.option_name in ROOT_OPTIONS:
            # "policytext collect sotu --corpus DIR" reads naturally but --corpus belongs to policytext
            command = " ".join((err.ctx.command_path if err.ctx else "").split()[1:]) or "COMMAND"
            err.message += (f". {err.option_name} is an option of policytext itself: give it before the "
                            f"command, as in policytext {ROOT_OPTIONS[err.option_name]} {command} …")
        if isinstance(err, click_exceptions.NoSuchOption) and err.option_name in FILTER_OPTIONS and err.ctx \
                and not any(set(getattr(param, "opts", ())) & FILTER_OPTIONS for param in err.ctx.command.params):
            # "annotate --since 2020": say that the command takes no filters at all, not which options are spelt alike
            command = " ".join(err.ctx.command_path.split()[1:])
            err.message += (f". {command} takes no document filters ({', '.join(sorted(FILTER_OPTIONS))}); "
                            f"see 'policytext {command} --help'")
            err.possibilities = []  # click's "--engine, --ingest, --scheme" are no filters either
        if isinstance(err, click_exceptions.NoSuchOption) and err.option_name in COUNT_OPTIONS and err.ctx:
            # "entities --limit 25": click suggests only options spelt alike, and --top is not
            other = COUNT_OPTIONS[err.option_name]
            for param in err.ctx.command.params:
                if other in getattr(param, "opts", ()):
                    err.message += (f". This command takes {other} for how many it shows: "
                                    f"{getattr(param, 'help', '') or other}")
        err.show()
        return err.exit_code
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    if isinstance(result, int) and not isinstance(result, bool):
        if result == 130:
            sys.stderr.write(INTERRUPTED)
        return result
    return 0


def run() -> None:
    sys.exit(main())


__all__ = ["app", "main", "run"]
