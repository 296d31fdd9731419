"""A transcript's stage directions, speaker labels and other speakers' turns are no words of its speaker."""
from __future__ import annotations

import pytest

from policytext.annotate.transcript import find_transcript_parts, is_stage_direction


@pytest.mark.parametrize("inner, expected", [
    ("Laughter", True),
    ("Applause.", True),
    (" cheering and applause ", True),
    ("APPLAUSE", True),
    ("audience booing", True),
    ("Moment of silence", True),
    ("In millions", False),  # a table's heading in a 1950s message
    ("caps; White House correction", False),  # the editor's correction of a word: left in the text
    ("Alejandra", False),
    ("billion", False),
])
def test_stage_directions_are_bracketed_stage_words_alone(inner, expected):
    assert is_stage_direction(inner) is expected


@pytest.mark.parametrize("text, expected", [
    ("Not anymore. [Laughter]\n\nNext.", [("[Laughter]", "direction")]),
    ("Thank you. (Applause.) Now, the economy.", [("(Applause.)", "direction")]),
    ("Folks—[applause]—so, folks.", [("[applause]", "direction")]),
    ("Audience members. Boo!\n\nThe President. Not anymore.",
     [("Audience members. Boo!", "turn"), ("The President.", "label")]),
    ("Rep. Omar. You have killed Americans!\n\nThe President. You should be ashamed.",
     [("Rep. Omar. You have killed Americans!", "turn"), ("The President.", "label")]),
    ("Representative Ilhan A. Omar. Liar!\n", [("Representative Ilhan A. Omar. Liar!", "turn")]),
    ("Audience member. [Inaudible]—don't say——\n\nNext.", [("Audience member. [Inaudible]—don't say——", "turn")]),
    ("[Members of the audience spoke over the President.]\n\nTo the Senate.",
     [("[Members of the audience spoke over the President.]", "direction")]),
    # the speaker's own words: a label only begins a paragraph, an editor's correction stays
    ("Who pays? The President. Nobody else.", []),
    ("It costs [caps; White House correction] insulin at $35.", []),
    ("Mr. Speaker, Mr. Vice President, Members of Congress.", []),
    ("The Presidential Medal. It was given.", []),
])
def test_transcript_parts_are_found_in_plain_text(text, expected):
    assert [(text[p.start:p.end], p.kind) for p in find_transcript_parts(text)] == expected
