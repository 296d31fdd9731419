import pytest

from policytext.annotate.document import split_chunks

PARAGRAPH = "The council met again on Monday to discuss the budget for the coming year. " * 4


@pytest.mark.parametrize("text, max_chars", [
    ("", 100),
    ("One short paragraph.", 100),
    ("\n\n".join([PARAGRAPH] * 12), 700),
    ("\n".join([PARAGRAPH] * 12), 700),
    (PARAGRAPH * 40, 500),  # one paragraph far longer than a chunk
])
def test_chunks_cover_the_text_exactly(text, max_chars):
    chunks = split_chunks(text, max_chars=max_chars)
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
