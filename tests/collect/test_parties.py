"""The side of a party, or of a speaker, on a day: from the packaged GB timeline and party aliases."""
from __future__ import annotations

import pytest

from policytext.collect.governments import Timelines, governing_parties
from policytext.collect.parties import Sides


@pytest.fixture(scope="module")
def sides() -> Sides:
    return Sides.packaged()


@pytest.mark.parametrize("party, day, side", [
    ("Labour", "2009-10-27", "government"),
    ("Labour/Co-operative", "2023-03-28", "opposition"),  # an alias of Labour
    ("Conservative", "2023-03-28", "government"),
    ("Liberal Democrat", "2012-01-10", "government"),  # the 2010-2015 coalition's second party
    ("LD", "2016-01-12", "opposition"),
    ("DUP", "2018-01-10", "opposition"),  # confidence and supply is not government
])
def test_a_party_is_on_the_side_of_the_government_in_office_or_the_opposition(sides, party, day, side):
    assert sides.of_party(party, country="GB", day=day) == (side, None)


@pytest.mark.parametrize("party, day, why", [
    (None, "2023-03-28", "no party on the day"),
    ("Independent", "2023-03-28", "'Independent' sits on no side"),
    ("Speaker", "2023-03-28", "'Speaker' sits on no side"),
    ("Crossbench", "2023-03-28", "'Crossbench' sits on no side"),
    ("Labour", "1920-01-01", "no government of GB in the timeline on 1920-01-01"),
    # the handover day of a government of other parties: either side could be meant
    ("Conservative", "2010-05-11", "the government changed that day (Brown government (2007–2010) to "
                                   "Cameron–Clegg coalition (2010–2015))"),
])
def test_an_unknown_side_is_stated_with_its_reason_never_guessed(sides, party, day, why):
    assert sides.of_party(party, country="GB", day=day) == (None, why)


def test_a_handover_between_governments_of_one_party_keeps_the_side(sides):
    assert sides.of_party("Conservative", country="GB", day="2022-10-25") == ("government", None)  # Truss to Sunak


@pytest.mark.parametrize("role, party, status, expected", [
    ("minister", "Crossbench", None, ("government", None)),  # a crossbench peer in office
    ("shadow", "Labour", None, ("opposition", None)),
    ("chair", "Labour", None, (None, "the chair sits on no side")),
    (None, "Conservative", "Opposition", (None, "a speaker the source calls Opposition of Conservative, a party on the government side that day")),
    ("minister", "Conservative", "Opposition", (None, "a minister whose party the source calls Opposition")),
    (None, "Labour", "Opposition", ("opposition", None)),
    (None, "Conservative", "-", ("government", None)),
    ("minister", "Labour", None, (None, "a minister of Labour, a party on the opposition side that day")),
])
def test_a_speakers_role_and_the_sources_status_decide_first_and_disagreements_are_unknown(sides, role, party,
                                                                                            status, expected):
    assert sides.of_speaker(role=role, party=party, country="GB", day="2023-03-28", status=status) == expected


def test_governing_parties_split_coalitions_on_the_en_dash_only():
    assert governing_parties("Conservative–Liberal Democrat coalition") == ("Conservative", "Liberal Democrat")
    assert governing_parties("Democratic-Republican") == ("Democratic-Republican",)
    assert governing_parties("Nonpartisan") == ()
    timelines = Timelines.packaged()
    cameron = timelines.government_for("GB", "2015-06-01")
    assert timelines.previous(cameron).name == "Cameron–Clegg coalition (2010–2015)"
