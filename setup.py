"""Build hook: wheels carry the claim scorer from ``models/claims/`` inside the package.

``models/claims/`` stays the one canonical copy of the artefacts (with its card beside it); when a
wheel is built, they are copied to ``policytext/annotate/data/claims/`` in the build folder, where
:func:`policytext.annotate.claim_model.default_model_dir` finds them in an installed policytext.
Everything else is configured in ``pyproject.toml``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

MODEL_FILES = ("scorer.json", "scorer.npz", "metrics.json")


class BuildWithClaimModel(build_py):
    """``build_py`` that also copies the shipped claim scorer into the built package."""

    def run(self) -> None:
        super().run()
        source = Path(__file__).resolve().parent / "models" / "claims"
        target = Path(self.build_lib) / "policytext" / "annotate" / "data" / "claims"
        missing = [name for name in MODEL_FILES if not (source / name).is_file()]
        if missing:
            raise SystemExit(f"models/claims/ lacks {', '.join(missing)}: rebuild the claim scorer with "
                             f"'python -m policytext.annotate.train_claims' before building a wheel")
        target.mkdir(parents=True, exist_ok=True)
        for name in MODEL_FILES:
            shutil.copyfile(source / name, target / name)
        shutil.copyfile(source.parent / "claims.card.md", target / "claims.card.md")


setup(cmdclass={"build_py": BuildWithClaimModel})
