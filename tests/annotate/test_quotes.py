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
    return [row._asdict() for row in doc._.pt_quotes]


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
    # PTB text that opens a quote with '' as well as closing it
    ("Ann Lee spoke first.\n\n''We are ready for the vote,'' said Bob Dole.",
     "We are ready for the vote,", "Bob Dole", "said", "direct"),
    # cues learned from PolNeAR train, with what they report as content
    ("Jane Smith praised the council for its quick response.",
     "the council for its quick response", "Jane Smith", "praised", "indirect"),
    ("Tom Harris called the plan a disaster.", "the plan a disaster", "Tom Harris", "called", "indirect"),
    ("Tom Harris refused to give details of the deal.",
     "to give details of the deal", "Tom Harris", "refused", "indirect"),
    ("The Treasury said it expected borrowing to fall.",
     "it expected borrowing to fall", "Treasury", "said", "indirect"),
    # a passive cue: the agent speaks
    ("The deal was criticised by Jane Smith.", "The deal", "Jane Smith", "criticised", "indirect"),
    # a noun cue, its possessor the speaker
    ("Jane Smith's claim that the budget was balanced was false.",
     "the budget was balanced", "Jane Smith", "claim", "indirect"),
    # a participle takes the subject of the verb it hangs on
    ("Tom Harris left the stage, saying that the strike would go on.",
     "the strike would go on", "Tom Harris", "saying", "indirect"),
    # a transcript label on its own line
    ("Ann Lee:\nThe strike will go on until pay rises for every nurse.",
     "The strike will go on until pay rises for every nurse.", "Ann Lee", ":", "direct"),
    # a quote that closes its sentence keeps its speaker; the next sentence's cue is not its own
    ("“We will not give up,” said Ann Lee. “The strike goes on until every nurse is paid.” "
     "She noted a rally planned for Saturday.",
     "We will not give up,” said Ann Lee. “The strike goes on until every nurse is paid.", "Ann Lee", "said", "direct"),
    # two quotes of two cues stay two quotes
    ("Jane Smith said, “We will win,” and Tom Harris added, “The vote is ours.”",
     "The vote is ours.", "Tom Harris", "added", "direct"),
]


@pytest.mark.parametrize("text, content, speaker, cue, kind", CASES)
def test_quotes_and_their_speakers_in_the_attribution_scheme(attribution_pipeline, text, content, speaker, cue, kind):
    quotes = _quotes(attribution_pipeline, text)
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


# (text, [(quoted content, speaker)]) in the default speech scheme, written by hand: each marked piece
# is a quote of its own, as journalists count them
SPEECH_CASES = [
    ("“It is a scandal,” said Ann Lee. “Nobody has answered for it.”",
     [("It is a scandal,", "Ann Lee"), ("Nobody has answered for it.", "Ann Lee")]),
    ("Council cuts\n\nJane Smith argues that the council has cut too many services.",
     [("the council has cut too many services", "Jane Smith")]),
    ("“We will not raise taxes on working families,” said Jane Smith.",
     [("We will not raise taxes on working families,", "Jane Smith")]),
]


@pytest.mark.parametrize("text, expected", SPEECH_CASES)
def test_quotes_and_their_speakers_in_the_speech_scheme(pipeline, text, expected):
    quotes = _quotes(pipeline, text)
    assert [(text[q["start"]:q["end"]], q["speaker"]) for q in quotes] == expected
    assert {q["scheme"] for q in quotes} == {"speech"}


def test_an_unknown_scheme_is_refused():
    from policytext.annotate.quotes import check_scheme
    from policytext.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown quote scheme 'speeches': choose speech or attribution"):
        check_scheme("speeches")


@pytest.mark.parametrize("text", [
    "The council met on Monday. It approved the budget for next year.",
    "Officials at the council declined to comment.",  # no words are reported
    "Jane Smith told The Guardian.",  # the person addressed is not what was said
    "The deficit continued to grow in the spring.",
    "MPs voted for the bill on Tuesday.",
    # institutions acting, not speaking
    "Congress renewed the Trade Agreements Act last year.",
    "The Administration will propose new measures on housing.",
    "The Government will maintain the enforcement of antitrust laws.",
])
def test_no_quotes_in_plain_narrative(pipeline, text):
    assert _quotes(pipeline, text) == []


def test_a_report_names_the_speaker_of_its_clause_in_which_report_evidence_speaks(attribution_pipeline):
    text = "The council published a report, which showed that waiting lists had doubled."
    [quote] = _quotes(attribution_pipeline, text)
    assert text[quote["start"]:quote["end"]] == "waiting lists had doubled"
    assert text[quote["speaker_start"]:quote["speaker_end"]] == "a report" and quote["cue"] == "showed"


def test_short_scare_quotes_without_a_speaker_are_not_quotes(pipeline):
    assert _quotes(pipeline, "The so-called “reform” was dropped in May.") == []


@pytest.mark.parametrize("spans, point, strict, expected", [
    ([], 3, False, False),
    ([(0, 5)], 0, False, True),
    ([(0, 5)], 0, True, False),
    ([(0, 5)], 5, False, False),
    ([(0, 5), (5, 9)], 5, False, True),
    ([(0, 5), (5, 9)], 5, True, False),  # spans that only touch stay apart
    ([(0, 10), (4, 20)], 4, True, True),  # overlapping spans merge
    ([(0, 10), (4, 20)], 15, False, True),
    ([(12, 20), (0, 3)], 7, False, False),
])
def test_spans_hold_the_points_a_scan_of_every_span_would(spans, point, strict, expected):
    from policytext.annotate.quotes import Spans

    assert Spans(spans).holds(point, strict=strict) is expected
    brute = any((a < point if strict else a <= point) and point < b for a, b in spans)
    assert brute is expected


# issue of round 31: a quoted sentence interrupted by its speech tag is one quote under ``speech``
def test_a_sentence_its_speech_tag_interrupts_is_one_quote_in_the_speech_scheme(pipeline):
    from policytext.annotate.quote_rows import quote_text

    text = "“Our schools are full,” Jane Smith said, “and the money has run out.”"
    quotes = _quotes(pipeline, text)
    assert [(q["speaker"], q["kind"]) for q in quotes] == [("Jane Smith", "direct")]
    quote = quotes[0]
    assert text[quote["start"]:quote["end"]] == "Our schools are full,” Jane Smith said, “and the money has run out."
    assert quote_text(text, quote["start"], quote["end"], quote["left_out"]) == \
        "Our schools are full, … and the money has run out."


def test_a_question_closing_its_sentence_is_not_the_next_sentences_speakers(pipeline, attribution_pipeline):
    """The 2018 address: “And I asked C.J., “What's the secret?” He said, …” gave the president's
    question to Celestino Martinez, through the next sentence's “He said”."""
    text = ("Special Agent Celestino Martinez served 15 years in the Air Force. And I asked C.J., "
            "“What's the secret?” He said, “We're just tougher than they are.”")
    speech = {text[q["start"]:q["end"]]: q["speaker"] for q in _quotes(pipeline, text)}
    assert speech.get("We're just tougher than they are.") == "Celestino Martinez"
    assert speech.get("What's the secret?") != "Celestino Martinez"
    # attribution (PolNeAR's reading) is unchanged: its figures were chosen with the full stop alone
    wide = {text[q["start"]:q["end"]]: q["speaker"] for q in _quotes(attribution_pipeline, text)}
    assert list(wide.items()) == [("What's the secret?” He said, “We're just tougher than they are.",
                                   "Celestino Martinez")]


@pytest.mark.parametrize("text, expected", [
    # the tag ends the sentence: two quotes, as ggt counts them
    ("“Our schools are full,” Jane Smith said. “And the money has run out.”",
     [("Our schools are full,", "Jane Smith"), ("And the money has run out.", "Jane Smith")]),
    # two speakers, each with a sentence of their own tag: two quotes
    ("“We will win,” Jane Smith said, “and we will govern.” “They will lose,” Tom Harris said, “and they know it.”",
     [("We will win, … and we will govern.", "Jane Smith"), ("They will lose, … and they know it.", "Tom Harris")]),
])
def test_pieces_of_other_sentences_or_speakers_stay_apart_in_the_speech_scheme(pipeline, text, expected):
    from policytext.annotate.quote_rows import quote_text

    quotes = _quotes(pipeline, text)
    assert [(quote_text(text, q["start"], q["end"], q["left_out"]), q["speaker"]) for q in quotes] == expected


def test_the_attribution_scheme_still_spans_the_tag_of_an_interrupted_sentence(attribution_pipeline):
    text = "“Our schools are full,” Jane Smith said, “and the money has run out.”"
    quotes = _quotes(attribution_pipeline, text)
    assert [(text[q["start"]:q["end"]], q["speaker"], q["left_out"]) for q in quotes] == [
        ("Our schools are full,” Jane Smith said, “and the money has run out.", "Jane Smith", ())]


def test_rebekahs_letter_is_quoted_twice_not_in_four_pieces(sotu_2015):
    """Real text: “If only we had known,” Rebekah wrote to me last spring, “what was about to happen
    …” and “It is amazing,” Rebekah wrote, “what you can bounce back from …” are two quotes."""
    import policytext
    from policytext.annotate.summaries import count_quoted_speakers

    with policytext.open_corpus(sotu_2015) as corpus:
        rows = corpus.store.conn.execute(
            "SELECT q.text, substr(d.text, q.start_char + 1, q.end_char - q.start_char) FROM quotes AS q "
            "JOIN documents AS d ON d.id = q.doc_id WHERE q.speaker = 'Rebekah' AND q.kind = 'direct' "
            "ORDER BY q.start_char").fetchall()
        counted = count_quoted_speakers(corpus, quoted="Rebekah")
    assert [text for text, _ in rows] == [
        "If only we had known, … what was about to happen to the housing and construction market.",
        "It is amazing, … what you can bounce back from when you have to. . . . We are a strong, tight-knit "
        "family who has made it through some very, very hard times."]
    assert rows[0][1].startswith("If only we had known,\" Rebekah wrote to me last spring, \"what")
    assert counted.set_index("speaker").loc["Rebekah", "direct"] == 2
