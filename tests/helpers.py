"""Helpers shared by tests (importable as ``from helpers import …``)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("POLICYTEXT_SHARED_DATA", ROOT.parent / "shared" / "data"))


def shared_data(*parts: str) -> Path:
    """Return a path in ../shared/data, skipping the test with the reason when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs the shared data at ../shared/data/{'/'.join(parts)} "
                    "(present in CI; absent in a fresh clone)")
    return path


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run the ``policytext`` command in this process: (exit code, stdout, stderr)."""
    from policytext.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
