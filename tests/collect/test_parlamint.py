"""ParlaMint-GB's real sample sitting: TEI utterances with the metadata TSV, into a real store."""
from __future__ import annotations

import json
import shutil

from helpers import shared_data
from policytext.collect.parlamint import collect_parlamint, read_metadata_tsv
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
