"""The claims component: one row per non-blank sentence, the same through ``nlp.pipe`` as one doc at a time."""
from policytext.annotate.claims import score_sentences

TEXTS = [
    "Crime rose by 12% last year.\n\n   \n\nWe will build 300,000 homes.  ",
    "   ",
    "Thank you.\n\n\n\nTaxes fell by a fifth since 2010, more than in France.\n",
]


def test_pipe_gives_each_doc_the_rows_of_its_own_trimmed_sentences(pipeline):
    claims = pipeline.get_pipe("policytext_claims")
    piped = [doc._.pt_claims for doc in pipeline.pipe(TEXTS, batch_size=2)]
    one_by_one = [score_sentences(list(doc.sents), claims.scorer) for doc in map(pipeline, TEXTS)]
    assert piped == one_by_one
    assert piped[1] == []
    first = piped[0]
    assert [TEXTS[0][start:end] for start, end, *_ in first] == ["Crime rose by 12% last year.",
                                                                 "We will build 300,000 homes."]
    assert all(not text[start:end].strip() == "" for text, rows in zip(TEXTS, piped) for start, end, *_ in rows)
