"""ParlaMint-GB's real sample sitting: TEI utterances with the metadata TSV, into a real store."""
from __future__ import annotations

import json
import shutil

import pytest

from helpers import shared_data
from policytext.collect.parlamint import _peel_procedure, collect_parlamint, read_metadata_tsv
from policytext.corpus import open_corpus

SITTING = "ParlaMint-GB_2017-09-07-commons"


def test_each_utterance_is_a_document_with_the_tsv_metadata(tmp_path):
    folder = shared_data("parliament", "parlamint-gb-sample")
    with open_corpus(tmp_path / "c", create=True) as corpus:
        report = collect_parlamint(corpus, [folder])
        again = collect_parlamint(corpus, [folder])
        frame = corpus.documents(source="parlamint")
        metas = {r[0]: json.loads(r[1]) for r in corpus.store.conn.execute(
            "SELECT speaker, meta FROM documents WHERE source = 'parlamint'")}
    assert (report.collected, report.failed, again.unchanged) == (4, 0, 4)
    davis = frame[frame["speaker"] == "David Michael Davis"].iloc[0]
    assert (davis["party"], davis["date"], davis["country"]) == ("Conservative", "2017-09-07", "GB")
    assert davis["title"] == "Membership of the European Economic Area"
    assert davis["government"].startswith("May government")
    assert metas["Stephen Nathan Kinnock"]["party_status"] == "Opposition"
    assert metas["Stephen Nathan Kinnock"]["house"] == "House of Commons"
    jones = frame[frame["speaker"] == "Marcus Charles Jones"].iloc[0]
    assert "Question put and agreed to." not in jones["text"]
    assert metas["Marcus Charles Jones"]["procedural"] == ["Question put and agreed to."]
    # ParlaMint-GB marks even the Brexit Secretary 'notMinister': that is not read as a backbencher
    assert frame["role"].isna().all()
    # the side: Party_status where ParlaMint gives it, else the party against the May government's
    assert dict(zip(frame["speaker"], frame["side"])) == {
        "Stephen Nathan Kinnock": "opposition", "David Michael Davis": "government",
        "Robert John Blackman": "government", "Marcus Charles Jones": "government"}


def test_without_the_tsv_the_speakers_are_ids_and_a_note_says_so(tmp_path):
    source = shared_data("parliament", "parlamint-gb-sample", f"{SITTING}.xml")
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(source, alone / source.name)
    (alone / "ParlaMint-GB_2017-09-08-commons.xml").write_bytes(source.read_bytes()[:3000])  # truncated
    with open_corpus(tmp_path / "c", create=True) as corpus:
        report = collect_parlamint(corpus, [alone])
        frame = corpus.documents(source="parlamint")
    assert report.collected == 4 and report.failed == 1
    assert "not well-formed XML" in report.failures[0].reason
    assert any("no row in the metadata TSV" in n.reason for n in report.notices)
    assert frame["speaker"].isna().all()


def test_read_metadata_tsv_by_utterance_id():
    rows = read_metadata_tsv(shared_data("parliament", "parlamint-gb-sample", f"{SITTING}-meta.tsv").read_bytes(),
                             item="meta.tsv")
    assert rows[f"{SITTING}.u2"]["Speaker_name"] == "Davis, David Michael"


def _plain_text_edition(tei: bytes) -> str:
    """Write a sitting in ParlaMint's plain-text edition (one utterance a line: its ID, a tab, its text).

    The shared sample has no .txt, so the test builds it from the sample's TEI file by the edition's
    documented format: an utterance's segments joined by a space on one line.
    """
    from lxml import etree

    root = etree.fromstring(tei)
    tei_ns = "{http://www.tei-c.org/ns/1.0}"
    lines = []
    for utterance in root.iter(f"{tei_ns}u"):
        segs = [" ".join("".join(seg.itertext()).split()) for seg in utterance.iter(f"{tei_ns}seg")]
        lines.append(f"{utterance.get('{http://www.w3.org/XML/1998/namespace}id')}\t{' '.join(segs)}")
    return "\n".join(lines) + "\n"


def test_the_plain_text_edition_is_collected_with_its_tsv_and_without_it_is_an_error(tmp_path):
    sample = shared_data("parliament", "parlamint-gb-sample")
    txt = tmp_path / "txt"
    txt.mkdir()
    (txt / f"{SITTING}.txt").write_text(_plain_text_edition((sample / f"{SITTING}.xml").read_bytes()),
                                        encoding="utf-8")
    shutil.copy(sample / f"{SITTING}-meta.tsv", txt / f"{SITTING}-meta.tsv")
    lonely = "ParlaMint-GB_2017-09-08-commons.txt"
    (txt / lonely).write_text(f"ParlaMint-GB_2017-09-08-commons.u1\tWords.\n", encoding="utf-8")
    with open_corpus(tmp_path / "c", create=True) as corpus:
        report = collect_parlamint(corpus, [txt])
        frame = corpus.documents(source="parlamint")
        metas = {r[0]: json.loads(r[1]) for r in corpus.store.conn.execute(
            "SELECT speaker, meta FROM documents WHERE source = 'parlamint'")}
    assert (report.collected, report.failed) == (4, 1)
    assert report.failures[0].item.endswith(lonely)
    assert f"{lonely.removesuffix('.txt')}-meta.tsv" in report.failures[0].reason
    davis = frame[frame["speaker"] == "David Michael Davis"].iloc[0]
    assert (davis["party"], davis["date"], davis["country"], davis["side"]) == (
        "Conservative", "2017-09-07", "GB", "government")
    assert davis["id"] == _tei_ids(tmp_path, sample)["David Michael Davis"]  # the same document as from the TEI
    assert metas["David Michael Davis"]["person_id"] == "DavidDavis"
    jones = frame[frame["speaker"] == "Marcus Charles Jones"].iloc[0]
    assert "Question put and agreed to." not in jones["text"]
    assert metas["Marcus Charles Jones"]["procedural"] == ["Question put and agreed to."]


def _tei_ids(tmp_path, sample):
    with open_corpus(tmp_path / "tei", create=True) as corpus:
        collect_parlamint(corpus, [sample])
        frame = corpus.documents(source="parlamint")
    return dict(zip(frame["speaker"], frame["id"]))


def test_a_sitting_in_both_editions_is_read_once_from_the_tei(tmp_path):
    sample = shared_data("parliament", "parlamint-gb-sample")
    both = tmp_path / "both"
    shutil.copytree(sample, both)
    (both / f"{SITTING}.txt").write_text(_plain_text_edition((sample / f"{SITTING}.xml").read_bytes()),
                                         encoding="utf-8")
    with open_corpus(tmp_path / "c", create=True) as corpus:
        report = collect_parlamint(corpus, [both])
        frame = corpus.documents(source="parlamint")
    assert (report.collected, report.failed) == (4, 0)
    assert frame["title"].str.contains("European Economic Area").any()  # the TEI's debate head


@pytest.mark.parametrize(("line", "words", "procedure"), [
    ("I meet him at a later date Question put and agreed to.", ["I meet him at a later date"],
     ["Question put and agreed to."]),
    ("Question put and agreed to.", [], ["Question put and agreed to."]),
    ("Was the question put and agreed to last time? It was.", ["Was the question put and agreed to last time? It was."],
     []),
])
def test_trailing_procedure_is_peeled_from_a_plain_text_line(line, words, procedure):
    assert _peel_procedure(line) == (words, procedure)
