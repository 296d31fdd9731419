"""Commands over the full-text index: search, serve (the web page), quotes and claims."""
from __future__ import annotations

from enum import Enum
from typing import Any, Optional

import typer

from policytext.cli.root import app, state
from policytext.cli.options import FORMAT, QUOTE_SCHEME, document_filters, filter_options
from policytext.cli.render import OutputFormat, message, render
from policytext.corpus import open_corpus
from policytext.errors import BadQuery
from policytext.search.wording import count_matching
from policytext.store.filters import strict_options

TABLE_COLUMNS = ["kwic", "speaker", "date", "citation"]


class CiteFormat(str, Enum):
    newsroom = "newsroom"
    apa = "apa"
    chicago = "chicago"
    bibtex = "bibtex"
    ris = "ris"
    csl_json = "csl-json"


class Rank(str, Enum):
    bm25 = "bm25"
    meaning = "meaning"
    hybrid = "hybrid"


class Within(str, Enum):
    sentences = "sentences"
    quotes = "quotes"
    claims = "claims"


class Sort(str, Enum):
    relevance = "relevance"
    date = "date"
    newest = "-date"
    score = "score"


class CountBy(str, Enum):
    speaker = "speaker"
    government = "government"
    year = "year"


class CountUnit(str, Enum):
    matches = "matches"
    documents = "documents"


QUOTED_SPEAKER = ("Who is quoted (the document's speaker when a quote names no one): part of the name, from the "
                  "start of a word. Not who quotes them: for that, search their documents.")
CLAIMS_MIN_SCORE = 0.5
"""The score from which 'claims' lists a sentence as a check-worthy claim unless told otherwise."""
ANY_SCORE = f"of any score: --min-score {CLAIMS_MIN_SCORE} keeps the check-worthy ones, as 'claims' does"
"""What 'search --in claims' says without --min-score: every sentence has a claim score, so its
"claims" are all the matching sentences, most of them no claim worth checking."""
TABLE_TEXT_WIDTH = 80
"""Characters of a quote's or claim's text that the 'quotes' and 'claims' tables show."""
CLAIMANT = "Who claims (the document's speaker when a claim names no one): part of the name, from the start of a word."


@app.command("search")
@document_filters(speaker="Whose words: the documents' speaker for sentences; with --in quotes or claims, who is "
                          "quoted or who claims. Part of the name, from the start of a word (Kennedy, 'John F').")
def search(
    ctx: typer.Context,
    query: str = typer.Argument(..., help='Words (in all their forms: tax finds taxes), "exact phrases" (as '
                                          'written: "new frontier" never finds "new frontiers"), OR, NOT, '
                                          'prefix*, NEAR(a b, 10).'),
    within: Within = typer.Option(Within.sentences, "--in", help="Search sentences, quotes or claims."),
    limit: Optional[int] = typer.Option(None, show_default="20; with --count-by every value",
                                        help="Hits to show (at most 1000)."),
    offset: int = typer.Option(0, help="Hits to skip first (for paging)."),
    sort: Optional[Sort] = typer.Option(None, show_default="claims by score, the rest by relevance",
                                        help="Order: relevance (best first), date (oldest first), -date "
                                             "(newest first) or, for claims, score (most check-worthy first)."),
    min_score: Optional[float] = typer.Option(None, "--min-score", help="With --in claims: only claims scoring "
                                              "at least this (0-1)."),
    count_by: Optional[CountBy] = typer.Option(None, "--count-by", help="Print how many hits each speaker, "
                                               "government or year has, instead of the hits (--limit: at most this "
                                               "many). A hit is a matching sentence (quote, claim): a document "
                                               "counts once per hit, unless --count documents."),
    count: Optional[CountUnit] = typer.Option(None, "--count", show_default="matches",
                                              help="With --count-by: count matches (sentences, quotes or claims) "
                                                   "or documents (each document with a match, once)."),
    meaning: bool = typer.Option(False, "--meaning", help="Search sentences by meaning (sentence embeddings; "
                                 "needs the embeddings extra and 'policytext embed' once): same as --rank meaning."),
    rank: Optional[Rank] = typer.Option(None, "--rank", show_default="bm25",
                                        help="bm25 (the words), meaning, or hybrid (both fused by reciprocal rank)."),
    format: OutputFormat = FORMAT,
    cite_format: Optional[CiteFormat] = typer.Option(
        None, "--cite-format", help="Print only the hits' citations in this style: newsroom, apa or chicago "
        "(a line each), or bibtex, ris or csl-json (a file for a reference manager)."),
) -> None:
    """Search the corpus: best matches first, matched words marked «like this», with a citation.

    A bare word matches all its forms (trust finds trusted and trusting); words in double
    quotation marks match as written, in that order, whatever the case and the punctuation
    between them ("new frontier" finds "New Frontier" but not "new frontiers"; "trust" alone
    finds only trust).

    With --meaning (or --rank meaning) the sentences closest in meaning come first, whatever
    their words; --rank hybrid fuses that with BM25 of the query's words.

    Example: policytext search '"new frontier"' --speaker Kennedy

    Example: policytext search '"new frontier"' --cite-format bibtex > new-frontier.bib

    Example: policytext search 'NEAR(tax cuts, 5) OR inflat*' --since 1970 --in sentences --format json

    Example: policytext search taxes --in claims --sort -date

    Example: policytext search taxes --in claims --min-score 0.5

    Example: policytext search inflation --count-by year

    Example: policytext search --meaning "the age of big government has ended" --since 1990
    """
    from policytext.search import HIT_COLUMNS, search_corpus

    st = state(ctx)
    filters = {name: value for name, value in filter_options(ctx).items() if name != "limit"}
    if count is not None and count_by is None:
        raise BadQuery(f"--count {count.value} says what --count-by counts: add --count-by speaker, government or year")
    if count_by is not None and cite_format is not None:
        raise BadQuery("--count-by prints counts and --cite-format prints citations: give one of them")
    ranking = _ranking(meaning, rank)
    if ranking != "bm25":
        other = next((name for name, value in (("--sort", sort), ("--count-by", count_by), ("--count", count),
                                                ("--cite-format", cite_format), ("--min-score", min_score))
                      if value is not None), None)
        if other:
            raise BadQuery(f"{other} works with search by words; a search by meaning (--rank {ranking}) ranks "
                           "every sentence by meaning and neither orders, counts nor cites them otherwise")
        _search_by_meaning(st, query, ranking, within=within.value, limit=limit, offset=offset, format=format,
                           **filters)
        return
    if count_by is not None:
        _print_counts(st, query, within.value, count_by.value, {**filters, "min_score": min_score}, limit, format,
                      unit=(count or CountUnit.matches).value)
        return
    with open_corpus(config=st.config(), readonly=True) as corpus:
        result = search_corpus(corpus, query, within=within.value, limit=20 if limit is None else limit, offset=offset,
                               sort=None if sort is None else sort.value, min_score=min_score, **filters)
        # a page emptied by --offset or --limit 0 is no empty search: 'finding nothing' would be untrue
        _note_unannotated(st, corpus, empty=result.total == 0, **_document_scope(filters, within.value))
        _note_query(st, query)
        _note_undated(st, corpus, query, within.value, {**filters, "min_score": min_score})
        if cite_format is not None:
            from policytext.search import cite_hits

            typer.echo(cite_hits(corpus, result.hits, cite_format.value), nl=False)
            if not result.hits:
                message(f"No {within.value} match {query!r}: no citations to give.", quiet=st.quiet)
            return
    rows = [hit.to_dict() for hit in result.hits]
    if format is OutputFormat.table:
        shown = f"{offset + 1}-{offset + len(rows)}" if rows else "none"
        scores = f" ({ANY_SCORE})" if within is Within.claims and min_score is None else ""
        past = (f" (--offset {offset:,} is past the last of them: page back with a smaller --offset)"
                if not rows and result.total and offset >= result.total else "")
        message(f"{count_matching(result.total, within.value)} {query!r}{scores}; showing {shown}{past}",
                quiet=st.quiet)
        # claims show the score that --min-score keeps them by and the default order sorts them by;
        # quotes how their speaker was found, as 'quotes' does (a name is no fact when it is a
        # pronoun's antecedent or carried over from the quote before)
        columns = {Within.claims: ["score", *TABLE_COLUMNS],
                   Within.quotes: ["kwic", "speaker", "resolved_by", "date", "citation"]}.get(within, TABLE_COLUMNS)
        render(rows, format, columns=columns, max_width=400)
    else:
        render(rows, format, columns=HIT_COLUMNS)


def _document_scope(filters: dict[str, Any], within: str) -> dict[str, Any]:
    """Return the filters that choose documents: for quotes and claims --speaker names who is quoted or claims."""
    return {name: value for name, value in filters.items()
            if name != "limit" and (within == "sentences" or name != "speaker")}


def _note_undated(st: Any, corpus: Any, query: str, within: str, options: dict[str, Any]) -> None:
    """Say how many matches lie in undated documents, which --since and --until cannot place and leave out."""
    from policytext.search.counts import undated_matches

    undated = undated_matches(corpus, query, within=within, **options)
    if undated:
        message(f"note: {count_matching(undated, within)} in undated documents, which --since and --until "
                "leave out (a date filter cannot place a document with no date); "
                "'policytext docs' lists them with their dates", quiet=st.quiet)


def _note_query(st: Any, query: str | None) -> None:
    """Say how a query's words are read where other search tools read them otherwise ("or", "-word", bare NEAR)."""
    from policytext.search.query import query_notes

    for note in query_notes(query) if query else ():
        message(f"note: {note}", quiet=st.quiet)


@strict_options
def _note_other_scheme(st: Any, corpus: Any, scheme: str | None, **filters: Any) -> None:
    """Say on stderr when --scheme leaves out documents whose quotes were found under another scheme.

    A corpus annotated under the speech scheme holds no attribution quotes: without this, an
    empty 'quotes --scheme attribution' reads as nobody being quoted.
    """
    from policytext.search.listing import other_scheme_counts

    if scheme is None:
        return
    others = other_scheme_counts(corpus, scheme, **filters)
    if others:
        held = ", ".join(f"{count:,} under {name}" for name, count in others.items())
        message(f"note: {sum(others.values()):,} annotated document(s) in scope hold quotes found under another "
                f"scheme than {scheme} ({held}), and --scheme {scheme} lists none of them: "
                f"`policytext annotate --scheme {scheme}` finds their quotes under it (replacing the others)",
                quiet=st.quiet)


@strict_options
def _note_unannotated(st: Any, corpus: Any, *, empty: bool, **filters: Any) -> None:
    """Say on stderr when documents within the filters are not annotated yet (and that no match there is no real no)."""
    from policytext.records import ANNOTATION_RULES
    from policytext.search import annotation_gap
    from policytext.search.listing import older_rules_count

    missing, total = annotation_gap(corpus, **filters)
    if empty and not total:
        # 'search tax --since 2030' said only "0 sentences match": the period holds no document at all
        message("note: no document of the corpus is within these filters, so nothing was searched: widen them "
                "('policytext stats' shows the corpus's dates, speakers and governments)", quiet=st.quiet)
    if missing:
        found = (": finding nothing is not a real no" if empty else "")
        # the older rules' documents apart: "92 of 92 are not annotated yet" and then "92 of them were
        # annotated by older rules" read as a contradiction (a new-user pass)
        older = older_rules_count(corpus, **filters)
        if missing > older:
            message(f"note: {missing - older:,} of {total:,} documents are not annotated yet: run "
                    f"`policytext annotate`{found}", quiet=st.quiet)
        if older:
            message(f"note: {older:,} of {total:,} documents were annotated by older rules (not this version's "
                    f"annotation rules {ANNOTATION_RULES}): their quotes, speakers and claims are the older "
                    f"rules'; run `policytext annotate`{found if missing == older else ''}", quiet=st.quiet)


def _print_counts(st: Any, query: str, within: str, by: str, filters: dict[str, Any], limit: int | None,
                  format: OutputFormat, *, unit: str = "matches") -> None:
    """Print the counts of ``search --count-by``: one row per value, as many as ``limit``.

    The rows' key is ``matches`` or ``documents`` (what was counted); the table's header and the
    note above it say what a match is (a sentence, quote or claim), so no one reads hits as documents.
    """
    from policytext.search.counts import count_matches

    with open_corpus(config=st.config(), readonly=True) as corpus:
        counts = count_matches(corpus, query, by=by, within=within, limit=limit, unit=unit, **filters)
    rows = [{by: count.value, unit: count.count} for count in counts]
    if format is OutputFormat.table:
        what = f"matching {within}" if unit == "matches" else "documents with a match"
        scores = f" ({ANY_SCORE})" if within == "claims" and filters.get("min_score") is None else ""
        message(f"{within.capitalize()} matching {query!r}, by {by}: counting {what}{scores}", quiet=st.quiet)
        render([{by: row[by], what: row[unit]} for row in rows], format, columns=[by, what])
        return
    render(rows, format, columns=[by, unit])


def _ranking(meaning: bool, rank: Rank | None) -> str:
    """Return the ranking asked for by --meaning and --rank (refusing the two at odds)."""
    if rank is None:
        return "meaning" if meaning else "bm25"
    if meaning and rank is Rank.bm25:
        raise BadQuery("--meaning and --rank bm25 contradict each other: give one of them")
    return rank.value


def _search_by_meaning(st: Any, query: str, ranking: str, *, format: OutputFormat, **options: Any) -> None:
    from policytext.search import HIT_COLUMNS
    from policytext.search.meaning import search_meaning

    with open_corpus(config=st.config(), readonly=True) as corpus:
        result = search_meaning(corpus, query, rank=ranking, **options)
    rows = [hit.to_dict() for hit in result.hits]
    if result.unembedded:
        message(f"{result.unembedded:,} sentences within the filters have no vectors yet and were not searched: "
                "run 'policytext embed' to add them", quiet=st.quiet)
    if format is OutputFormat.table:
        shown = f"{result.offset + 1}-{result.offset + len(rows)}" if rows else "none"
        how = "closest in meaning" if ranking == "meaning" else "best by meaning and words (hybrid)"
        message(f"{how} to {query!r} among {result.total:,} sentences ({result.model}); showing {shown}",
                quiet=st.quiet)
        render(rows, format, columns=["rank", *TABLE_COLUMNS], max_width=400)
    else:
        render(rows, format, columns=HIT_COLUMNS)


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Address to listen on (only this machine by default)."),
    port: int = typer.Option(8000, help="Port to listen on (0 picks a free one)."),
    threads: int = typer.Option(4, min=1, max=64, help="Worker threads answering requests (each keeps one store connection)."),
    allow_host: list[str] = typer.Option([], "--allow-host", help="A further name the page is reached by (name or name:port), e.g. behind a proxy; repeatable. Requests naming other hosts get 400."),
    processes: Optional[int] = typer.Option(None, min=1, max=64, show_default="one per core, at most 4", help="Serving processes sharing the port; they answer side by side, each with its own threads, store connections and cache."),
    cache: bool = typer.Option(True, "--cache/--no-cache", help="Keep answers of searches until the store changes (--no-cache computes every one, e.g. to measure the searches themselves)."),
) -> None:
    """Serve the search page and its JSON endpoint (/api/search) over the corpus, read-only.

    Example: policytext serve --port 8000   (then open http://127.0.0.1:8000/)

    Example: policytext serve --host 0.0.0.0 --allow-host search.example.org

    Example: policytext serve --processes 2   (two processes answer side by side, e.g. on two cores)
    """
    import logging

    from policytext.web import read_allowed_host, serve_corpus

    st = state(ctx)
    allowed = [read_allowed_host(name) for name in allow_host]
    # The server's own warnings and the page's failures go to stderr; waitress's note on every
    # queued request would drown them under load.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)

    def announce(url: str) -> None:
        message(f"Serving the search page at {url} (JSON at {url}api/search?q=…); Ctrl+C stops it.")

    try:
        serve_corpus(st.config(), host=host, port=port, threads=threads, allow_hosts=allowed, cache=cache,
                     processes=processes, ready=announce)
    except KeyboardInterrupt:  # the normal way to stop a server: not an interrupted job
        message("Stopped the search page.")


@app.command("quotes")
@document_filters(speaker=QUOTED_SPEAKER)
def quotes(
    ctx: typer.Context,
    about: Optional[str] = typer.Option(None, help="Only quotes matching this search query (same syntax as 'search': "
                                                   "\"quoted phrases\" as written, bare words in all their forms)."),
    limit: Optional[int] = typer.Option(None, help="At most this many quotes."),
    min_confidence: float = typer.Option(0.0, "--min-confidence", help="Only quotes at least this confident (0-1)."),
    resolved_by: Optional[str] = typer.Option(None, "--resolved-by", help="Only quotes whose speaker was resolved so: "
                                              "name, pronoun, role, chain or none, comma-separated."),
    scheme: Optional[str] = QUOTE_SCHEME,
    doc_ids: list[str] = typer.Option([], "--id", help="Only quotes of this document (repeat for more)."),
    verify: bool = typer.Option(False, "--verify", help="Check each quote against the rest of the corpus: did the "
                                "person it is attributed to say it (verbatim, altered, paraphrase, other speaker, "
                                "not found)? See 'policytext verify'."),
    format: OutputFormat = FORMAT,
) -> None:
    """List quotes: who is quoted saying what, where and when (oldest first, or best match first with --about).

    --speaker is who is quoted; the other filters choose the documents the quotes are in.
    With --verify, each quote listed is checked as 'policytext verify' would, as said by the
    person it is attributed to; its own document is no evidence for it.

    Example: policytext quotes --speaker Hancock --about trust

    Example: policytext quotes --since 2015 --format csv > quotes.csv

    Example: policytext quotes --id govuk:some-blog-post --verify
    """
    from policytext.search import find_quotes

    st = state(ctx)
    filters = filter_options(ctx)  # the shared filters and --limit
    speaker = filters.get("speaker")
    if verify:
        _verify_quotes(st, doc_ids, format=format, about=about, min_confidence=min_confidence,
                       resolved_by=resolved_by, scheme=scheme, **filters)
        return
    if doc_ids:
        raise BadQuery("--id chooses the documents whose quotes --verify checks; to list a document's quotes, "
                       "add --verify, or use policytext extract quotes")
    with open_corpus(config=st.config(), readonly=True) as corpus:
        frame = find_quotes(corpus, about=about, min_confidence=min_confidence, resolved_by=resolved_by,
                            scheme=scheme, **filters)
        _note_unannotated(st, corpus, empty=frame.empty, **_document_scope(filters, "quotes"))
        _note_other_scheme(st, corpus, scheme, **_document_scope(filters, "quotes"))
        _note_query(st, about)
        # an empty list may come from the other conditions, not from nobody of that name being quoted
        quoted_anywhere = len(find_quotes(corpus, speaker=speaker)) if frame.empty and speaker else 0
        # likewise for --about: matched elsewhere in the corpus, or by no quote's own words at all
        about_anywhere = (len(find_quotes(corpus, about=about)) if frame.empty and about and not speaker else 0)
    if format is OutputFormat.table:
        # how the speaker was found: a name beside the words reads as a fact, while a speaker carried
        # over from an earlier quote (chain) or a pronoun's antecedent is an inference to check
        columns = ["highlighted" if about else "text", "speaker", "resolved_by", "speaker_role", "cue", "kind", "date",
                   "title"]
        render(_from_the_match(frame, TABLE_TEXT_WIDTH) if about else frame, format, columns=columns, title="Quotes",
               max_width=TABLE_TEXT_WIDTH)
    else:
        render(frame, format)
    conditions = [f"--{name.replace('_', '-')}" for name, value in filters.items()
                  if name not in ("speaker", "limit") and value not in (None, "", [], ())]
    if frame.empty and about and not speaker:
        others = conditions + [option for option, given in (("--min-confidence", min_confidence),
                                                            ("--resolved-by", resolved_by), ("--scheme", scheme)) if given]
        if about_anywhere:
            message(f"{about_anywhere:,} quote(s) in the corpus match {about!r}, none of them in what the other "
                    f"conditions choose ({', '.join(others)}); drop or widen those to see them", quiet=st.quiet)
        else:
            message(f"No quote in the corpus matches {about!r}: --about searches the quoted words only, not the "
                    f"speech around them. Try other or fewer words, or the documents' own text: "
                    f"policytext search {about!r}" + "".join(f" {c} …" for c in conditions), quiet=st.quiet)
    if frame.empty and speaker and quoted_anywhere:
        conditions += [option for option, given in (("--about", about), ("--min-confidence", min_confidence),
                                                    ("--resolved-by", resolved_by), ("--scheme", scheme)) if given]
        message(f"{quoted_anywhere:,} quote(s) of someone named {speaker!r} in the corpus, none of them in what "
                f"the other conditions choose ({', '.join(conditions)})", quiet=st.quiet)
    elif frame.empty and speaker:
        terms = f"{about} " if about else ""
        message(f"No quote of anyone named {speaker!r} matches. 'quotes' lists people quoted inside "
                f"documents; for what {speaker} said in their own speeches, search them: "
                f"policytext search {terms or 'WORDS '}--speaker {speaker!r}", quiet=st.quiet)


def _from_the_match(frame: Any, width: int) -> Any:
    """Return ``frame`` with each ``highlighted`` text starting a few words before its first match.

    A table cuts a text at ``width`` characters: a quote whose matched words come later showed
    none of them under --about ('quotes --about freedom' listed quotes with no «freedom» in sight).
    """
    def shown(highlighted: Any, text: Any) -> Any:
        if not isinstance(highlighted, str) or not isinstance(text, str):
            return highlighted
        # where the marks begin: the first character at which the marked text leaves the plain one
        first = next((i for i, (a, b) in enumerate(zip(highlighted, text)) if a != b), None)
        if first is None or first < width // 2 or len(highlighted) <= width:
            return highlighted
        # a few words before the match; when the text ends soon after it, the first word from which
        # the rest fits whole
        want, least = first - width // 3, len(highlighted) - width + 1
        start = highlighted.find(" ", least - 1, want) + 1 if least <= want else 0
        start = start or highlighted.rfind(" ", 0, want) + 1
        return "…" + highlighted[start:] if start else highlighted

    if frame.empty or "highlighted" not in frame:
        return frame
    return frame.assign(highlighted=[shown(h, t) for h, t in zip(frame["highlighted"], frame["text"])])


def _verify_quotes(st: Any, doc_ids: list[str], *, format: OutputFormat, **options: Any) -> None:
    from policytext.verify import verify_extracted_quotes

    with open_corpus(config=st.config(), readonly=True) as corpus:
        frame = verify_extracted_quotes(corpus, doc_ids=doc_ids, **options)
    if format is OutputFormat.table:
        message(f"{len(frame):,} quotes checked: " + (", ".join(
            f"{count} {verdict}" for verdict, count in frame["verdict"].value_counts().items()) or "none"),
            quiet=st.quiet)
        render(frame, format, columns=["verdict", "quote", "asked_speaker", "similarity", "note"],
               title="Quotes checked", max_width=120)
    else:
        render(frame, format)


@app.command("claims")
@document_filters(speaker=CLAIMANT)
def claims(
    ctx: typer.Context,
    min_score: float = typer.Option(CLAIMS_MIN_SCORE, help="Only claims scoring at least this (0-1)."),
    type: Optional[str] = typer.Option(None, "--type", help="Only these types (comma-separated): quantity, comparison, causal, prediction, trend, attribution_of_fact."),
    about: Optional[str] = typer.Option(None, help="Only claims matching this search query (same syntax as 'search': "
                                                   "\"quoted phrases\" as written, bare words in all their forms), "
                                                   "best match first (not by score)."),
    limit: Optional[int] = typer.Option(None, help="At most this many claims."),
    format: OutputFormat = FORMAT,
) -> None:
    """List check-worthy claims, most check-worthy first (best match first with --about).

    --speaker is who claims; the other filters choose the documents the claims are in.

    Example: policytext claims --min-score 0.8 --type quantity --speaker Kennedy

    Example: policytext claims --about unemployment --since 1980 --format json
    """
    from policytext.search import find_claims

    st = state(ctx)
    filters = filter_options(ctx)  # the shared filters and --limit
    with open_corpus(config=st.config(), readonly=True) as corpus:
        frame = find_claims(corpus, min_score=min_score, type=type, about=about, **filters)
        _note_unannotated(st, corpus, empty=frame.empty, **_document_scope(filters, "claims"))
        _note_query(st, about)
    if format is OutputFormat.table:
        columns = ["score", "types", "highlighted" if about else "text", "speaker", "date"]
        render(_from_the_match(frame, TABLE_TEXT_WIDTH) if about else frame, format, columns=columns, title="Claims",
               max_width=TABLE_TEXT_WIDTH)
    else:
        render(frame, format)
