"""A wheel built from pyproject.toml carries the claim scorer, and an installed policytext scores claims with it."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODEL_FILES = ("scorer.json", "scorer.npz", "metrics.json", "claims.card.md")
PACKAGED = "policytext/annotate/data/claims/"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build a wheel from a copy of the project (the work tree gets no build/ or egg-info)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "models", source / "models")
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
                           "--no-index", "-q", "-w", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    [built] = list(out.glob("policytext-*.whl"))
    return built


def test_the_wheel_carries_the_claim_scorer_unchanged(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for name in MODEL_FILES:
            assert PACKAGED + name in names, name
        for name in MODEL_FILES[:3]:
            assert _digest(archive.read(PACKAGED + name)) == _digest((ROOT / "models" / "claims" / name).read_bytes())
        assert not [n for n in names if n.endswith((".pkl", ".pickle", ".joblib"))]


def test_an_installed_policytext_scores_claims_with_the_packaged_model(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:  # a pure-Python wheel installs by unpacking
        archive.extractall(site)
    script = (
        "import policytext.annotate.claim_model as m\n"
        "folder = m.default_model_dir()\n"
        "high, low = m.ClaimScorer.load().score(['Spending was cut by 20 percent since 2010.', 'Thank you.'])\n"
        "print(m.__file__); print(folder); print(high > 0.5 > low)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    module, folder, verdict = done.stdout.split("\n")[:3]
    assert Path(module).is_relative_to(site)
    assert Path(folder) == site / "policytext" / "annotate" / "data" / "claims"
    assert verdict == "True"
