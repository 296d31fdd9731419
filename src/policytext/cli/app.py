"""The typer application, the global options and the one place errors become ``Error: …``."""
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


@app.callback()
def _global_options(
    ctx: typer.Context,
    corpus: Optional[Path] = typer.Option(
        None, "--corpus", "-c", envvar="POLICYTEXT_CORPUS", show_envvar=True,
        help="The corpus folder (default: ./corpus).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars or notes on stderr."),
) -> None:
    ctx.obj = State(corpus=corpus, quiet=quiet)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, State) else State(corpus=None, quiet=False)
