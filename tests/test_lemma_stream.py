"""The lemma stream: a whole Doc read from its arrays gives what the token by token reading gives."""
from policytext.lemma_stream import is_word_token, lemma_stream

TEXT = ("The Rt. Hon. Ann Lee's plans -- costing £4.5bn in 2024/25 -- were SCRAPPED!\n\n"
        "  “We'll see,” she said... 3 4 5 ½ e-mail co-operation U.S. wasn't isn't 100km  \t\n")


def test_a_doc_gives_the_stream_of_its_tokens(nlp):
    doc = nlp(TEXT * 3)
    by_token = lemma_stream(list(doc))
    assert lemma_stream(doc) == by_token
    assert lemma_stream(doc[5:40]) == lemma_stream(list(doc[5:40]))
    assert len(by_token) == sum(1 for token in doc if is_word_token(token) and (token.lemma_ or token.text).strip())
    assert "plan" in by_token and "3" not in by_token and "--" not in by_token


def test_an_empty_doc_has_an_empty_stream(nlp):
    assert lemma_stream(nlp("")) == []
