"""The quote finder's vocabulary: speech verbs, the cue lexicon learned from PolNeAR train, speaker nouns.

The lexicon (``data/quote_cues.tsv``) is rebuilt by ``python -m policytext.annotate.train_quote_cues``;
the hand-written lists say which words report speech, which nouns can head a speaker and which
bodies act more often than they speak.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from policytext.errors import PackageDataMissing

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
"""Pronouns that stand for a person named earlier."""
FIRST_PERSON = frozenset({"i", "we", "me", "us"})
"""The speaker's own voice: in a speech these words are the speaker's, not a quote."""
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
"""Dependency labels of a verb's subject."""

CUE_LEMMAS = frozenset("""
say tell argue claim add state note explain insist warn announce declare suggest believe think
write report ask reply respond admit acknowledge contend maintain assert predict promise pledge vow
stress emphasise emphasize continue recall urge describe accuse deny testify tweet conclude observe
remark comment concede confirm estimate hope fear agree complain boast joke reveal indicate show
find caution allege charge counter lament cite question wonder point mention propose recommend
conclude signal blast slam praise criticize criticise demand order predict forecast
""".split())
"""Lemmas of verbs that report speech or thought."""

CUE_LEXICON_FILE = Path(__file__).parent / "data" / "quote_cues.tsv"
"""Cue lemmas learned from PolNeAR train (rebuilt by ``python -m policytext.annotate.train_quote_cues``)."""
CUE_RATE_THRESHOLD = 0.15
"""A learned lemma is a cue when at least this share of its training occurrences were gold cues.

Chosen out of sample on train: with the lexicon counted on PolNeAR train articles 301–840, the
filtered extractor scored F1 0.668, 0.669, 0.671, 0.669 on articles 1–300 at 0.25, 0.2, 0.15, 0.1.
"""

CLAUSE_CUE_RATE_THRESHOLD = 0.07
"""A rarer learned lemma is a cue only when it has a clause of its own ("knows that …").

Chosen the same way: F1 0.671, 0.673 and 0.673 on articles 1–300 at 0.1, 0.07 and 0.05.
"""


@lru_cache(maxsize=4)
def load_cue_lexicon(path: str | Path = CUE_LEXICON_FILE, *, threshold: float = CUE_RATE_THRESHOLD) -> dict[tuple[str, str], float]:
    """Return ``{(lemma, pos): rate}`` of the learned cues whose rate reaches ``threshold``.

    The rate is ``cues / (occurrences + 2)``: how often the lemma was a gold cue in PolNeAR train,
    shrunk a little towards 0 for rare lemmas.

    Raises:
        PackageDataMissing: when there is no such file (a broken install would otherwise find
            fewer quotes without a word).

    Example:
        >>> load_cue_lexicon()[("say", "VERB")] > 0.8
        True
    """
    path = Path(path)
    if not path.is_file():
        raise PackageDataMissing(
            f"the quote cue lexicon {path} is missing. Reinstall policytext, or rebuild the file with "
            f"'python -m policytext.annotate.train_quote_cues'.")
    lexicon = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        lemma, pos, cues, seen = line.split("\t")
        rate = int(cues) / (int(seen) + 2)
        if rate >= threshold:
            lexicon[(lemma, pos)] = round(rate, 3)
    return lexicon


SPEAKER_NOUNS = frozenset("""
spokesman spokeswoman spokesperson official officer minister secretary president senator candidate
campaign aide adviser advisor source critic expert analyst economist observer people voter supporter
report poll survey study data figure statement leader member group party government administration
department agency committee democrat republican lawyer attorney chairman chairwoman chair director
executive professor researcher scientist author writer reporter friend father mother wife husband
man woman team company firm organization organisation union police authority court judge prosecutor
governor mayor lawmaker legislator congressman congresswoman representative nominee pollster
strategist operative insider activist advocate resident worker employee manager founder ceo head
chief staff office commission council board everyone anyone someone nobody many some others few
polling poll record records result results number numbers document memo email filing analysis research
review investigation probe audit estimate projection model forecast count tally footage video
""".split())
"""Common nouns that can head a speaker ("the spokesman said", "officials warned")."""


WEAK_CUES = frozenset("""
show find indicate suggest mean believe think hope fear expect know see signal estimate predict
forecast reveal conclude recommend propose question wonder
""".split())
"""Cues that also take non-human subjects ("the data show", "it means"): their subject must look like a speaker."""


INSTITUTIONS = frozenset("""
administration congress government nation department agency legislature parliament senate house
ministry treasury state states country
""".split())
"""Bodies that act more often than they speak ("Congress renewed the Act")."""
