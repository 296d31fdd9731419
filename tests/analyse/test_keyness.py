"""Keyness: counts, rates and G² of lemmas and bigrams for any grouping."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import power_divergence

import policytext
from policytext.analyse.keyness import KEYNESS_COLUMNS, keyness
from policytext.analyse.lemmas import lemma_frame
from policytext.cli import main
from policytext.errors import BadQuery, UnknownOption


def count_in(streams, term: str) -> int:
    """Occurrences of a lemma or bigram in lemma streams, by a plain loop over tokens."""
    words = term.split()
    total = 0
    for stream in streams:
        tokens = stream.split()
        total += sum(tokens[i:i + len(words)] == words for i in range(len(tokens) - len(words) + 1))
    return total


def test_keyness_counts_and_scores(small_corpus: Path) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        frame = keyness(corpus, by="government", target="Clinton", top=15)
        streams = lemma_frame(corpus)
    assert list(frame.columns) == KEYNESS_COLUMNS
    assert len(frame) == 15
    assert frame["g2"].is_monotonic_decreasing and (frame["log_ratio"] > 0).all()
    clinton = streams["government"].str.startswith("Clinton")
    target, reference = streams[clinton], streams[~clinton]
    c, d = target["tokens"].sum(), reference["tokens"].sum()
    for row in frame.itertuples():
        assert row.target_count == count_in(target["lemmas"], row.term)
        assert row.reference_count == count_in(reference["lemmas"], row.term)
        assert row.target_documents == sum(count_in([stream], row.term) > 0 for stream in target["lemmas"])
        assert row.reference_documents == sum(count_in([stream], row.term) > 0 for stream in reference["lemmas"])
        assert row.target_per_10k == pytest.approx(row.target_count / c * 10_000)
        expected = np.array([c, d]) * (row.target_count + row.reference_count) / (c + d)
        observed = [row.target_count, row.reference_count]
        if row.reference_count:
            g2, _ = power_divergence(observed, f_exp=expected, lambda_="log-likelihood")
            assert row.g2 == pytest.approx(g2, rel=1e-6)


def test_keyness_between_two_years_and_bigrams(small_corpus: Path) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        frame = keyness(corpus, by="year", target="1994", reference="1990", top=200, min_count=3)
    assert "health care" in set(frame["term"])  # the 1994 address was about health care reform


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"target": "Lincoln"}, "--target 'Lincoln' matches no group. Groups"),
        # a typo names the group it was likely meant for
        ({"target": "Clintn"}, r"--target 'Clintn' matches no group \(did you mean 'Clinton administration"),
        ({"target": "administration"}, "matches several groups"),
        ({"target": "Clinton", "reference": "Clinton"}, "are the same group"),
        ({"target": "Clinton", "top": 0}, "--top must be 1 or more"),
    ],
)
def test_keyness_errors(small_corpus: Path, options, message) -> None:
    with policytext.open_corpus(small_corpus) as corpus, pytest.raises(BadQuery, match=message):
        keyness(corpus, by="government", **options)


def test_keyness_cli(capsys, small_corpus: Path) -> None:
    code = main(["--quiet", "--corpus", str(small_corpus), "keyness", "--by", "speaker", "--target", "Bush",
                 "--top", "5", "--format", "json"])
    out, _ = capsys.readouterr()
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 5 and set(rows[0]) == set(KEYNESS_COLUMNS)


def test_keyness_leaves_out_documents_without_a_government(throne_corpus: Path, capsys) -> None:
    """The 10 speeches and statements of 1936-1952 with no government (9 before the UK timeline,
    one dated only 1945) are in neither side of the G² test unless asked for."""
    with policytext.open_corpus(throne_corpus) as corpus:
        with pytest.warns(UserWarning, match="^10 document\\(s\\) have no government and are left out"):
            frame = keyness(corpus, by="government", target="Attlee", since="1936", until="1952", min_count=1)
        assert frame.attrs["left_out"] == 10
        streams = lemma_frame(corpus, since="1936", until="1952")
        churchill = streams[streams["government"] == "Churchill government (1951–1955)"]
        for row in frame.itertuples():
            assert row.reference_count == count_in(churchill["lemmas"], row.term)  # the rest is Churchill only
        with pytest.warns(UserWarning, match="kept as the group"):
            kept = keyness(corpus, by="government", target="(none)", since="1936", until="1952", min_count=1,
                           include_unlabelled=True)
        assert kept.attrs["left_out"] == 0 and len(kept) == 20
    code = main(["--corpus", str(throne_corpus), "keyness", "--target", "Attlee", "--since", "1936",
                 "--until", "1952", "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0 and len(json.loads(captured.out)) == 20
    assert "note: 10 document(s) have no government and are left out" in captured.err


def test_keyness_shows_how_many_documents_carry_a_key_term_and_warns_of_one_speech(
        capsys, hansard_roles_corpus: Path) -> None:
    """Backbenchers on 27 October 2009: five speeches, one of them on a constituent's hospital care. Its
    words top the G² ranking ("patient" 9 times, p < 1e-6) though no other backbencher said them."""
    code = main(["--corpus", str(hansard_roles_corpus), "keyness", "--by", "role", "--target", "backbencher",
                 "--top", "8", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    rows = {r["term"]: r for r in json.loads(out)}
    assert set(next(iter(rows.values()))) == set(KEYNESS_COLUMNS)
    patient = rows["patient"]
    assert patient["target_count"] >= 9 and patient["p_value"] < 1e-6 and patient["target_documents"] == 1
    single = [t for t, r in rows.items() if r["target_documents"] == 1]
    assert len(single) >= 3
    assert (f"note: {len(single)} of the 8 terms shown occur in only one of the 5 target documents" in err
            and "one document's words, not the group's" in err)


def test_keyness_refuses_a_misspelt_filter(small_corpus: Path) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        with pytest.raises(UnknownOption, match=r"^unknown filter 'sine' \(did you mean 'since'\?\)"):
            keyness(corpus, target="Clinton", sine="1993")


def test_keyness_adjusts_over_every_term_tested_and_flags_a_small_target(small_corpus: Path, capsys) -> None:
    """One address (1994) as the target: its key terms are of one occasion, and the notice says so."""
    from policytext.analyse.groups import SmallGroups

    with policytext.open_corpus(small_corpus) as corpus:
        with pytest.warns(SmallGroups, match=r"^2 group\(s\) have fewer than 5 documents: 1994 \(1\), the rest \(4\)"):
            frame = keyness(corpus, by="year", target="1994", top=10, adjust="bh")
            every = keyness(corpus, by="year", target="1994", top=100_000, min_count=5)
        with pytest.warns(SmallGroups) as caught:
            keyness(corpus, by="year", target="1994", top=1)
        assert caught[0].filename == __file__  # the notice names the caller's line, not policytext's
    tested = frame.attrs["policytext"]["parameters"]["methods"]["adjust"]
    assert tested.startswith("Benjamini-Hochberg over all ") and "not only those shown" in tested
    # The family is every term with 5 or more occurrences, in both directions, not the 10 shown.
    assert int(tested.split("over all ")[1].split()[0]) > len(every) > 10
    assert (frame["p_adjusted"] >= frame["p_value"]).all()
    assert every["p_adjusted"].isna().all()
    code = main(["--corpus", str(small_corpus), "keyness", "--by", "year", "--target", "1994", "--top", "3",
                 "--adjust", "holm"])
    out, err = capsys.readouterr()
    assert code == 0 and "p_adjusted" in out and "e-" in out
    assert "note: 2 group(s) have fewer than 5 documents: 1994 (1), the rest (4)" in err


def test_keyness_notes_an_ongoing_government_only_when_it_is_compared(tmp_path: Path) -> None:
    """Reagan against Carter said the Trump administration (2025–) was still in office: a group of
    the corpus, but not one of the two compared."""
    import warnings

    from policytext.analyse.groups import OngoingGroups
    from policytext.annotate import annotate_corpus

    statements = tmp_path / "statements.jsonl"
    statements.write_text("".join(json.dumps(row) + "\n" for row in [
        {"text": "We will level up the regions and get Brexit done.", "date": "2021-03-01"},
        {"text": "Brexit is done and the regions will level up.", "date": "2021-09-01"},
        {"text": "We will halve inflation and cut the debt.", "date": "2023-03-01"},
        {"text": "Inflation is falling and the debt will fall.", "date": "2023-09-01"},
        {"text": "We will fix the foundations and rebuild Britain.", "date": "2025-03-04"},
    ]), encoding="utf-8")
    with policytext.open_corpus(tmp_path / "corpus", create=True) as corpus:
        corpus.collect_files([statements], country="GB", kind="statement")
        annotate_corpus(corpus)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            keyness(corpus, by="government", target="Sunak", reference="Johnson", top=3, min_count=1)
        assert not [w for w in caught if issubclass(w.category, OngoingGroups)], [str(w.message) for w in caught]
        for target, reference in (("Sunak", "rest"), ("Starmer", "Sunak")):
            with pytest.warns(OngoingGroups, match=r"^Starmer government \(2024–\) is still in office"):
                keyness(corpus, by="government", target=target, reference=reference, top=3, min_count=1)
