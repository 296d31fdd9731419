"""Hansard in ParlParse XML: both forms of the format on real sitting days, a real SQLite store,
versions of a day, bad files, and the published folder over a real HTTP server on 127.0.0.1."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from helpers import shared_data
from policytext.analyse.groups import NO_GROUP, group_labels
from policytext.cli import main
from policytext.collect.hansard import (
    _office_role,
    collect_hansard,
    collect_hansard_web,
    is_procedural,
    parse_day,
    parse_directory_listing,
    read_day_xml,
    speech_url,
)
from policytext.corpus import open_corpus
from policytext.errors import BadInput, ConfigError

MODERN = "debates2023-03-28d.xml"
OLDER = "debates2009-10-27d.xml"


def day_bytes(name: str) -> bytes:
    return shared_data("parliament", name).read_bytes()


@pytest.fixture(scope="module")
def modern():
    return parse_day(day_bytes(MODERN), item=MODERN)


@pytest.fixture(scope="module")
def older():
    return parse_day(day_bytes(OLDER), item=OLDER)


def speeches_of(day, speaker):
    return [s for s in day.speeches if s.speaker == speaker]


# ------------------------------------------------------------------------------------ parsing


def test_modern_day_keeps_each_speech_with_its_speaker_column_headings_and_address(modern):
    assert (modern.series, modern.date, modern.version, modern.latest) == ("debate", "2023-03-28", "d", True)
    answer = speeches_of(modern, "Dominic Raab")[0]
    assert answer.person_id == "uk.org.publicwhip/person/24815"
    assert answer.gid == "uk.org.publicwhip/debate/2023-03-28d.809.8"
    assert answer.column == "809"
    assert answer.type == "Start Answer"
    assert answer.headings == ("Justice", "Violence against Women and Girls")
    assert answer.paragraphs[0].startswith("The Government are taking a zero-tolerance approach")
    assert speech_url(answer.gid) == "https://www.theyworkforyou.com/debates/?id=2023-03-28d.809.8"
    # every kept contribution has a speaker, and none is a bare stage direction
    assert all(s.speaker or s.person_id for s in modern.speeches)
    assert not any(p == "rose—" for s in modern.speeches for p in s.paragraphs)
    assert modern.divisions == 5  # the division lists are not anyone's words


def test_a_minor_heading_after_a_debate_without_one_starts_the_next_debate(older, modern):
    # 27 October 2009: the Marine and Coastal Access Bill's report stage is printed as a minor
    # heading after the ten-minute-rule motion on CCTV (a major heading with its speech); its
    # speeches were titled "Closed Circuit Television (Monitoring and Promotion) — Schedule 22 — Repeals".
    [harris] = speeches_of(older, "Tom Harris")[:1]
    assert harris.headings == ("Closed Circuit Television (Monitoring and Promotion)",)
    benn = speeches_of(older, "Hilary Benn")
    assert {s.headings for s in benn} == {("Marine and Coastal Access Bill [ Lords] — [2nd Allocated Day]",
                                           "Schedule 22 — Repeals")}
    assert benn[0].debate_id == "uk.org.publicwhip/debate/2009-10-27d.199.6"
    # "Business without Debate — <item>" printed as a minor heading heads the items after it
    assert {s.headings for s in older.speeches if "Select Committee" in s.headings[-1]} == {
        ("Business without Debate", f"{region} Select Committee ({name})")
        for region, name in (("Regional", "West Midlands"), ("Regional", "Yorkshire and the Humber"),
                             ("REgional", "South West"))}
    # a minor heading straight after its major heading stays a part of it
    assert speeches_of(older, "John Denham")[0].headings[0] == "COMMUNITIES AND LOCAL GOVERNMENT"
    assert {s.headings[0] for s in modern.speeches if s.headings[-1].startswith("Clause 2")} == {
        "Illegal Migration Bill"}


def test_older_day_reads_member_ids_offices_and_html_entities_without_the_dtd(older):
    assert (older.date, older.version) == ("2009-10-27", "d")
    denham = speeches_of(older, "John Denham")[0]
    assert denham.member_id == "uk.org.publicwhip/member/1827"
    assert denham.person_id is None
    assert denham.office == "The Secretary of State for Communities and Local Government"
    assert denham.time == "14:30:00"
    assert denham.hansard_url.startswith("http://www.publications.parliament.uk/pa/cm200809/cmhansrd/")
    text = " ".join(p for s in older.speeches for p in s.paragraphs)
    assert "&mdash;" not in text and "&pound;" not in text
    assert "£" in text and "—" in text  # the DTD's entities became characters
    # ParlParse's three-digit hours ("017:45:00") are read as times of day
    assert {s.time for s in older.speeches} >= {"17:45:00"}


@pytest.mark.parametrize("paragraph, procedural", [
    ("rose—", True),
    ("Question put and agreed to.", True),
    ("Question accordingly agreed to.", True),
    ("Amendment, by leave, withdrawn.", True),
    ("Bill read the First time; to be read a Second time on Friday 24 November, and to be printed (Bill 282).", True),
    ("The House divided: Ayes 242, Noes 309.", True),
    ("Resolved,", True),
    ("I put the question to the Minister: will he agree to meet me?", False),
    ("The Government are taking a zero-tolerance approach to violence against women and girls.", False),
    ("Trust is what local leaders need to try things out.", False),
])
def test_procedural_paragraphs(paragraph, procedural):
    assert is_procedural(paragraph) is procedural


def test_procedure_goes_to_meta_not_the_speakers_words(tmp_path):
    with open_corpus(tmp_path / "c", create=True) as corpus:
        collect_hansard(corpus, [shared_data("parliament", OLDER)])
        frame = corpus.documents(source="hansard")
        rows = corpus.store.conn.execute("SELECT text, meta FROM documents WHERE meta LIKE '%procedural%'").fetchall()
    assert rows, "the day has speeches that end with procedure"
    for text, meta in rows:
        for paragraph in json.loads(meta)["procedural"]:
            assert paragraph not in text.split("\n\n")
    assert not frame["text"].str.fullmatch(r"\s*rose\W*").any()


@pytest.mark.parametrize("body, reason", [
    (b"<?xml version='1.0'?><!DOCTYPE publicwhip [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
     b"<publicwhip><speech id='uk.org.publicwhip/debate/2009-01-01a.1.1' speakername='A'><p>&x;</p></speech></publicwhip>",
     "unknown entity &x;"),
    (b"<?xml version='1.0'?><!DOCTYPE publicwhip [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;'>]>"
     b"<publicwhip><speech id='uk.org.publicwhip/debate/2009-01-01a.1.1' speakername='A'><p>&b;</p></speech></publicwhip>",
     "unknown entity &b;"),
    (b"<?xml version='1.0'?><urlset/>", "not a ParlParse file"),
    (b"<publicwhip><speech id='x'><p>never closed", "not well-formed XML"),
])
def test_unsafe_or_broken_xml_is_refused_not_expanded(body, reason):
    with pytest.raises(BadInput, match=re.escape(reason)):
        read_day_xml(body, item="day.xml") if reason != "no element" else parse_day(body, item="day.xml")


# ---------------------------------------------------------------------------------- the store


def test_collect_is_idempotent_and_a_bad_file_is_recorded_while_the_batch_goes_on(tmp_path):
    days = tmp_path / "days"
    days.mkdir()
    (days / MODERN).write_bytes(day_bytes(MODERN))
    (days / "debates2009-10-28d.xml").write_bytes(day_bytes(OLDER)[:20000])  # truncated download
    with open_corpus(tmp_path / "c", create=True) as corpus:
        first = collect_hansard(corpus, [days])
        second = collect_hansard(corpus, [days])
        stored = corpus.documents(source="hansard", text=False)
        failures = corpus.failures(stage="collect-hansard")
    assert first.failed == 1 and first.collected == len(parse_day(day_bytes(MODERN), item=MODERN).speeches)
    assert "truncated" in first.failures[0].reason and first.failures[0].line is not None
    assert (second.collected, second.updated, second.unchanged) == (0, 0, first.collected)
    assert len(stored) == first.collected and stored["id"].is_unique
    assert list(failures["item"]) == [str((days / "debates2009-10-28d.xml").resolve())]
    raab = stored[stored["url"].str.endswith("?id=2023-03-28d.809.8")].iloc[0]
    assert raab["speaker"] == "Dominic Raab"
    assert (raab["kind"], raab["country"], raab["date"]) == ("debate", "GB", "2023-03-28")
    assert raab["title"] == "Justice — Violence against Women and Girls"


def test_a_changed_day_updates_only_its_changed_speech_and_a_rerun_adds_nothing(tmp_path):
    days = tmp_path / "days"
    days.mkdir()
    (days / MODERN).write_bytes(day_bytes(MODERN))
    (days / OLDER).write_bytes(day_bytes(OLDER))

    def rows(corpus):
        return {row["source_id"]: tuple(row) for row in corpus.store.conn.execute(
            "SELECT source_id, title, text, speaker, role, side, party, content_sha256, words, meta, "
            "collected_at, updated_at FROM documents ORDER BY rowid")}

    with open_corpus(tmp_path / "c", create=True) as corpus:
        first = collect_hansard(corpus, [days])
        before = rows(corpus)
        # Hansard corrects a word of one answer in the same version of the day
        corrected = day_bytes(MODERN).replace(b"zero-tolerance approach to violence", b"zero-tolerance policy on violence")
        assert corrected != day_bytes(MODERN)
        (days / MODERN).write_bytes(corrected)
        changed = collect_hansard(corpus, [days])
        after = rows(corpus)
        again = collect_hansard(corpus, [days])
        last = rows(corpus)
    raab = "uk.org.publicwhip/debate/2023-03-28d.809.8"
    assert first.collected == len(before) > 400
    assert (changed.collected, changed.updated, changed.unchanged) == (0, 1, first.collected - 1)
    assert [u.source_id for u in changed.updates] == [raab] and changed.updates[0].changed == ("text",)
    assert list(after) == list(before), "no speech added, removed or moved"
    assert {k for k in before if after[k] != before[k]} == {raab}
    assert after[raab][2].startswith("The Government are taking a zero-tolerance policy on violence")
    assert after[raab][10] == before[raab][10], "collected_at is kept; updated_at says when it changed"
    assert (again.collected, again.updated, again.unchanged) == (0, 0, first.collected)
    assert last == after


def _as_version(data: bytes, version: str, *, latest: bool) -> bytes:
    text = data.decode("iso-8859-1").replace("2009-10-27d.", f"2009-10-27{version}.")
    text = text.replace('latest="yes"', f'latest="{"yes" if latest else "no"}"')
    return text.encode("iso-8859-1")


def test_a_newer_version_of_a_day_replaces_the_older_one(tmp_path):
    original = day_bytes(OLDER)
    older_version = tmp_path / "old" / "debates2009-10-27c.xml"
    older_version.parent.mkdir()
    older_version.write_bytes(_as_version(original, "c", latest=False))
    redirect = (b'<gidredirect oldgid="uk.org.publicwhip/debate/2009-10-27c.141.10" '
                b'newgid="uk.org.publicwhip/debate/2009-10-27d.141.10" matchtype="changes"/>\n')
    newer = tmp_path / "new" / OLDER
    newer.parent.mkdir()
    newer.write_bytes(original.replace(b'<publicwhip scrapeversion="d" latest="yes">',
                                       b'<publicwhip scrapeversion="d" latest="yes">\n' + redirect))
    with open_corpus(tmp_path / "c", create=True) as corpus:
        collect_hansard(corpus, [older_version])
        count = len(corpus.documents(source="hansard", text=False))
        report = collect_hansard(corpus, [newer])
        rows = corpus.store.conn.execute("SELECT source_id, meta FROM documents WHERE source = 'hansard'").fetchall()
        again = collect_hansard(corpus, [older_version])
        both = collect_hansard(corpus, [older_version.parent, newer.parent])
    assert len(rows) == count, "the newer version took the older one's place"
    assert all("2009-10-27d." in source_id for source_id, _ in rows)
    denham = next(json.loads(meta) for source_id, meta in rows if source_id.endswith("d.141.10"))
    assert denham["replaces"] == ["uk.org.publicwhip/debate/2009-10-27c.141.10"]
    assert any("older version" in n.reason for n in report.notices)
    assert again.collected == 0 and again.skipped == 1 and "older than version d" in again.skips[0].reason
    assert both.collected == 0 and any("superseded by debates2009-10-27d.xml" in s.reason for s in both.skips)


def test_posts_give_each_speech_its_post_and_role_on_the_day(tmp_path):
    # Real posts of 28 March 2023 (public record), written as ParlParse's Popolo files are.
    posts = tmp_path / "ministers-2010.json"
    posts.write_text(json.dumps({
        "organizations": [{"id": "ministry-of-justice", "name": "Ministry of Justice"},
                          {"id": "home-office", "name": "Home Office"},
                          {"id": "shadow-home-office", "name": "Home Office"}],
        "memberships": [
            {"person_id": "uk.org.publicwhip/person/24815", "role": "Secretary of State",
             "organization_id": "ministry-of-justice", "start_date": "2022-10-25", "end_date": "2023-04-21"},
            {"person_id": "uk.org.publicwhip/person/25227", "role": "Minister of State (Immigration)",
             "organization_id": "home-office", "start_date": "2022-10-25", "end_date": "2023-12-07"},
            {"person_id": "uk.org.publicwhip/person/25297", "role": "Shadow Minister (Immigration)",
             "organization_id": "shadow-home-office", "start_date": "2021-12-04", "end_date": "2023-09-04"},
            {"person_id": "uk.org.publicwhip/person/24815", "role": "Secretary of State",
             "organization_id": "ministry-of-justice", "start_date": "2021-09-15", "end_date": "2022-09-06"},
        ]}))
    people = tmp_path / "people.json"
    people.write_text(json.dumps({
        "organizations": [{"id": "conservative", "name": "Conservative"}, {"id": "labour", "name": "Labour"}],
        "memberships": [
            {"id": "test/member/1", "person_id": "uk.org.publicwhip/person/24815", "on_behalf_of_id": "conservative",
             "start_date": "2019-12-12", "end_date": "2024-05-30"},
            {"id": "test/member/2", "person_id": "uk.org.publicwhip/person/24949", "on_behalf_of_id": "labour",
             "start_date": "2019-12-12", "end_date": "2024-05-30"},
            {"id": "test/member/3", "person_id": "uk.org.publicwhip/person/25297", "on_behalf_of_id": "labour",
             "start_date": "2019-12-12"},
            {"id": "test/member/4", "person_id": "uk.org.publicwhip/person/25297", "on_behalf_of_id": "independent",
             "start_date": "2023-01-01", "end_date": "2023-06-01"},  # overlapping: reported, no party given
        ]}))
    with open_corpus(tmp_path / "c", create=True) as corpus:
        report = collect_hansard(corpus, [shared_data("parliament", MODERN)], posts=[posts, people])
        frame = corpus.documents(source="hansard", text=False)
        ministers = corpus.documents(source="hansard", role="minister", text=False)
        justice = corpus.documents(post="ministry of justice", text=False)

    def first(speaker):
        return frame[frame["speaker"] == speaker].iloc[0]

    def role(speaker):
        return first(speaker)["role"]

    assert first("Dominic Raab")["speaker_role"] == "Secretary of State, Ministry of Justice"
    assert first("Dominic Raab")["party"] == "Conservative"
    assert first("Dominic Raab")["organisations"] == ["Ministry of Justice"]
    assert role("Dominic Raab") == "minister" and role("Robert Jenrick") == "minister"
    assert role("Stephen Kinnock") == "shadow"
    assert role("Stella Creasy") == "backbencher" and first("Stella Creasy")["party"] == "Labour"
    assert pd.isna(first("Stephen Kinnock")["party"])
    assert any("sat for Labour and independent on 2023-03-28" in n.reason for n in report.notices)
    # the role is a filter like any other: only the ministers' speeches
    assert set(ministers["speaker"]) == {"Dominic Raab", "Robert Jenrick"}
    # the Speaker and the Deputy Speakers, whom modern files print by name, are the chair
    assert set(frame["role"].dropna()) == {"minister", "shadow", "backbencher", "chair"}
    assert set(frame[frame["role"] == "chair"]["speaker"]) == {"Lindsay Hoyle", "Nigel Evans", "Rosie Winterton",
                                                              "Roger Gale"}
    # a post, by any part of it, is a filter, and a grouping for trends and keyness
    assert set(justice["speaker"]) == {"Dominic Raab"}
    groups = group_labels(frame, "post")
    assert set(groups[frame["speaker"] == "Robert Jenrick"]) == {"Minister of State (Immigration), Home Office"}
    assert set(groups[frame["speaker"] == "Stella Creasy"]) == {NO_GROUP}


def test_older_files_give_ministers_and_the_chair_their_role_from_the_printed_office(tmp_path):
    with open_corpus(tmp_path / "c", create=True) as corpus:
        collect_hansard(corpus, [shared_data("parliament", OLDER)])
        frame = corpus.documents(source="hansard", text=False)
    denham = frame[frame["speaker"] == "John Denham"].iloc[0]
    assert (denham["role"], denham["speaker_role"]) == ("minister", "Secretary of State for Communities and Local Government")
    assert set(frame[frame["speaker"].str.contains("Deputy Speaker", na=False)]["role"]) == {"chair"}
    # without posts files nobody is called a backbencher: those not printed with an office are unknown
    assert "backbencher" not in set(frame["role"].dropna())


def test_the_cli_collects_days_reports_bad_files_and_exits_1(tmp_path, capsys):
    bad = tmp_path / "debates2009-10-28d.xml"
    bad.write_bytes(b"<publicwhip><speech")
    code = main(["--corpus", str(tmp_path / "c"), "collect", "hansard", str(shared_data("parliament", OLDER)),
                 str(bad), "--posts", str(shared_data("parliament", "ministers-1997-2010.json"))])
    _, err = capsys.readouterr()
    assert code == 1
    assert f"failed {bad}" in err and "not well-formed XML" in err
    assert re.search(r"^[0-9]+ collected, 0 updated, 0 unchanged, 0 skipped, 0 duplicate, 1 failed, [0-9]+ noted$", err, re.M)
    assert "speech(es) have no role" in err  # older member ids need people.json to meet the posts
    code = main(["--corpus", str(tmp_path / "c"), "collect", "hansard", str(tmp_path / "missing.json"),
                 "--posts", str(tmp_path / "nope.json")])
    _, err = capsys.readouterr()
    assert code == 1 and "Error: the posts file" in err and "does not exist" in err


# --------------------------------------------------------------------------- published folder


def _index(*names: str) -> str:
    links = "".join(f'<a href="{name}">{name}</a> 2023-03-29 03:00 900K\n' for name in names)
    return f"<html><body><h1>Index of /pwdata/scrapedxml/debates</h1><pre>{links}</pre></body></html>"


def test_parse_directory_listing_keeps_the_newest_version_of_each_day():
    body = _index("debates2009-10-27c.xml", "debates2009-10-27d.xml", "debates2023-03-28d.xml", "README").encode()
    listed = parse_directory_listing(body, url="https://example.org/pwdata/scrapedxml/debates/")
    assert [(d.date, d.version, d.url.rsplit("/", 1)[1]) for d in listed] == [
        ("2009-10-27", "d", "debates2009-10-27d.xml"), ("2023-03-28", "d", "debates2023-03-28d.xml")]
    with pytest.raises(BadInput, match="links to no ParlParse sitting-day file"):
        parse_directory_listing(b"<html>nothing</html>", url="https://example.org/")


def test_collect_from_the_published_folder_is_polite_cached_and_incremental(corpus, site):
    folder = "/pwdata/scrapedxml/debates/"
    site.add(folder, _index("debates2009-10-27d.xml", "debates2023-03-28c.xml", "debates2023-03-28d.xml",
                            "debates2023-03-29d.xml"))
    site.add(folder + "debates2009-10-27d.xml", day_bytes(OLDER), content_type="text/xml")
    site.add(folder + "debates2023-03-28d.xml", day_bytes(MODERN), content_type="text/xml",
             headers={"ETag": '"d1"'})
    site.add("/robots.txt", "User-agent: *\nDisallow: /pwdata/scrapedxml/debates/debates2023-03-29",
             content_type="text/plain")
    report = collect_hansard_web(corpus, site.url(folder), since="2023-03", until="2023-03-31")
    assert report.collected == len(parse_day(day_bytes(MODERN), item=MODERN).speeches)
    assert site.hits(folder + "debates2009-10-27d.xml") == 0  # outside --since/--until
    assert site.hits(folder + "debates2023-03-28c.xml") == 0  # an older version of a listed day
    assert report.failed == 1 and "robots.txt" in report.failures[0].reason  # 29 March is disallowed
    assert corpus.store.conn.execute("SELECT COUNT(*) FROM http_cache").fetchone()[0] >= 2

    again = collect_hansard_web(corpus, site.url(folder), since="2023-03", until="2023-03-31")
    assert site.hits(folder + "debates2023-03-28d.xml") == 1, "a day collected at the listed version is not fetched again"
    assert again.collected == 0 and again.unchanged == report.collected
    assert any("already collected" in n.reason for n in again.notices)

    # a re-run with a posts file relabels the speeches from the raw cache, still without fetching
    posts = corpus.path / "ministers.json"
    posts.write_text(json.dumps({"organizations": [{"id": "moj", "name": "Ministry of Justice"}], "memberships": [
        {"person_id": "uk.org.publicwhip/person/24815", "role": "Secretary of State", "organization_id": "moj",
         "start_date": "2022-10-25", "end_date": "2023-04-21"}]}))
    chair = corpus.count_documents(role="chair")  # the chair is the chair with or without posts
    assert chair == 38
    relabelled = collect_hansard_web(corpus, site.url(folder), since="2023-03-28", until="2023-03-28", posts=[posts])
    assert site.hits(folder + "debates2023-03-28d.xml") == 1
    # every other speech gains a role: the posts file covers the day, so whoever holds no post is a backbencher
    assert (relabelled.updated, relabelled.unchanged) == (report.collected - chair, chair)
    assert set(corpus.documents(role="minister", text=False)["speaker"]) == {"Dominic Raab"}


# ----------------------------------------------------------------------- people and sides

PEOPLE = Path(__file__).parent / "fixtures" / "people-2009-2023.json"
"""A people.json in mySociety's Popolo shape written for these tests: persons, parties and seats.
The person ids are those the 2023 day prints and the 2009 member ids those the 2009 day prints,
paired by the speaker's name; the 2019 seats' member ids (90000x) and the dates are made up."""


def _speeches(corpus, speaker):
    return [(date, json.loads(meta).get("person_id"), party, side) for date, meta, party, side in corpus.store.conn.execute(
        "SELECT date, meta, party, side FROM documents WHERE speaker = ? ORDER BY date", (speaker,))]


@pytest.mark.parametrize("option", ["people", "posts"])
def test_people_json_makes_an_older_member_id_the_same_person_as_on_a_modern_day(tmp_path, option):
    with open_corpus(tmp_path / "c", create=True) as corpus:
        report = collect_hansard(corpus, [shared_data("parliament", OLDER), shared_data("parliament", MODERN)],
                                 **{option: [PEOPLE]})
        healey, blunt, carmichael = (_speeches(corpus, name) for name in
                                     ("John Healey", "Crispin Blunt", "Alistair Carmichael"))
        hoyle = corpus.documents(speaker="Lindsay Hoyle", text=False)
    person = "uk.org.publicwhip/person/10268"
    assert {(date, pid) for date, pid, _, _ in healey} == {("2009-10-27", person), ("2023-03-28", person)}
    # the party on each day, and so the side: Labour governed in 2009 and opposed in 2023
    assert {(date, party, side) for date, _, party, side in healey} == {
        ("2009-10-27", "Labour", "government"), ("2023-03-28", "Labour", "opposition")}
    assert {(date, side) for date, _, _, side in blunt} == {("2009-10-27", "opposition"), ("2023-03-28", "government")}
    assert {side for _, _, _, side in carmichael} == {"opposition"}
    # the Speaker (seated for the party "Speaker") is the chair, on no side
    assert set(hoyle["role"]) == {"chair"} and hoyle["side"].isna().all()
    resolved = sum(1 for s in parse_day(day_bytes(OLDER), item=OLDER).speeches
                   if s.member_id in {"uk.org.publicwhip/member/1918", "uk.org.publicwhip/member/1778",
                                      "uk.org.publicwhip/member/2006", "uk.org.publicwhip/member/1693",
                                      "uk.org.publicwhip/member/2023"})
    member_only = [n.reason for n in report.notices if "name only a member id" in n.reason]
    assert member_only == [f"{316 - resolved} speech(es) name only a member id (the older form), not a person: "
                           "give mySociety's people.json (--people) to resolve them to person ids, the same "
                           "person across years"]


def test_without_people_json_the_cli_says_how_many_speeches_have_only_a_member_id(tmp_path, capsys, older):
    only_member = sum(1 for s in older.speeches if s.member_id and not s.person_id)
    assert only_member == 316
    code = main(["--corpus", str(tmp_path / "c"), "collect", "hansard", str(shared_data("parliament", OLDER))])
    _, err = capsys.readouterr()
    assert code == 0
    assert f"{only_member} speech(es) name only a member id" in err


def test_a_people_file_without_member_ids_is_refused(tmp_path):
    with open_corpus(tmp_path / "c", create=True) as corpus:
        with pytest.raises(ConfigError, match="map no member id to a person"):
            collect_hansard(corpus, [shared_data("parliament", OLDER)],
                            people=[shared_data("parliament", "ministers-1997-2010.json")])


def test_side_on_the_day_is_a_filter_and_a_grouping_and_unknown_is_never_guessed(tmp_path, capsys):
    with open_corpus(tmp_path / "c", create=True) as corpus:
        report = collect_hansard(corpus, [shared_data("parliament", OLDER)],
                                 posts=[shared_data("parliament", "ministers-1997-2010.json")], people=[PEOPLE])
        frame = corpus.documents(source="hansard", text=False)
        government = corpus.documents(side="government", text=False)
        opposition = corpus.documents(side="Opposition", text=False)
    # ministers (posts or the printed office) are the government's side; known parties decide the rest
    assert set(frame[frame["role"] == "minister"]["side"]) == {"government"}
    assert {"John Denham", "John Healey"} <= set(government["speaker"])
    assert {"Crispin Blunt", "Alistair Carmichael", "Gregory Campbell"} <= set(opposition["speaker"])
    assert len(government) + len(opposition) == frame["side"].notna().sum()
    # the chair and members with no party on the day have no side, and a note says why
    assert frame[frame["role"] == "chair"]["side"].isna().all()
    note = next(n.reason for n in report.notices if "have no side" in n.reason)
    assert "no party on the day" in note and "the chair sits on no side" in note
    groups = group_labels(frame, "side")
    assert set(groups) == {"government", "opposition", NO_GROUP}
    code = main(["--corpus", str(tmp_path / "c"), "docs", "--side", "goverment"])
    _, err = capsys.readouterr()
    assert code == 1 and "Error: side must be government or opposition, not 'goverment'" in err


def test_search_and_quotes_take_side_role_and_post_like_every_filter(tmp_path):
    from policytext.errors import BadQuery
    from policytext.search import find_quotes, search_corpus

    with open_corpus(tmp_path / "c", create=True) as corpus:
        collect_hansard(corpus, [shared_data("parliament", OLDER)],
                        posts=[shared_data("parliament", "ministers-1997-2010.json")], people=[PEOPLE])
        conn = corpus.store.conn
        with corpus.store.transaction():  # one sentence per paragraph: enough to search, without a model
            for doc_id, text in conn.execute("SELECT id, text FROM documents").fetchall():
                start = 0
                for idx, paragraph in enumerate(text.split("\n\n")):
                    conn.execute("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, ?, ?, ?, ?)",
                                 (doc_id, idx, start, start + len(paragraph), paragraph))
                    start += len(paragraph) + 2
        sides = dict(conn.execute("SELECT id, side FROM documents").fetchall())
        roles = dict(conn.execute("SELECT id, role FROM documents").fetchall())
        every = search_corpus(corpus, "housing", limit=1000)
        government = search_corpus(corpus, "housing", side="government", limit=1000)
        opposition = search_corpus(corpus, "housing", side="opposition", limit=1000)
        ministers = search_corpus(corpus, "housing", role="minister", post="Communities", limit=1000)
        with pytest.raises(BadQuery, match="side must be government or opposition"):
            search_corpus(corpus, "housing", side="left")
        with pytest.raises(BadQuery, match="side must be government or opposition"):
            find_quotes(corpus, side="left")
        assert find_quotes(corpus, side="government").empty  # no quotes annotated: a valid, empty answer
    assert government.total and opposition.total
    assert {sides[h.doc_id] for h in government.hits} == {"government"}
    assert {sides[h.doc_id] for h in opposition.hits} == {"opposition"}
    assert government.total + opposition.total < every.total  # the chair and unknown sides are in neither
    assert ministers.total and {roles[h.doc_id] for h in ministers.hits} == {"minister"}


# ------------------------------------------------------------------------------ the chair

@pytest.mark.parametrize("office", [
    "Mr. Deputy Speaker", "Madam Deputy Speaker", "Madam Deputy Speaker (Dame Rosie Winterton)",
    "Mr Deputy Speaker (Mr Nigel Evans)", "The Chairman of Ways and Means", "The First Deputy Chairman of Ways and Means",
    "The Second Deputy Chairman", "The Temporary Chairman (Sir Roger Gale)", "Mr. Speaker",
])
def test_the_chair_in_any_printed_form_is_the_chair(office):
    assert _office_role(office, None) == "chair"
    assert _office_role(None, office) == "chair"


@pytest.mark.parametrize("office", ["The Chairman of the Public Accounts Committee", "Mr. Nigel Evans"])
def test_a_committee_chairman_or_a_name_is_not_the_chair(office):
    assert _office_role(office, None) is None


def test_deputy_speakers_on_the_2023_day_are_the_chair_with_no_side_and_say_why(tmp_path):
    """The 2023 day prints the Deputy Speakers by name (Nigel Evans, Rosie Winterton, and Roger Gale
    as a temporary chair in Committee); none of their contributions is typed, and they call
    members and order the House. They are the chair, not backbenchers of their parties."""
    with open_corpus(tmp_path / "c", create=True) as corpus:
        report = collect_hansard(corpus, [shared_data("parliament", MODERN)])
        rows = corpus.store.conn.execute(
            "SELECT speaker, role, side, meta FROM documents WHERE speaker IN "
            "('Nigel Evans', 'Rosie Winterton', 'Roger Gale', 'Lindsay Hoyle', 'Stella Creasy')").fetchall()
    by_speaker: dict[str, set] = {}
    for speaker, role, side, meta in rows:
        meta = json.loads(meta)
        by_speaker.setdefault(speaker, set()).add((role, side, meta.get("side_unknown"), "chair" in meta))
    for deputy in ("Nigel Evans", "Rosie Winterton", "Roger Gale", "Lindsay Hoyle"):
        assert by_speaker[deputy] == {("chair", None, "the chair sits on no side", True)}, deputy
    assert by_speaker["Stella Creasy"] == {(None, None, "no party on the day", False)}
    assert any("38 the chair sits on no side" in n.reason for n in report.notices)


def test_a_deputy_speakers_chair_post_makes_the_chair_even_when_typed(tmp_path):
    """With a people/posts file giving the post (a Popolo membership of the House), the post decides."""
    posts = tmp_path / "posts.json"
    posts.write_text(json.dumps({"organizations": [{"id": "house-of-commons", "name": "House of Commons"}],
                                 "memberships": [{"person_id": "uk.org.publicwhip/person/25297",
                                                  "role": "First Deputy Chairman of Ways and Means",
                                                  "organization_id": "house-of-commons", "start_date": "2023-01-01"}]}))
    with open_corpus(tmp_path / "c", create=True) as corpus:
        collect_hansard(corpus, [shared_data("parliament", MODERN)], posts=[posts])
        rows = corpus.store.conn.execute("SELECT role, meta FROM documents WHERE speaker = 'Stephen Kinnock'").fetchall()
    assert {role for role, _ in rows} == {"chair"}
    assert {json.loads(meta)["chair"] for _, meta in rows} == {"First Deputy Chairman of Ways and Means, House of Commons"}


def test_a_person_id_the_people_file_lacks_gets_no_role_and_a_note(tmp_path):
    """people.json names every member: a speaker it lacks is unknown, not a backbencher."""
    posts = tmp_path / "ministers.json"
    posts.write_text(json.dumps({"organizations": [{"id": "moj", "name": "Ministry of Justice"}], "memberships": [
        {"person_id": "uk.org.publicwhip/person/24815", "role": "Secretary of State", "organization_id": "moj",
         "start_date": "2022-10-25", "end_date": "2023-04-21"}]}))
    people = Path(__file__).parent / "fixtures" / "people-2009-2023.json"
    with open_corpus(tmp_path / "c", create=True) as corpus:
        report = collect_hansard(corpus, [shared_data("parliament", MODERN)], posts=[posts], people=[people])
        roles = dict(corpus.store.conn.execute(
            "SELECT speaker, role FROM documents WHERE speaker IN ('Stella Creasy', 'John Healey')").fetchall())
    assert roles == {"Stella Creasy": None, "John Healey": "backbencher"}
    note = next(n.reason for n in report.notices if "person id(s) the people files do not name" in n.reason)
    assert re.match(r"\d+ person id\(s\) the people files do not name \(e\.g\. .+ \(uk\.org\.publicwhip/person/\d+\)", note)


def test_posts_files_report_overlapping_posts_and_two_parties_as_collect_people_does(tmp_path, capsys):
    from helpers import run_cli

    posts = tmp_path / "ministers-2010.json"
    posts.write_text(json.dumps({
        "organizations": [{"id": "ministry-of-justice", "name": "Ministry of Justice"}],
        "memberships": [
            {"person_id": "uk.org.publicwhip/person/24815", "role": "Secretary of State",
             "organization_id": "ministry-of-justice", "start_date": "2022-10-25", "end_date": "2023-04-21"},
            {"person_id": "uk.org.publicwhip/person/24815", "role": "Secretary of State",  # the same post again
             "organization_id": "ministry-of-justice", "start_date": "2023-01-01", "end_date": "2023-06-30"},
            {"person_id": "uk.org.publicwhip/person/24815", "role": "Lord Chancellor",  # another post: no fault
             "organization_id": "ministry-of-justice", "start_date": "2022-10-25", "end_date": "2023-04-21"},
        ]}))
    people = tmp_path / "people.json"
    people.write_text(json.dumps({
        "organizations": [{"id": "labour", "name": "Labour"}, {"id": "independent", "name": "independent"}],
        "memberships": [
            {"id": "test/member/3", "person_id": "uk.org.publicwhip/person/25297", "on_behalf_of_id": "labour",
             "start_date": "2019-12-12"},
            {"id": "test/member/4", "person_id": "uk.org.publicwhip/person/25297", "on_behalf_of_id": "independent",
             "start_date": "2023-01-01", "end_date": "2023-06-01"},
        ]}))
    code, out, err = run_cli(capsys, "-c", str(tmp_path / "c"), "collect", "hansard",
                             str(shared_data("parliament", MODERN)), "--posts", str(posts), "--posts", str(people))
    assert code == 0
    assert ("1 overlapping terms of the same post (loaded) (e.g. uk.org.publicwhip/person/24815: Secretary of "
            "State, Ministry of Justice 2022-10-25–2023-04-21 and 2023-01-01–2023-06-30)") in err
    assert ("1 pairs of party memberships on the same dates (loaded; on those days the person has no party) "
            "(e.g. uk.org.publicwhip/person/25297: Labour 2019-12-12–… and independent 2023-01-01–2023-06-01)") in err
    assert f"note {posts}, {people}: 1 overlapping" in err  # named by the files it is in
