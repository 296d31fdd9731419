"""The root typer application (exported as ``policytext.cli.app``), the global options and the one
place errors become ``Error: …``."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import typer

from policytext.config import Config, resolve_config

app = typer.Typer(
    name="policytext",
    help="Turn political speech and policy text into evidence: collect, annotate, search, and "
         "track themes across governments.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
collect_app = typer.Typer(
    help="Collect documents into the corpus. Each collector reports how many documents it "
         "collected, updated, left unchanged, skipped and failed; failures are listed by "
         "'policytext failures'.",
    no_args_is_help=True,
)
app.add_typer(collect_app, name="collect")


@dataclass
class State:
    corpus: Optional[Path]
    quiet: bool

    def config(self, **overrides: Any) -> Config:
        """Resolve the settings for this run: defaults, policytext.toml, environment, options."""
        return resolve_config(self.corpus, overrides)


def _print_version(value: bool) -> None:
    if value:
        from policytext.provenance import package_version

        typer.echo(f"policytext {package_version('policytext') or '(not installed: unknown version)'}")
        raise typer.Exit(0)


@app.callback()
def _global_options(
    ctx: typer.Context,
    corpus: Optional[Path] = typer.Option(
        None, "--corpus", "-c", envvar="POLICYTEXT_CORPUS", show_envvar=True,
        help="The corpus folder (default: ./corpus).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars or notes on stderr."),
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="Print policytext's version and exit."),
) -> None:
    ctx.obj = State(corpus=corpus, quiet=quiet)


@app.command("version")
def version(
    ctx: typer.Context,
    format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Show the versions of policytext, Python, spaCy and the configured spaCy model.

    Example: policytext version --format json
    """
    import json

    from policytext.errors import ConfigError
    from policytext.provenance import versions

    if format not in ("table", "json"):
        raise ConfigError(f"--format must be table or json, not {format!r}")
    found = versions(state(ctx).config().model)
    if format == "json":
        typer.echo(json.dumps(found, indent=2))
    else:
        typer.echo("\n".join(f"{name}: {value or '(not installed)'}" for name, value in found.items()))


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, State) else State(corpus=None, quiet=False)
