"""The person table in a real SQLite store: writing by file, matching names, finding faults in dates."""
from __future__ import annotations

import pytest

from policytext.store import Store
from policytext.store.people import (
    PartyMembership,
    Person,
    PersonName,
    PostHeld,
    count_people,
    find_people,
    get_person,
    match_name,
    name_key,
    overlapping_posts,
    party_clashes,
    person_for_member,
    write_people,
)


@pytest.mark.parametrize("given, key", [
    ("The Rt Hon Matt Hancock MP", "matt hancock"),
    ("Matthew Hancock", "matthew hancock"),
    ("Sir Keir Starmer KCB KC MP", "keir starmer"),
    ("Rt. Hon. Dame Margaret Hodge", "margaret hodge"),
    ("Diana R. Johnson", "diana r johnson"),
    ("Seán Ó Fearghaíl", "sean o fearghail"),
    ("The Rt Hon Lord McNally", "lord mcnally"),
    ("", ""),
])
def test_name_key_folds_styles_accents_and_case(given, key):
    assert name_key(given) == key


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "policytext.db", create=True) as opened:
        yield opened


def _smiths():
    return [
        Person("p/1", "Angela Smith", "popolo", (PersonName("Angela Smith", "main"),),
               (PartyMembership("Labour", "2005-05-05", "2010-05-06", "m/1"),)),
        Person("p/2", "Angela Smith", "popolo", (PersonName("Angela Smith", "main"),)),
        Person("p/3", "Matt Hancock", "popolo", (PersonName("Matt Hancock", "main"),
                                                  PersonName("Matthew Hancock", "diminutive")),
               (), (PostHeld("Minister for the Cabinet Office", "Cabinet Office", "minister", "2015-05-11",
                             "2016-07-14"),)),
        Person("p/4", "Margaret Beckett", "popolo",  # elected in 1974 as Margaret Jackson
               (PersonName("Margaret Jackson", "alternate", None, "1979-07-31"),
                PersonName("Margaret Beckett", "main", "1979-08-01", None))),
    ]


def test_a_name_two_people_share_is_ambiguous_and_links_no_one(store):
    write_people(store, _smiths(), origin="people.json")
    smith = match_name(store, "Angela Smith MP")
    assert smith.person_id is None and smith.ambiguous and smith.candidates == ("p/1", "p/2")
    assert match_name(store, "The Rt Hon Matt Hancock MP").person_id == "p/3"
    assert match_name(store, "Matthew Hancock").person_id == "p/3"
    assert match_name(store, "Her Majesty the Queen").person_id is None
    assert not match_name(store, "Her Majesty the Queen").ambiguous
    # a name with dates matches only on its days
    assert match_name(store, "Margaret Jackson", date="1975-05-01").person_id == "p/4"
    assert match_name(store, "Margaret Jackson", date="1990-05-01").person_id is None
    assert match_name(store, "Dame Margaret Beckett MP", date="2021-05-01").person_id == "p/4"
    assert person_for_member(store, "m/1") == "p/1"


def test_loading_a_file_again_replaces_its_rows_and_keeps_other_files(store):
    write_people(store, _smiths(), origin="people.json")
    write_people(store, [Person("p/1", "", "popolo", (), (), (
        PostHeld("Minister of State (Third Sector)", "Cabinet Office", "minister", "2009-06-10", "2010-05-11"),))],
        origin="ministers.json")
    assert count_people(store) == {"people": 4, "person_names": 6, "person_parties": 1, "person_posts": 2}
    smith = get_person(store, "p/1")
    assert smith.name == "Angela Smith"  # a file that does not name her keeps her name
    assert [p.title for p in smith.posts_on("2009-10-27")] == ["Minister of State (Third Sector), Cabinet Office"]
    assert smith.parties_on("2009-10-27") == ["Labour"]
    # the same file again, without Hancock: his rows go, and so does he
    write_people(store, [p for p in _smiths() if p.id != "p/3"], origin="people.json")
    assert get_person(store, "p/3") is None
    assert count_people(store)["person_posts"] == 1
    assert [p.id for p in find_people(store, "smith")] == ["p/1", "p/2"]
    assert [p.id for p in find_people(store, "p/4")] == ["p/4"]
    assert find_people(store, "100%") == []


def test_overlaps_of_one_post_and_clashes_of_two_parties():
    posts = [PostHeld("Prime Minister", None, "minister", "2010-05-11", "2016-07-13"),
             PostHeld("Prime Minister", None, "minister", "2015-05-08", "2016-07-13"),
             PostHeld("First Lord of the Treasury", None, "minister", "2010-05-11", "2016-07-13")]
    assert len(overlapping_posts(posts)) == 1  # two different posts at once are normal
    # a reshuffle that ends one term on the day the next starts is no overlap
    assert overlapping_posts([PostHeld("Whip", None, None, "2001-01-01", "2002-01-01"),
                              PostHeld("Whip", None, None, "2002-01-01", None)]) == []
    parties = [PartyMembership("Labour", "1987-06-11", "2003-10-24"),
               PartyMembership("Independent Labour", "2003-10-24", "2004-07-30"),
               PartyMembership("Respect", "2004-01-01", "2015-03-30")]
    clashes = party_clashes(parties)
    assert [(a.party, b.party) for a, b in clashes] == [("Independent Labour", "Respect")]
