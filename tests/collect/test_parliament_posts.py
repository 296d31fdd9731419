"""Posts and roles on the day, read from ParlParse's real Popolo ministers file."""
from __future__ import annotations

import json

import pytest

from helpers import shared_data
from policytext.collect.parliament_posts import classify_post, load_posts
from policytext.errors import ConfigError


@pytest.fixture(scope="module")
def book():
    return load_posts([shared_data("parliament", "ministers-1997-2010.json")])


@pytest.mark.parametrize("role, organisation, category", [
    ("Minister of State (Third Sector)", "Cabinet Office", "minister"),
    ("Secretary of State", "Department for Communities and Local Government", "minister"),
    ("Parliamentary Under-Secretary", "Department for Communities and Local Government", "minister"),
    ("Assistant Whip", "HM Treasury", "minister"),
    ("Lords in Waiting", "HM Household", "minister"),
    ("Shadow Minister", "Home Affairs", "shadow"),
    ("- Shadow Minister (Also Shadow Minister for Universities and Skills)", "Shadow Minister", "shadow"),
    ("Shadow Transport Minister; Parliamentary Private Secretary to the Leader", "House of Commons", "shadow"),
    ("Spokesperson in the Lords", "Health", "shadow"),
    ("PPS (Rt Hon Dawn Primarolo, Paymaster General)", "HM Treasury", "pps"),
    ("PPS (Rt Hon David Cameron, Leader of the Opposition)", "Conservative Party", "pps"),
    ("Chairman", "Communities and Local Government Committee", None),
    ("Deputy Chief Whip", "Whips", None),  # an opposition party's whip: no ministerial office
    (None, "Public Accounts Committee", None),
])
def test_classify_post(role, organisation, category):
    assert classify_post(role, organisation) == category


def test_roles_and_posts_on_the_day_from_the_real_file(book):
    assert book.covers == ("1997-05-02", "2010-05-11")
    third_sector = book.on("uk.org.publicwhip/person/10546", "2009-10-27")
    assert third_sector.role == "minister"
    assert [p.title for p in third_sector.posts] == ["Minister of State (Third Sector), Cabinet Office"]
    assert book.on("uk.org.publicwhip/person/10546", "2009-06-09").role != "minister"  # the day before it began
    assert book.on("uk.org.publicwhip/person/11581", "2009-10-27").role == "shadow"
    # a committee chair with no ministerial or shadow post, on a day the file covers
    assert book.on("uk.org.publicwhip/person/10564", "2009-10-27").role == "backbencher"
    # outside the file's dates nobody is called a backbencher: the role is unknown
    assert book.on("uk.org.publicwhip/person/10564", "2023-03-28").role is None


def test_bad_posts_files_are_errors_that_say_what_to_give(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_posts([tmp_path / "ministers.json"])
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"persons": []}))
    with pytest.raises(ConfigError, match="not a Popolo file: it has no 'memberships' list"):
        load_posts([wrong])
    dated = tmp_path / "dated.json"
    dated.write_text(json.dumps({"memberships": [{"person_id": "p", "role": "Minister", "start_date": "27/10/2009"}]}))
    with pytest.raises(ConfigError, match="'27/10/2009' is not a date"):
        load_posts([dated])


def test_member_ids_of_older_files_map_to_people(tmp_path):
    people = tmp_path / "people.json"
    people.write_text(json.dumps({"memberships": [
        {"id": "uk.org.publicwhip/member/1", "person_id": "uk.org.publicwhip/person/9", "on_behalf_of_id": "labour",
         "start_date": "2005-05-05", "end_date": "2010-04-12"}]}))
    book = load_posts([people])
    assert book.person_for_member("uk.org.publicwhip/member/1") == "uk.org.publicwhip/person/9"
    assert book.on("uk.org.publicwhip/person/9", "2009-10-27").party == "labour"
    assert book.person_for_member("uk.org.publicwhip/member/2") is None
