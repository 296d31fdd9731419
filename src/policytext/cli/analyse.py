"""Commands of the analysis stage: themes, trends, topics, keyness and kwic."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, List, Optional

import typer

from policytext.cli.root import app, state
from policytext.cli.options import FORMAT, PROVENANCE, document_filters, filter_options
from policytext.cli.render import OutputFormat, message, progress_bar, render
from policytext.corpus import open_corpus

themes_app = typer.Typer(help="The theme lexicon: list themes, show a theme's entries, suggest new "
                              "terms from the corpus, check a theme's matches and precision.", no_args_is_help=True)
topics_app = typer.Typer(help="Topic models: fit, show, trends over groups, wording over time, apply "
                              "to new documents.",
                         no_args_is_help=True)
app.add_typer(themes_app, name="themes")
app.add_typer(topics_app, name="topics")

LIMIT = typer.Option(None, help="At most this many documents (oldest first).")
THEMES_FILE = typer.Option([], "--themes", help="A theme file (TOML) adding or replacing themes; repeatable.")
BY = typer.Option("government", "--by", help="government, year, quarter, speaker, party, kind, role, side or post.")
PLOT = typer.Option(None, "--plot", help="Also write a chart: FILE.png, FILE.svg or FILE.pdf (fonts embedded).")
SIZE = typer.Option("slide", "--size", help="The chart's size: column (one column of a paper) or slide.")
MIN_DOCUMENTS = typer.Option(
    None, "--min-documents", help="The fewest documents a group needs for an interval (default: the "
                                  "setting min_group_documents, 5); smaller groups are flagged.")
ADJUST = typer.Option(None, "--adjust", help="Adjust p-values for testing many groups or terms: holm or bh "
                                             "(Benjamini-Hochberg), in the column p_adjusted.")
INCLUDE_UNLABELLED = typer.Option(
    False, "--include-unlabelled",
    help="Keep documents with no group (no government: outside every timeline, or dated only by a "
         "year that spans two) as the group '(none)'. By default they are left out, and counted.")


@contextmanager
def _reporting_unlabelled(quiet: bool) -> Iterator[None]:
    """Print the library's notices about groups (documents without one, small ones) on stderr, as notes."""
    import warnings

    from policytext.analyse.groups import GroupNotice

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GroupNotice)
        yield
    for warning in caught:
        if issubclass(warning.category, GroupNotice):
            message(f"note: {warning.message}".replace("include_unlabelled=True (--include-unlabelled)",
                                                        "--include-unlabelled")
                    .replace("min_documents (--min-documents)", "--min-documents"), quiet=quiet)
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)


def _for_table(frame):
    """Return ``frame`` for a printed table: p-values in scientific notation, no empty p_adjusted."""
    from policytext.analyse.stats import format_p_value

    shown = frame.copy()
    if "p_adjusted" in shown and shown["p_adjusted"].isna().all():
        shown = shown.drop(columns="p_adjusted")
    for column in ("p_value", "p_adjusted"):
        if column in shown:
            shown[column] = [format_p_value(p) for p in shown[column]]
    return shown


LEMMAS = typer.Option(
    None, "--lemmas", metavar="DIR",
    help="Read lemma streams missing from the store from the Parquet files of this folder: the work "
         "directory of 'annotate --engine dask' (by default the work directories the store records).")


@contextmanager
def _lemmatising(corpus, quiet: bool, filters: dict[str, Any], lemmas: Optional[Path] = None) -> Iterator[Any]:
    """Yield a progress hook for documents that still need lemmas (a bar only when there are some) and
    the lemma selection that found them: pass it on as ``lemmas=`` so that the streams, looked up
    here once (the store and every Parquet lemma file), are not looked up again."""
    from policytext.analyse.lemmas import select_lemmas

    limit = filters.get("limit")
    if limit is not None:  # read as "terms" or "rows" by some: say what it cut
        within = corpus.count_documents(**{name: value for name, value in filters.items() if name != "limit"})
        if within > limit:
            message(f"note: --limit {limit} keeps the {limit:,} oldest of the {within:,} documents within the "
                    "filters (it limits documents, not the rows shown)", quiet=quiet)
    with _reporting_unlabelled(quiet):  # documents left out of the selection (another language) are noted
        selection = select_lemmas(corpus, lemmas=lemmas, **filters)
    stale = selection.stale
    words = selection.stale_words
    if stale and corpus.store.readonly:
        message(f"note: lemmatising {stale} document(s) ({words:,} words) that have no current lemmas in memory: "
                "the store cannot be written here, so they are not kept (run again where it can be, or "
                "annotate, to store them)", quiet=quiet)
        with progress_bar("lemmas (documents)", stale, quiet=quiet) as advance:
            yield advance, selection
        return
    if stale:
        # Lemmatising costs about 0.1-0.2 ms of CPU a word (minutes for a million words): done first,
        # with a bar in words that moves inside a long document, and kept for every later analysis.
        message(f"lemmatising {stale} document(s) ({words:,} words) that have no current lemmas, once: they are "
                "stored for every later analysis ('policytext annotate' stores them too, with "
                "--engine dask --workers N for a large corpus)", quiet=quiet)
        with progress_bar("lemmas (words)", words, quiet=quiet) as advance:
            selection.ensure(words=lambda n: advance(by=n))
    yield (lambda *args, **kwargs: None), selection


def _check_chart_options(plot: Optional[Path], size: str) -> None:
    """Refuse a chart file name or size that cannot be written, before any work is done."""
    from policytext.plots import check_plot_path
    from policytext.plots.figure import chart_size

    chart_size(size)
    if plot is not None:
        check_plot_path(plot)


# ---------------------------------------------------------------------- themes

@themes_app.command("list")
def themes_list(
    ctx: typer.Context,
    themes: List[Path] = THEMES_FILE,
    format: OutputFormat = FORMAT,
) -> None:
    """List the themes: packaged ones and those of your own theme files.

    Example: policytext themes list --themes my-themes.toml
    """
    from policytext.analyse.themes import load_lexicon

    lexicon = load_lexicon(themes, config=state(ctx).config())
    render(lexicon.frame(), format, title="Themes", max_width=70)


@themes_app.command("show")
def themes_show(
    ctx: typer.Context,
    theme: str = typer.Argument(..., help="The theme's name, e.g. trust."),
    themes: List[Path] = THEMES_FILE,
    format: OutputFormat = FORMAT,
) -> None:
    """Show a theme's description, entries (lemmas, phrases, wildcards) and exclusions.

    Example: policytext themes show entrepreneurialism
    """
    from policytext.analyse.themes import describe_theme, load_lexicon

    found = load_lexicon(themes, config=state(ctx).config()).get(theme)
    if format is OutputFormat.table:
        message(f"{found.name} — {found.label} ({found.source})\n{found.description}"
                + (f"\nNotes: {found.notes}" if found.notes else ""))
    render(describe_theme(found), format, title=f"Entries of {found.name}")


@themes_app.command("suggest")
@document_filters()
def themes_suggest(
    ctx: typer.Context,
    theme: str = typer.Argument(..., help="The theme's name."),
    window: int = typer.Option(10, help="Lemmas on each side of a match counted as its company."),
    top: int = typer.Option(20, help="How many suggestions."),
    min_count: int = typer.Option(3, help="The fewest occurrences near the theme a suggestion needs."),
    themes: List[Path] = THEMES_FILE,
    limit: Optional[int] = LIMIT,
    lemmas: Optional[Path] = LEMMAS,
    format: OutputFormat = FORMAT,
) -> None:
    """Suggest terms found near a theme's matches in this corpus, ranked by log-likelihood.

    Review the list and add the terms you accept to your own theme file (extend = true).

    Example: policytext themes suggest trust --since 1946 --top 15
    """
    from policytext.analyse.themes import load_lexicon, suggest_terms

    st = state(ctx)
    filters = filter_options(ctx)
    with open_corpus(config=st.config()) as corpus:
        lexicon = load_lexicon(themes, config=corpus.config)
        with _lemmatising(corpus, st.quiet, filters, lemmas) as (_, selection):
            frame = suggest_terms(corpus, theme, lexicon=lexicon, window=window, top=top,
                                  min_count=min_count, lemmas=selection, **filters)
    render(frame, format, title=f"Terms near {theme}")


@themes_app.command("check")
@document_filters()
def themes_check(
    ctx: typer.Context,
    theme: str = typer.Argument(..., help="The theme's name."),
    by: str = BY,
    sample: int = typer.Option(20, "--sample", help="How many matches to draw at random."),
    seed: int = typer.Option(0, "--seed", help="Seed of the sample: the same seed draws the same matches."),
    window: int = typer.Option(10, "--window", help="Words of context on each side of a match."),
    terms: int = typer.Option(8, "--terms", help="Columns for this many entries in the table by group."),
    judge: Optional[Path] = typer.Option(None, "--judge", help="Write the sample to this CSV with an empty "
                                         "judgement column to fill in with y or n."),
    judged: Optional[Path] = typer.Option(None, "--judged", help="Read a filled-in sheet and report the "
                                          "theme's precision with a 95% Wilson interval."),
    show: str = typer.Option("all", "--show", help="all (tables only), terms, groups or sample."),
    themes: List[Path] = THEMES_FILE,
    limit: Optional[int] = LIMIT,
    include_unlabelled: bool = INCLUDE_UNLABELLED,
    format: OutputFormat = FORMAT,
) -> None:
    """Check a theme: its matches by entry and by group, and a seeded random sample in context to judge.

    --judge FILE writes the sample as a CSV to fill in; --judged FILE reads it back and reports the
    precision, overall and by entry, with a 95% Wilson interval.

    Example: policytext themes check entrepreneurialism --sample 50 --judge judge.csv
    """
    from policytext.analyse.theme_check import (count_theme_terms, estimate_precision, sample_matches,
                                                write_judgement_sheet)
    from policytext.analyse.themes import load_lexicon
    from policytext.analyse.trends import term_table, term_trends
    from policytext.errors import BadQuery

    st = state(ctx)
    if judged is not None:
        precision = estimate_precision(judged)
        render(precision, format, title=f"Precision of {theme} from {judged}")
        unjudged = precision.attrs.get("unjudged", 0)
        if unjudged:
            message(f"note: {unjudged} match(es) in the sheet have no judgement and are left out", quiet=st.quiet)
        return
    parts = ("terms", "groups", "sample")
    if show not in ("all",) + parts:
        raise BadQuery(f"--show must be all, terms, groups or sample, not {show!r}")
    if show == "all" and format not in (OutputFormat.table, OutputFormat.json) and judge is None:
        raise BadQuery(f"--format {format.value} prints one table: choose it with --show terms, groups or sample")
    filters = filter_options(ctx)
    with open_corpus(config=st.config()) as corpus:
        lexicon = load_lexicon(themes, config=corpus.config)
        name = lexicon.get(theme).name
        with _lemmatising(corpus, st.quiet, filters) as (advance, selection), _reporting_unlabelled(st.quiet):
            drawn = sample_matches(corpus, name, size=sample, seed=seed, window=window, lexicon=lexicon,
                                   progress=advance, lemmas=selection, **filters)
            if judge is not None:
                write_judgement_sheet(drawn, judge)
                message(f"wrote {len(drawn)} of {drawn.attrs['population']:,} matches of {name} to {judge}: fill "
                        f"in the judgement column with y or n, then run 'policytext themes check {name} "
                        f"--judged {judge}'", quiet=st.quiet)
                return
            frames = {}
            if show in ("all", "terms"):
                frames["terms"] = count_theme_terms(corpus, name, lexicon=lexicon, lemmas=selection, **filters)
            if show in ("all", "groups"):
                frames["groups"] = term_table(term_trends(corpus, [name], by=by, lexicon=lexicon,
                                                          include_unlabelled=include_unlabelled,
                                                          lemmas=selection, **filters),
                                              top=terms, value="matches")
            if show in ("all", "sample"):
                frames["sample"] = drawn
    titles = {"terms": f"Matches of {name} by entry", "groups": f"Matches of {name} by {by} and entry",
              "sample": f"{len(drawn)} of {drawn.attrs['population']:,} matches of {name}, drawn at random (seed {seed})"}
    if format is OutputFormat.json and show == "all":
        from policytext.cli.render import records_of

        sys.stdout.write(json.dumps({part: records_of(frame) for part, frame in frames.items()},
                                    ensure_ascii=False, indent=2, default=str) + "\n")
        return
    for part, frame in frames.items():
        columns = ["id", "date", "term", "left", "match", "right"] \
            if part == "sample" and format is OutputFormat.table else None
        render(frame, format, title=titles[part], columns=columns, max_width=70)


# ---------------------------------------------------------------------- trends

@app.command("trends")
@document_filters()
def trends(
    ctx: typer.Context,
    theme: List[str] = typer.Argument(..., help="One or more theme names."),
    by: str = BY,
    plot: Optional[Path] = PLOT,
    size: str = SIZE,
    seed: int = typer.Option(0, help="Seed of the bootstrap intervals and of the permutation test."),
    permutations: int = typer.Option(9999, "--permutations", help="Shuffles of the groups among the documents "
                                     "for the test of each group against the rest (p_value; the smallest is "
                                     "2 / (permutations + 1))."),
    by_term: bool = typer.Option(False, "--by-term", help="One column per entry of the theme (rate per "
                                 "10,000 tokens): which terms drive a rise."),
    terms: int = typer.Option(8, "--terms", help="With --by-term: columns for this many entries, the rest summed."),
    min_documents: Optional[int] = MIN_DOCUMENTS,
    adjust: Optional[str] = ADJUST,
    themes: List[Path] = THEMES_FILE,
    limit: Optional[int] = LIMIT,
    include_unlabelled: bool = INCLUDE_UNLABELLED,
    lemmas: Optional[Path] = LEMMAS,
    format: OutputFormat = FORMAT,
    provenance: bool = PROVENANCE,
) -> None:
    """How often themes are used in each group: rate per 10,000 tokens with a 95% interval, share of
    documents, log ratio against the rest and a permutation test with documents as the unit.

    Groups with fewer documents than --min-documents get no interval (small_group); a group without
    a match gets an upper bound. The test shuffles the groups among the documents; with fewer than
    --min-documents documents in the group, in the rest or carrying the theme there is no test
    (p_value empty, the test column says why). With --by-term, one column per entry of the theme instead.

    Example: policytext trends trust entrepreneurialism --by government --plot trends.png --size column
    """
    from policytext.analyse.themes import load_lexicon
    from policytext.analyse.trends import term_table, term_trends, theme_trends
    from policytext.errors import BadQuery

    st = state(ctx)
    if plot is not None and by_term:
        raise BadQuery("--plot draws the themes' rates, not --by-term columns: leave out one of the two")
    _check_chart_options(plot, size)
    filters = filter_options(ctx)
    periods = None
    with open_corpus(config=st.config()) as corpus:
        lexicon = load_lexicon(themes, config=corpus.config)
        with _lemmatising(corpus, st.quiet, filters, lemmas) as (advance, selection), \
                _reporting_unlabelled(st.quiet):
            if by_term:
                table = term_table(term_trends(corpus, theme, by=by, lexicon=lexicon, progress=advance,
                                               include_unlabelled=include_unlabelled, lemmas=selection, **filters),
                                   top=terms)
            else:
                frame = theme_trends(corpus, theme, by=by, lexicon=lexicon, seed=seed, progress=advance,
                                     include_unlabelled=include_unlabelled, min_documents=min_documents,
                                     adjust=adjust, lemmas=selection, permutations=permutations, **filters)
        if plot is not None and by in ("year", "quarter"):
            from policytext.plots import government_periods

            periods = government_periods(corpus, frame, **filters)  # the band: who governed
    if by_term:
        render(table, format, title=f"Rate per 10,000 tokens by entry and {by}", provenance=provenance)
        return
    # The table leaves out the period and the count behind the share (json and csv keep every column).
    shown, columns = frame, None
    if format is OutputFormat.table:
        shown = _for_table(frame)
        columns = [c for c in shown.columns if c not in ("start", "end", "documents_with_theme")]
    render(shown, format, title=f"Themes by {by}", columns=columns, provenance=provenance)
    if plot is not None:
        from policytext.plots import plot_theme_trends

        plot_theme_trends(frame, plot, by=by, periods=periods, size=size, title=f"{', '.join(theme)} by {by}")
        message(f"wrote {plot}", quiet=st.quiet)


# ---------------------------------------------------------------------- keyness and kwic

@app.command("keyness")
@document_filters()
def keyness(
    ctx: typer.Context,
    target: str = typer.Option(..., "--target", help="The group to characterise (or part of its name)."),
    reference: str = typer.Option("rest", "--reference", help="Another group, or 'rest' for all others."),
    by: str = BY,
    top: int = typer.Option(20, "--top", help="How many terms."),
    min_count: int = typer.Option(5, help="The fewest occurrences a term needs (both sides)."),
    min_documents: Optional[int] = MIN_DOCUMENTS,
    adjust: Optional[str] = ADJUST,
    limit: Optional[int] = LIMIT,
    include_unlabelled: bool = INCLUDE_UNLABELLED,
    lemmas: Optional[Path] = LEMMAS,
    format: OutputFormat = FORMAT,
    provenance: bool = PROVENANCE,
) -> None:
    """The lemmas and bigrams that set one group apart: G², log ratio, rates per 10,000 tokens.

    Example: policytext keyness --by government --target Reagan --reference Carter --top 15
    """
    from policytext.analyse.keyness import keyness as keyness_of

    st = state(ctx)
    filters = filter_options(ctx)
    with open_corpus(config=st.config()) as corpus:
        with _lemmatising(corpus, st.quiet, filters, lemmas) as (advance, selection), \
                _reporting_unlabelled(st.quiet):
            frame = keyness_of(corpus, by=by, target=target, reference=reference, top=top,
                               min_count=min_count, progress=advance, include_unlabelled=include_unlabelled,
                               min_documents=min_documents, adjust=adjust, lemmas=selection, **filters)
    render(_for_table(frame) if format is OutputFormat.table else frame, format,
           title=f"Key terms of {target} vs {reference}", provenance=provenance)


@app.command("kwic")
@document_filters()
def kwic(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="A theme name, or a lemma, phrase or wildcard (\"small business\", \"entrepreneur*\")."),
    window: int = typer.Option(8, "--window", help="Words of context on each side."),
    themes: List[Path] = THEMES_FILE,
    limit: Optional[int] = LIMIT,
    format: OutputFormat = FORMAT,
) -> None:
    """Keyword in context: each match of a theme or term with the original words around it.

    Example: policytext kwic entrepreneurialism --window 6 --since 2001
    """
    from policytext.analyse.kwic import kwic as kwic_of
    from policytext.analyse.themes import load_lexicon

    st = state(ctx)
    filters = filter_options(ctx)  # limit is kwic's own option too: at most this many documents
    with open_corpus(config=st.config()) as corpus:
        lexicon = load_lexicon(themes, config=corpus.config)
        with _lemmatising(corpus, st.quiet, filters) as (advance, selection):
            frame = kwic_of(corpus, query, window=window, lexicon=lexicon, progress=advance, lemmas=selection,
                            **filters)
    columns = ["date", "speaker", "left", "match", "right"] if format is OutputFormat.table else None
    render(frame, format, title=f"{query} in context", columns=columns, max_width=70)


# ---------------------------------------------------------------------- topics

@topics_app.command("fit")
@document_filters()
def topics_fit(
    ctx: typer.Context,
    k: str = typer.Option("10", "--k", help="Number of topics, or 'auto' to choose by coherence on held-out "
                                         "passages and stability across seeds."),
    method: str = typer.Option("nmf", "--method", help="nmf (TF-IDF) or lda (counts)."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives the same model."),
    name: Optional[str] = typer.Option(None, "--name", help="Model name (default METHOD-kK)."),
    k_range: str = typer.Option("5,10,15,20,25", "--k-range", help="The k values --k auto tries."),
    k_seeds: int = typer.Option(3, "--k-seeds", help="Runs per k that --k auto fits (2 or more), each on its "
                                                     "own held-out split."),
    segment: int = typer.Option(200, help="Fit on passages of this many lemmas (0: whole documents)."),
    guided: List[str] = typer.Option([], "--guided", help="A theme that seeds one topic; repeatable."),
    stop_word: List[str] = typer.Option([], "--stop-word", help="A domain stop word; repeatable."),
    parliamentary: Optional[bool] = typer.Option(
        None, "--parliamentary-stop-words/--no-parliamentary-stop-words",
        help="Add the packaged parliamentary stop words (hon, friend, member, Speaker...). Default: "
             "when any selected document is parliamentary text (its source or kind: hansard, "
             "parlamint, debate...)."),
    themes: List[Path] = THEMES_FILE,
    limit: Optional[int] = LIMIT,
    lemmas: Optional[Path] = LEMMAS,
    format: OutputFormat = FORMAT,
) -> None:
    """Fit a topic model (unigrams and bigrams of lemmas) and save it with its card in the corpus's
    models/topics folder (JSON + NumPy; loading it never runs code).

    Example: policytext topics fit --k auto --method nmf --seed 1 --name sotu
    """
    from policytext.analyse.themes import load_lexicon
    from policytext.analyse.topics import fit_topics, models_folder
    from policytext.errors import ConfigError

    st = state(ctx)
    try:
        ks = tuple(int(v) for v in k_range.split(",") if v.strip())
    except ValueError as err:
        raise ConfigError(f"--k-range must be numbers separated by commas, not {k_range!r}") from err
    filters = filter_options(ctx)
    with open_corpus(config=st.config()) as corpus:
        lexicon = load_lexicon(themes, config=corpus.config) if guided else None
        # the models saved before: a fit under one of their names replaces it, which the run then says
        saved_before = {p.stem for p in models_folder(corpus).glob("*.json")}
        with _lemmatising(corpus, st.quiet, filters, lemmas) as (advance, selection):
            model, path, tried = fit_topics(corpus, k=k, method=method, seed=seed, name=name, segment=segment,
                                            guided=guided, stop_words=stop_word, parliamentary=parliamentary,
                                            k_range=ks, k_seeds=k_seeds, lexicon=lexicon, progress=advance,
                                            lemmas=selection, **filters)
    if len(tried) > 1 and format is OutputFormat.table:
        render(tried, format, title="k tried: held-out NPMI coherence (± standard error over runs), stability "
                                    "across seeds; the chosen k has the best stability × (1 + coherence) / 2")
    if model.card_.get("parliamentary_stop_words", {}).get("used"):
        message("parliamentary stop words used (hon, friend, member...): --no-parliamentary-stop-words "
                "turns them off", quiet=st.quiet)
    render(model.terms_frame(8).groupby(["topic", "label"], sort=True)["term"].apply(", ".join).reset_index()
           .assign(coherence=list(model.coherence_)), format, title=f"Topics of {path.stem}", max_width=90)
    message(f"saved {path} (k={model.k}, mean NPMI {float(model.coherence_.mean()):.3f})", quiet=st.quiet)
    if path.stem in saved_before:
        message(f"note: this replaced the topic model {path.stem!r} saved before under that name; give --name "
                "another name to keep both", quiet=st.quiet)


@topics_app.command("show")
def topics_show(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The model's name."),
    top: int = typer.Option(10, "--top", help="Terms per topic."),
    passages: int = typer.Option(1, "--passages", help="Representative passages per topic (0: none)."),
    min_lemmas: int = typer.Option(12, "--min-lemmas", help="Shortest representative passage, in lemmas."),
    format: OutputFormat = FORMAT,
) -> None:
    """Show a model's topics: top terms, coherence and representative passages.

    Example: policytext topics show sotu --top 8 --passages 2
    """
    from policytext.analyse.topics import load_topic_model, representative_passages

    st = state(ctx)
    with open_corpus(config=st.config()) as corpus:
        model = load_topic_model(corpus, name)
        filters = model.card_.get("filters", {})
        found = (representative_passages(corpus, name, per_topic=passages, min_lemmas=min_lemmas, **filters)
                 if passages else None)
    terms = model.terms_frame(top).groupby(["topic", "label"], sort=True)["term"].apply(", ".join).reset_index()
    terms["coherence"] = list(model.coherence_)
    render(terms, format, title=f"Topics of {name}", max_width=100)
    if found is not None and len(found):
        render(found[["topic", "doc_id", "date", "speaker", "share", "similarity", "passage"]] if format is OutputFormat.table
               else found, format, title="Representative passages", max_width=160)


@topics_app.command("trends")
@document_filters()
def topics_trends(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The model's name."),
    by: str = BY,
    plot: Optional[Path] = PLOT,
    size: str = SIZE,
    seed: int = typer.Option(0, help="Seed of the bootstrap intervals."),
    limit: Optional[int] = LIMIT,
    include_unlabelled: bool = INCLUDE_UNLABELLED,
    format: OutputFormat = FORMAT,
    provenance: bool = PROVENANCE,
) -> None:
    """Topic shares in each group, with 95% bootstrap intervals over documents.

    Example: policytext topics trends sotu --by government --plot topics.svg
    """
    from policytext.analyse.topics import topic_trends

    st = state(ctx)
    _check_chart_options(plot, size)
    filters = filter_options(ctx)
    with open_corpus(config=st.config()) as corpus:
        with _lemmatising(corpus, st.quiet, filters) as (advance, selection), _reporting_unlabelled(st.quiet):
            frame = topic_trends(corpus, name, by=by, seed=seed, progress=advance,
                                 include_unlabelled=include_unlabelled, lemmas=selection, **filters)
    render(frame, format, title=f"Topics of {name} by {by}", provenance=provenance)
    if plot is not None:
        from policytext.plots import plot_topic_trends

        plot_topic_trends(frame, plot, by=by, size=size, title=f"Topics of {name} by {by}")
        message(f"wrote {plot}", quiet=st.quiet)


@topics_app.command("evolve")
@document_filters()
def topics_evolve(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The model's name."),
    by: str = typer.Option("government", "--by", help="government or year (or quarter, speaker, party, kind, role, side, post)."),
    top: int = typer.Option(8, "--top", help="Terms per topic and group."),
    topic: List[int] = typer.Option([], "--topic", help="Only this topic number; repeatable."),
    plot: Optional[Path] = typer.Option(None, "--plot", help="Also write a chart (.png, .svg or .pdf)."),
    size: str = SIZE,
    limit: Optional[int] = LIMIT,
    include_unlabelled: bool = INCLUDE_UNLABELLED,
    format: OutputFormat = FORMAT,
    provenance: bool = PROVENANCE,
) -> None:
    """Topics over time: each topic's top terms in each government or year.

    Example: policytext topics evolve sotu --by year --top 5 --plot evolution.svg
    """
    from policytext.analyse.topic_evolution import plot_topic_evolution, topic_evolution

    st = state(ctx)
    _check_chart_options(plot, size)
    filters = filter_options(ctx)
    with open_corpus(config=st.config()) as corpus:
        with _lemmatising(corpus, st.quiet, filters) as (advance, selection), _reporting_unlabelled(st.quiet):
            frame = topic_evolution(corpus, name, by=by, top=top, progress=advance,
                                    include_unlabelled=include_unlabelled, lemmas=selection, **filters)
    if topic:
        frame = frame[frame["topic"].isin(topic)]
    if format is OutputFormat.table:
        table = (frame.groupby(["topic", "group"], sort=False)
                 .agg(share=("share", "first"), terms=("term", ", ".join)).reset_index())
        render(table, format, title=f"Top terms of each topic of {name} by {by}", max_width=110)
    else:
        render(frame, format, title=f"Top terms of each topic of {name} by {by}", provenance=provenance)
    if plot is not None:
        plot_topic_evolution(frame, plot, size=size, title=f"Topics of {name}: top terms by {by}")
        message(f"wrote {plot}", quiet=st.quiet)


@topics_app.command("apply")
@document_filters()
def topics_apply(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The model's name."),
    paths: List[Path] = typer.Argument(None, help="Text or Markdown files to score (default: the corpus's documents)."),
    limit: Optional[int] = LIMIT,
    format: OutputFormat = FORMAT,
    provenance: bool = PROVENANCE,
) -> None:
    """Score new documents with a fitted model: the top topic and every topic's share.

    Example: policytext topics apply sotu speech.txt notes.md --format csv
    """
    from policytext.analyse.topics import apply_topics
    from policytext.errors import BadInput

    st = state(ctx)
    texts = None
    failed = []
    if paths:
        texts = {}
        for path in paths:
            try:
                texts[str(path)] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:  # report it, score the other files
                failed.append(BadInput(str(path), f"cannot read it as UTF-8 text ({err.__class__.__name__}: {err})"))
        if not texts:
            raise failed[0]
    filters = filter_options(ctx)
    with open_corpus(config=st.config()) as corpus:
        if texts is None:
            with _lemmatising(corpus, st.quiet, filters) as (advance, selection):
                frame = apply_topics(corpus, name, progress=advance, lemmas=selection, **filters)
        else:
            frame = apply_topics(corpus, name, texts)
    if format is OutputFormat.table:
        frame = frame[["item", "top_topic", "top_label", "top_share"]]
    render(frame, format, title=f"Topics of {name}", provenance=provenance)
    for failure in failed:
        message(f"failed {failure}")
    if failed:
        message(f"{len(texts)} scored, {len(failed)} failed")
        raise typer.Exit(1)
