"""Evaluate the paraphrase verdict: hand-written paraphrases of real State of the Union lines, and decoys.

No labelled paraphrase set ships in a registry package (MRPC, PAWS, STS-B and the like live on
dataset hubs this project cannot reach), so the set is written here, by hand:

- :data:`PARAPHRASES`: 36 lines of post-1945 addresses, each rewritten in other words (the
  original is found in the corpus by a phrase of it, so recall@5 of the original can be measured;
  12 added in a third round);
- :data:`DECOYS`: 48 sentences given to the same presidents that they never said: 36 on the same
  subject as one of their lines but saying something else or the opposite ("hard"; 24 of them
  added in a second round, written and split before any run on them), 12 unrelated.

Items alternate between ``dev`` and ``test`` within each list (by their position). For every
item the words are checked first (:func:`~policytext.verify.check.find_passages`); an item whose
words are found (``verbatim``/``altered``) never reaches the meaning check. The nearest sentences
of the speaker's are computed once; the rule (:data:`~policytext.verify.check.PARAPHRASE_MIN`
and :data:`~policytext.verify.check.PARAPHRASE_CHECKS`, judged by
:func:`~policytext.verify.check.is_paraphrase`) is chosen by cross-validation within ``dev``, the
training part (:func:`choose_rule_by_folds`), and reported on ``test`` once. That rule gives a
``possible paraphrase``; the strict rule of ``paraphrase`` (cosine and the closest sentence's margin
over the speaker's others, :data:`~policytext.verify.check.PARAPHRASE_STRICT_MIN` and
:data:`~policytext.verify.check.PARAPHRASE_MARGIN_MIN`) is chosen on top of it by folds within
``dev`` too, for precision (:func:`choose_strict_rule_by_folds`: no decoy of the training folds
called ``paraphrase``).

Limits, said plainly: 84 items is small (one item moves a test-half figure by 1/12 or 1/24); the
paraphrases are one writer's, of famous lines, and the decoys were written knowing the model's
weakness for negation. It measures this model on this kind of rewording, not paraphrase in general.

Run it (needs the embeddings extra; builds its own corpus of the addresses the lines come from):
``python -m policytext.evaluation.paraphrase CORPUS_FOLDER [--window 10]`` (``--window``: only the
sentences near the original lines, the CI gate's corpus).
"""
from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass
from typing import Any, Sequence

from policytext.search.meaning import Embedder, load_embedder, nearest_with_margin
from policytext.store import DocumentFilter
from policytext.verify.check import (
    PARAPHRASE_CHECKS, PARAPHRASE_MIN, decide, find_passages, is_paraphrase, paraphrase_level,
)

THRESHOLDS = tuple(round(0.20 + 0.025 * i, 3) for i in range(29))  # 0.20 … 0.90 (static embeddings sit lower)
CHECK_SETS: tuple[tuple[str, ...], ...] = ((), ("negation",), ("number",), ("name",), ("negation", "number"),
                                           ("negation", "name"), ("number", "name"), ("negation", "number", "name"))
"""The agreements tried beside the threshold (:func:`~policytext.verify.align.disagreements`)."""
RECALL_AT = 5

# (speaker as the filter reads it, year, a phrase of the original sentence, the paraphrase)
PARAPHRASES: tuple[tuple[str, int, str, str], ...] = (
    ("Clinton", 1996, "era of big Government is over", "the age of large government has come to an end"),
    ("George W. Bush", 2002, "axis of evil", "countries such as these and the terrorists they back form an evil "
                                              "alliance that arms itself to endanger world peace"),
    ("Johnson", 1964, "unconditional war on poverty", "my government is declaring, right now, a total war against "
                                                       "poverty in this country"),
    ("Kennedy", 1962, "repair the roof", "you should fix your house's roof while the weather is fine"),
    ("Nixon", 1974, "One year of Watergate is enough", "a single year of the Watergate affair has been plenty"),
    ("Ford", 1975, "state of the Union is not good", "I have to tell you that the condition of our nation is bad"),
    ("Carter", 1980, "Persian Gulf region will be regarded", "any effort by a foreign power to seize the Gulf "
                                                              "will be treated as an attack on America's vital "
                                                              "interests and pushed back by whatever it takes"),
    ("Obama", 2010, "playing for second place", "those countries are not content to finish as runners-up"),
    ("Obama", 2011, "Sputnik moment", "today we face the same kind of challenge the Soviet satellite posed to "
                                      "our parents"),
    ("George W. Bush", 2006, "addicted to oil", "our country is hooked on petroleum"),
    ("Reagan", 1984, "nuclear war cannot be won", "nobody can come out ahead in an atomic conflict, so one must "
                                                   "never be started"),
    ("Clinton", 1998, "Save Social Security first", "rescuing the pension system must come before anything else"),
    ("H.W. Bush", 1991, "new world order", "more than a tiny nation is at risk: a great vision of a new global order "
                                      "in which countries unite for peace and security"),
    ("Obama", 2014, "year of action", "let this be a twelve months in which we act"),
    ("Obama", 2012, "fair shot", "we can accept a nation where fewer and fewer prosper while more and more "
                                 "struggle, or rebuild an economy where all get a fair chance and follow the "
                                 "same rules"),
    ("George W. Bush", 2003, "uranium from Africa", "London has found out that Saddam lately tried to buy large "
                                                   "amounts of nuclear fuel on the African continent"),
    ("Johnson", 1966, "Great Society while we fight", "we can keep building a better society at home even as we "
                                                      "wage war in Southeast Asia"),
    ("Trump", 2018, "dreamers too", "the citizens of this country have dreams as well"),
    ("Kennedy", 1961, "No man entering upon this office", "whoever takes this job, whatever his party, would be "
                                                          "shocked to find how hard the coming four years will be"),
    ("Clinton", 1994, "health insurance that can never be taken away", "if Congress sends me a bill that fails to "
                                                                        "give every citizen private coverage "
                                                                        "nobody can take from them, I will veto it"),
    ("Reagan", 1986, "Challenger heroes", "we stopped as one to grieve for and pay tribute to the courage of the "
                                         "seven astronauts we lost"),
    ("Nixon", 1970, "Clean air, clean water, open spaces", "fresh air, pure water and open land ought again to "
                                                          "be every citizen's inheritance"),
    ("H.W. Bush", 1990, "Berlin Wall would last another hundred years", "a year ago the East German leader said the "
                                                                   "wall in Berlin would stand for another "
                                                                   "century"),
    ("Kennedy", 1963, "additional reward for additional effort", "it will encourage enterprise and investment, "
                                                                 "create the jobs we need and reward those who "
                                                                 "work harder"),
    # Added in a third round (2026-12-02), written before any run on them: other lines of the same
    # addresses (so the corpus is unchanged), split by position as above.
    ("Clinton", 1996, "big Government does not have all the answers", "we are aware that a large federal state "
                                                                        "cannot solve every problem"),
    ("Reagan", 1984, "America is back, standing tall", "our nation has returned, proud and upright, facing the "
                                                       "decade bravely and hopefully"),
    ("Clinton", 1998, "the state of our Union is strong", "friends, this nation is in robust health"),
    ("Reagan", 1986, "stronger than a year ago", "I am glad to say the country is in better shape than twelve "
                                                 "months back and improving daily"),
    ("Kennedy", 1961, "lulled into believing", "we should not be fooled into thinking that Moscow or Peking has "
                                               "abandoned its wish to dominate the world"),
    ("Ford", 1975, "Our turning away would unleash", "if we withdrew, fresh turmoil and threats would spread "
                                                     "across the world and endanger our own safety"),
    ("Clinton", 1996, "the best is yet to come", "our finest days lie ahead provided each of us does a share"),
    ("Obama", 2011, "how we'll win the future", "this is the way we will come out ahead in the decades ahead"),
    ("Kennedy", 1961, "can no longer be delayed", "federal money for colleges and schools cannot wait any more"),
    ("Nixon", 1974, "disengagement of Egyptian and Israeli forces", "the process starts with pulling apart the "
                                                                    "armies of Egypt and Israel, which is "
                                                                    "happening now"),
    ("Eisenhower", 1961, "Dependence upon Federal financing", "relying on money from Washington ought not to be "
                                                              "needed anymore"),
    ("Obama", 2012, "enduring power of our moral example", "thanks to the alliances we formed, the enemies we "
                                                           "struck and the strength of our values, our country "
                                                           "has returned to its place in the world"),
)

# (speaker, year of the address of theirs the decoy is set against, the decoy, "hard" or "unrelated")
DECOYS: tuple[tuple[str, int, str, str], ...] = (
    ("Clinton", 1996, "the federal government must grow much larger to meet our needs", "hard"),
    ("George W. Bush", 2002, "we should make friends with the regimes that sponsor terror", "hard"),
    ("Johnson", 1964, "poverty is a private matter that Washington should leave alone", "hard"),
    ("Kennedy", 1962, "the best moment to mend the roof is in the middle of a storm", "hard"),
    ("Nixon", 1974, "the Watergate inquiry should go on for many more years", "hard"),
    ("Ford", 1975, "the economy has never been in better shape and prices are falling", "hard"),
    ("Carter", 1980, "what happens in the Persian Gulf is of no concern to the United States", "hard"),
    ("Obama", 2010, "finishing second to China would be perfectly fine for America", "hard"),
    ("George W. Bush", 2006, "America uses far too little oil and should import more", "hard"),
    ("Reagan", 1984, "we can win a nuclear war if we build enough missiles", "hard"),
    ("Clinton", 1998, "Social Security should be abolished and replaced by nothing", "hard"),
    ("Obama", 2014, "this year we should wait and do nothing at all", "hard"),
    ("Obama", 2012, "I will build a bridge from California to Hawaii by next summer", "unrelated"),
    ("George W. Bush", 2003, "my favourite band has always been the Beatles", "unrelated"),
    ("Johnson", 1966, "the national parks will close every Sunday from now on", "unrelated"),
    ("Trump", 2018, "I have decided to learn to play the violin this winter", "unrelated"),
    ("Kennedy", 1961, "the price of a postage stamp will fall to one cent", "unrelated"),
    ("Clinton", 1994, "every town should hold a pie-baking contest in July", "unrelated"),
    ("Reagan", 1986, "the interstate highways will be sold to private owners", "unrelated"),
    ("Nixon", 1970, "we will rename the Pacific Ocean after a famous poet", "unrelated"),
    ("H.W. Bush", 1990, "chess should become a compulsory subject in every school", "unrelated"),
    ("Kennedy", 1963, "our farmers need more rain this spring than ever before", "unrelated"),
    ("H.W. Bush", 1991, "I prefer cats to dogs and always have", "unrelated"),
    ("Carter", 1980, "the White House lawn will be turned into a golf course", "unrelated"),
    # Added in a second round (2026-12-02), written and split (by position, as above) before any run
    # on them: one more decoy on the subject of each paraphrased line, a different claim about it
    # rather than its plain opposite, and fewer negation words than the first twelve.
    ("Nixon", 1970, "the cost of cleaning our rivers is too high and industry should police itself", "hard"),
    ("H.W. Bush", 1990, "the division of Europe is permanent and we should learn to accept it", "hard"),
    ("Kennedy", 1963, "raising taxes on every family is the surest way to create jobs", "hard"),
    ("H.W. Bush", 1991, "America should leave Kuwait to its fate and stay out of the Gulf", "hard"),
    ("Obama", 2011, "America should stop spending public money on science and research", "hard"),
    ("Johnson", 1966, "we must halt every programme at home until the war in Vietnam is won", "hard"),
    ("Trump", 2018, "immigrants who came here as children should all be sent back", "hard"),
    ("Kennedy", 1961, "the next four years will be easy and the country faces few serious problems", "hard"),
    ("Clinton", 1994, "health insurance is a privilege that families should buy on their own", "hard"),
    ("Reagan", 1986, "the space shuttle programme should be cancelled after this tragedy", "hard"),
    ("George W. Bush", 2003, "Iraq has given up all its weapons and poses little threat to anyone", "hard"),
    ("Obama", 2012, "the rich should play by different rules from everyone else", "hard"),
    ("Clinton", 1996, "Washington should hire a million more federal workers next year", "hard"),
    ("George W. Bush", 2002, "North Korea, Iran and Iraq are among our closest friends in the world", "hard"),
    ("Johnson", 1964, "the war on poverty has already been won and can be wound up", "hard"),
    ("Kennedy", 1962, "we should wait for the next recession before we reform anything", "hard"),
    ("Nixon", 1974, "I will resign the presidency because of Watergate", "hard"),
    ("Ford", 1975, "unemployment is low and the federal budget is in surplus", "hard"),
    ("Carter", 1980, "the Soviet Union has every right to control the oil of the Gulf", "hard"),
    ("Obama", 2010, "America should copy China's economy in every respect", "hard"),
    ("George W. Bush", 2006, "oil is the cleanest and cheapest fuel we will ever have", "hard"),
    ("Reagan", 1984, "we should build ten thousand more nuclear warheads this year", "hard"),
    ("Clinton", 1998, "the budget surplus should pay for a tax cut before Social Security", "hard"),
    ("Obama", 2014, "Congress should decide everything and the president should always wait for it", "hard"),
)


@dataclass(frozen=True)
class Item:
    """One labelled quote: the text, who it is given to, whether it is a paraphrase, and the original."""

    number: int
    quote: str
    speaker: str
    paraphrase: bool
    original_phrase: str | None = None
    kind: str = "paraphrase"

    @property
    def split(self) -> str:
        return "dev" if self.number % 2 == 0 else "test"


def build_items() -> list[Item]:
    """Return the labelled items: the paraphrases, then the decoys, each numbered within its list."""
    items = [Item(i, quote, speaker, True, phrase) for i, (speaker, _, phrase, quote) in enumerate(PARAPHRASES)]
    items += [Item(i, quote, speaker, False, None, kind) for i, (speaker, _, quote, kind) in enumerate(DECOYS)]
    return items


def years() -> list[int]:
    """Return the years of the addresses the set needs in its corpus."""
    return sorted({year for _, year, _, _ in PARAPHRASES} | {year for _, year, _, _ in DECOYS})


def build_corpus(corpus: Any, *, window: int | None = None) -> None:
    """Collect the set's addresses into ``corpus`` and store their sentences (spaCy's sentence recogniser).

    Args:
        window: keep only the sentences within this many of a sentence holding one of the
            original lines (the CI gate's small corpus: the subject of every paraphrase and hard
            decoy is there, but fewer other sentences compete); None keeps every sentence.
    """
    from policytext.evaluation.sentences import split_sentences

    for year in years():
        corpus.collect_sotu(since=year, until=year)
    split_sentences(corpus)
    if window is None:
        return
    conn = corpus.store.conn
    keep: set[int] = set()
    for speaker, year, phrase, _ in PARAPHRASES:
        where, params = DocumentFilter.from_options(speaker=speaker, since=str(year), until=str(year)).where("d")
        for doc_id, idx in conn.execute(f"SELECT s.doc_id, s.idx FROM sentences AS s JOIN documents AS d "
                                        f"ON d.id = s.doc_id WHERE {where} AND instr(lower(s.text), ?)",
                                        [*params, phrase.lower()]).fetchall():
            keep.update(row[0] for row in conn.execute(
                "SELECT id FROM sentences WHERE doc_id = ? AND idx BETWEEN ? AND ?", (doc_id, idx - window, idx + window)))
    with corpus.store.transaction():
        conn.execute("CREATE TEMP TABLE kept_sentences (id INTEGER PRIMARY KEY)")
        conn.executemany("INSERT INTO kept_sentences VALUES (?)", [(i,) for i in sorted(keep)])
        conn.execute("DELETE FROM sentences WHERE id NOT IN (SELECT id FROM kept_sentences)")
        conn.execute("DROP TABLE kept_sentences")


def _original_ids(store: Any, item: Item) -> set[int]:
    where, params = DocumentFilter(speaker=item.speaker).where("d")
    return {row[0] for row in store.conn.execute(
        f"SELECT s.id FROM sentences AS s JOIN documents AS d ON d.id = s.doc_id WHERE {where} AND instr(lower(s.text), ?)",
        [*params, item.original_phrase.lower()])}


def measure(corpus: Any, items: Sequence[Item], embedder: Embedder) -> list[dict[str, Any]]:
    """Return, per item, the words' verdict, the speaker's sentences nearest in meaning, and recall@5.

    ``nearest`` holds (cosine, text) of the :data:`RECALL_AT` nearest sentences, best first: what
    :func:`~policytext.verify.check.is_paraphrase` judges the first of.
    """
    store = getattr(corpus, "store", corpus)
    rows = []
    for item in items:
        started = time.perf_counter()
        passages, coverage, filters = find_passages(corpus, item.quote, speaker=item.speaker)
        words = decide(item.quote, filters.speaker, passages, coverage).verdict
        nearest, margin = nearest_with_margin(store, embedder, item.quote, filters, limit=RECALL_AT)
        texts = dict(store.conn.execute(
            f"SELECT id, text FROM sentences WHERE id IN ({', '.join('?' for _ in nearest)})",
            [sentence_id for sentence_id, _ in nearest]).fetchall()) if nearest else {}
        originals = _original_ids(store, item) if item.paraphrase else set()
        rows.append({"item": item, "words": words, "cosine": nearest[0][1] if nearest else 0.0, "margin": margin,
                     "nearest": [(cosine, texts[sentence_id]) for sentence_id, cosine in nearest],
                     "original_found": bool(originals),
                     "recall": any(sentence_id in originals for sentence_id, _ in nearest) if originals else None,
                     "seconds": time.perf_counter() - started})
    return rows


def verdict_of(row: dict[str, Any], threshold: float, checks: tuple[str, ...] = PARAPHRASE_CHECKS,
               strict: tuple[float, float, tuple[str, ...]] | None = None) -> str:
    """Return the verdict :func:`~policytext.verify.verify_quote` gives at a rule (meaning checked).

    ``threshold`` and ``checks`` are the rule of a lead worth reading; ``strict`` (cosine, margin,
    checks) the stricter rule of ``paraphrase`` (:func:`~policytext.verify.check.paraphrase_level`):
    with it, a sentence that passes only the first is a ``possible paraphrase``. Without it the
    first rule alone says ``paraphrase`` (the single level of the rounds before).
    """
    if row["words"] != "not found":
        return row["words"]
    if not row["nearest"]:
        return "not found"
    cosine, sentence = row["nearest"][0]
    if strict is None:
        return "paraphrase" if is_paraphrase(row["item"].quote, cosine, sentence, paraphrase_min=threshold,
                                             checks=checks) else "not found"
    return paraphrase_level(row["item"].quote, cosine, row.get("margin", 0.0), sentence, paraphrase_min=threshold,
                            checks=checks, strict_min=strict[0], margin_min=strict[1],
                            strict_checks=strict[2]) or "not found"


def score(rows: Sequence[dict[str, Any]], threshold: float, checks: tuple[str, ...] = PARAPHRASE_CHECKS,
          strict: tuple[float, float, tuple[str, ...]] | None = None) -> dict[str, Any]:
    """Return accuracy, balanced accuracy, paraphrase recall, false paraphrases and recall@5 of ``rows``.

    Balanced accuracy is the mean of the share of paraphrases called ``paraphrase`` and the share
    of decoys not called so (the set holds twice as many decoys as paraphrases). With ``strict``
    (see :func:`verdict_of`), ``possible_recall`` is the share of paraphrases called ``paraphrase``
    or ``possible paraphrase`` and ``false_possible`` the share of decoys called ``possible paraphrase``.
    """
    positives = [r for r in rows if r["item"].paraphrase]
    decoys = [r for r in rows if not r["item"].paraphrase]
    verdicts = {id(r): verdict_of(r, threshold, checks, strict) for r in rows}

    def called(group: Sequence[dict[str, Any]], *names: str) -> float:
        names = names or ("paraphrase",)
        return sum(verdicts[id(r)] in names for r in group) / len(group) if group else 0.0

    right = (sum(verdicts[id(r)] == "paraphrase" for r in positives)
             + sum(verdicts[id(r)] != "paraphrase" for r in decoys))
    hard = [r for r in decoys if r["item"].kind == "hard"]
    unrelated = [r for r in decoys if r["item"].kind == "unrelated"]
    ranked = [r for r in positives if r["recall"] is not None]
    recall, false = called(positives), called(decoys)
    return {
        "threshold": threshold, "checks": tuple(checks), "strict": strict, "items": len(rows),
        "accuracy": right / len(rows) if rows else 0.0,
        "balanced_accuracy": (recall + 1 - false) / 2,
        "paraphrase_recall": recall,
        "possible_recall": called(positives, "paraphrase", "possible paraphrase"),
        "caught_by_words": sum(r["words"] != "not found" for r in positives),
        "false_paraphrase": false,
        "false_paraphrase_count": sum(verdicts[id(r)] == "paraphrase" for r in decoys),
        "false_possible": called(decoys, "possible paraphrase"),
        "decoys_not_found": called(decoys, "not found"),
        "false_paraphrase_hard": called(hard),
        "false_paraphrase_unrelated": called(unrelated),
        "recall_at_5": sum(r["recall"] for r in ranked) / len(ranked) if ranked else 0.0,
    }


def choose_rule(rows: Sequence[dict[str, Any]], thresholds: Sequence[float] = THRESHOLDS,
                check_sets: Sequence[tuple[str, ...]] = CHECK_SETS) -> tuple[float, tuple[str, ...]]:
    """Return the (threshold, checks) of best balanced accuracy on ``rows``.

    Among ties: the fewest checks, then the middle threshold of that check set's tied ones (the
    rule was fixed before the run).
    """
    scored = [(score(rows, t, c)["balanced_accuracy"], t, c) for c in check_sets for t in thresholds]
    best = max(value for value, _, _ in scored)
    tied = [(t, c) for value, t, c in scored if value == best]
    fewest = min(len(c) for _, c in tied)
    checks = next(c for _, c in tied if len(c) == fewest)
    plateau = [t for t, c in tied if c == checks]
    return plateau[len(plateau) // 2], checks


FOLDS = 4
"""Folds of the training part (``dev``) that :func:`choose_rule_by_folds` chooses over."""


def folds_of(rows: Sequence[dict[str, Any]], folds: int = FOLDS) -> list[list[dict[str, Any]]]:
    """Return ``rows`` dealt into ``folds`` folds, each kind (paraphrase, hard, unrelated) dealt in turn."""
    dealt: list[list[dict[str, Any]]] = [[] for _ in range(folds)]
    for kind in ("paraphrase", "hard", "unrelated"):
        group = sorted((r for r in rows if r["item"].kind == kind), key=lambda r: r["item"].number)
        for position, row in enumerate(group):
            dealt[position % folds].append(row)
    return dealt


def choose_rule_by_folds(rows: Sequence[dict[str, Any]], folds: int = FOLDS,
                         thresholds: Sequence[float] = THRESHOLDS,
                         check_sets: Sequence[tuple[str, ...]] = CHECK_SETS) -> dict[str, Any]:
    """Return the rule chosen by cross-validation within ``rows`` (the training part), and its held-out figures.

    Each fold is held out in turn: :func:`choose_rule` picks a rule on the other folds, scored on
    the held-out one. The rule kept is the set of checks picked most often (ties: the fewest
    checks), at the median of the thresholds picked with it: a choice that one lucky item of one
    fold cannot move as it moved the earlier single choice on the whole of ``dev``.
    ``held_out`` is the mean held-out balanced accuracy of the procedure (what to expect on new
    items), never a figure of ``test``.
    """
    dealt = folds_of(rows, folds)
    picks = []
    for index, held in enumerate(dealt):
        rest = [r for other, part in enumerate(dealt) if other != index for r in part]
        threshold, checks = choose_rule(rest, thresholds, check_sets)
        picks.append((threshold, checks, score(held, threshold, checks)["balanced_accuracy"]))
    counted = {c: sum(1 for _, picked, _ in picks if picked == c) for _, c, _ in picks}
    most = max(counted.values())
    checks = min((c for c, n in counted.items() if n == most), key=len)
    chosen = sorted(t for t, c, _ in picks if c == checks)
    middle = statistics.median(chosen)
    threshold = min(thresholds, key=lambda t: (abs(t - middle), t))  # a threshold of the grid
    return {"threshold": threshold, "checks": checks, "picks": picks,
            "held_out": statistics.mean(value for _, _, value in picks)}


MARGINS = tuple(round(0.01 * i, 2) for i in range(31))  # 0.00 … 0.30
STRICT_FALSE_ALLOWED = 0
"""Decoys a strict rule may call ``paraphrase`` in the folds it is chosen on: none (precision first)."""


def choose_strict_rule(rows: Sequence[dict[str, Any]], threshold: float = PARAPHRASE_MIN,
                       checks: tuple[str, ...] = PARAPHRASE_CHECKS, thresholds: Sequence[float] = THRESHOLDS,
                       margins: Sequence[float] = MARGINS,
                       check_sets: Sequence[tuple[str, ...]] = CHECK_SETS) -> tuple[float, float, tuple[str, ...]]:
    """Return the strict rule (cosine, margin, checks) of most paraphrases on ``rows`` with no decoy called so.

    Only rules that call at most :data:`STRICT_FALSE_ALLOWED` decoys ``paraphrase`` take part (a
    wrong ``paraphrase`` is what a fact-checker would print); among them the most paraphrases
    called ``paraphrase``; among ties the fewest checks, then the median margin of the tied ones,
    then the median cosine at it (fixed before the run).
    """
    candidates = []
    for strict_checks in check_sets:
        for strict_min in (t for t in thresholds if t >= threshold):
            for margin_min in margins:
                found = score(rows, threshold, checks, (strict_min, margin_min, strict_checks))
                if found["false_paraphrase_count"] <= STRICT_FALSE_ALLOWED:
                    candidates.append((found["paraphrase_recall"], strict_min, margin_min, strict_checks))
    best = max(recall for recall, _, _, _ in candidates)
    tied = [(t, m, c) for recall, t, m, c in candidates if recall == best]
    fewest = min(len(c) for _, _, c in tied)
    strict_checks = next(c for _, _, c in tied if len(c) == fewest)
    tied = [(t, m) for t, m, c in tied if c == strict_checks]
    margin_min = sorted({m for _, m in tied})[len({m for _, m in tied}) // 2]
    at = sorted(t for t, m in tied if m == margin_min)
    return at[len(at) // 2], margin_min, strict_checks


def choose_strict_rule_by_folds(rows: Sequence[dict[str, Any]], folds: int = FOLDS,
                                threshold: float = PARAPHRASE_MIN,
                                checks: tuple[str, ...] = PARAPHRASE_CHECKS) -> dict[str, Any]:
    """Return the strict rule chosen by cross-validation within ``rows`` (the training part), and its held-out figures.

    As :func:`choose_rule_by_folds`: each fold held out in turn, :func:`choose_strict_rule` on the
    others; the checks picked most often (ties: the fewest), the median of the margins and of the
    cosines picked with them (snapped to the grids). ``held_out`` sums the held-out folds: decoys
    called ``paraphrase`` and paraphrases called so, never a figure of ``test``.
    """
    dealt = folds_of(rows, folds)
    picks = []
    false = called = positives = decoys = 0
    for index, held in enumerate(dealt):
        rest = [r for other, part in enumerate(dealt) if other != index for r in part]
        strict = choose_strict_rule(rest, threshold, checks)
        found = score(held, threshold, checks, strict)
        held_positives = sum(r["item"].paraphrase for r in held)
        false += found["false_paraphrase_count"]
        called += round(found["paraphrase_recall"] * held_positives)
        positives += held_positives
        decoys += len(held) - held_positives
        picks.append(strict)
    counted = {c: sum(1 for _, _, picked in picks if picked == c) for _, _, c in picks}
    most = max(counted.values())
    strict_checks = min((c for c, n in counted.items() if n == most), key=len)
    with_them = [(t, m) for t, m, c in picks if c == strict_checks]
    margin = min(MARGINS, key=lambda m: (abs(m - statistics.median(m for _, m in with_them)), m))
    cosine = min(THRESHOLDS, key=lambda t: (abs(t - statistics.median(t for t, _ in with_them)), t))
    return {"strict": (cosine, margin, strict_checks), "picks": picks,
            "held_out": {"false_paraphrase": false, "decoys": decoys, "paraphrase": called, "paraphrases": positives}}


def evaluate(corpus: Any, *, embedder: Embedder | None = None) -> dict[str, Any]:
    """Measure every item, choose both rules by folds within ``dev`` and report ``dev`` and ``test`` at them.

    The rule of a ``possible paraphrase`` first (:func:`choose_rule_by_folds`), then the strict rule
    of ``paraphrase`` on top of it (:func:`choose_strict_rule_by_folds`).
    """
    embedder = embedder or load_embedder()
    rows = measure(corpus, build_items(), embedder)
    dev = [r for r in rows if r["item"].split == "dev"]
    test = [r for r in rows if r["item"].split == "test"]
    folded = choose_rule_by_folds(dev)
    threshold, checks = folded["threshold"], folded["checks"]
    strict_folded = choose_strict_rule_by_folds(dev, threshold=threshold, checks=checks)
    strict = strict_folded["strict"]
    sweep = {(t, c): {"dev": score(dev, t, c), "test": score(test, t, c)} for c in CHECK_SETS for t in THRESHOLDS}
    return {"chosen": (threshold, checks), "folds": folded, "sweep": sweep, "strict": strict,
            "strict_folds": strict_folded,
            "dev": score(dev, threshold, checks, strict), "test": score(test, threshold, checks, strict),
            "one_level": {"dev": score(dev, threshold, checks), "test": score(test, threshold, checks)},
            "cosine_only": {"dev": score(dev, PARAPHRASE_MIN, ()), "test": score(test, PARAPHRASE_MIN, ())},
            "rows": rows, "median_seconds": statistics.median(r["seconds"] for r in rows)}


def verdict_counts(rows: Sequence[dict[str, Any]], threshold: float, checks: tuple[str, ...],
                   strict: tuple[float, float, tuple[str, ...]]) -> dict[str, dict[str, int]]:
    """Return how many items of each kind (paraphrase, hard, unrelated) got each verdict: the per-class table."""
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        verdict = verdict_of(row, threshold, checks, strict)
        kind = counts.setdefault(row["item"].kind, {})
        kind[verdict] = kind.get(verdict, 0) + 1
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    from policytext.corpus import open_corpus
    from policytext.search.meaning import embed_corpus

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", help="a corpus folder to build (or reuse) with the set's addresses")
    parser.add_argument("--window", type=int, default=None,
                        help="keep only the sentences this near an original line (the CI gate's corpus)")
    args = parser.parse_args(argv)
    embedder = load_embedder()
    with open_corpus(args.corpus, create=True) as corpus:
        if corpus.store.conn.execute("SELECT 1 FROM sentences LIMIT 1").fetchone() is None:
            build_corpus(corpus, window=args.window)  # once: a folder with sentences is reused as it is
        report = embed_corpus(corpus, embedder=embedder)
        print(f"embedded {report.embedded} sentences in {report.seconds:.0f} s ({report.sentences} in all)")
        found = evaluate(corpus, embedder=embedder)
    print("checks | threshold | dev bal acc | dev recall | dev false | test bal acc | test recall | test false (hard)")
    for (t, c), both in found["sweep"].items():
        d, e = both["dev"], both["test"]
        print(f"{'+'.join(c) or 'cosine'} | {t:.3f} | {d['balanced_accuracy']:.3f} | {d['paraphrase_recall']:.3f} | "
              f"{d['false_paraphrase']:.3f} | {e['balanced_accuracy']:.3f} | {e['paraphrase_recall']:.3f} | "
              f"{e['false_paraphrase']:.3f} ({e['false_paraphrase_hard']:.3f})")
    print(f"possible paraphrase, chosen on dev: {found['chosen']}; paraphrase (strict), chosen on dev: "
          f"{found['strict']} (fold picks {found['strict_folds']['picks']}, held out {found['strict_folds']['held_out']})")
    print(f"dev {found['dev']}\ntest {found['test']}")
    for split in ("dev", "test"):
        rows = [r for r in found["rows"] if r["item"].split == split]
        print(split, "verdicts by kind:", verdict_counts(rows, *found["chosen"], found["strict"]))
    print(f"one level (the round before): dev {found['one_level']['dev']}\ntest {found['one_level']['test']}")
    print(f"cosine only at {PARAPHRASE_MIN}: dev {found['cosine_only']['dev']}\ntest {found['cosine_only']['test']}")
    threshold, checks = found["chosen"]
    for row in found["rows"]:
        item = row["item"]
        near = row["nearest"][0][1][:60] if row["nearest"] else ""
        print(f"{item.split} {'P' if item.paraphrase else item.kind[0].upper()} {row['words']:>13} "
              f"{row['cosine']:.3f} m={row['margin']:.3f} {verdict_of(row, threshold, checks, found['strict']):>19} "
              f"r@5={row['recall']} "
              f"{item.speaker}: {item.quote[:60]} || {near}")
    print(f"median {found['median_seconds'] * 1000:.0f} ms an item")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
