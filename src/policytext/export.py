"""Export documents as tidy files: the bridge to DuckDB, Spark, Dask and spreadsheets."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policytext.errors import ConfigError, PolicytextError

if TYPE_CHECKING:
    from policytext.corpus import Corpus

EXPORT_FORMATS = ("parquet", "csv", "jsonl")


def export_documents(corpus: "Corpus", to: str | Path, *, format: str = "parquet", **filters: Any) -> list[Path]:
    """Write ``documents.<format>`` into folder ``to``; return the paths written."""
    if format not in EXPORT_FORMATS:
        raise ConfigError(f"unknown export format {format!r}: use one of {', '.join(EXPORT_FORMATS)}")
    folder = Path(to)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise PolicytextError(f"cannot create the export folder {folder}: {err.strerror or err}") from err
    frame = corpus.documents(**filters)
    target = folder / f"documents.{format}"
    temporary = target.with_name(target.name + ".partial")
    if format == "parquet":
        frame.to_parquet(temporary, index=False)
    elif format == "csv":
        frame.assign(organisations=frame["organisations"].map(lambda v: "; ".join(v or []))).to_csv(temporary, index=False)
    else:
        with temporary.open("w", encoding="utf-8") as handle:
            for record in frame.to_dict(orient="records"):
                handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    temporary.replace(target)  # readers never see a half-written file
    return [target]
