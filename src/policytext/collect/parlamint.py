"""Collect ParlaMint sittings (CLARIN's comparable parliamentary corpora): one document per utterance.

A ParlaMint sitting is a TEI file of ``<u who=…>`` utterances made of ``<seg>``s, inside
``debateSection`` divs with a ``<head>``. The plain-text edition ships a metadata TSV per sitting
(``<sitting>-meta.tsv``: Speaker_name, Speaker_party_name, Party_status, Speaker_minister,
Speaker_role, Speaker_gender…), which gives each utterance its speaker, party and role. The TSV
is looked for beside the TEI file; without it the speakers are only ParlaMint ids, and a note
says so. A sitting of the plain-text edition alone (``<sitting>.txt``: one utterance a line, its
ID, a tab, its text) is read with its TSV, which it cannot do without.

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
import re
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


def _utterance_document(uid: str, words: list[str], procedure: list[str], row: Mapping[str, str], *,
                        sides: Sides, no_side: dict[str, int], item: str, country: str | None,
                        title: str | None, url: str | None, sitting_date: str | None,
                        person_id: str | None, line: int | None) -> Document:
    """Return one utterance's document (TEI or plain text), counting a missing side in ``no_side``."""
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
        "person_id": person_id,
        "house": house,
        "party_status": _value(row, "Party_status"),  # Coalition / Opposition
        "side_unknown": side_unknown,
        "speaker_mp": _value(row, "Speaker_MP"),
        "speaker_minister": _value(row, "Speaker_minister"),
        "parlamint_role": _value(row, "Speaker_role"),
        "speaker_gender": _value(row, "Speaker_gender"),
        "term": _value(row, "Term"),
        "procedural": procedure,
        "sitting_url": url,
        "path": item,
        "line": line,
    }
    return Document(
        source=SOURCE,
        source_id=uid,
        text="\n\n".join(words),
        title=title,
        url=url,
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
    )


def _side_notes(item: str, no_side: Mapping[str, int]) -> list[Notice]:
    if not no_side:
        return []
    reasons = "; ".join(f"{count} {why}" for why, count in sorted(no_side.items(), key=lambda i: -i[1]))
    return [Notice(item, f"{sum(no_side.values())} utterance(s) have no side (government/opposition): {reasons}")]


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
            outcomes.append(_utterance_document(
                uid, words, procedure, row, sides=sides, no_side=no_side, item=item, country=country,
                title=head or subtitle, url=source_url, sitting_date=sitting_date,
                person_id=(utterance.get("who") or "").lstrip("#") or None, line=utterance.sourceline))
    outcomes.extend(_side_notes(item, no_side))
    if unknown:
        outcomes.append(Notice(item, f"{unknown} utterance(s) have no row in the metadata TSV: no speaker "
                                     "name, party or role (put <sitting>-meta.tsv beside the TEI file)"))
    return outcomes


# where a procedural record may start inside a line: a capitalised word (or "[") after a space
_RECORD_START = re.compile(r"\s(?=[A-Z\[])")


def _peel_procedure(text: str) -> tuple[list[str], list[str]]:
    """Split a plain-text utterance into its words and the procedural records that end it.

    The plain-text edition joins an utterance's segments on one line, often without a full stop
    between them ("… at a later date Question put and agreed to."), so the record of what the
    House did is a trailing stretch there, not a segment of its own. The shortest procedural
    stretch at the end that starts with a capitalised word is peeled off, again while one is
    left; a record inside a speaker's words is never taken.
    """
    text = " ".join(text.split())
    if not text:
        return [], []
    procedure: list[str] = []
    while text:
        if is_procedural(text):
            return [], [text, *procedure]
        starts = [m.end() for m in _RECORD_START.finditer(text, max(0, len(text) - 240))]
        record = next((start for start in reversed(starts) if is_procedural(text[start:])), None)
        if record is None:
            break
        procedure.insert(0, text[record:])
        text = text[:record].rstrip()
    return [text], procedure


def parse_text_sitting(data: bytes, *, item: str, metadata: Mapping[str, Mapping[str, str]],
                       sides: Sides | None = None) -> list[Outcome]:
    """Return the documents of one sitting of ParlaMint's plain-text edition (and notes).

    The edition's ``<sitting>.txt`` has one utterance a line, its ID and its text separated by a
    tab; the speaker, party, date and title are only in the ``-meta.tsv`` (``metadata``), so an
    utterance keeps the same document id as when read from the TEI file, and ``title`` is the
    TSV's ``Agenda`` (or ``Title``: the edition has no ``debateSection`` heads). Lines without
    a tab are failures with their line number; the rest is collected.

    Raises:
        BadInput: the file is not UTF-8.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise BadInput(item, f"the plain-text sitting is not UTF-8 ({err.reason} at byte {err.start})") from err
    sides = sides or Sides.packaged()
    outcomes: list[Outcome] = []
    unknown = 0
    no_side: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        uid, tab, utterance = line.partition("\t")
        uid = uid.strip()
        if not tab or not uid:
            outcomes.append(BadInput(item, "not a ParlaMint plain-text line (utterance ID, a tab, the text)", number))
            continue
        words, procedure = _peel_procedure(utterance)
        if not words:
            continue
        row = metadata.get(uid, {})
        if not row:
            unknown += 1
        text_id = _value(row, "Text_ID") or uid.partition(".")[0]
        country = text_id.partition("_")[0].removeprefix("ParlaMint-").partition("-")[0] or None
        outcomes.append(_utterance_document(
            uid, words, procedure, row, sides=sides, no_side=no_side, item=item, country=country,
            title=_value(row, "Agenda") or _value(row, "Title"), url=None, sitting_date=None,
            person_id=_value(row, "Speaker_ID"), line=number))
    outcomes.extend(_side_notes(item, no_side))
    if unknown:
        outcomes.append(Notice(item, f"{unknown} utterance(s) have no row in the metadata TSV: no speaker "
                                     "name, party or role"))
    return outcomes


def _files(paths: Iterable[str | Path]) -> tuple[list[Path], list[BadInput]]:
    """Return the sittings to read: TEI ``.xml`` files, and plain-text ``.txt`` ones with no TEI beside them."""
    files, missing = [], []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and "ParlaMint" in p.name
                           and p.suffix in (".xml", ".txt")
                           and not p.name.endswith(("-listPerson.xml", "-listOrg.xml", "-taxonomy.xml")))
            # a sitting in both editions is read once, from its TEI file (it has the debate heads)
            files.extend(p for p in found if p.suffix == ".xml" or not p.with_suffix(".xml").is_file())
        elif path.is_file():
            files.append(path)
        else:
            missing.append(BadInput(str(given), "no such file or folder"))
    return files, missing


def iter_parlamint(paths: Iterable[str | Path], *, sides: Sides | None = None) -> Iterator[Outcome]:
    """Yield the documents of ParlaMint sittings (TEI, or the plain-text edition), with the metadata TSV beside each.

    A plain-text sitting (``.txt``) needs its ``-meta.tsv``: without it the file is a failure
    naming the TSV looked for, and the rest is collected.
    """
    files, missing = _files(paths)
    yield from missing
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as err:
            yield BadInput(str(path), f"cannot read the file: {err.strerror or err}")
            continue
        tsv = path.with_name(f"{path.stem}-meta.tsv")
        plain = path.suffix == ".txt"
        if plain and not tsv.is_file():
            yield BadInput(str(path), f"a plain-text sitting without its metadata TSV ({tsv.name} is not beside "
                                      "it): put the TSV of the same sitting beside the .txt, or collect the TEI file")
            continue
        metadata: dict[str, dict[str, str]] = {}
        if tsv.is_file():
            try:
                metadata = read_metadata_tsv(tsv.read_bytes(), item=str(tsv))
            except BadInput as err:
                yield err
                if plain:
                    continue
        try:
            if plain:
                yield from parse_text_sitting(data, item=str(path), metadata=metadata, sides=sides)
            else:
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
