"""Save and read a model as a JSON card beside a NumPy ``.npz`` of its arrays, never running code.

The JSON file holds the model's format tag, parameters and anything else the model keeps as plain
data, plus the SHA-256 of the ``.npz``; the arrays are read with ``allow_pickle=False``. A card whose
arrays were changed or replaced is refused rather than loaded.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from policytext.errors import ConfigError


def save_model_files(path: str | Path, document: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> Path:
    """Write ``PATH.npz`` (``arrays``) and ``PATH.json`` (``document`` + the arrays' digest); return the JSON path.

    Example:
        >>> save_model_files(tmp / "m", {"format": "x/1"}, {"w": np.zeros(3)})   # doctest: +SKIP
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    json_path, npz_path = path.with_suffix(".json"), path.with_suffix(".npz")
    np.savez_compressed(npz_path, **arrays)
    written = dict(document)
    written["arrays_sha256"] = hashlib.sha256(npz_path.read_bytes()).hexdigest()
    json_path.write_text(json.dumps(written, ensure_ascii=False, indent=1), encoding="utf-8")
    return json_path


def read_model_files(path: str | Path, *, format: str, names: tuple[str, ...],
                     refit: str, optional: tuple[str, ...] = ()) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read what :func:`save_model_files` wrote; check the format tag and the arrays' digest.

    Args:
        path: the model's path, with or without suffix.
        format: the format tag the card must carry.
        names: the arrays to read from the ``.npz``.
        refit: the command that rebuilds the model, named in error messages.
        optional: arrays read when the ``.npz`` holds them (a model part that may be absent).

    Raises:
        ConfigError: when a file cannot be read, is of another format, or the arrays do not match
            the card.
    """
    json_path = Path(path).with_suffix(".json")
    npz_path = json_path.with_suffix(".npz")
    try:
        document = json.loads(json_path.read_text(encoding="utf-8"))
        blob = npz_path.read_bytes()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ConfigError(f"cannot read the model {json_path}: {err}. Rebuild it with '{refit}'.") from err
    if not isinstance(document, dict) or document.get("format") != format:
        raise ConfigError(f"{json_path} is not a model of the format {format}; rebuild it with '{refit}'")
    if hashlib.sha256(blob).hexdigest() != document.get("arrays_sha256"):
        raise ConfigError(f"{npz_path} does not match its card {json_path.name} (changed or replaced); "
                          f"rebuild it with '{refit}'")
    try:
        with np.load(npz_path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in names}
            arrays.update({name: stored[name] for name in optional if name in stored.files})
    except (KeyError, ValueError, OSError) as err:
        raise ConfigError(f"{npz_path} lacks the arrays {', '.join(names)} ({err}); rebuild it with '{refit}'") from err
    return document, arrays
