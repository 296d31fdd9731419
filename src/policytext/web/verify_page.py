"""The page's quote check (``/verify``, ``/api/verify``) and its "by meaning" search: apart from the search page's code.

The sentence-embedding model is the corpus's ``meaning_model`` setting, loaded once per serving
process (:class:`MeaningModel`); a corpus without vectors of that model, or a server without its
package, answers with an error that says what to do, never a 500.
"""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

from markupsafe import Markup, escape

from policytext.errors import BadQuery, ModelNotInstalled
from policytext.embedding import MODEL_NAME, model_spec
from policytext.search.meaning import Embedder, has_vectors, load_embedder, meaning_available, search_meaning

VERIFY_PATHS = ("/verify", "/api/verify")
MAX_QUOTE_CHARS = 1000
_DIFF = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}")

VERIFY_FIELDS = {"speaker": "Said by", "since": "From", "until": "To"}
"""How the check box's errors name its fields, where the command line says ``--since``."""


class MeaningModel:
    """The embedding model ``name`` of one serving process (the ``meaning_model`` setting), shared by its threads.

    Loaded on first use, or at start-up by :meth:`warm`.
    """

    def __init__(self, name: str = MODEL_NAME) -> None:
        model_spec(name)  # an unknown name is refused here, with the known ones
        self.name = name
        self._embedder: Embedder | None = None
        self._lock = threading.Lock()

    def get(self) -> Embedder:
        """Return the loaded model (loading it now on the first call).

        Raises:
            BadQuery: the ``embeddings`` extra is not installed on the server (the message says how).
        """
        with self._lock:
            if self._embedder is None:
                try:
                    self._embedder = load_embedder(self.name)
                except ModelNotInstalled as err:
                    raise BadQuery(f"this server cannot search by meaning: {err}") from err
            return self._embedder

    def warm(self, store_path: Any) -> bool:
        """Load the model, run one query through it and read the store's vectors, when the corpus has some.

        Called as the server starts, so that the first search by meaning or quote check after
        start-up answers as fast as the next ones: loading the model took 22-65 s on this loaded
        machine, its first forward pass and reading 33,214 vectors most of a second more (the
        first check of bench_meaning's verify took 1,056 ms, the next ones under 1 s). Returns
        whether it warmed (False: the model's package is missing, or the store has no vectors of
        it: nothing to warm, and the first request says what to do).
        """
        from policytext.store import Store

        if not meaning_available(self.name):
            return False
        with Store(store_path, readonly=True) as store:
            if not has_vectors(store, self.name):
                return False
            embedder = self.get()
            embedder.encode(["warm up the model"])
            embedder.stored(store)  # kept for the file: every serving thread's connection shares it
        return True

    def for_verify(self, store: Any) -> Embedder | None:
        """Return the model when a quote check can look for paraphrases (extra installed, vectors stored)."""
        if self._embedder is None and not (meaning_available(self.name) and has_vectors(store, self.name)):
            return None
        return self.get() if has_vectors(store, self.name) else None


def meaning_noun(count: int, within: str) -> str:
    """Say how many sentences a search by meaning compared (every one ranks; none "matches").

        >>> meaning_noun(33214, "sentences")
        '33,214 sentences compared by meaning with'
    """
    return f"{count:,} {within} compared by meaning with"


def search_page_by_meaning(store: Any, model: MeaningModel, q: str, *, within: str, limit: int, offset: int,
                           filters: dict[str, str]) -> Any:
    """Return the page's hits for ``q`` ranked by meaning (a :class:`~policytext.search.meaning.MeaningResult`)."""
    if not has_vectors(store, model.name):  # said before loading a model for nothing
        raise BadQuery(f"this corpus's sentences have no vectors of {model.name} for search by meaning yet: embed "
                       "them once with 'policytext embed', or search by words (untick 'by meaning')")
    return search_meaning(store, q, within=within, limit=limit, offset=offset, embedder=model.get(), **filters)


def diff_html(diff: str) -> Markup:
    """Return a verdict's word difference as HTML: ``<del>`` for what was said and cut, ``<ins>`` for what the quote added.

        >>> str(diff_html("makes us [-not-] {+<b>+} rivals"))
        'makes us <del>not</del> <ins>&lt;b&gt;</ins> rivals'
    """
    parts, last = [], 0
    for found in _DIFF.finditer(diff or ""):
        parts.append(escape(diff[last:found.start()]))
        if found.group(1) is not None:
            parts.append(Markup("<del>{}</del>").format(found.group(1)))
        else:
            parts.append(Markup("<ins>{}</ins>").format(found.group(2)))
        last = found.end()
    parts.append(escape((diff or "")[last:]))
    return Markup("").join(parts)


@dataclass(frozen=True)
class VerifyRequest:
    """A quote to check, read from a query string (names as in ``policytext verify``)."""

    quote: str = ""
    speaker: str = ""
    since: str = ""
    until: str = ""

    def params(self) -> str:
        values = {"quote": self.quote, "speaker": self.speaker, "since": self.since, "until": self.until}
        return urlencode({k: v for k, v in values.items() if v})


def read_verify_request(query_string: str) -> VerifyRequest:
    """Parse ``/verify``'s query string; refuse a quote longer than :data:`MAX_QUOTE_CHARS`.

        >>> read_verify_request("quote=ask+not&speaker=Kennedy").speaker
        'Kennedy'
    """
    raw = parse_qs(query_string, keep_blank_values=False)

    def one(name: str) -> str:
        return (raw.get(name) or [""])[-1].strip()

    request = VerifyRequest(quote=one("quote"), speaker=one("speaker"), since=one("since"), until=one("until"))
    if len(request.quote) > MAX_QUOTE_CHARS:
        raise BadQuery(f"the quote is {len(request.quote):,} characters long; check at most {MAX_QUOTE_CHARS:,} "
                       "at a time")
    return request


def answer_verify(app: Any, path: str, query_string: str) -> tuple[str, str, bytes]:
    """Answer ``/verify`` (the page) or ``/api/verify`` (JSON): the verdict and its evidence."""
    from policytext.verify import verify_quote

    error, verdict, request = None, None, VerifyRequest()
    try:
        request = read_verify_request(query_string)
        if request.quote or path == "/api/verify":
            if not request.quote:
                raise BadQuery("give the quote to check in 'quote'")
            store = app.store()
            verdict = verify_quote(store, request.quote, speaker=request.speaker or None,
                                   since=request.since or None, until=request.until or None,
                                   embedder=app.meaning.for_verify(store), model=app.meaning.name)
    except BadQuery as err:  # named as the box's fields on the page, as the parameters in the API
        error = err.worded(VERIFY_FIELDS if path != "/api/verify" else
                           {name: repr(name) for name in VERIFY_FIELDS})
    status = "400 Bad Request" if error else "200 OK"
    if path == "/api/verify":
        body = {"error": error} if error else verdict.to_dict()
        return status, "application/json; charset=utf-8", json.dumps(body, ensure_ascii=False).encode("utf-8")
    html = app.env.get_template("verify.html").render(check=request, verdict=verdict, error=error,
                                                      diff_html=diff_html)
    return status, "text/html; charset=utf-8", html.encode("utf-8")
