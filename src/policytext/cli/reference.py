"""Generate the command and settings references in ``docs/`` from the CLI and the Config object.

Run ``python -m policytext.cli.reference commands > docs/commands.md`` (or ``settings``), or
``make reference`` for both; ``tests/cli/test_reference.py`` fails when a file is stale.
"""
from __future__ import annotations

import enum
import sys
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any, Iterator

import typer
import typer.main

from policytext.config import CONFIG_FILE_NAME, Config

COMMANDS_HEADER = """\
# Command reference

Every `policytext` command with its options, generated from the command line itself by
`python -m policytext.cli.reference commands > docs/commands.md` (or `make reference`); do not edit
by hand. `policytext COMMAND --help` prints the same. Settings that are not options are in
[settings.md](settings.md).

Errors print `Error: …` on stderr and exit 1; usage mistakes exit 2; Ctrl-C exits 130 and keeps
everything committed so far.
"""

SETTINGS_HEADER = f"""\
# Settings reference

Every setting policytext reads, generated from `policytext.config.Config` by
`python -m policytext.cli.reference settings > docs/settings.md` (or `make reference`); do not edit
by hand.

Settings resolve once per run, lowest first: the packaged defaults below ← `{CONFIG_FILE_NAME}` in
the corpus folder ← environment variables `POLICYTEXT_<SETTING>` ← command-line options. In
`{CONFIG_FILE_NAME}` a setting is a top-level key (`model = "en_core_web_md"`); in the environment
its name is upper-cased (`POLICYTEXT_MODEL=en_core_web_md`; a list is comma separated, a table is a
JSON object; `true`, `1`, `yes` and `on` are true). An invalid value is an error naming the setting.
"""

EXTRA_SETTINGS: dict[str, str] = {
    "themes": "Extra theme lexicons (TOML files in the packaged format), e.g. `themes = [\"my-themes.toml\"]`; "
              "a `themes.toml` in the corpus folder is read too.",
    "stop_words": "Extra stop words for topic models, added to the English and domain lists.",
}
"""Keys read from ``policytext.toml`` only (they have no environment variable or default)."""


def iter_commands(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Yield ``(path, click_command)`` for every command and group under ``group``, in CLI order.

    Example:
        >>> from policytext.cli import app
        >>> ("collect", "sotu") in [path for path, _ in iter_commands(click_app(app))]
        True
    """
    for name, command in group.commands.items():
        if getattr(command, "hidden", False):
            continue
        path = prefix + (name,)
        yield path, command
        if hasattr(command, "commands"):
            yield from iter_commands(command, path)


def click_app(app: typer.Typer) -> Any:
    """Return the click group behind a typer application."""
    return typer.main.get_command(app)


def _cell(text: str) -> str:
    # "\[" keeps a bracket (pip install 'policytext\[dask]') from being read as markup by --help
    return " ".join(str(text).split()).replace("\\[", "[").replace("|", "\\|")


def _type_label(param: Any) -> str:
    if getattr(param, "is_flag", False):
        return "flag"
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " \\| ".join(str(member.value) for member in annotation)
    if annotation is not None:
        label = getattr(annotation, "__name__", None) or str(annotation)
        args = getattr(annotation, "__args__", None)
        if args and label in ("List", "list"):
            label = getattr(args[0], "__name__", str(args[0]))
    else:  # older typer: a click ParamType
        label = getattr(getattr(param, "type", None), "name", "text")
    return {"str": "text", "Path": "path", "float": "number", "int": "integer"}.get(label, label.lower())


def _default(param: Any) -> str:
    default = param.default
    if getattr(param, "required", False):
        return "required"
    if default is None or default == [] or default == () or getattr(param, "show_default", True) is False:
        return ""
    if isinstance(default, enum.Enum):
        default = default.value
    if isinstance(default, bool):
        return "on" if default else ""
    return f"`{default}`"


def _option_names(param: Any) -> str:
    names = ", ".join(f"`{name}`" for name in param.opts + param.secondary_opts)
    if getattr(param, "multiple", False):
        names += " (repeatable)"
    envvar = getattr(param, "envvar", None)
    if envvar:
        names += f" (env `{envvar}`)"
    return names


def _help_text(command: Any) -> tuple[list[str], list[str]]:
    """Split a command's help into prose paragraphs and its ``Example:`` lines."""
    prose: list[str] = []
    examples: list[str] = []
    for paragraph in (command.help or "").replace("\\[", "[").split("\n\n"):  # "\[": see _cell
        lines = [line.strip() for line in paragraph.strip().splitlines()]
        kept = []
        for line in lines:
            if line.startswith("Example:"):
                examples.append(line[len("Example:"):].strip())
            elif line:
                kept.append(line)
        if kept:
            prose.append(" ".join(kept))
    return prose, examples


def _usage(path: tuple[str, ...], command: Any) -> str:
    words = ["policytext", *path]
    if any(getattr(p, "opts", [""])[0].startswith("-") for p in command.params):
        words.append("[OPTIONS]")
    if hasattr(command, "commands"):
        words.append("COMMAND")
    for param in command.params:
        if not param.opts[0].startswith("-"):
            name = param.name.upper() + ("..." if param.nargs == -1 else "")
            words.append(name if param.required else f"[{name}]")
    return " ".join(words)


def _section(level: int, path: tuple[str, ...], command: Any) -> list[str]:
    out = [f"{'#' * level} policytext {' '.join(path)}".rstrip(), ""]
    prose, examples = _help_text(command)
    for paragraph in prose:
        out += [paragraph, ""]
    out += [f"Usage: `{_usage(path, command)}`", ""]
    if examples:
        out += ["```sh", *examples, "```", ""]
    if hasattr(command, "commands"):
        out += ["| command | what it does |", "|---|---|"]
        for name, sub in command.commands.items():
            summary = _help_text(sub)[0][:1] or [""]
            out.append(f"| [`{name}`](#{_anchor(path + (name,))}) | {_cell(summary[0])} |")
        out.append("")
    params = [p for p in command.params if not getattr(p, "hidden", False)]
    if params:
        out += ["| argument or option | value | default | what it does |", "|---|---|---|---|"]
        for param in params:
            out.append(f"| {_option_names(param)} | {_type_label(param)} | {_default(param)} | "
                       f"{_cell(getattr(param, 'help', None) or '')} |")
        out.append("")
    return out


def _anchor(path: tuple[str, ...]) -> str:
    return "-".join(("policytext",) + path)


def render_commands(app: typer.Typer | None = None) -> str:
    """Return the Markdown command reference of ``app`` (default: policytext's own CLI).

    Example:
        >>> "## policytext collect sotu" in render_commands()
        True
    """
    if app is None:
        from policytext.cli import app
    root = click_app(app)
    out = [COMMANDS_HEADER, "## Contents", ""]
    for path, _ in iter_commands(root):
        out.append(f"{'  ' * (len(path) - 1)}- [`{' '.join(path)}`](#{_anchor(path)})")
    out += ["", "## policytext", ""]
    out += _section(2, (), root)[2:]
    for path, command in iter_commands(root):
        out += _section(2, path, command)
    return "\n".join(out).rstrip() + "\n"


def render_settings() -> str:
    """Return the Markdown settings reference generated from :class:`policytext.config.Config`.

    Example:
        >>> "`POLICYTEXT_MODEL`" in render_settings()
        True
    """
    out = [SETTINGS_HEADER, "| setting | environment | default | what it does |", "|---|---|---|---|"]
    for spec in fields(Config):
        if spec.name == "extra":
            continue
        if spec.default is not MISSING:
            default = spec.default
        else:
            default = spec.default_factory()  # type: ignore[misc]
        shown = "" if default in ((), {}) else f"`{default!r}`" if isinstance(default, str) else f"`{default}`"
        if isinstance(default, bool):
            shown = f"`{str(default).lower()}`"
        if isinstance(default, Path):
            shown = f"`{default}`"
        out.append(f"| `{spec.name}` | `POLICYTEXT_{spec.name.upper()}` | {shown} | {_cell(spec.metadata['doc'])} |")
    out += ["", f"Read from `{CONFIG_FILE_NAME}` only (other keys there are kept in `Config.extra`):", "",
            "| key | what it does |", "|---|---|"]
    out += [f"| `{name}` | {_cell(doc)} |" for name, doc in EXTRA_SETTINGS.items()]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the reference named by the first argument: ``commands`` or ``settings``."""
    argv = sys.argv[1:] if argv is None else argv
    renderers = {"commands": render_commands, "settings": render_settings}
    if len(argv) != 1 or argv[0] not in renderers:
        sys.stderr.write("usage: python -m policytext.cli.reference commands|settings\n")
        return 2
    sys.stdout.write(renderers[argv[0]]())
    return 0


if __name__ == "__main__":
    sys.exit(main())
