"""GOV.UK: speaker names, body text, items to Documents, and the collector against a local server."""
from __future__ import annotations

import json

import pytest

from helpers import shared_data
from policytext.cli import main
from policytext.collect.govuk import (
    GovukOptions,
    build_search_url,
    collect_govuk,
    govspeak_to_text,
    normalise_speaker,
    parse_content_item,
)
from policytext.corpus import open_corpus
from policytext.errors import BadInput, ConfigError


@pytest.mark.parametrize(("title", "name", "removed"), [
    ("The Rt Hon Theresa May MP", "Theresa May", ("The Rt Hon", "MP")),
    ("Robert Goodwill MP", "Robert Goodwill", ("MP",)),
    ("The Rt Hon Lord McNally", "Lord McNally", ("The Rt Hon",)),
    ("Sir Keir Starmer KCB KC MP", "Keir Starmer", ("Sir", "KCB", "KC", "MP")),
    ("Dame Andrea Leadsom DBE MP", "Andrea Leadsom", ("Dame", "DBE", "MP")),
    ("Rt Hon Sir Ed Davey MP", "Ed Davey", ("Rt Hon", "Sir", "MP")),
    ("Her Majesty the Queen", "Her Majesty the Queen", ()),
    ("Baroness Smith of Basildon", "Baroness Smith of Basildon", ()),
    ("  ", None, ()),
])
def test_normalise_speaker(title, name, removed):
    assert normalise_speaker(title) == (name, removed)


@pytest.mark.parametrize(("html", "text"), [
    ("<p>One.</p><p>Two  words.</p>", "One.\n\nTwo words."),
    ("<h2>Heading</h2><p>Body &amp; more</p>", "Heading\n\nBody & more"),
    ("<ul><li>First</li><li>Second</li></ul>", "First\n\nSecond"),
    ("<p>Line one<br>line two</p>", "Line one\nline two"),
    ("<div class='govspeak'><p>Cut <a href='/x'>a link</a> here.</p><script>alert(1)</script></div>",
     "Cut a link here."),
    ("", ""),
])
def test_govspeak_to_text(html, text):
    assert govspeak_to_text(html) == text


def _item(name):
    return json.loads((shared_data("govuk", "speech") / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "expected"), [
    ("speech.json", {"speaker": "Andrea Leadsom", "kind": "speech", "date": "2016-02-02",
                     "source_government": "2015 Conservative government", "government": None,
                     "speaker_role": None}),
    ("best-practice-oral-statement.json", {
        "speaker": "Theresa May", "kind": "statement", "date": "2014-04-30",
        "source_government": "2010 to 2015 Conservative and Liberal Democrat coalition government",
        "speaker_role": "Secretary of State for the Home Department"}),
    ("best-practice-speaking-notes.json", {"speaker": "Lord McNally", "kind": "speech", "date": "2012-05-22"}),
    ("speech-written-statement-parliament.json", {"speaker": "Nick Gibb", "kind": "statement",
                                                  "date": "2016-12-20"}),
    ("speech-authored-article.json", {"speaker": "David Cameron", "kind": "article", "date": "2016-04-05"}),
    ("speech-speaker-without-profile.json", {"speaker": "Her Majesty the Queen", "kind": "speech",
                                             "date": "2016-05-18"}),
    ("speech-translated.json", {"speaker": "Boris Johnson", "language": "ar"}),
])
def test_parse_content_item_fields(name, expected):
    document = parse_content_item(_item(name))
    for field, value in expected.items():
        assert getattr(document, field) == value, field
    assert document.source == "govuk" and document.country == "GB"
    assert document.url == "https://www.gov.uk" + document.source_id
    assert "<" not in document.text and "\n\n" in document.text
    assert document.meta["govuk_document_type"] == _item(name)["document_type"]


def test_parse_content_item_keeps_details():
    document = parse_content_item(_item("speech-transcript.json"))
    assert document.meta["location"] == "Anti-Corruption Summit, Lancaster House, London"
    assert document.meta["speech_type"] == "Transcript of the speech, exactly as it was delivered"
    assert document.meta["political"] is True
    assert document.meta["speaker_titles"] == ["The Rt Hon", "MP"]
    assert "Prime Minister's Office, 10 Downing Street" in document.organisations
    queen = parse_content_item(_item("speech-speaker-without-profile.json"))
    assert queen.meta["speaker_from"] == "details.speaker_without_profile"
    assert queen.meta["location"] == "House of Lords, Houses of Parliament"


@pytest.mark.parametrize(("item", "reason"), [
    ([], "expected a JSON object"),
    ({"title": "x"}, "no base_path"),
    ({"base_path": "/government/speeches/x", "details": {"body": ""}}, "no body text"),
])
def test_parse_content_item_refuses_bad_items(item, reason):
    with pytest.raises(BadInput, match=reason):
        parse_content_item(item)


def test_build_search_url_filters():
    url = build_search_url(GovukOptions(types=("speech", "oral_statement"), since="2016-01",
                                        until="2016", organisation="home-office", person="theresa-may",
                                        base_url="http://127.0.0.1:1"), start=20, count=10)
    assert url.startswith("http://127.0.0.1:1/api/search.json?")
    for part in ("filter_content_store_document_type=speech",
                 "filter_content_store_document_type=oral_statement",
                 "filter_public_timestamp=from%3A2016-01-01%2Cto%3A2016-12-31",
                 "filter_organisations=home-office", "filter_people=theresa-may", "start=20",
                 "count=10"):
        assert part in url


@pytest.mark.parametrize(("options", "message"), [
    ({"types": ()}, "--type"),
    ({"types": ("speech; drop",)}, "--type"),
    ({"limit": -1}, "--limit"),
    ({"base_url": "file:///etc"}, "--base-url"),
])
def test_govuk_options_refuse_bad_values(options, message):
    with pytest.raises(ConfigError, match=message):
        GovukOptions(**options)


def test_collect_govuk_end_to_end(corpus, govuk_site):
    report = collect_govuk(corpus, base_url=govuk_site.base_url)
    assert (report.collected, report.failed, report.duplicate) == (11, 0, 0)
    frame = corpus.documents()
    assert len(frame) == 11
    by_path = {row.id: row for row in frame.itertuples()}
    # The timeline's name is the government; GOV.UK's own label is kept as source_government.
    # "2015 Conservative government" covers Cameron's last year and May's first: the date decides.
    pairs = corpus.store.conn.execute(
        "SELECT source_government, government, COUNT(*) FROM documents GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
    assert [tuple(p) for p in pairs] == [
        ("2010 to 2015 Conservative and Liberal Democrat coalition government", "Cameron–Clegg coalition (2010–2015)", 3),
        ("2015 Conservative government", "Cameron government (2015–2016)", 5),
        ("2015 Conservative government", "May government (2016–2019)", 3),
    ]
    disagreements = corpus.store.conn.execute(
        "SELECT COUNT(*) FROM documents WHERE json_extract(meta, '$.government_disagreement') IS NOT NULL")
    assert disagreements.fetchone()[0] == 0
    assert set(frame["date_precision"] if "date_precision" in frame else ["day"]) == {"day"}
    assert set(frame["kind"]) == {"speech", "statement", "article"}
    assert set(frame["country"]) == {"GB"}
    assert len(by_path) == 11
    # Raw responses are cached, content-addressed and compressed.
    blobs = list((corpus.path / "cache").glob("*/*.gz"))
    assert len(blobs) >= 12


def test_collect_govuk_rerun_fetches_nothing_new(corpus, govuk_site):
    collect_govuk(corpus, base_url=govuk_site.base_url)
    fetched = govuk_site.content_hits()
    report = collect_govuk(corpus, base_url=govuk_site.base_url)
    assert (report.collected, report.unchanged, report.failed) == (0, 11, 0)
    assert govuk_site.content_hits() == fetched


def test_collect_govuk_resumes_after_a_partial_run(corpus, govuk_site):
    first = collect_govuk(corpus, base_url=govuk_site.base_url, limit=4)
    assert first.collected == 4
    report = collect_govuk(corpus, base_url=govuk_site.base_url)
    assert (report.collected, report.unchanged) == (7, 4)
    assert govuk_site.content_hits() == 11  # each item fetched once


def test_collect_govuk_refetches_a_changed_item(corpus, govuk_site):
    collect_govuk(corpus, base_url=govuk_site.base_url)
    item = govuk_site.items["/government/speeches/queens-speech-2016"]
    item["public_updated_at"] = "2016-05-19T09:00:00.000+00:00"
    item["details"]["body"] += "<p>A correction was added.</p>"
    before = govuk_site.content_hits()
    report = collect_govuk(corpus, base_url=govuk_site.base_url)
    assert (report.updated, report.unchanged) == (1, 10)
    assert govuk_site.content_hits() == before + 1
    assert corpus.documents(speaker="Queen")["text"].iloc[0].endswith("A correction was added.")


@pytest.mark.parametrize(("options", "count"), [
    ({"types": ["oral_statement"]}, 2),
    ({"types": ["written_statement", "authored_article"]}, 3),
    ({"since": "2016-05", "until": "2016-05-31"}, 3),
    ({"since": "2016-12"}, 2),
    ({"organisation": "home-office"}, 2),
    ({"person": "theresa-may"}, 2),
    ({"limit": 3}, 3),
])
def test_collect_govuk_filters(corpus, govuk_site, options, count):
    report = collect_govuk(corpus, base_url=govuk_site.base_url, **options)
    assert report.collected == count
    assert corpus.count_documents() == count


def test_collect_govuk_records_bad_items_and_goes_on(corpus, govuk_site):
    govuk_site.local.add("/api/content/government/speeches/queens-speech-2016", "gone",
                         status=410, content_type="text/plain")
    govuk_site.local.add("/api/content/government/speeches/statement-to-commons-on-hmp-birmingham",
                         "{not json", content_type="application/json")
    report = collect_govuk(corpus, base_url=govuk_site.base_url)
    assert (report.collected, report.failed) == (9, 2)
    failures = corpus.failures(stage="collect-govuk")
    reasons = dict(zip(failures["item"], failures["reason"]))
    assert "HTTP 410" in reasons["/government/speeches/queens-speech-2016"]
    assert "not valid JSON" in reasons["/government/speeches/statement-to-commons-on-hmp-birmingham"]


def test_collect_govuk_cli(tmp_path, govuk_site, monkeypatch, capsys):
    monkeypatch.setenv("POLICYTEXT_REQUESTS_PER_SECOND", "1000")
    corpus_dir = str(tmp_path / "c")
    code = main(["--corpus", corpus_dir, "-q", "collect", "govuk", "--base-url", govuk_site.base_url,
                 "--type", "oral_statement,written_statement"])
    assert code == 0
    govuk_site.local.add("/api/content/government/speeches/queens-speech-2016", "", status=404)
    code = main(["--corpus", corpus_dir, "collect", "govuk", "--base-url", govuk_site.base_url])
    err = capsys.readouterr().err
    assert code == 1
    assert "failed /government/speeches/queens-speech-2016: HTTP 404" in err
    assert "6 collected, 0 updated, 4 unchanged, 0 skipped, 0 duplicate, 1 failed" in err
    code = main(["--corpus", corpus_dir, "collect", "govuk", "--base-url", "ftp://example.org"])
    assert code == 1
    assert "Error: --base-url: only http and https" in capsys.readouterr().err


def test_news_item_speaker_from_people():
    item = {"base_path": "/government/news/a-news-story", "document_type": "news_story",
            "title": "Minister visits a training college", "first_published_at": "2016-02-01T10:00:00Z",
            "details": {"body": "<p>The minister met apprentices and staff.</p>"},
            "links": {"people": [{"title": "The Rt Hon Nick Boles MP", "base_path": "/government/people/nick-boles"}]}}
    document = parse_content_item(item)
    assert (document.speaker, document.kind, document.date) == ("Nick Boles", "news", "2016-02-01")
    assert document.meta["speaker_from"] == "links.people"
    assert document.government is None  # no label from GOV.UK: the timeline gives one when written
    assert document.source_government is None


def test_search_page_refused_is_a_recorded_failure(corpus, govuk_site):
    govuk_site.local.add("/api/search.json", "{}", status=422, content_type="application/json")
    report = collect_govuk(corpus, base_url=govuk_site.base_url)
    assert (report.collected, report.failed) == (0, 1)
    assert "HTTP 422" in report.failures[0]["reason"]


def test_govuk_labels_through_the_cli_and_a_disagreement_recorded(tmp_path, govuk_site, monkeypatch, capsys):
    """The 11 real items: GOV.UK's labels give way to the timeline's names; when a user's alias says
    the 2015 label is Cameron's only, May's 3 statements keep May (the date) and the disagreement."""
    monkeypatch.setenv("POLICYTEXT_REQUESTS_PER_SECOND", "1000")
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "policytext.toml").write_text(
        '[government_aliases]\n"2015 Conservative government" = ["Cameron government (2015–2016)"]\n',
        encoding="utf-8")
    assert main(["--corpus", str(folder), "-q", "collect", "govuk", "--base-url", govuk_site.base_url]) == 0
    capsys.readouterr()
    assert main(["--corpus", str(folder), "stats", "--by", "government", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["government"], r["documents"]) for r in rows] == [
        ("Cameron–Clegg coalition (2010–2015)", 3), ("Cameron government (2015–2016)", 5),
        ("May government (2016–2019)", 3)]
    with open_corpus(folder) as corpus:
        disagreements = corpus.store.conn.execute(
            "SELECT date, json_extract(meta, '$.government_disagreement.by_date') FROM documents "
            "WHERE json_extract(meta, '$.government_disagreement') IS NOT NULL ORDER BY date").fetchall()
    assert [tuple(d) for d in disagreements] == [("2016-07-25", "May government (2016–2019)"),
                                                 ("2016-12-19", "May government (2016–2019)"),
                                                 ("2016-12-20", "May government (2016–2019)")]


def test_an_item_without_a_government_label_is_unchanged_on_a_rerun(corpus, govuk_site):
    """Its government comes from the timeline; read back from the store it is not the source's label."""
    item = govuk_site.items["/government/speeches/queens-speech-2016"]
    del item["details"]["government"]
    collect_govuk(corpus, base_url=govuk_site.base_url)
    row = corpus.documents(speaker="Queen").iloc[0]
    assert (row["government"], row["source_government"]) == ("Cameron government (2015–2016)", None)
    report = collect_govuk(corpus, base_url=govuk_site.base_url)
    assert (report.collected, report.updated, report.unchanged) == (0, 0, 11)
