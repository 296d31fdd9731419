"""The command line: thin commands over the library. Errors become ``Error: …`` here, only here."""
from __future__ import annotations

import sys

from policytext.cli.app import app
from policytext.errors import PolicytextError

# Each module registers its commands on ``app`` (or ``collect_app``) when imported.
from policytext.cli import core  # noqa: E402,F401


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1 error or failed items, 2 usage, 130 interrupted)."""
    try:
        app(args=argv, prog_name="policytext", standalone_mode=False)
    except PolicytextError as err:
        sys.stderr.write(f"Error: {err}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted: everything committed so far is kept; run the same command "
                         "again to finish.\n")
        return 130
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 1
    except Exception as err:  # click's own errors in non-standalone mode
        import click

        if isinstance(err, click.exceptions.ClickException):
            err.show()
            return err.exit_code
        if isinstance(err, click.exceptions.Exit):
            return err.exit_code
        if isinstance(err, click.exceptions.Abort):
            sys.stderr.write("Aborted.\n")
            return 1
        raise
    return 0


def run() -> None:
    sys.exit(main())


__all__ = ["app", "main", "run"]
