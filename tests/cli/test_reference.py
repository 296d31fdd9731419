"""The generated references in docs/: complete, current, and every command's help has an example."""
from __future__ import annotations

import re
from dataclasses import fields

import pytest
from helpers import ROOT

from policytext.cli import app, main
from policytext.cli.reference import click_app, iter_commands, render_commands, render_settings
from policytext.config import Config

COMMANDS_MD = ROOT / "docs" / "commands.md"
SETTINGS_MD = ROOT / "docs" / "settings.md"
REGENERATE = "regenerate it with `make reference` (see CONTRIBUTING.md)"

COMMANDS = list(iter_commands(click_app(app)))


def _sections(markdown: str) -> dict[str, str]:
    """Map each '## policytext …' heading of the reference to the text under it."""
    parts = re.split(r"^## (policytext.*)$", markdown, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def test_the_command_reference_is_current() -> None:
    assert COMMANDS_MD.read_text(encoding="utf-8") == render_commands(), f"docs/commands.md is stale: {REGENERATE}"


def test_the_settings_reference_is_current() -> None:
    assert SETTINGS_MD.read_text(encoding="utf-8") == render_settings(), f"docs/settings.md is stale: {REGENERATE}"


def test_the_walk_finds_nested_commands() -> None:
    paths = [path for path, _ in COMMANDS]
    assert ("collect", "sotu") in paths and ("topics", "fit") in paths and ("docs",) in paths
    assert len(paths) == len(set(paths)) > 30


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(path) for path, _ in COMMANDS])
def test_every_command_and_option_is_documented(path, command) -> None:
    """Read from the committed file, so a generator that skipped something would fail here too."""
    section = _sections(COMMANDS_MD.read_text(encoding="utf-8")).get("policytext " + " ".join(path))
    assert section is not None, f"'policytext {' '.join(path)}' is missing from docs/commands.md: {REGENERATE}"
    for param in command.params:
        assert getattr(param, "help", None), f"'policytext {' '.join(path)}' {param.opts[0]} has no help text"
        if getattr(param, "hidden", False):  # an old name kept for scripts, or one refused with its reason
            continue
        for name in param.opts + param.secondary_opts:
            assert f"`{name}`" in section, f"{name} of 'policytext {' '.join(path)}' is not in docs/commands.md"


def test_the_global_options_are_documented() -> None:
    section = _sections(COMMANDS_MD.read_text(encoding="utf-8"))["policytext"]
    for param in click_app(app).params:
        assert getattr(param, "help", None) and f"`{param.opts[0]}`" in section


def test_every_setting_is_documented() -> None:
    text = SETTINGS_MD.read_text(encoding="utf-8")
    for spec in fields(Config):
        if spec.name != "extra":
            assert spec.metadata.get("doc") and f"`POLICYTEXT_{spec.name.upper()}`" in text, spec.name


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(path) for path, _ in COMMANDS])
def test_every_command_has_help_with_an_example(capsys, path, command) -> None:
    """Every command's --help works; a command (not a group of them) shows how to call it."""
    code = main([*path, "--help"])
    out = capsys.readouterr().out
    assert code == 0 and command.help, f"'policytext {' '.join(path)} --help' failed or says nothing"
    if not hasattr(command, "commands"):
        example = "Example: policytext " + " ".join(path)
        assert example in command.help, f"'policytext {' '.join(path)} --help' has no '{example} …'"
        assert "Example: policytext" in out


def test_the_reference_module_refuses_an_unknown_reference(capsys) -> None:
    from policytext.cli.reference import main as reference_main

    assert reference_main(["everything"]) == 2
    assert "usage: python -m policytext.cli.reference commands|settings" in capsys.readouterr().err


@pytest.mark.parametrize(("command", "extra"), [("annotate", "dask"), ("embed", "embeddings")])
def test_help_names_the_extra_to_install(capsys, monkeypatch, command, extra) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # one line per option, so the install command is not wrapped
    assert main([command, "--help"]) == 0
    assert f"pip install 'policytext[{extra}]'" in capsys.readouterr().out
    assert f"pip install 'policytext[{extra}]'" in render_commands()


def test_help_paragraphs_are_not_broken_where_the_docstring_broke_its_lines(capsys, monkeypatch) -> None:
    """typer keeps a docstring's line breaks after the first paragraph: at 80 columns `search --help`
    read "words in double" / "quotation marks" on lines of their own."""
    from policytext.cli import main

    monkeypatch.setenv("COLUMNS", "80")
    assert main(["search", "--help"]) == 0
    out = capsys.readouterr().out
    lines = [line.strip(" │") for line in out.splitlines()]
    assert "double" not in [line.split()[-1] for line in lines if line.split()], out
    assert "Example: policytext search '\"new frontier\"' --speaker Kennedy" in out  # examples keep their lines
