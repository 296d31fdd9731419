"""The seed case: the think-tank blog's "the trust to try things out", attributed to Matthew Hancock,
checked against the real GOV.UK speech items, then with the blog itself in the corpus."""
from __future__ import annotations

import json

import pytest

from helpers import shared_data
from policytext.corpus import open_corpus
from policytext.records import Document
from policytext.verify import verify_quote

QUOTE = "the ‘trust to try things out’"


@pytest.fixture(scope="module")
def govuk_corpus(tmp_path_factory):
    """A store of the shared GOV.UK speech items and the seed blog, annotated by the real pipeline."""
    from policytext.annotate import annotate_corpus
    from policytext.collect.govuk import parse_content_item

    items = sorted(shared_data("govuk", "speech").glob("*.json"))
    blog = shared_data("seed", "trust-to-try-things-out.txt").read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("govuk-seed")
    documents = [parse_content_item(json.loads(item.read_text(encoding="utf-8"))) for item in items]
    documents.append(Document(source="test", source_id="seed-blog", text=blog, kind="blog", speaker="Andrew Laird",
                              title="Giving local leaders the ‘trust to try things out’", country="GB",
                              url="https://example.org/blog/trust-to-try-things-out"))
    with open_corpus(path, create=True) as corpus:
        corpus.write(documents, stage="test")
        annotate_corpus(corpus)
    with open_corpus(path, readonly=True) as corpus:
        yield corpus


def test_hancock_is_not_found_in_the_govuk_speeches_and_the_verdict_says_what_they_cover(govuk_corpus):
    verdict = verify_quote(govuk_corpus, QUOTE, speaker="Matthew Hancock")
    assert verdict.verdict == "not found"
    assert verdict.coverage.documents == 0
    assert "0 documents by a speaker matching 'Matthew Hancock'" in verdict.note
    assert f"({verdict.coverage.all_documents} documents of anyone" in verdict.note
    assert verdict.coverage.all_documents == govuk_corpus.count_documents()


def test_the_blog_quoting_hancock_is_told_apart_from_his_own_words(govuk_corpus):
    verdict = verify_quote(govuk_corpus, QUOTE, speaker="Hancock")
    quoted = [p for p in verdict.passages if p.relation == "quoted"]
    assert verdict.verdict == "not found" and quoted
    assert quoted[0].similarity == 1.0 and all(p.speaker == "Andrew Laird" for p in quoted)
    assert "only where others quote or name the speaker" in verdict.note
    assert "Andrew Laird" in verdict.note


def test_the_blog_author_quoting_hancock_did_not_say_it_himself(govuk_corpus):
    # The blog gives the phrase in quotation marks as Hancock's, in its body and its headline: the
    # words are in Laird's post, but as Hancock's (this was "verbatim" for Laird while the headline's
    # repeat of the quotation counted as his own line)
    verdict = verify_quote(govuk_corpus, QUOTE, speaker="Laird")
    assert verdict.verdict == "other speaker" and verdict.best.speaker == "Matthew Hancock"
    assert verdict.best.url == "https://example.org/blog/trust-to-try-things-out"
    own = verify_quote(govuk_corpus, "whatever the result had been, it was always going to mean continued restraints",
                       speaker="Laird")
    assert own.verdict == "verbatim" and own.best.relation == "own"


def test_quotes_verify_checks_the_blogs_own_quotes_against_the_rest(govuk_corpus, capsys):
    """policytext quotes --verify: each quote of the blog, as said by whom it is attributed to; the blog is no evidence."""
    from helpers import run_cli
    from policytext.verify import QUOTE_CHECK_COLUMNS, verify_extracted_quotes

    [blog_id] = [row[0] for row in govuk_corpus.store.conn.execute("SELECT id FROM documents WHERE source = 'test'")]
    frame = verify_extracted_quotes(govuk_corpus, doc_ids=[blog_id])
    assert list(frame.columns) == QUOTE_CHECK_COLUMNS and len(frame) >= 1 and set(frame["doc_id"]) == {blog_id}
    trust = frame[frame["quote"].str.contains("trust to try things out")]
    assert len(trust) >= 1
    row = trust.iloc[0]
    assert "Hancock" in row["asked_speaker"] and row["verdict"] == "not found"
    assert all(p["doc_id"] != blog_id for p in row["passages"])  # the blog never confirms itself
    assert "0 documents by a speaker matching" in row["note"]
    code, out, err = run_cli(capsys, "--corpus", str(govuk_corpus.store.path.parent), "quotes", "--id", blog_id,
                             "--verify", "--format", "json")
    assert code == 0, err
    assert json.loads(out)[0]["doc_id"] == blog_id
    code, out, err = run_cli(capsys, "--corpus", str(govuk_corpus.store.path.parent), "quotes", "--id", "no-such-doc",
                             "--verify")
    assert code == 1 and err.startswith("Error: no document with id 'no-such-doc'")
