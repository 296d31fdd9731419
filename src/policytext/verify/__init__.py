"""Did they really say it? Check quotes against the corpus: verbatim, altered, other speaker, not found.

    >>> from policytext.verify import verify_quote                     # doctest: +SKIP
    >>> verdict = verify_quote(corpus, "the trust to try things out", speaker="Hancock")  # doctest: +SKIP
    >>> verdict.verdict, verdict.note, [p.citation for p in verdict.passages]        # doctest: +SKIP
"""
from policytext.verify.align import MEANING_CHANGES, Alignment, tokenize
from policytext.verify.batch import (
    BATCH_FIELDS, QUOTE_CHECK_COLUMNS, VERIFY_COLUMNS, read_quote_batch, verify_extracted_quotes, verify_frame,
)
from policytext.search.meaning import Embedder, load_embedder, meaning_available
from policytext.verify.check import (
    ALTERED_MIN, PARAPHRASE_MIN, VERDICTS, Coverage, Passage, QuoteItem, Verdict, verify_quote, verify_quotes,
)

__all__ = [
    "MEANING_CHANGES", "Alignment", "tokenize", "BATCH_FIELDS", "VERIFY_COLUMNS", "read_quote_batch",
    "verify_frame", "QUOTE_CHECK_COLUMNS", "verify_extracted_quotes", "ALTERED_MIN", "PARAPHRASE_MIN", "VERDICTS", "Coverage", "Passage", "QuoteItem", "Verdict",
    "verify_quote", "verify_quotes", "Embedder", "load_embedder", "meaning_available",
]
