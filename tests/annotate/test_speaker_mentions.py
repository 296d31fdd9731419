"""The mention table speaker resolution looks antecedents up in: joined across chunks, bodies of a kind."""
from __future__ import annotations

import pytest

from policytext.annotate.speaker_mentions import MentionTable, Pending, SalienceRules, body_kinds


def _chunk(people=(), bodies=(), chain=(), sentences=(), subjects=(), rules=SalienceRules()):
    table = MentionTable(rules)
    for key, name, span, first in people:
        table.add_person(key, name, span, first=first)
        table.people[key].names = {name: 1} if len(name.split()) >= 2 else {}
    table.bodies, table.chain = list(bodies), list(chain)
    table.sentences, table.subjects = list(sentences), list(subjects)
    return table


def _joined(*chunks):
    document = MentionTable()
    for chunk in chunks:
        document.join(MentionTable.from_data(chunk.as_data()))  # as chunks travel: plain data
    document.finish_document()
    return document


def test_a_person_named_in_one_chunk_is_she_in_the_next():
    first = _chunk(people=[("lee", "Ann Lee", (10, 17), "f")])
    second = _chunk(people=[("patel", "Raj Patel", (2100, 2109), "m")])  # within the pronoun's reach of 3,000
    document = _joined(first, second)
    assert document.resolve(Pending("pronoun", "f", None, 2200), 2196) == ("Ann Lee", "pronoun")
    # the chunk alone knows no woman
    assert second.resolve(Pending("pronoun", "f", None, 2200), 2196) == (None, "none")


def test_two_people_with_one_surname_stay_two_and_a_surname_tagged_as_a_body_is_a_person():
    first = _chunk(people=[("greenspan", "Dorie Greenspan", (0, 15), "f")], bodies=[(5000, 5006, "Vickers")])
    second = _chunk(people=[("greenspan", "Michael Greenspan", (3000, 3017), "m"),
                            ("vickers", "Kevin Vickers", (3100, 3113), "m")])
    document = _joined(first, second)
    assert {p.name for p in document.people.values()} == {"Dorie Greenspan", "Michael Greenspan", "Kevin Vickers"}
    assert (5000, 5006) in document.people["vickers"].mentions and document.bodies == []


@pytest.mark.parametrize("bodies, chain, expected", [
    ([(0, 6, "Suncor")], [], "Suncor"),
    ([(0, 6, "Suncor"), (20, 33, "Suncor Energy")], [], "Suncor Energy"),  # one body, written twice
    ([(0, 6, "Suncor"), (20, 31, "Imperial Oil")], [], None),  # two compete: none
    ([(0, 6, "Suncor"), (20, 31, "Imperial Oil")], [(40, None, "Suncor")], "Suncor"),  # the one just quoted
    ([(0, 22, "Department of Justice"), (30, 36, "Suncor")], [], "Suncor"),  # a department is not a company
    ([(0, 10, "Apple Inc."), (30, 36, "Suncor")], [], "Apple Inc."),  # a company by its name
])
def test_the_company_is_the_one_company_named_before(bodies, chain, expected):
    table = _chunk(bodies=bodies, chain=chain)
    assert table.body_for_noun("company", 100, 104) == expected
    assert table.resolve(Pending("role", "company", "company", 104), 100) == (expected or "company", "role")


def test_kinds_come_from_the_body_s_name():
    assert body_kinds("U.S. State Department") == body_kinds("Ministry of Health") == {"public body"}
    assert body_kinds("Suncor Energy Inc.") == {"company"} and body_kinds("Suncor") == frozenset()


@pytest.mark.parametrize("rules, expected", [
    (SalienceRules(subject_over_chain=False), "Dwayne Croteau"),
    (SalienceRules(subject_over_chain=True), "John Goodwin"),
])
def test_a_later_sentence_subject_takes_he_from_an_older_quote_chain_when_the_rule_says_so(rules, expected):
    # “…,” said Croteau (cue at 100). John Goodwin turned out to the event (sentence at 300). “…,” he said (400).
    table = _chunk(people=[("croteau", "Dwayne Croteau", (80, 94), "m"), ("goodwin", "John Goodwin", (300, 312), "m")],
                   chain=[(100, "croteau", None)], sentences=[0, 300, 380], subjects=[(300, "goodwin")], rules=rules)
    assert table.resolve(Pending("pronoun", "m", None, 404, "say"), 400)[0] == expected
    # "he added" goes on from the quote before whatever the rule
    assert table.resolve(Pending("pronoun", "m", None, 404, "add"), 400)[0] == "Dwayne Croteau"


@pytest.mark.parametrize("rules, expected", [
    (SalienceRules(quoted_in_reach=False), "Jane Smith"),
    (SalienceRules(quoted_in_reach=True), "window manufacturer"),
])
def test_a_description_is_the_person_just_quoted_only_within_reach_when_the_rule_says_so(rules, expected):
    # “…,” said Jane Smith (cue at 100); pages later "the window manufacturer said" (cue at 5,000)
    table = _chunk(people=[("smith", "Jane Smith", (80, 90), "f")], chain=[(100, "smith", None)],
                   sentences=[0, 4900], rules=rules)
    assert table.resolve(Pending("role", "manufacturer", "window manufacturer", 5000, "say"), 4990)[0] == expected
    # close by, "the professor said" is the person being quoted whatever the rule
    assert table.resolve(Pending("role", "professor", "professor", 400, "say"), 390)[0] == "Jane Smith"
    # the rule travels with the table across chunks
    assert MentionTable.from_data(table.as_data()).rules == rules
