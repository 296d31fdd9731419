"""Theme trends: per-group counts, rates, intervals and G², checked against independent counts."""
from __future__ import annotations

import csv
import io
import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import policytext
from policytext.analyse.lemmas import lemma_frame
from policytext.analyse.themes import load_lexicon
from policytext.analyse.trends import TREND_COLUMNS, bootstrap_rate, theme_trends
from policytext.cli import main
from policytext.errors import BadQuery, UnknownOption


def independent_counts(streams: list[str], theme) -> list[int]:
    """Count a theme with regular expressions over the stream text, not with ``Theme.find``.

    Exclusion phrases are blanked out first (replaced by a token no entry matches), then the
    entries, longest phrase first, are counted as non-overlapping regex matches on word boundaries.
    """
    def regex(entry: str) -> str:
        words = [re.escape(w).replace(r"\*", "[^ ]*") for w in entry.split()]
        return r"(?<![^ ])" + " ".join(words) + r"(?![^ ])"

    exclusions = [re.compile(regex(e)) for e in sorted(theme.exclude, key=lambda e: -len(e.split()))]
    entries = sorted(theme.terms, key=lambda e: -len(e.split()))
    pattern = re.compile("|".join(f"(?:{regex(e)})" for e in entries))
    counts = []
    for text in streams:
        for exclusion in exclusions:
            text = exclusion.sub(lambda m: " ".join("\u2400" for _ in m.group(0).split()), text)
        counts.append(len(pattern.findall(text)))
    return counts


def test_trends_agree_with_independent_count_on_postwar_addresses(postwar_corpus: Path) -> None:
    """Done means: one row per administration and theme; counts equal an independent count."""
    with policytext.open_corpus(postwar_corpus) as corpus:
        trends = theme_trends(corpus, ["trust", "entrepreneurialism"], by="government")
        documents = corpus.documents(text=False)
        streams = dict(corpus.store.conn.execute("SELECT doc_id, lemmas FROM doc_lemmas"))
        tokens = dict(corpus.store.conn.execute("SELECT doc_id, tokens FROM doc_lemmas"))
        starts = corpus.timelines.order()
    assert list(trends.columns) == TREND_COLUMNS
    administrations = documents["government"].unique()
    assert len(administrations) >= 13  # Truman .. the current administration
    assert len(trends) == 2 * len(administrations)
    lexicon = load_lexicon()
    for name in ("trust", "entrepreneurialism"):
        rows = trends[trends["theme"] == name].set_index("group")
        assert list(rows.index) == sorted(administrations, key=lambda g: starts[g])  # in time order
        counted = dict(zip(documents["id"], independent_counts([streams[i] for i in documents["id"]], lexicon.get(name))))
        for government, docs in documents.groupby("government"):
            row = rows.loc[government]
            assert row["documents"] == len(docs)
            assert row["tokens"] == sum(tokens[i] for i in docs["id"])
            assert row["matches"] == sum(counted[i] for i in docs["id"])
            assert row["documents_with_theme"] == sum(counted[i] > 0 for i in docs["id"])
            assert row["rate"] == pytest.approx(row["matches"] / row["tokens"] * 10_000)
        assert rows["matches"].sum() > 50  # both themes really occur in these speeches


def test_trend_rows_are_consistent(small_corpus: Path) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        # One address a year: min_documents=1 asks for the (degenerate) bootstrap all the same.
        trends = theme_trends(corpus, ["entrepreneurialism"], by="year", seed=3, min_documents=1)
        again = theme_trends(corpus, ["entrepreneurialism"], by="year", seed=3, min_documents=1)
        other_seed = theme_trends(corpus, ["entrepreneurialism"], by="government", seed=4)
    pd.testing.assert_frame_equal(trends, again)  # seeded: deterministic
    assert list(trends["group"]) == ["1990", "1991", "1992", "1994", "1995"]
    assert (trends["rate_low"] <= trends["rate"] + 1e-9).all() and (trends["rate"] <= trends["rate_high"] + 1e-9).all()
    total_matches, total_tokens = trends["matches"].sum(), trends["tokens"].sum()
    for row in trends.itertuples():
        rest_rate = (total_matches - row.matches) / (total_tokens - row.tokens)
        assert np.sign(row.log_ratio) == np.sign(row.rate / 10_000 - rest_rate)
    # min_documents=1 and the theme in more than one address: every year is tested, documents as the unit
    assert (trends["test"] == "document permutation").all() and trends["p_value"].between(0, 1).all()
    assert (trends["p_value"] >= 2 / 10_000).all()  # 9999 shuffles: nothing smaller can be claimed
    assert len(other_seed) == 2


def test_a_group_with_no_rest_to_compare_has_no_test_not_a_p_value_of_one(small_corpus: Path) -> None:
    # one group only (a filter kept one government, or --by side with every speaker on one side):
    # G², p and log ratio against an empty rest are undefined; they were 0, 1.0 and 0.0, which
    # read as "no difference from the rest"
    with policytext.open_corpus(small_corpus) as corpus:
        [row] = theme_trends(corpus, ["entrepreneurialism"], by="government", government="Clinton").itertuples()
    assert row.matches > 0 and row.documents == 2
    assert np.isnan(row.p_value) and np.isnan(row.log_ratio) and row.test == "none: one group, no rest"


def test_trends_test_documents_not_tokens_on_a_hansard_day(capsys, hansard_roles_corpus: Path) -> None:
    """Trust by role on 27 October 2009: 12 of the backbenchers' matches are in two speeches, the
    ministers' 11 in two. Token-level G² gave the backbenchers p = 0.0035 while both groups'
    document bootstrap intervals started at 0; documents as the unit, there is no such evidence."""
    code = main(["--quiet", "--corpus", str(hansard_roles_corpus), "trends", "trust", "--by", "role", "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 0, err
    rows = {r["group"]: r for r in csv.DictReader(io.StringIO(out))}
    assert "g2" not in rows["backbencher"]  # the token-level statistic is no longer offered as a test
    backbenchers = rows["backbencher"]
    assert int(backbenchers["matches"]) >= 10 and float(backbenchers["rate_low"]) == 0.0
    carrying = sum(int(r["documents_with_theme"]) for r in rows.values())
    assert carrying < 5  # too few speeches carry the theme: no p-value, and the table says why
    for row in rows.values():
        assert row["p_value"] == "" and row["test"] == f"none: theme in {carrying} documents, under 5"
    # with the bar lowered, the permutation of speeches finds nothing near p = 0.0035
    code = main(["--quiet", "--corpus", str(hansard_roles_corpus), "trends", "trust", "--by", "role",
                 "--min-documents", "2", "--format", "json", "--provenance"])
    out, err = capsys.readouterr()
    assert code == 0, err
    printed = json.loads(out)
    rows = {r["group"]: r for r in printed["rows"]} if isinstance(printed, dict) else {r["group"]: r for r in printed}
    assert rows["backbencher"]["test"] == "document permutation" and rows["backbencher"]["p_value"] > 0.05
    assert "documents as the unit" in json.dumps(printed) or "documents as the unit" in err


def test_permutation_p_values_match_an_exact_enumeration() -> None:
    """Nine documents, three in the group: all 84 ways to choose the group, counted by hand."""
    from itertools import combinations

    from policytext.analyse.stats import permutation_rate_test

    matches = np.array([9, 0, 1, 0, 3, 0, 0, 2, 0])
    tokens = np.array([300, 120, 500, 80, 400, 250, 90, 310, 600])
    groups = np.array([0, 0, 0, 1, 1, 1, 1, 1, 1])

    def difference(chosen) -> float:
        inside = np.zeros(9, dtype=bool)
        inside[list(chosen)] = True
        return matches[inside].sum() / tokens[inside].sum() - matches[~inside].sum() / tokens[~inside].sum()

    observed = difference([0, 1, 2])
    every = np.array([difference(c) for c in combinations(range(9), 3)])
    exact = min(1.0, 2 * min((every >= observed - 1e-12).mean(), (every <= observed + 1e-12).mean()))
    p = permutation_rate_test(matches, tokens, groups, permutations=19_999, seed=5)
    assert p.shape == (1, 2)
    assert p[0, 0] == pytest.approx(exact, abs=0.015)
    assert 0.05 < exact < 0.5  # not a degenerate case: the group's rate is highest but one document drives it
    assert permutation_rate_test(matches, tokens, groups, permutations=999, seed=5).tolist() == \
        permutation_rate_test(matches, tokens, groups, permutations=999, seed=5).tolist()


def test_bootstrap_interval_covers_spread() -> None:
    matches, tokens = np.array([0, 10, 20, 30]), np.array([1000, 1000, 1000, 1000])
    low, high = bootstrap_rate(matches, tokens, seed=1)
    assert low < 150 < high and 0 <= low and high <= 300
    assert bootstrap_rate(matches, tokens, seed=1) == (low, high)


@pytest.mark.parametrize("by", ["quarter", "speaker", "party", "kind"])
def test_other_groupings(small_corpus: Path, by: str) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        trends = theme_trends(corpus, ["trust"], by=by, draws=50)
        total = lemma_frame(corpus)["tokens"].sum()
    assert trends["tokens"].sum() == total
    assert trends["start"].tolist() == sorted(trends["start"].tolist())


def test_trends_cli_json_and_plot(capsys, small_corpus: Path, tmp_path: Path) -> None:
    chart = tmp_path / "trends.png"
    code = main(["--quiet", "--corpus", str(small_corpus), "trends", "trust", "entrepreneurialism",
                 "--by", "government", "--format", "json", "--plot", str(chart)])
    out, _ = capsys.readouterr()
    assert code == 0
    rows = json.loads(out)
    assert [r["group"] for r in rows[:2]] == ["G. H. W. Bush administration (1989–1993)",
                                            "Clinton administration (1993–2001)"]
    assert set(rows[0]) == set(TREND_COLUMNS)
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["trends", "nonsense"], "Error: no theme named 'nonsense'. Known themes: entrepreneurialism, trust"),
        (["trends", "trust", "--by", "colour"], "Error: cannot group by 'colour': use one of government, year"),
        (["trends", "trust", "--plot", "chart.jpeg"], "Error: cannot write a chart to chart.jpeg: end the file name with .png, .svg or .pdf"),
        (["trends", "trust", "--since", "19x"], "Error: since='19x' is not a date"),
    ],
)
def test_trends_cli_errors(capsys, small_corpus: Path, args: list[str], error: str) -> None:
    code = main(["--quiet", "--corpus", str(small_corpus)] + args)
    _, err = capsys.readouterr()
    assert code == 1
    assert err.startswith(error)


def test_trends_cli_with_a_user_theme_file(capsys, small_corpus: Path, tmp_path: Path) -> None:
    themes = tmp_path / "mine.toml"
    themes.write_text('[themes.welfare_reform]\nlabel = "Welfare reform"\nterms = ["welfare reform", "welfare"]\n'
                      'exclude = ["general welfare"]\n', encoding="utf-8")
    code = main(["--quiet", "--corpus", str(small_corpus), "trends", "welfare_reform", "--themes", str(themes),
                 "--by", "year", "--format", "csv"])
    out, _ = capsys.readouterr()
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["group"] for r in rows] == ["1990", "1991", "1992", "1994", "1995"]
    assert sum(int(r["matches"]) for r in rows) > 10


def test_documents_without_a_government_are_left_out_and_counted(throne_corpus: Path) -> None:
    with policytext.open_corpus(throne_corpus) as corpus:
        with pytest.warns(UserWarning) as caught:
            trends = theme_trends(corpus, ["trust"], by="government", since="1936", until="1952")
        assert list(trends["group"]) == ["Attlee government (1945–1951)", "Churchill government (1951–1955)"]
        assert list(trends["documents"]) == [8, 2]  # 7 speeches and the 1950 statement; 2 speeches
        assert trends.attrs["left_out"] == 10
        text = str(caught[0].message)
        assert text.startswith("10 document(s) have no government and are left out (1 of them dated only by a "
                               "year or month that spans more than one government")
        with pytest.warns(UserWarning, match="kept as the group '\\(none\\)'"):
            kept = theme_trends(corpus, ["trust"], by="government", since="1936", until="1952",
                                include_unlabelled=True)
        assert list(kept["group"]) == ["(none)", "Attlee government (1945–1951)", "Churchill government (1951–1955)"]
        assert list(kept["documents"]) == [10, 8, 2]
        assert kept.attrs["left_out"] == 0
    from policytext.plots import plot_theme_trends

    # Documents without a government, when kept, are drawn but never shaded as a government's term.
    assert len(plot_theme_trends(kept).axes[0].patches) == 2


def test_trends_cli_says_how_many_documents_were_left_out(throne_corpus: Path, capsys, tmp_path: Path) -> None:
    chart = tmp_path / "trust.svg"
    code = main(["--corpus", str(throne_corpus), "trends", "trust", "--since", "1936", "--until", "1952",
                 "--format", "json", "--plot", str(chart)])
    captured = capsys.readouterr()
    assert code == 0
    assert [row["group"] for row in json.loads(captured.out)] == ["Attlee government (1945–1951)",
                                                                  "Churchill government (1951–1955)"]
    assert "note: 10 document(s) have no government and are left out" in captured.err
    assert "with --include-unlabelled" in captured.err
    assert chart.exists()
    code = main(["--corpus", str(throne_corpus), "trends", "trust", "--since", "1936", "--until", "1952",
                 "--format", "json", "--include-unlabelled"])
    captured = capsys.readouterr()
    assert code == 0
    assert [row["group"] for row in json.loads(captured.out)][0] == "(none)"
    assert "kept as the group '(none)'" in captured.err


def test_a_misspelt_filter_is_refused_not_ignored(small_corpus: Path) -> None:
    """``spekaer`` used to be dropped, so every group came back as if no filter had been given."""
    with policytext.open_corpus(small_corpus) as corpus:
        with pytest.raises(UnknownOption) as caught:
            theme_trends(corpus, ["trust"], spekaer="Clinton", draws=10)
        assert str(caught.value) == (
            "unknown filter 'spekaer' (did you mean 'speaker'?); known: speaker, party, government, kind, "
            "source, country, role, side, post, since, until, limit; other options of theme_trends: by, lexicon, draws, seed, "
            "progress, include_unlabelled, min_documents, adjust, lemmas, permutations")
        with pytest.raises(UnknownOption, match=r"^unknown filter 'sed' \(did you mean 'seed'\?\)"):
            theme_trends(corpus, ["trust"], sed=3)
        clinton = theme_trends(corpus, ["trust"], speaker="Clinton", draws=10)
    assert clinton["group"].tolist() == ["Clinton administration (1993–2001)"]


@pytest.mark.parametrize(
    ("option", "value", "error"),
    [
        ("--until", "\u0661\u0669\u0669\u0663", "Error: until='١٩٩٣' is written with digits other than 0-9: use YYYY, YYYY-MM or YYYY-MM-DD in the "
         "digits 0-9"),
        ("--until", "0000-05", "Error: until='0000-05' is out of range: years run from 0001 to 9999"),
        ("--since", "2000-02-30", "Error: since='2000-02-30' is not a valid day: February 2000 has 29 days"),
    ],
)
def test_trends_cli_refuses_bad_dates(capsys, small_corpus: Path, option: str, value: str, error: str) -> None:
    code = main(["--quiet", "--corpus", str(small_corpus), "trends", "trust", option, value])
    _, err = capsys.readouterr()
    assert (code, err) == (1, error + "\n")


def test_trends_cli_last_possible_month_is_every_document(capsys, small_corpus: Path) -> None:
    outputs = []
    for until in ([], ["--until", "9999-12"]):  # computing the month after December 9999 used to crash
        code = main(["--quiet", "--corpus", str(small_corpus), "trends", "trust", "--format", "json", *until])
        out, err = capsys.readouterr()
        assert code == 0, err
        outputs.append(json.loads(out))
    assert outputs[1] == outputs[0] and sum(row["documents"] for row in outputs[0]) == 5


def test_small_groups_get_no_interval_but_a_flag_and_a_notice(postwar_corpus: Path) -> None:
    """A bootstrap over one to four addresses gives a zero-width or spurious interval (2008: 33.05
    [33.05, 33.05] before); such groups get NaN and small_group, and a SmallGroups notice."""
    from policytext.analyse.groups import SmallGroups

    with policytext.open_corpus(postwar_corpus) as corpus:
        with pytest.warns(SmallGroups) as caught:
            trends = theme_trends(corpus, ["trust"], by="government", draws=200)
        with pytest.warns(SmallGroups):
            three = theme_trends(corpus, ["trust"], by="government", draws=200, min_documents=3)
        sizes = corpus.documents(text=False).groupby("government").size()
    small = trends[trends["documents"] < 5]
    large = trends[trends["documents"] >= 5]
    assert len(small) >= 3 and len(large) >= 5  # Kennedy (3), Ford (3), Carter (4) ... against Truman, Reagan ...
    assert small["small_group"].all() and not large["small_group"].any()
    with_matches = small[small["matches"] > 0]
    assert (with_matches["interval"] == "none").all()
    assert with_matches["rate_low"].isna().all() and with_matches["rate_high"].isna().all()
    bootstrapped = large[large["matches"] > 0]
    assert (bootstrapped["interval"] == "bootstrap").all()
    assert (bootstrapped["rate_low"] < bootstrapped["rate_high"]).all()
    assert ((bootstrapped["rate_low"] <= bootstrapped["rate"]) & (bootstrapped["rate"] <= bootstrapped["rate_high"])).all()
    notice = str(next(w.message for w in caught if issubclass(w.category, SmallGroups)))
    assert notice.startswith(f"{len(small)} group(s) have fewer than 5 documents: ")
    assert "; their rates get no interval but an upper bound when they have no match (small_group is true)" in notice
    kennedy = next(g for g in small["group"] if g.startswith("Kennedy"))
    assert f"{kennedy} ({sizes[kennedy]})" in notice
    methods = trends.attrs["policytext"]["parameters"]["methods"]
    assert "at least 5 documents" in methods["rate_interval"] and trends.attrs["policytext"]["parameters"]["min_documents"] == 5
    assert len(three[three["documents"] == 3]) >= 1 and not three[three["documents"] == 3]["small_group"].any()


def test_a_group_without_a_match_gets_an_upper_bound_not_zero_width(throne_corpus: Path) -> None:
    """Entrepreneurialism is absent from most Speeches from the Throne of 1936-1952."""
    with policytext.open_corpus(throne_corpus) as corpus:
        trends = theme_trends(corpus, ["entrepreneurialism"], by="year", since="1936", until="1952",
                              min_documents=1, draws=100)
    none = trends[trends["matches"] == 0]
    assert len(none) >= 5
    assert (none["interval"] == "upper bound").all() and (none["rate_low"] == 0).all()
    bound = -np.log(0.05)  # exact one-sided 95% Poisson bound for no event: the rule of three
    assert none["rate_high"].tolist() == pytest.approx((bound / none["tokens"] * 10_000).tolist())
    assert (none["rate_high"] > 0).all()


@pytest.mark.parametrize("method", ["holm", "bh"])
def test_adjusted_p_values_in_their_own_column(postwar_corpus: Path, method: str) -> None:
    from scipy.stats import false_discovery_control

    with policytext.open_corpus(postwar_corpus) as corpus, pytest.warns(UserWarning):
        trends = theme_trends(corpus, ["trust", "entrepreneurialism"], by="government", draws=50, adjust=method)
        plain = theme_trends(corpus, ["trust"], by="government", draws=50)
    assert plain["p_adjusted"].isna().all()
    # groups under 5 addresses are not tested: no p-value, and none to adjust or to count in the family
    untested = trends["test"] != "document permutation"
    assert untested.any() and trends.loc[untested, ["p_value", "p_adjusted"]].isna().all().all()
    tested = trends[~untested]
    assert (tested["p_adjusted"] >= tested["p_value"] - 1e-15).all() and (tested["p_adjusted"] <= 1).all()
    if method == "bh":  # over every row tested (both themes)
        assert tested["p_adjusted"].tolist() == pytest.approx(false_discovery_control(tested["p_value"]).tolist())
    else:
        m = len(tested)
        smallest = tested["p_value"].idxmin()
        assert tested.loc[smallest, "p_adjusted"] == pytest.approx(min(1.0, m * tested.loc[smallest, "p_value"]))
    assert trends.attrs["policytext"]["parameters"]["methods"]["adjust"].endswith(
        f"over all {len(tested)} tests of the table (every theme and group tested)")
    with policytext.open_corpus(postwar_corpus) as corpus, pytest.raises(BadQuery, match="use one of holm, bh"):
        theme_trends(corpus, ["trust"], adjust="bonferroni")


def test_term_trends_show_which_entries_drive_a_theme(postwar_corpus: Path) -> None:
    from policytext.analyse.trends import TERM_TREND_COLUMNS, term_table, term_trends

    with policytext.open_corpus(postwar_corpus) as corpus, pytest.warns(UserWarning):
        terms = term_trends(corpus, ["entrepreneurialism"], by="government")
        trends = theme_trends(corpus, ["entrepreneurialism"], by="government", draws=20)
    assert list(terms.columns) == TERM_TREND_COLUMNS
    by_group = terms.groupby("group", sort=False)
    assert by_group["matches"].sum().tolist() == trends["matches"].tolist()  # the entries add up to the theme
    assert by_group["rate"].sum().tolist() == pytest.approx(trends["rate"].tolist())
    totals = terms.groupby("term")["matches"].sum()
    assert totals.idxmax() == "small business"  # Truman to Biden: small business drives the theme
    wide = term_table(terms, top=3)
    assert list(wide.columns[:5]) == ["theme", "group", "documents", "tokens", "total"]
    assert list(wide.columns[5:]) == list(totals.sort_values(ascending=False, kind="stable").index[:3]) + ["(other terms)"]
    assert wide["total"].tolist() == pytest.approx(trends["rate"].tolist())
    assert wide.iloc[:, 5:].sum(axis=1).tolist() == pytest.approx(trends["rate"].tolist())


def test_trends_cli_by_term_and_scientific_p_values(capsys, small_corpus: Path) -> None:
    code = main(["--quiet", "--corpus", str(small_corpus), "trends", "entrepreneurialism", "--by-term",
                 "--terms", "2", "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:5] == ["theme", "group", "documents", "tokens", "total"] and len(rows[0]) == 8
    code = main(["--corpus", str(small_corpus), "trends", "trust", "--by", "year", "--adjust", "holm"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "note: 5 group(s) have fewer than 5 documents: 1990 (1)" in err and "--min-documents" in err
    assert "none: group under 5 documents" in out  # one address a year: no test, and the table says so
    code = main(["--corpus", str(small_corpus), "trends", "trust", "--by", "year", "--adjust", "holm",
                 "--min-documents", "1"])
    out, err = capsys.readouterr()
    assert code == 0, err
    header = next(line for line in out.splitlines() if "p_value" in line)
    assert "p_adjusted" in header and "small_group" in header
    assert re.search(r"\d\.\de[-+]\d\d", out)  # p-values in scientific notation, not 0.000
    code = main(["--quiet", "--corpus", str(small_corpus), "trends", "trust", "--adjust", "sidak"])
    assert code == 1 and capsys.readouterr()[1].startswith("Error: cannot adjust p-values by 'sidak'")


def test_debate_speeches_are_the_governments_only_when_the_speaker_is_known_to_be(hansard_2009_corpus: Path) -> None:
    # Without a people file, opposition members and the chair spoke under "Brown government" too:
    # the government's row counted every speech of the day. Only ministers (named by office) are its.
    with policytext.open_corpus(hansard_2009_corpus) as corpus:
        selected = corpus.documents(text=False, limit=60)
        ministers = int((selected["role"] == "minister").sum())
        assert 0 < ministers < 60 and set(selected.loc[selected["role"] == "minister", "side"]) == {"government"}
        with pytest.warns(UserWarning) as caught:
            trends = theme_trends(corpus, ["trust"], by="government", limit=60)
    assert list(trends["group"]) == ["Brown government (2007–2010)"]
    assert list(trends["documents"]) == [ministers]
    assert trends.attrs["left_out"] == 60 - ministers
    text = str(caught[0].message)
    no_party = int(((selected["role"] != "minister") & (selected["role"] != "chair")).sum())
    assert f"{no_party} whose speaker has no known party or post that day" in text
    assert "--people people.json --posts ministers.json" in text
    # ministers against backbenchers: without a posts file no speech is a backbencher's, and it says so
    with policytext.open_corpus(hansard_2009_corpus) as corpus:
        with pytest.warns(UserWarning, match="no role and are left out .*--posts ministers.json'; none is guessed"):
            roles = theme_trends(corpus, ["trust"], by="role", limit=60)
    assert set(roles["group"]) <= {"minister", "chair"}


def test_an_ongoing_government_has_an_open_end_not_its_last_document(tmp_path: Path, capsys) -> None:
    # The Starmer government's period was shown closed at the corpus's last date (2025-03-04).
    statements = tmp_path / "statements.jsonl"
    statements.write_text("".join(json.dumps(row) + "\n" for row in [
        {"text": "We trust the people to decide.", "date": "2024-05-01"},
        {"text": "Trust in institutions must be rebuilt.", "date": "2024-09-10"},
        {"text": "Trust is earned through delivery.", "date": "2025-03-04"},
    ]), encoding="utf-8")
    folder = tmp_path / "corpus"
    with policytext.open_corpus(folder, create=True) as corpus:
        corpus.collect_files([statements], country="GB", kind="statement")
        with pytest.warns(UserWarning, match=r"Starmer government \(2024–\) is still in office: the period has no end"):
            trends = theme_trends(corpus, ["trust"], by="government")
    assert list(trends["group"]) == ["Sunak government (2022–2024)", "Starmer government (2024–)"]
    assert trends["end"].iloc[0] == "2024-07-05" and pd.isna(trends["end"].iloc[1])
    from policytext.plots import plot_theme_trends

    figure = plot_theme_trends(trends)
    caption = " ".join(ax.get_xlabel() for ax in figure.axes)
    assert "Still in office, drawn to" in caption and "Starmer government (2024–)" in caption
    code = main(["--corpus", str(folder), "trends", "trust", "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["group"], r["end"]) for r in rows][-1] == ("Starmer government (2024–)", "")
    assert "still in office" in err


def test_a_document_in_another_language_is_left_out_of_the_rates_and_said(tmp_path: Path) -> None:
    """GOV.UK's translated items (Arabic) were lemmatised by the English pipeline and counted in their
    government's tokens, lowering its rates; now they are left out, with a notice."""
    from policytext.analyse.groups import OtherLanguages
    from policytext.records import Document

    english = [Document(source="test", source_id=f"en-{i}", title=f"Speech {i}", date=f"2016-0{i + 1}-10",
                        kind="speech", country="GB", speaker="Theresa May", language=language, text=text)
               for i, (language, text) in enumerate([
                   ("en", "We must trust the people who run our public services. They earn that trust."),
                   ("en-GB", "Police reform matters to every community in the country.")])]
    arabic = Document(source="test", source_id="ar-1", title="بيان", date="2016-03-10", kind="speech",
                      country="GB", speaker="Boris Johnson", language="ar",
                      text="هذه أول زيارة لي للأمم المتحدة كوزير للخارجية، ويسرني أن زيارتي هذه تتزامن مع تبني قرار.")
    rates = {}
    for name, documents in (("english", english), ("mixed", [*english, arabic])):
        with policytext.open_corpus(tmp_path / name, create=True) as corpus:
            assert corpus.write(documents, stage="test").ok
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                frame = theme_trends(corpus, ["trust"], by="government")
            notices = [str(w.message) for w in caught if issubclass(w.category, OtherLanguages)]
            rates[name] = frame[["group", "documents", "tokens", "matches", "rate"]].to_dict("records")
            if name == "mixed":
                assert notices == ["1 selected document(s) are not in the pipeline's language (en) and are left out "
                                   "(ar: 1): no theme's words can match them, and their tokens would only lower "
                                   "their group's rates"]
            else:
                assert notices == []
    assert rates["mixed"] == rates["english"] and rates["english"][0]["documents"] == 2
