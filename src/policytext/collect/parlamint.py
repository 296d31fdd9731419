"""Collect ParlaMint sittings (CLARIN's comparable parliamentary corpora): one document per utterance.

A ParlaMint sitting is a TEI file of ``<u who=…>`` utterances made of ``<seg>``s, inside
``debateSection`` divs with a ``<head>``. The plain-text edition ships a metadata TSV per sitting
(``<sitting>-meta.tsv``: Speaker_name, Speaker_party_name, Party_status, Speaker_minister,
Speaker_role, Speaker_gender…), which gives each utterance its speaker, party and role. The TSV
is looked for beside the TEI file; without it the speakers are only ParlaMint ids, and a note
says so.

The same unit and rules as Hansard (:mod:`policytext.collect.hansard`): the utterance is the
document, procedural segments ("Question put and agreed to.") go to ``meta["procedural"]``.
``role`` is ``minister`` when ParlaMint marks the speaker a minister and ``chair`` for the
chairperson; ``notMinister`` is not taken to mean a backbencher (ParlaMint-GB marks even
secretaries of state ``notMinister``), so the role stays unknown then.

``side`` is ``government`` or ``opposition`` from the TSV's ``Party_status`` (``Coalition``,
``Opposition``) and the minister flag; where the status is missing ("-", as for the governing
Conservatives in ParlaMint-GB 2017) the party on the day is compared with the parties of the
government in office (:class:`~policytext.collect.parties.Sides`). When these disagree, or
nothing tells, the side is unknown and ``meta["side_unknown"]`` says why.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from policytext.collect.base import Notice, Outcome, ProgressHook
from policytext.collect.hansard import is_procedural, parse_xml_without_dtd
from policytext.collect.parties import Sides
from policytext.errors import BadInput
from policytext.records import Document
from policytext.store import WriteReport

SOURCE = "parlamint"
STAGE = "collect-parlamint"
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
_BODIES = {("GB", "Lower house"): "House of Commons", ("GB", "Upper house"): "House of Lords"}


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def read_metadata_tsv(data: bytes, *, item: str) -> dict[str, dict[str, str]]:
    """Return the rows of a ParlaMint ``-meta.tsv`` by utterance ``ID``; raise :class:`BadInput` when unreadable."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise BadInput(item, f"the metadata TSV is not UTF-8 ({err.reason} at byte {err.start})") from err
    reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    if not reader.fieldnames or "ID" not in reader.fieldnames:
        raise BadInput(item, "not a ParlaMint metadata TSV: no 'ID' column")
    return {row["ID"]: row for row in reader if row.get("ID")}


def _name(value: str | None) -> str | None:
    """ "Kinnock, Stephen Nathan" -> "Stephen Nathan Kinnock"."""
    if not value or value == "-":
        return None
    family, sep, given = value.partition(",")
    return f"{given.strip()} {family.strip()}" if sep and given.strip() else value.strip()


def _value(row: Mapping[str, str], name: str) -> str | None:
    value = (row.get(name) or "").strip()
    return None if value in ("", "-") else value


def _role(row: Mapping[str, str]) -> str | None:
    if (_value(row, "Speaker_role") or "").lower() in ("chairperson", "chair"):
        return "chair"
    if _value(row, "Speaker_minister") == "Minister":
        return "minister"
    return None


def parse_sitting(data: bytes, *, item: str, metadata: Mapping[str, Mapping[str, str]] | None = None,
                  sides: Sides | None = None) -> list[Outcome]:
    """Return the documents of one ParlaMint TEI sitting (and notes); raise :class:`BadInput` when unreadable.

    Example:
        >>> docs = parse_sitting(open("ParlaMint-GB_2017-09-07-commons.xml", "rb").read(), item="x",
        ...                      metadata=read_metadata_tsv(open("…-meta.tsv", "rb").read(), item="y"))  # doctest: +SKIP
        >>> docs[1].speaker, docs[1].party  # doctest: +SKIP
        ('David Michael Davis', 'Conservative')
    """
    root = parse_xml_without_dtd(data, item=item)
    if root.tag != f"{TEI}TEI":
        raise BadInput(item, f"not a ParlaMint TEI sitting: the root element is <{root.tag}>, not <TEI>")
    date_element = root.find(f".//{TEI}setting/{TEI}date")
    sitting_date = date_element.get("when") if date_element is not None else None
    country_element = root.find(f".//{TEI}setting/{TEI}name[@type='country']")
    country = country_element.get("key") if country_element is not None else None
    source_url = root.findtext(f".//{TEI}sourceDesc/{TEI}bibl/{TEI}idno")
    subtitle = root.findtext(f".//{TEI}titleStmt/{TEI}title[@type='sub']")
    metadata = metadata or {}
    sides = sides or Sides.packaged()
    outcomes: list[Outcome] = []
    unknown = 0
    no_side: dict[str, int] = {}
    for div in root.iter(f"{TEI}div"):
        head = div.findtext(f"{TEI}head")
        for utterance in div.iter(f"{TEI}u"):
            uid = utterance.get(XML_ID)
            if not uid:
                outcomes.append(BadInput(item, "an utterance without an xml:id", utterance.sourceline))
                continue
            words, procedure = [], []
            for seg in utterance.iter(f"{TEI}seg"):
                text = _text(seg)
                if text:
                    (procedure if is_procedural(text) else words).append(text)
            if not words:
                continue
            row = metadata.get(uid, {})
            if not row:
                unknown += 1
            house = _BODIES.get((country or "", _value(row, "Body") or ""), _value(row, "Body"))
            party = _value(row, "Speaker_party_name")
            date = _value(row, "Date") or sitting_date
            role = _role(row)
            side, side_unknown = sides.of_speaker(role=role, party=party, country=country, day=date,
                                                  status=_value(row, "Party_status"))
            if side is None:
                no_side[side_unknown or "unknown"] = no_side.get(side_unknown or "unknown", 0) + 1
            meta = {
                "utterance_id": uid,
                "person_id": (utterance.get("who") or "").lstrip("#") or None,
                "house": house,
                "party_status": _value(row, "Party_status"),  # Coalition / Opposition
                "side_unknown": side_unknown,
                "speaker_mp": _value(row, "Speaker_MP"),
                "speaker_minister": _value(row, "Speaker_minister"),
                "parlamint_role": _value(row, "Speaker_role"),
                "speaker_gender": _value(row, "Speaker_gender"),
                "term": _value(row, "Term"),
                "procedural": procedure,
                "sitting_url": source_url,
                "path": item,
                "line": utterance.sourceline,
            }
            outcomes.append(Document(
                source=SOURCE,
                source_id=uid,
                text="\n\n".join(words),
                title=head or subtitle,
                url=source_url,
                date=date,
                date_precision="day",
                speaker=_name(row.get("Speaker_name")),
                role=role,
                side=side,
                party=party,
                source_party=_value(row, "Speaker_party") or party,
                publisher=f"ParlaMint-{country}" if country else "ParlaMint",
                kind="debate",
                country=country,
                meta={k: v for k, v in meta.items() if v not in (None, "", [], {})},
            ))
    if no_side:
        reasons = "; ".join(f"{count} {why}" for why, count in sorted(no_side.items(), key=lambda i: -i[1]))
        outcomes.append(Notice(item, f"{sum(no_side.values())} utterance(s) have no side (government/opposition): "
                                     f"{reasons}"))
    if unknown:
        outcomes.append(Notice(item, f"{unknown} utterance(s) have no row in the metadata TSV: no speaker "
                                     "name, party or role (put <sitting>-meta.tsv beside the TEI file)"))
    return outcomes


def _files(paths: Iterable[str | Path]) -> tuple[list[Path], list[BadInput]]:
    files, missing = [], []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.xml") if p.is_file() and "ParlaMint" in p.name
                                and not p.name.endswith(("-listPerson.xml", "-listOrg.xml", "-taxonomy.xml"))))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(BadInput(str(given), "no such file or folder"))
    return files, missing


def iter_parlamint(paths: Iterable[str | Path], *, sides: Sides | None = None) -> Iterator[Outcome]:
    """Yield the documents of ParlaMint TEI sittings, with the metadata TSV found beside each."""
    files, missing = _files(paths)
    yield from missing
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as err:
            yield BadInput(str(path), f"cannot read the file: {err.strerror or err}")
            continue
        tsv = path.with_name(f"{path.stem}-meta.tsv")
        metadata: dict[str, dict[str, str]] = {}
        if tsv.is_file():
            try:
                metadata = read_metadata_tsv(tsv.read_bytes(), item=str(tsv))
            except BadInput as err:
                yield err
        try:
            yield from parse_sitting(data, item=str(path), metadata=metadata, sides=sides)
        except BadInput as err:
            yield err


def collect_parlamint(corpus: Any, paths: Iterable[str | Path], *,
                      progress: ProgressHook | None = None) -> WriteReport:
    """Collect ParlaMint TEI sittings (files or folders) into ``corpus``, one document per utterance.

    Example:
        >>> collect_parlamint(corpus, ["ParlaMint-GB/"]).summary()  # doctest: +SKIP
    """
    from policytext.collect.hansard import _absolute_path

    sides = Sides(corpus.timelines, corpus.labeller.party_aliases)
    return corpus.write(iter_parlamint(list(paths), sides=sides), stage=STAGE, progress=progress, item_key=_absolute_path)
