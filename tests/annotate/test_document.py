import pytest

from policytext.annotate.document import split_chunks

PARAGRAPH = "The council met again on Monday to discuss the budget for the coming year. " * 4


@pytest.mark.parametrize("text, max_chars, fewest, most", [
    ("", 100, 0, 0),
    ("One short paragraph.", 100, 1, 1),
    ("\n\n".join([PARAGRAPH] * 12), 700, 5, 12),  # 3,622 characters: about one chunk per 700
    ("\n".join([PARAGRAPH] * 12), 700, 5, 12),
    (PARAGRAPH * 40, 500, 6, 40),  # one paragraph of 12,000 characters, far longer than a chunk
])
def test_chunks_cover_the_text_exactly(text, max_chars, fewest, most):
    chunks = split_chunks(text, max_chars=max_chars)
    assert fewest <= len(chunks) <= most
    assert "".join(text[start:end] for start, end in chunks) == text
    assert all(end > start for start, end in chunks)
    assert all(b[0] == a[1] for a, b in zip(chunks, chunks[1:]))
    assert all(end - start <= max_chars * 4 for start, end in chunks)


def test_paragraphs_are_grouped_up_to_the_size():
    text = "\n\n".join([PARAGRAPH] * 12)
    chunks = split_chunks(text, max_chars=700)
    assert 4 <= len(chunks) <= 12
    assert all(text[start:end].rstrip().endswith(".") for start, end in chunks)


def test_a_quote_over_paragraphs_is_never_cut():
    quote = "“" + PARAGRAPH + "\n\n“" + PARAGRAPH + "”"
    text = "\n\n".join([PARAGRAPH] * 3 + [quote] + [PARAGRAPH] * 3)
    open_at = text.index("“")
    close_at = text.index("”")
    for start, end in split_chunks(text, max_chars=400):
        assert not (open_at < start <= close_at), "a chunk starts inside the quote"


def test_long_documents_keep_offsets_of_every_record(pipeline):
    from policytext.annotate.extract import TextItem, annotate_texts

    paragraph = ("“Our schools need 4,000 more teachers,” said Ann Lee, the mayor of Leeds. "
                 "She argues that funding fell by 8% since 2015.")
    text = "\n\n".join(f"{paragraph} Section {i}." for i in range(60))
    [(_, annotation)] = list(annotate_texts([TextItem("long", text)], pipeline))
    assert len(split_chunks(text)) > 1
    assert len(annotation.quotes) >= 60
    assert {q.speaker for q in annotation.quotes} == {"Ann Lee"}
    for record in annotation.sentences + annotation.entities + annotation.quotes + annotation.claims:
        assert text[record.start:record.end] == record.text
    assert [s.index for s in annotation.sentences] == list(range(len(annotation.sentences)))


def _brute_force_chunks(text, max_chars):
    """split_chunks as first written: every paragraph break checked against every multi-line quote."""
    import re

    from policytext.annotate.document import _PARAGRAPH_BREAK, _split_long
    from policytext.annotate.quotes import find_quote_marks

    if len(text) <= max_chars:
        return [(0, len(text))] if text else []
    protected = [(m.open_start, m.close_end) for m in find_quote_marks(text) if "\n" in text[m.start:m.end]]
    breaks = [m.end() for m in _PARAGRAPH_BREAK.finditer(text) if not any(a < m.end() < b for a, b in protected)]
    chunks, start, last_break = [], 0, 0
    for point in breaks + [len(text)]:
        if point - start > max_chars and last_break > start:
            chunks.append((start, last_break))
            start = last_break
        last_break = point
    chunks.append((start, len(text)))
    result = []
    for start, end in chunks:
        result.extend(_split_long(text, start, end, max_chars * 4))
    return [(s, e) for s, e in result if e > s]


_PIECES = ["“", "”", "'", "‘", "’", "\"", "``", "''", "\n\n", "\n", " word ", "It's ", "A. ", "«", "»"]


@pytest.mark.parametrize("seed", range(40))
def test_chunk_breaks_are_those_of_the_quadratic_check(seed):
    # The interval lookup that made chunking linear must choose exactly the breaks the all-pairs check did.
    import random

    rng = random.Random(seed)
    text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(20, 400)))
    for max_chars in (10, 40, 200):
        assert split_chunks(text, max_chars=max_chars) == _brute_force_chunks(text, max_chars)


def test_a_text_of_many_multi_paragraph_quotes_chunks_like_the_quadratic_check():
    # the adversarial shape that took 80 s to chunk: a quote over two paragraphs in every paragraph
    text = "He said “we will win this one\n\nand the next ‘one’ too” and left. 'Yes' he said.\n\n" * 300
    chunks = split_chunks(text, max_chars=500)
    assert chunks == _brute_force_chunks(text, 500)
    assert len(chunks) > 20


def test_a_long_document_spilled_to_disk_gives_the_records_it_gives_in_memory(pipeline):
    # Past SPILL_AFTER_CHUNKS a document's chunk results wait in a temporary file; what comes back
    # must be exactly what staying in memory gives, names resolved over the whole document.
    from policytext.annotate.document import DocumentChunks, read_chunk

    paragraph = ("“Our schools need 4,000 more teachers,” said Ann Lee, the mayor of Leeds. "
                 "Lee argues that funding fell by 8% since 2015, Acme Ltd says.")
    text = "\n\n".join(f"{paragraph} Section {i}." for i in range(40))
    spans = split_chunks(text, max_chars=300)
    assert len(spans) > 10
    chunks = [read_chunk(doc, start) for doc, start in
              pipeline.pipe(((text[s:e], s) for s, e in spans), as_tuples=True)]

    def records(keep):
        with DocumentChunks("d", text, speaker="Bob Ray", kind="speech", keep_in_memory=keep) as parts:
            for chunk in chunks:
                parts.add(chunk)
            spilled = parts._spill is not None
            return spilled, list(parts.records())

    in_memory, spilled = records(len(chunks)), records(2)
    assert in_memory[0] is False and spilled[0] is True
    assert spilled[1] == in_memory[1]
    assert sum(len(p.quotes) for p in spilled[1]) >= 40
    assert {q.speaker for p in spilled[1] for q in p.quotes} == {"Ann Lee"}
    indexes = [s.index for p in spilled[1] for s in p.sentences]
    assert indexes == list(range(len(indexes)))


def test_quote_rows_that_crossed_a_worker_process_as_lists_are_read_back(pipeline):
    """spaCy's n_process workers send user data through msgpack, which turns named tuples into lists."""
    import srsly

    from policytext.annotate.document import read_chunk
    from policytext.annotate.quotes import QuoteRow

    doc = pipeline("“We will win,” said Jo Bloggs.")
    sent = doc._.pt_quotes
    doc._.pt_quotes = srsly.msgpack_loads(srsly.msgpack_dumps(sent))
    assert isinstance(doc._.pt_quotes[0], list)
    [row] = read_chunk(doc, 100).quotes
    assert isinstance(row, QuoteRow) and row == sent[0].shifted(100)


def test_blank_sentences_are_left_out_of_a_chunk(pipeline):
    # A sentence whose text is only white space (runs of blank lines) is no sentence; the others keep
    # their offsets, shifted by the chunk's start.
    from policytext.annotate.document import read_chunk

    text = "Taxes rose.\n\n\n\n   \n\nWe will win.\n\n \n"
    doc = pipeline(text)
    expected = [(s.start_char + 7, s.end_char + 7) for s in doc.sents if s.text.strip()]
    assert read_chunk(doc, 7).sentences == expected
    assert [text[a - 7:b - 7].strip() for a, b in expected] == ["Taxes rose.", "We will win."]


def test_a_described_study_is_its_owners_and_figures_or_a_number_are_no_speaker_on_a_real_govuk_statement(pipeline):
    # The shared GOV.UK oral statement on stop and search gave "study into the use of stop" as a
    # speaker ("HMIC’s study into the use of stop and search revealed that …": a noun phrase cut
    # inside "stop and search") and "% of people" ("only 38% agreed"). Under the speech scheme a
    # study speaks for the owner the text names (HMIC); figures and a number are no speaker.
    import json

    from helpers import shared_data
    from policytext.annotate.extract import TextItem, annotate_texts
    from policytext.collect.govuk import parse_content_item

    item = json.loads(shared_data("govuk", "speech", "best-practice-oral-statement.json").read_text(encoding="utf-8"))
    document = parse_content_item(item)
    [(_, annotation)] = list(annotate_texts([TextItem("t", document.text, kind=document.kind)], pipeline))
    by_mention = {q.speaker_mention: q for q in annotation.quotes}
    assert {"HMIC’s study", "Official figures", "The inspectorate"} <= set(by_mention)
    study = by_mention["HMIC’s study"]
    assert (study.speaker, study.resolved_by) == ("HMIC", "name")
    assert (by_mention["Official figures"].speaker, by_mention["Official figures"].resolved_by) == (None, "none")
    assert not any(q.speaker and ("%" in q.speaker or "study into" in q.speaker) for q in annotation.quotes)
    assert by_mention["The inspectorate"].speaker == "inspectorate"  # a body of people, unchanged


def test_a_debate_speakers_own_i_said_is_attributed_to_the_speaker(pipeline):
    """Hansard: "I said to the Minister, '…'" in a speech with a known speaker was a quote of nobody
    (speaker None): the speech's "I" is its speaker. Not in an article, whose "I" is not the
    document's speaker field, and never for "we" (a party, a committee)."""
    from policytext.annotate.extract import TextItem, annotate_texts, annotation_rows

    text = ("I raised this with the Department last week. I said to the Minister, \u201cThe families in my "
            "constituency cannot wait another year for this money.\u201d He has not yet replied to me.")
    found = {}
    for kind in ("debate", "article"):
        [(_, annotation)] = list(annotate_texts([TextItem("a", text, speaker="Crispin Blunt", kind=kind)], pipeline))
        [quote] = annotation_rows("a", annotation, "quotes")
        found[kind] = quote
    assert found["debate"]["text"].startswith("The families in my constituency")
    assert (found["debate"]["speaker"], found["debate"]["resolved_by"]) == ("Crispin Blunt", "pronoun")
    assert text[found["debate"]["speaker_start"]:found["debate"]["speaker_end"]] == "I"
    assert found["article"]["speaker"] is None
    we = text.replace("I said to the Minister", "We said to the Minister")
    [(_, annotation)] = list(annotate_texts([TextItem("a", we, speaker="Crispin Blunt", kind="debate")], pipeline))
    assert [q["speaker"] for q in annotation_rows("a", annotation, "quotes")] == [None]
