"""What every collector shares: outcomes of single items and the batched writer."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Union

from policytext.collect.governments import Timelines
from policytext.collect.labels import Labeller
from policytext.errors import BadInput
from policytext.records import Document
from policytext.store import Store, WriteReport, record_failure, upsert_document


@dataclass(frozen=True)
class Skipped:
    """An item deliberately not collected (an empty file, a file type that holds no text)."""

    item: str
    reason: str
    line: int | None = None


Outcome = Union[Document, BadInput, Skipped]
ProgressHook = Callable[[Outcome], None]


def write_outcomes(
    store: Store,
    outcomes: Iterable[Outcome],
    *,
    stage: str,
    timelines: Timelines,
    labeller: Labeller | None = None,
    batch_size: int = 200,
    progress: ProgressHook | None = None,
) -> WriteReport:
    """Write collected documents in batches, one transaction per batch, and record failures.

    Each document is labelled first (date precision, government, party) by ``labeller``, by
    default the packaged tables over ``timelines``.

    A run killed part way keeps every batch committed before the kill; running it again finds
    those documents unchanged and adds the rest, so nothing is duplicated or lost.
    """
    report = WriteReport()
    labeller = labeller or Labeller.packaged(timelines)
    pending: list[Outcome] = []

    def flush() -> None:
        with store.transaction():
            for outcome in pending:
                if isinstance(outcome, Document):
                    document = labeller.label(outcome)
                    report.add(upsert_document(store, document))
                elif isinstance(outcome, BadInput):
                    report.failed += 1
                    report.failures.append({"item": outcome.item, "line": outcome.line, "reason": outcome.reason})
                    record_failure(store, stage=stage, item=outcome.item, line=outcome.line, reason=outcome.reason)
                else:
                    report.skipped += 1
                    report.skips.append({"item": outcome.item, "line": outcome.line, "reason": outcome.reason})
        pending.clear()

    for outcome in outcomes:
        pending.append(outcome)
        if progress is not None:
            progress(outcome)
        if len(pending) >= batch_size:
            flush()
    if pending:
        flush()
    return report
