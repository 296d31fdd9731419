"""Commands that collect from the web: collect govuk / feed / web / sitemap, and reextract."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from policytext.cli.root import app, collect_app, state
from policytext.cli.core import finish_collect
from policytext.cli.render import OutputFormat, progress_bar, render
from policytext.corpus import open_corpus

DUPLICATE_COLUMNS = ["doc_id", "method", "similarity", "url", "source", "source_id", "recorded_at"]

_KIND = typer.Option("blog", "--kind", help="Kind of every document: blog, article, speech…")
_PUBLISHER = typer.Option(None, "--publisher", help="The organisation that publishes them "
                                                    "(default: the site's own name).")
_COUNTRY = typer.Option(None, "--country", help="Country code (GB, US…) for the government label.")


@collect_app.command("govuk", short_help="Speeches and statements from GOV.UK. Example: policytext collect govuk --since 2016-01 --organisation home-office")
def collect_govuk(
    ctx: typer.Context,
    type: Optional[str] = typer.Option(
        None, "--type", help="GOV.UK document types, comma separated (default: speech,"
                             "oral_statement,written_statement,authored_article)."),
    since: Optional[str] = typer.Option(None, help="From this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, help="To this date, inclusive."),
    organisation: Optional[str] = typer.Option(None, help="Only this organisation's slug, e.g. home-office."),
    person: Optional[str] = typer.Option(None, help="Only this person's slug, e.g. theresa-may."),
    limit: Optional[int] = typer.Option(None, help="At most this many items."),
    base_url: str = typer.Option("https://www.gov.uk", "--base-url", help="The GOV.UK site to ask."),
) -> None:
    """Collect ministerial speeches and statements from GOV.UK's Search and Content APIs.

    A re-run fetches only items that are new or changed. Government labels come from GOV.UK.

    Example: policytext collect govuk --since 2016-01 --until 2016-06 --organisation home-office
    """
    from policytext.collect.govuk import collect_govuk as collect

    st = state(ctx)
    types = [t.strip() for t in type.split(",") if t.strip()] if type else None
    with open_corpus(config=st.config(), create=True) as corpus:
        with progress_bar("GOV.UK", limit, quiet=st.quiet) as advance:
            report = collect(corpus, types=types, since=since, until=until, organisation=organisation,
                             person=person, limit=limit, base_url=base_url, progress=advance)
    finish_collect(report, quiet=st.quiet)


@collect_app.command("feed", short_help="Posts listed by RSS/Atom feeds. Example: policytext collect feed https://example.org/feed.xml --publisher 'Example Institute'")
def collect_feed(
    ctx: typer.Context,
    urls: List[str] = typer.Argument(..., help="RSS or Atom feed URLs."),
    limit: Optional[int] = typer.Option(None, help="At most this many entries per feed."),
    kind: str = _KIND,
    publisher: Optional[str] = _PUBLISHER,
    country: Optional[str] = _COUNTRY,
) -> None:
    """Collect blog posts from RSS or Atom feeds: each entry's page is fetched and extracted.

    Example: policytext collect feed https://example.org/feed.xml --publisher "Example Institute" --country GB
    """
    from policytext.collect.feeds import collect_feeds

    st = state(ctx)
    with open_corpus(config=st.config(), create=True) as corpus:
        with progress_bar("feeds", None, quiet=st.quiet) as advance:
            report = collect_feeds(corpus, urls, kind=kind, publisher=publisher, country=country,
                                   limit=limit, progress=advance)
    finish_collect(report, quiet=st.quiet)


@collect_app.command("web", short_help="Single web pages. Example: policytext collect web https://example.org/blog/post --kind blog")
def collect_web(
    ctx: typer.Context,
    urls: List[str] = typer.Argument(..., help="Page URLs."),
    kind: str = _KIND,
    publisher: Optional[str] = _PUBLISHER,
    country: Optional[str] = _COUNTRY,
) -> None:
    """Collect single web pages: main text, title, author, published date, canonical URL.

    Example: policytext collect web https://example.org/blog/trust-to-try-things-out --publisher "Mutual Ventures"
    """
    from policytext.collect.web import collect_pages

    st = state(ctx)
    with open_corpus(config=st.config(), create=True) as corpus:
        with progress_bar("pages", len(urls), quiet=st.quiet) as advance:
            report = collect_pages(corpus, urls, kind=kind, publisher=publisher, country=country,
                                   progress=advance)
    finish_collect(report, quiet=st.quiet)


@collect_app.command("sitemap", short_help="Pages found in a sitemap or sitemap index. Example: policytext collect sitemap https://example.org/sitemap.xml --include '*/blog/*' --limit 50")
def collect_sitemap(
    ctx: typer.Context,
    urls: List[str] = typer.Argument(..., help="Sitemap or sitemap-index URLs (.xml or .xml.gz)."),
    include: List[str] = typer.Option([], "--include", help="Only URLs matching this glob or substring (repeatable), e.g. '*/blog/*'."),
    exclude: List[str] = typer.Option([], "--exclude", help="Leave out URLs matching this (repeatable), e.g. /tag/."),
    limit: Optional[int] = typer.Option(None, help="At most this many pages per sitemap."),
    kind: str = _KIND,
    publisher: Optional[str] = _PUBLISHER,
    country: Optional[str] = _COUNTRY,
) -> None:
    """Discover pages from a sitemap or sitemap index and collect them.

    Example: policytext collect sitemap https://example.org/sitemap.xml --include '*/blog/*' --exclude /tag/ --limit 50
    """
    from policytext.collect.sitemap import collect_sitemaps

    st = state(ctx)
    with open_corpus(config=st.config(), create=True) as corpus:
        with progress_bar("sitemap pages", limit, quiet=st.quiet) as advance:
            report = collect_sitemaps(corpus, urls, include=include, exclude=exclude, limit=limit,
                                      kind=kind, publisher=publisher, country=country,
                                      progress=advance)
    finish_collect(report, quiet=st.quiet)


@app.command("reextract")
def reextract(
    ctx: typer.Context,
    source: Optional[str] = typer.Option(None, help="Only govuk or only web documents."),
) -> None:
    """Rebuild web-collected documents from the raw-response cache, without the network.

    Example: policytext reextract --source web
    """
    from policytext.collect.reextract import reextract_documents

    st = state(ctx)
    with open_corpus(config=st.config()) as corpus:
        with progress_bar("re-extracting", None, quiet=st.quiet) as advance:
            report = reextract_documents(corpus, source=source, progress=advance)
    finish_collect(report, quiet=st.quiet)


@app.command("duplicates")
def duplicates(
    ctx: typer.Context,
    doc_id: Optional[str] = typer.Option(None, "--id", help="Only the other addresses of this document."),
    format: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table, json, jsonl or csv."),
) -> None:
    """List texts found at more than one address: the kept document and each other location.

    Example: policytext duplicates --format csv
    """
    from policytext.collect.dedupe import list_duplicates

    st = state(ctx)
    with open_corpus(config=st.config(), readonly=True) as corpus:
        rows = list_duplicates(corpus.store, doc_id=doc_id)
    render(rows, format, title="Duplicates", columns=DUPLICATE_COLUMNS, max_width=70)


@collect_app.command("hansard", short_help="Commons and Lords speeches from ParlParse / TheyWorkForYou XML. Example: policytext collect hansard debates2023-03-28d.xml --posts ministers.json")
def collect_hansard(
    ctx: typer.Context,
    sources: List[str] = typer.Argument(
        ..., help="Sitting-day files or folders (debatesYYYY-MM-DDx.xml), or the http(s) address of the "
                  "published folder of daily files (e.g. https://www.theyworkforyou.com/pwdata/scrapedxml/debates/)."),
    since: Optional[str] = typer.Option(None, help="From this day (YYYY, YYYY-MM or YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, help="To this day, inclusive."),
    limit: Optional[int] = typer.Option(None, help="At most this many days (from a published folder)."),
    posts: List[Path] = typer.Option(
        [], "--posts", help="ParlParse Popolo file giving posts and parties by date (ministers*.json, "
                            "people.json); repeat for several. Read locally, never downloaded."),
    people: List[Path] = typer.Option(
        [], "--people", help="mySociety's people.json (Popolo persons and memberships): resolves the member "
                             "ids of older days to person ids and gives each member's party on the day. "
                             "Read locally, never downloaded."),
) -> None:
    """Collect parliamentary debates, one document per speech, with the speaker's post on the day.

    Each speech keeps its speaker, person id, column, time, the debate's headings and its own
    TheyWorkForYou address; procedural text (divisions, 'Question put and agreed to.') is left
    out of the speakers' words. With --posts, each speech gets the speaker's post(s), party and
    role that day (minister, shadow, backbencher; chair for the Speaker), and every speech the
    side of the speaker's party that day (government or opposition; unknown when it cannot be
    told). With --people, older days' member ids become person ids. Collecting a day again
    changes nothing; a newer version of a day replaces the older one.

    Example: policytext collect hansard scrapedxml/debates/ --posts ministers.json --people people.json
    Example: policytext collect hansard https://www.theyworkforyou.com/pwdata/scrapedxml/debates/ --since 2023-03-27 --until 2023-03-31
    """
    from policytext.collect.hansard import collect_hansard as collect_files, collect_hansard_web
    from policytext.errors import ConfigError

    st = state(ctx)
    remote = [s for s in sources if s.lower().startswith(("http://", "https://"))]
    if remote and len(remote) != len(sources):
        raise ConfigError("give either local files and folders or published-folder addresses, not both "
                          "in one run")
    with open_corpus(config=st.config(), create=True) as corpus:
        with progress_bar("speeches", None, quiet=st.quiet) as advance:
            if remote:
                report = collect_hansard_web(corpus, remote, since=since, until=until, limit=limit,
                                             posts=posts, people=people, progress=advance)
            else:
                if limit is not None:
                    raise ConfigError("--limit applies to a published folder; choose local days with "
                                      "--since/--until or by naming the files")
                report = collect_files(corpus, sources, posts=posts, people=people, since=since,
                                       until=until, progress=advance)
    finish_collect(report, quiet=st.quiet)


@collect_app.command("parlamint", short_help="ParlaMint sittings (TEI or plain text), one document per utterance. Example: policytext collect parlamint ParlaMint-GB/")
def collect_parlamint(
    ctx: typer.Context,
    paths: List[Path] = typer.Argument(..., help="ParlaMint sitting files or folders: TEI (.xml), or the "
                                                 "plain-text edition (.txt) when no TEI file is beside it; "
                                                 "each sitting's <sitting>-meta.tsv is read from beside it."),
) -> None:
    """Collect ParlaMint sittings: each utterance with its speaker, party, minister flag and side.

    Example: policytext collect parlamint ParlaMint-GB/2017/
    """
    from policytext.collect.parlamint import collect_parlamint as collect

    st = state(ctx)
    with open_corpus(config=st.config(), create=True) as corpus:
        with progress_bar("utterances", None, quiet=st.quiet) as advance:
            report = collect(corpus, paths, progress=advance)
    finish_collect(report, quiet=st.quiet)
