"""The example notebook runs from top to bottom in a real kernel and writes its charts."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import ROOT

NOTEBOOK = ROOT / "examples" / "theme-trends.ipynb"


def test_theme_trends_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    monkeypatch.setenv("POLICYTEXT_CORPUS", str(corpus))
    monkeypatch.setenv("NOTEBOOK_SINCE", "1989")  # Bush and Clinton: quick to lemmatise
    monkeypatch.setenv("NOTEBOOK_UNTIL", "1996")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert (corpus / "theme-trends.png").read_bytes()[:4] == b"\x89PNG"
    assert (corpus / "topic-trends.svg").exists()
    text = "\n".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", "")) for o in outputs)
    assert "Clinton administration (1993–2001)" in text and "entrepreneurialism" in text
