"""The shared filter options of every command: one vocabulary, one date reader, exact errors."""
from __future__ import annotations

import json

import pytest

from helpers import run_cli as run


# Every command that takes --since and --until, with what else it needs to run.
DATED_COMMANDS = [
    ["docs"], ["export", "--to", "{tmp}/out"], ["search", "peace"], ["quotes"], ["claims"],
    ["trends", "trust"], ["kwic", "peace"], ["keyness", "--target", "Kennedy"], ["themes", "suggest", "trust"],
    ["topics", "fit", "--k", "2"], ["topics", "trends", "no-model"], ["topics", "apply", "no-model"],
]

BAD_DATES = [
    # \d read Arabic-Indic digits as a year that no stored ISO date could match
    ("--until", "\u0661\u0669\u0669\u0660",
     "Error: until='١٩٩٠' is written with digits other than 0-9: use YYYY, YYYY-MM or YYYY-MM-DD in the digits 0-9\n"),
    # a traceback: year 0 is outside Python's dates
    ("--since", "0000-05", "Error: since='0000-05' is out of range: years run from 0001 to 9999\n"),
    ("--until", "0000-05", "Error: until='0000-05' is out of range: years run from 0001 to 9999\n"),
    ("--until", "1962-02-30", "Error: until='1962-02-30' is not a valid day: February 1962 has 28 days\n"),
    ("--since", "11/01/1962", "Error: since='11/01/1962' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD\n"),
]


@pytest.mark.parametrize("command", DATED_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize(("option", "value", "message"), BAD_DATES, ids=lambda v: repr(v)[:12])
def test_every_dated_command_refuses_a_bad_date_in_one_line(capsys, tmp_path, corpus_path, command,
                                                           option, value, message) -> None:
    args = [part.format(tmp=tmp_path) for part in command]
    code, out, err = run(capsys, "--quiet", "--corpus", corpus_path, *args, option, value)
    assert (code, out, err) == (1, "", message)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", DATED_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_every_dated_command_refuses_since_after_until(capsys, tmp_path, corpus_path, command) -> None:
    args = [part.format(tmp=tmp_path) for part in command]
    code, out, err = run(capsys, "--quiet", "--corpus", corpus_path, *args, "--since", "2020", "--until", "2010")
    assert (code, out) == (1, "") and err.startswith("Error: --since is after --until (2020-01-01 > 2010-12-31)")
    assert not (tmp_path / "out").exists()


# Values no document of the shared corpus (Kennedy's addresses, a statement, a blog post) has:
# each once gave an empty answer and exit 0.
UNKNOWN_VALUES = [
    ("--party", "Democrat", "Error: no document has party 'Democrat'; parties in this corpus: Democratic",
     "(did you mean Democratic?)"),
    ("--party", "GOP", "Error: no document has party 'GOP'; parties in this corpus: Democratic", ""),
    ("--kind", "speeches", "Error: no document has kind 'speeches'; kinds in this corpus:", "(did you mean speech?)"),
    ("--speaker", "Kenedy", "Error: no speaker in this corpus matches 'Kenedy'", "did you mean John F. Kennedy?"),
    ("--government", "Kenedy", "Error: no document has government 'Kenedy'", "did you mean"),
    # a post, free text like a government: "0 sentences match" read as "no one of that post said it"
    ("--post", "Cabinet Office", "Error: no document has post 'Cabinet Office'; posts in this corpus:", ""),
]


@pytest.mark.parametrize("command", [["docs"], ["search", "peace"], ["claims"], ["quotes"], ["kwic", "peace"],
                                     ["trends", "trust"], ["export", "--to", "{tmp}/out"]],
                         ids=lambda c: c[0])
@pytest.mark.parametrize(("option", "value", "start", "hint"), UNKNOWN_VALUES, ids=lambda v: str(v)[:10])
def test_a_filter_value_no_document_has_is_refused_with_the_closest(capsys, tmp_path, corpus_path, command,
                                                                     option, value, start, hint) -> None:
    args = [part.format(tmp=tmp_path) for part in command]
    code, out, err = run(capsys, "--quiet", "--corpus", corpus_path, *args, option, value)
    assert (code, out) == (1, "") and err.startswith(start) and hint in err, err
    assert not (tmp_path / "out").exists()


def test_a_present_value_excluded_by_other_filters_is_an_empty_answer(capsys, corpus_path) -> None:
    code, out, err = run(capsys, "--quiet", "--corpus", corpus_path, "docs", "--party", "Democratic",
                         "--since", "2019", "--format", "json")
    assert (code, json.loads(out)) == (0, []), err


def test_a_speaker_matches_at_word_starts_only(capsys, corpus_path) -> None:
    code, out, err = run(capsys, "--quiet", "--corpus", corpus_path, "docs", "--speaker", "john f", "--format", "json")
    assert code == 0 and {row["speaker"] for row in json.loads(out)} == {"John F. Kennedy"}, err
    code, out, err = run(capsys, "--quiet", "--corpus", corpus_path, "docs", "--speaker", "ennedy")
    assert code == 1 and err.startswith("Error: no speaker in this corpus matches 'ennedy'")


@pytest.mark.parametrize("command", [["docs"], ["search", "peace"], ["quotes"], ["claims", "--min-score", "0"]])
def test_the_last_month_of_9999_is_a_bound_not_a_crash(capsys, corpus_path, command) -> None:
    outputs = []
    for until in ([], ["--until", "9999-12"]):  # the month after it used to be computed, and overflow
        code, out, err = run(capsys, "--corpus", corpus_path, *command, "--format", "json", *until)
        assert code == 0, err
        outputs.append(json.loads(out))
    assert outputs[1] == outputs[0] and len(outputs[0]) > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # '²' passed str.isdigit() and crashed int()
        (["search", "NEAR(tax cuts, \u00b2)"], "Error: cannot read the search query: the NEAR distance '\u00b2' at "
                                               "character 16 must be written with the digits 0-9, as in NEAR(tax cuts, 5)."),
        # RecursionError
        (["search", "(" * 300 + "peace" + ")" * 300], "Error: cannot read the search query: the '(' at character 21 "
                                                      "nests groups more than 20 deep; write the query with fewer parentheses."),
        # FTS5's "unterminated string"
        (["search", "peace\x00"], "Error: cannot read the search query: character 6 is the control character U+0000, "
                                  "which no text holds; remove it."),
        (["quotes", "--about", "trust\x07"], "Error: cannot read the search query: character 6 is the control "
                                             "character U+0007"),
        (["search", "peace", "--offset", str(2**64)], "Error: the offset must be at most 4,611,686,018,427,387,904"),
    ],
)
def test_hostile_queries_are_one_error_line(capsys, corpus_path, args, message) -> None:
    code, out, err = run(capsys, "--corpus", corpus_path, *args)
    assert code == 1 and out == ""
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err


def test_a_long_query_is_searched(capsys, corpus_path) -> None:
    """160 words once nested 160 groups deep for FTS5: 'fts5: parser stack overflow'."""
    code, out, err = run(capsys, "--corpus", corpus_path, "search", " ".join(["peace"] * 160), "--format", "json")
    assert code == 0, err
    code, alone, _ = run(capsys, "--corpus", corpus_path, "search", "peace", "--format", "json")
    hits = [(hit["doc_id"], hit["start"], hit["highlighted"]) for hit in json.loads(out)]
    assert hits == [(hit["doc_id"], hit["start"], hit["highlighted"]) for hit in json.loads(alone)] != []


@pytest.mark.parametrize("command", [["docs"], ["trends", "trust"], ["search", "peace"]])
def test_a_misspelt_filter_option_is_a_usage_error(capsys, corpus_path, command) -> None:
    code, out, err = run(capsys, "--corpus", corpus_path, *command, "--goverment", "Kennedy")
    assert code == 2 and out == ""
    assert "No such option: --goverment" in err and "--government" in err


def test_analysis_commands_pass_every_filter_on(capsys, corpus_path) -> None:
    """filter_options(ctx) hands the library the command's filters by their own names."""
    code, out, err = run(capsys, "--quiet", "--corpus", corpus_path, "kwic", "frontier", "--speaker", "Kennedy",
                         "--since", "1962", "--until", "1962-12", "--kind", "speech", "--limit", "5",
                         "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and {(row["speaker"], row["date"]) for row in rows} == {("John F. Kennedy", "1962-01-11")}


def _commands(group, prefix=()):
    import typer.main

    click_group = typer.main.get_command(group) if not hasattr(group, "commands") else group
    for name, command in click_group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, prefix + (name,))
        else:
            yield prefix + (name,), command


def test_commands_that_select_documents_offer_every_document_filter() -> None:
    """One vocabulary: a command with --speaker and --since has all of DOCUMENT_FILTERS (kwic once lacked --role)."""
    from policytext.cli import app
    from policytext.cli.options import DOCUMENT_FILTERS

    lacking = {}
    for path, command in _commands(app):
        names = {param.name for param in command.params}
        # delete and retag choose documents by store.edits.SELECT_FILTERS; verify checks one quote
        # (speaker and period); quoted has --quoted and --document-speaker for the two speakers
        if {"speaker", "since"} <= names and path[0] not in ("delete", "retag", "verify", "quoted"):
            missing = set(DOCUMENT_FILTERS) - names
            if missing:
                lacking[" ".join(path)] = sorted(missing)
    assert lacking == {}


def test_kwic_and_export_take_the_role_filter(capsys, corpus_path, tmp_path) -> None:
    code, out, err = run(capsys, "--quiet", "--corpus", corpus_path, "kwic", "frontier", "--role", "minister",
                         "--format", "json")
    assert code == 0 and json.loads(out) == [], err  # no speaker in this corpus held a post
    code, out, err = run(capsys, "--quiet", "--corpus", corpus_path, "export", "--to", str(tmp_path / "out"),
                         "--role", "Minister")
    assert code == 0, err
    code, out, err = run(capsys, "--quiet", "--corpus", corpus_path, "kwic", "frontier", "--role", "ministre")
    assert code == 1 and out == "" and "no such role 'ministre'" in err and "backbencher" in err


def test_a_command_cannot_declare_a_document_filter_twice() -> None:
    from policytext.cli.options import document_filters

    def command(speaker: str = "") -> None: ...

    with pytest.raises(TypeError, match="speaker"):
        document_filters()(command)
    with pytest.raises(TypeError, match="speakr"):
        document_filters(speakr="x")


def _querying_commands(app):
    """The commands whose filter-named options filter the corpus.

    Not so: collectors' --kind and --country set values and their --since/--until bound what to
    fetch; extract's SOURCE is its input file; reextract --source takes only govuk or web.
    """
    return [(path, command) for path, command in _commands(app) if path[0] not in ("collect", "extract", "reextract")]


def test_every_filter_option_comes_from_the_one_declaration() -> None:
    """A filter option declared by hand drifts (help, default, which filters): every one comes from document_filters."""
    from policytext.cli import app
    from policytext.cli.options import DOCUMENT_FILTERS, FILTERED_BY, SELECTION_FILTERS

    shared = set(DOCUMENT_FILTERS) | set(SELECTION_FILTERS)
    by_hand = {}
    for path, command in _querying_commands(app):
        names = {param.name for param in command.params if not getattr(param, "hidden", False)} & shared
        declared = set(getattr(command.callback, FILTERED_BY, ()))
        if names - declared:
            by_hand[" ".join(path)] = sorted(names - declared)
    assert by_hand == {}


def test_a_shared_filter_reads_the_same_in_every_command() -> None:
    """Same help everywhere, but where a command says what --speaker means there (who is quoted, who claims)."""
    from policytext.cli import app
    from policytext.cli.options import DOCUMENT_FILTERS

    own_speaker = {("search",), ("quotes",), ("claims",), ("verify",)}
    differing = {}
    for path, command in _querying_commands(app):
        for param in command.params:
            if param.name in DOCUMENT_FILTERS and not param.hidden and not (param.name == "speaker"
                                                                             and path in own_speaker):
                if param.help != DOCUMENT_FILTERS[param.name].help or param.default is not None:
                    differing.setdefault(" ".join(path), []).append(param.name)
    assert differing == {}


def test_quotes_and_claims_help_says_who_speaker_is() -> None:
    """--speaker of quotes and claims is who is quoted or claims, not the document's speaker: the help says so."""
    from policytext.cli import app

    helps = {path[0]: param.help for path, command in _commands(app) for param in command.params
             if param.name == "speaker" and path in {("search",), ("quotes",), ("claims",)}}
    assert "with --in quotes or claims, who is quoted or who claims" in helps["search"]
    assert helps["quotes"].startswith("Who is quoted") and helps["claims"].startswith("Who claims")


def test_quotes_verify_passes_every_filter_on(capsys, corpus_path) -> None:
    """--role, --side and --post were dropped on the way to --verify: it checked every quote instead."""
    code, out, err = run(capsys, "--corpus", corpus_path, "quotes", "--verify", "--role", "ministre")
    assert code == 1 and out == "" and "no such role 'ministre'" in err
    code, out, err = run(capsys, "--corpus", corpus_path, "quotes", "--verify", "--side", "government",
                         "--format", "json")
    assert (code, json.loads(out)) == (0, []), err  # no quote of this corpus is in a document with a side


@pytest.mark.parametrize(("args", "hint"), [
    (["collect", "sotu", "--corpus", "elsewhere"], "--corpus is an option of policytext itself: give it before "
                                                  "the command, as in policytext --corpus DIR collect sotu …"),
    (["stats", "-q"], "-q is an option of policytext itself"),
])
def test_a_root_option_after_the_command_says_where_it_goes(capsys, args, hint) -> None:
    """The README's tour says 'collect sotu --since 1946  # into ./corpus (or --corpus DIR)': a new
    user writes it after the command and got only 'No such option: --corpus'."""
    from policytext.cli import main

    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"No such option: {args[-2] if args[-1] == 'elsewhere' else args[-1]}" in err and hint in err


@pytest.mark.parametrize(("args", "hint"), [
    (["entities", "--limit", "25"], "This command takes --top for how many it shows: How many names"),
    (["topics", "show", "sotu", "--limit", "5"], "This command takes --top for how many it shows: Terms per topic"),
    (["docs", "--top", "5"], "This command takes --limit for how many it shows: At most this many documents"),
])
def test_limit_where_a_command_counts_with_top_names_it(capsys, args, hint) -> None:
    """'entities --limit 25' said only 'No such option: --limit' (click suggests options spelt alike)."""
    from policytext.cli import main

    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"No such option: {args[-2]}. {hint}" in err
