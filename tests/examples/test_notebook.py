"""The example notebook runs from top to bottom in a real kernel, shows its charts and writes them."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import ROOT

NOTEBOOK = ROOT / "examples" / "theme-trends.ipynb"


def test_the_notebook_means_1946_on_when_it_says_post_1945() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    source = "\n".join(cell.source for cell in notebook.cells)
    assert 'os.environ.get("NOTEBOOK_SINCE", "1946")' in source
    assert "1945" not in re.sub(r"(since|after|Post-)\s?1945|January 1945", "", source)


def test_theme_trends_notebook_runs_and_shows_its_charts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    monkeypatch.setenv("POLICYTEXT_CORPUS", str(corpus))
    monkeypatch.setenv("NOTEBOOK_SINCE", "1989")  # G. H. W. Bush (3 addresses) and Clinton (5): quick to lemmatise
    monkeypatch.setenv("NOTEBOOK_UNTIL", "1998")
    monkeypatch.delenv("MPLBACKEND", raising=False)  # as a user's kernel: no backend chosen for us
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    outputs = [o for cell in code_cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # Every cell that draws a chart shows it, once, without %matplotlib inline.
    for cell in code_cells:
        images = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        draws = "plot_theme_trends(" in cell.source or "plot_topic_trends(" in cell.source
        assert len(images) == (1 if draws else 0), cell.source
    assert "%matplotlib" not in "\n".join(cell.source for cell in code_cells)
    assert (corpus / "theme-trends.png").read_bytes()[:4] == b"\x89PNG"
    assert (corpus / "topic-trends.svg").exists()
    text = "\n".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", "")) for o in outputs)
    assert "Clinton administration (1993–2001)" in text and "enterprise_strict" in text
    # The keyness cell compares an administration with enough addresses, never a one-address group.
    found = re.search(r"keyness of (.+) \((\d+) addresses\) against the rest", text)
    assert found and found.group(1) == "Clinton administration (1993–2001)" and int(found.group(2)) >= 5
