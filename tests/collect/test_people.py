"""The person table loaded from real Popolo posts and ParlaMint's people, and documents linked to it.

Real data: ``ministers-1997-2010.json`` (mySociety's posts), the GOV.UK Content API items and the
seed blog in ../shared/data, the ParlaMint-GB sample sitting and the 2009 Hansard day. The people
files are written for these tests (``fixtures/people-govuk.json``: the GOV.UK speakers and two
Angela Smiths; ids 9001xx and the seats' member ids are made up, 10546 is the real id of the
Angela Smith whose posts the ministers file gives).
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import run_cli, shared_data
from policytext.collect.govuk import collect_govuk
from policytext.collect.hansard import collect_hansard
from policytext.collect.parlamint import collect_parlamint
from policytext.collect.people import describe_people, given_name_variants, link_documents, load_people
from policytext.corpus import open_corpus
from policytext.errors import ConfigError
from policytext.records import Document
from policytext.store.people import get_person, match_name

FIXTURES = Path(__file__).parent / "fixtures"
PEOPLE = FIXTURES / "people-govuk.json"
P = "uk.org.publicwhip/person/"


def _ministers():
    return shared_data("parliament", "ministers-1997-2010.json")


def test_popolo_files_load_with_each_fault_counted_and_the_rest_kept(tmp_path):
    with open_corpus(tmp_path / "c", create=True) as corpus:
        report = load_people(corpus, [_ministers(), PEOPLE])
        smith = get_person(corpus.store, P + "10546")
        cameron = get_person(corpus.store, P + "900104")
        hancock = get_person(corpus.store, P + "900102")
    warnings = "\n".join(report.warnings())
    # the ministers file names no one: only the posts of people that people-govuk.json names load
    unknown = report.problems["unknown"]
    assert unknown.count > 2000 and len(unknown.examples) == 3
    assert re.search(r"membership\(s\) of \d+ person id\(s\) no people file names, left out", warnings)
    assert report.problems["overlap"].count == 1 and "900104: Prime Minister" in report.problems["overlap"].examples[0]
    assert report.problems["parties"].count == 1 and "UKIP 2016-01-01" in report.problems["parties"].examples[0]
    # Angela Smith's posts are the real file's; her party comes from the people file
    assert [p.title for p in smith.posts_on("2009-10-27")] == ["Minister of State (Third Sector), Cabinet Office"]
    assert smith.parties_on("2009-10-27") == ["Labour"]
    assert len(cameron.posts) == 2  # the overlapping terms are both loaded
    assert {n.name for n in hancock.names} >= {"Matt Hancock", "Matthew Hancock"}
    assert report.files["ministers-1997-2010.json"]["posts"] == len(smith.posts)


def test_bad_files_are_refused_with_what_to_give(tmp_path):
    bad = tmp_path / "people.json"
    bad.write_text('{"persons": []}')
    with open_corpus(tmp_path / "c", create=True) as corpus:
        with pytest.raises(ConfigError, match="not a Popolo file"):
            load_people(corpus, [bad])
        with pytest.raises(ConfigError, match="no such file"):
            load_people(corpus, [tmp_path / "missing.json"])
        with pytest.raises(ConfigError, match="give its listPerson file"):
            load_people(corpus, [FIXTURES / "parlamint-people" / "ParlaMint-GB-listOrg.xml"])


def test_govuk_speakers_link_to_the_one_person_of_their_name_and_get_party_post_and_side(tmp_path, govuk_site):
    seed = shared_data("seed", "trust-to-try-things-out.txt").read_text(encoding="utf-8")
    seed_name = re.search(r"Cabinet Office Minister (\w+ \w+)", seed).group(1)
    with open_corpus(tmp_path / "c", create=True) as corpus:
        collect_govuk(corpus, base_url=govuk_site.base_url)
        # an item by the other Angela Smith's namesake: two people answer to the name
        corpus.write([Document(source="files", source_id="smith", text="Words.", speaker="Angela Smith",
                               date="2009-10-27", country="GB", kind="speech")], stage="collect-files")
        report = load_people(corpus, [_ministers(), PEOPLE])
        # the seed's "Matthew Hancock" and GOV.UK's "The Rt Hon Matt Hancock MP" are one person
        assert seed_name == "Matthew Hancock"
        assert match_name(corpus.store, seed_name).person_id == P + "900102"
        # ... found through the short form of his given name, which a link records as such
        assert match_name(corpus.store, seed_name).variant
        assert not match_name(corpus.store, "The Rt Hon Matt Hancock MP").variant
        assert match_name(corpus.store, "The Rt Hon Matt Hancock MP").person_id == P + "900102"
        query = "SELECT speaker, party, role, side, speaker_role, meta FROM documents ORDER BY date DESC"
        rows = {r[0]: (r[1], r[2], r[3], r[4], json.loads(r[5])) for r in corpus.store.conn.execute(query)}
        again = link_documents(corpus)
        rows_again = {r[0]: (r[1], r[2], r[3], r[4], json.loads(r[5])) for r in corpus.store.conn.execute(query)}
    linked = report.linked
    assert linked.by_name == 10 and linked.by_id == 0
    # Theresa May, Home Secretary on 30 April 2014 (the oldest of her two items, last in the dict):
    # party, role and side from the table; GOV.UK's own role for her is kept
    party, role, side, post, meta = rows["Theresa May"]
    assert (party, role, side, post) == ("Conservative", "minister", "government",
                                         "Secretary of State for the Home Department")
    assert meta["person_id"] == P + "900103" and meta["person_linked_by"] == "name"
    assert set(meta["people_filled"]) == {"party", "role", "side"}
    # a peer by his title; "Elizabeth Truss" by her main name
    assert rows["Lord McNally"][4]["person_id"] == P + "900110" and rows["Lord McNally"][2] == "government"
    assert rows["Elizabeth Truss"][4]["person_id"] == P + "900105"
    # the Queen is no one in the table; the ambiguous name is reported and linked to no one
    assert "person_id" not in rows["Her Majesty the Queen"][4]
    smith = rows["Angela Smith"]
    assert smith[:3] == (None, None, None) and "2 people are named 'Angela Smith'" in smith[4]["person_unlinked"]
    assert linked.problems["ambiguous"].count == 1
    assert any("Angela Smith" in w for w in linked.warnings())
    # linking again changes nothing
    assert rows_again == rows and again.by_name == linked.by_name


def test_documents_collected_after_the_people_are_linked_as_they_are_written(tmp_path, govuk_site):
    with open_corpus(tmp_path / "c", create=True) as corpus:
        load_people(corpus, [_ministers(), PEOPLE])
        report = collect_govuk(corpus, base_url=govuk_site.base_url)
        ambiguous = corpus.write([Document(source="files", source_id="smith", text="Words.", speaker="Angela Smith",
                                           date="2009-10-27", country="GB", kind="speech")], stage="collect-files")
        may = corpus.store.conn.execute(
            "SELECT party, side, meta FROM documents WHERE speaker = 'Theresa May' ORDER BY date LIMIT 1").fetchone()
    # no `collect people` run after the collect: the new items meet the table as they are written
    assert report.collected == 11
    assert may[:2] == ("Conservative", "government")
    assert json.loads(may[2])["person_linked_by"] == "name"
    # a name two people have is reported by the collect that wrote it
    assert any("Angela Smith" in n.reason for n in ambiguous.notices)


def test_parlamint_people_load_from_list_person_and_link_the_sitting(tmp_path):
    sample = shared_data("parliament", "parlamint-gb-sample")
    folder = tmp_path / "ParlaMint-GB"
    shutil.copytree(sample, folder)
    for name in ("ParlaMint-GB-listPerson.xml", "ParlaMint-GB-listOrg.xml"):
        shutil.copy(FIXTURES / "parlamint-people" / name, folder / name)
    with open_corpus(tmp_path / "c", create=True) as corpus:
        collected = collect_parlamint(corpus, [folder])  # the list files are not sittings
        report = load_people(corpus, [folder / "ParlaMint-GB-listPerson.xml"])
        davis = get_person(corpus.store, "ParlaMint-GB:DavidDavis")
        frame = corpus.documents(source="parlamint", text=False)
    assert collected.collected == 4 and collected.failed == 0
    assert {n.name for n in davis.names} >= {"David Michael Davis", "David Davis", "Dave Davis"}
    assert davis.parties_on("2017-09-07") == ["Conservative"]
    assert [p.category for p in davis.posts_on("2017-09-07")] == ["minister"]
    # ParlaMint's own fault: Galloway in two parties at once (Independent Labour and Respect)
    assert report.problems["parties"].count == 1 and "GeorgeGalloway" in report.problems["parties"].examples[0]
    assert report.linked.by_id == 2  # Davis and Kinnock; the others are not in the list
    row = frame[frame["speaker"] == "David Michael Davis"].iloc[0]
    assert row["role"] == "minister"  # the sitting's TSV says notMinister; the list says in government
    assert row["side"] == "government"


def test_hansard_uses_the_stored_person_table_without_posts_files(tmp_path):
    with open_corpus(tmp_path / "c", create=True) as corpus:
        load_people(corpus, [FIXTURES / "people-2009-2023.json"])
        report = collect_hansard(corpus, [shared_data("parliament", "debates2009-10-27d.xml")])
        healey = corpus.store.conn.execute(
            "SELECT meta, party, side FROM documents WHERE speaker = 'John Healey' LIMIT 1").fetchone()
    assert json.loads(healey[0])["person_id"] == P + "10268"
    assert (healey[1], healey[2]) == ("Labour", "government")
    assert not any("name only a member id" in n.reason and n.reason.startswith("3") for n in report.notices)


def test_people_on_a_day_shows_a_deputy_speakers_chair_post_and_no_side(tmp_path):
    with open_corpus(tmp_path / "c", create=True) as corpus:
        load_people(corpus, [PEOPLE])
        frame = describe_people(corpus, "Nigel Evans", on="2023-03-28")
        with pytest.raises(ConfigError, match="not a day"):
            describe_people(corpus, "Nigel Evans", on="2023")
    by_kind = {row.kind: row for row in frame.itertuples()}
    assert by_kind["post"].what == "Second Deputy Chairman of Ways and Means, House of Commons"
    assert by_kind["role"].what == "chair"
    assert pd.isna(by_kind["side"].what) and by_kind["side"][5] == "the chair sits on no side"


def test_given_name_variants_go_both_ways():
    assert "Matthew Hancock" in given_name_variants("Matt Hancock")
    assert "Nicholas Gibb" in given_name_variants("Nick Gibb")
    assert given_name_variants("Hancock") == []


def test_people_commands(tmp_path, capsys):
    corpus = str(tmp_path / "c")
    code, out, err = run_cli(capsys, "-c", corpus, "collect", "people", str(_ministers()), str(PEOPLE))
    assert code == 0
    assert re.search(r"warning: \d+ membership\(s\) of \d+ person id\(s\) no people file names", err)
    assert "warning: 1 overlapping terms of the same post" in err
    assert "12 people" in err
    code, out, err = run_cli(capsys, "-c", corpus, "people", "Matthew Hancock", "--on", "2016-01-10",
                             "--format", "json")
    rows = json.loads(out)
    assert code == 0 and {(r["kind"], r["what"]) for r in rows} == {
        ("party", "Conservative"), ("post", "Minister for the Cabinet Office"),
        ("role", "minister"), ("side", "government")}
    code, out, err = run_cli(capsys, "-c", corpus, "people", "Nobody Atall")
    assert code == 1 and "No one in the person table is named 'Nobody Atall'" in err
    code, out, err = run_cli(capsys, "-c", corpus, "people", "Hancock", "--on", "2016")
    assert code == 1 and "Error: --on '2016' is not a day" in err


def test_a_parlamint_only_table_gives_hansard_nothing(tmp_path):
    """ParlaMint's ids are not Hansard's: its posts must not decide who is a Hansard backbencher."""
    from policytext.collect.parliament_posts import stored_posts

    with open_corpus(tmp_path / "c", create=True) as corpus:
        load_people(corpus, [FIXTURES / "parlamint-people" / "ParlaMint-GB-listPerson.xml"])
        assert stored_posts(corpus.store) is None
        load_people(corpus, [FIXTURES / "people-2009-2023.json"])
        book = stored_posts(corpus.store)
        assert book is not None and not any(pid.startswith("ParlaMint") for pid in book.seats_by_person)


def test_parlamint_affiliations_beyond_government_are_posts_with_the_schemas_class(tmp_path):
    """Party heads, committee seats and chairs, the Speaker, ministries: classed where ParlaMint's schema says."""
    folder = tmp_path / "ParlaMint-XX"
    folder.mkdir()
    tei = 'xmlns="http://www.tei-c.org/ns/1.0"'
    (folder / "ParlaMint-XX-listOrg.xml").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<listOrg {tei} xml:id="ParlaMint-XX-listOrg" xml:lang="en">
  <org xml:id="GoXX" role="government"><orgName full="yes">Government of XX</orgName></org>
  <org xml:id="ministry.Finance" role="ministry"><orgName full="yes">Ministry of Finance</orgName></org>
  <org xml:id="parliament.LH" role="parliament" ana="#parla.lower"><orgName full="yes">Lower House</orgName></org>
  <org xml:id="parliament.UH" role="parliament" ana="#parla.upper"><orgName full="yes">Upper House</orgName></org>
  <org xml:id="party.A" role="politicalParty"><orgName full="yes">Party A</orgName></org>
  <org xml:id="committee.Budget" role="committee"><orgName full="yes">Budget Committee</orgName></org>
</listOrg>
""", encoding="utf-8")
    (folder / "ParlaMint-XX-listPerson.xml").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<listPerson {tei} xml:id="ParlaMint-XX-listPerson" xml:lang="en">
  <person xml:id="AnnaAlpha">
    <persName><surname>Alpha</surname><forename>Anna</forename></persName>
    <affiliation ref="#parliament.LH" role="member" from="2015-05-07"/>
    <affiliation ref="#party.A" role="member" from="2010-01-01"/>
    <affiliation ref="#party.A" role="head" from="2016-01-01" to="2019-12-31"/>
    <affiliation ref="#committee.Budget" role="member" from="2015-06-01"/>
    <affiliation ref="#committee.Budget" role="head" from="2017-01-01"/>
    <affiliation ref="#ministry.Finance" role="head" from="2018-01-01"/>
    <affiliation ref="#GoXX" role="head" from="2019-01-01"/>
    <affiliation ref="#parliament.LH" role="deputyHead" from="2020-01-01"><roleName>First Deputy Speaker</roleName></affiliation>
    <affiliation ref="#parliament.UH" role="deputyHead" from="2021-01-01"/>
    <affiliation ref="#committee.Budget" role="rapporteur" from="2022-01-01"/>
    <affiliation ref="#nowhere.X" role="observer" from="2022-01-01"/>
  </person>
</listPerson>
""", encoding="utf-8")
    with open_corpus(tmp_path / "c", create=True) as corpus:
        load_people(corpus, [folder / "ParlaMint-XX-listPerson.xml"])
        anna = get_person(corpus.store, "ParlaMint-XX:AnnaAlpha")
    posts = {(p.title, p.category) for p in anna.posts}
    assert posts == {
        ("Leader, Party A", None),
        ("Member, Budget Committee", None),
        ("Chair, Budget Committee", None),
        ("Minister, Ministry of Finance", "minister"),
        ("Head of government, Government of XX", "minister"),
        ("First Deputy Speaker, Lower House", "chair"),
        ("Deputy Speaker, Upper House", None),  # the upper house's deputies speak from the benches
        ("Rapporteur, Budget Committee", "unknown"),  # not a role the schema lists: kept, class unknown
        ("Observer, nowhere.X", "unknown"),  # an organisation the listOrg does not describe
    }
    assert anna.parties_on("2017-01-01") == ["Party A"]  # the party's head is still its member, once
