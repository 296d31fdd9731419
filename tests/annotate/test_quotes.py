import pytest

from policytext.annotate.quotes import find_quote_marks


@pytest.mark.parametrize("text, expected", [
    ('He said "we will win" and left.', ["we will win"]),
    ("He said “we will win” and left.", ["we will win"]),
    ("He said ‘we will win’ and left.", ["we will win"]),
    ("He said 'we will win' and left.", ["we will win"]),
    ("He said ``we will win'' and left.", ["we will win"]),
    ("Don't say it's over, the voters' mood is 'grim indeed'.", ["grim indeed"]),
    ("“A quote with ‘inner words’ inside,” she said.", ["A quote with ‘inner words’ inside,"]),
    ("No quotes at all here.", []),
    ("An “unclosed quote runs to the end.", []),
])
def test_find_quote_marks(text, expected):
    assert [text[m.start:m.end] for m in find_quote_marks(text)] == expected


def test_a_quote_over_several_paragraphs_is_one_quote():
    text = "She said:\n\n“The first paragraph goes on.\n\n“The second paragraph ends it.”\n\nThen she left."
    marks = find_quote_marks(text)
    assert len(marks) == 1
    assert text[marks[0].start:marks[0].end] == "The first paragraph goes on.\n\n“The second paragraph ends it."


def _quotes(pipeline, text, **user_data):
    doc = pipeline.make_doc(text)
    doc.user_data.update(user_data)
    for _, component in pipeline.pipeline:
        doc = component(doc)
    return [dict(zip(["start", "end", "speaker", "speaker_start", "speaker_end", "cue", "kind", "confidence"], row))
            for row in doc._.pt_quotes]


# (text, quoted content, speaker, cue, kind) written by hand
CASES = [
    ("“We will not raise taxes on working families,” said Jane Smith.",
     "We will not raise taxes on working families,", "Jane Smith", "said", "direct"),
    ("Jane Smith said: “We will not raise taxes on working families.”",
     "We will not raise taxes on working families.", "Jane Smith", "said", "direct"),
    ("“The plan is dead,” Senator Tom Harris told reporters on Tuesday.",
     "The plan is dead,", "Tom Harris", "told", "direct"),
    ("Jane Smith argues that the council has cut too many services.",
     "the council has cut too many services", "Jane Smith", "argues", "indirect"),
    ("According to the Treasury, borrowing rose sharply in the spring.",
     "borrowing rose sharply in the spring", "Treasury", "according to", "indirect"),
    ("Tom Harris spoke in Leeds on Monday. He said the railway would be finished by 2030.",
     "the railway would be finished by 2030", "Tom Harris", "said", "indirect"),
    ("The minister, Tom Harris, said the reforms were ‘long overdue and badly needed’ in the north.",
     "the reforms were ‘long overdue and badly needed’ in the north", "Tom Harris", "said", "mixed"),
    ("“It is a scandal,” said Ann Lee. “Nobody has answered for it.”",
     "It is a scandal,” said Ann Lee. “Nobody has answered for it.", "Ann Lee", "said", "direct"),
    ("``We are ready for the vote,'' said Bob Dole.",
     "We are ready for the vote,", "Bob Dole", "said", "direct"),
]


@pytest.mark.parametrize("text, content, speaker, cue, kind", CASES)
def test_quotes_and_their_speakers(pipeline, text, content, speaker, cue, kind):
    quotes = _quotes(pipeline, text)
    found = [q for q in quotes if text[q["start"]:q["end"]] == content]
    assert found, f"no quote {content!r} in {[text[q['start']:q['end']] for q in quotes]}"
    quote = found[0]
    assert (quote["speaker"], quote["cue"], quote["kind"]) == (speaker, cue, kind)
    assert 0 < quote["confidence"] <= 1
    assert text[quote["speaker_start"]:quote["speaker_end"]].endswith(speaker.split()[-1]) or quote["cue"] == "said" and text[quote["speaker_start"]:quote["speaker_end"]] == "He"


def test_a_quote_continued_in_the_next_paragraph_keeps_its_speaker(pipeline):
    text = ("“We have waited long enough,” said Ann Lee on Monday.\n\n"
            "“The people of this town deserve better than another decade of promises.”")
    quotes = _quotes(pipeline, text)
    assert [q["speaker"] for q in quotes] == ["Ann Lee", "Ann Lee"]
    assert quotes[1]["confidence"] < quotes[0]["confidence"]


def test_no_quotes_in_plain_narrative(pipeline):
    assert _quotes(pipeline, "The council met on Monday. It approved the budget for next year.") == []


def test_short_scare_quotes_without_a_speaker_are_not_quotes(pipeline):
    assert _quotes(pipeline, "The so-called “reform” was dropped in May.") == []
