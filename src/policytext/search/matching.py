"""How a query is matched: its bare words in all their forms, its quoted phrases as written.

Each searched table has two FTS5 indexes over the same text: ``<table>_fts`` (store migration 4)
stems words with the Porter stemmer, so ``frontier`` also finds "frontiers" and "trusted"
finds "trust"; ``<table>_exact`` (migration 18) has the same tokenizer without the stemmer, so it
holds the words as written, folded to lower case and without diacritics. A bare word is matched
in the first, a double-quoted phrase in the second: ``"new frontier"`` finds "New Frontier" and
"new -- frontier" (punctuation between words is not a word) but not "new frontiers", and a quoted
single word is that word alone.

A query mixes both, and FTS5 runs one MATCH on one table. So a search runs the query on
``<table>_fts`` as it always did, which finds every record the query means and possibly more
(a phrase's stems match more than its words, and a NOT of a phrase is left out, since excluding
its stems would exclude too much), and BM25 ranks by that; :attr:`QueryMatch.condition` then keeps
the records whose quoted phrases are there as written, with the query's ANDs, ORs and NOTs, as a
look-up of record ids in ``<table>_exact`` per phrase (one per run of phrases). A query without
quotation marks has no condition and costs what it did.

One approximation, said in the docs: a ``NEAR(...)`` that mixes a quoted phrase with bare words
is matched by stems for the nearness, and each of its quoted phrases must also be in the text as
written (FTS5 cannot match one NEAR across two indexes). A NEAR of quoted phrases only is matched
as written.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Callable, Iterable

from policytext.errors import BadQuery
from policytext.search.query import Binary, Near, Node, Term, _operands, parse_query, render_fts
from policytext.store.schema import FILLED

EXACT_SUFFIX = "_exact"
"""The FTS5 index of a table's words as written is named ``<table>_exact``."""


@dataclass(frozen=True)
class QueryMatch:
    """A parsed query as the SQL that matches it in one table's two indexes.

    Attributes:
        fts_query: the MATCH expression of ``<table>_fts``: every record the query finds, and
            with quoted phrases possibly more; what BM25 ranks.
        condition: SQL (over the record id ``t.id``) that keeps the records whose quoted
            phrases are there as written; ``None`` when the query quotes nothing.
        condition_params: the MATCH expressions the condition binds, in order.
        word_marks: what marks a hit's matched words in a table with the stemmed tokenizer
            (the query's bare words and NEARs, OR-ed), or ``None``.
        exact_marks: what marks its quoted phrases in a table with :data:`~policytext.search.marking.EXACT_TOKENIZER`, or ``None``.
        table: the table it matches in (``sentences``, ``quotes``, ``claims``).
    """

    fts_query: str
    condition: str | None = None
    condition_params: tuple[str, ...] = ()
    word_marks: str | None = None
    exact_marks: str | None = None
    table: str = "sentences"

    def restrict(self, conn: sqlite3.Connection, where: str, params: list) -> tuple[str, list]:
        """Return a filter clause and its parameters with :attr:`condition` added (first).

        Refused (:func:`require_exact_index`) while the store still builds the index the
        condition looks phrases up in: every search goes through here, so none answers in part.
        """
        if self.condition is None:
            return where, params
        require_exact_index(conn, self.table, self)
        return f"{self.condition} AND {where}", [*self.condition_params, *params]


def match_query(query: str, table: str, alias: str = "t") -> QueryMatch:
    """Check ``query`` and return how it matches records of ``table`` (``sentences``, ``quotes``, ``claims``).

    Example:
        >>> found = match_query('"new frontier" OR space', "sentences")
        >>> found.fts_query
        '("new frontier" OR "space")'
        >>> found.condition
        '(t.id IN (SELECT rowid FROM [sentences_exact] WHERE [sentences_exact] MATCH ?) OR t.id IN (SELECT rowid FROM [sentences_fts] WHERE [sentences_fts] MATCH ?))'
        >>> match_query("new frontier", "sentences").condition is None
        True
    """
    return match_node(parse_query(query), table, alias)


def match_node(node: Node, table: str, alias: str = "t") -> QueryMatch:
    """Return :func:`match_query` of a parsed query."""
    if not _has_phrase(node):
        return QueryMatch(render_fts(node), word_marks=render_fts(node), table=table)
    params: list[str] = []
    condition = _condition(node, table, f"{alias}.id", params, enforced=True)
    words, exact = _marks(node)
    return QueryMatch(render_fts(_relaxed(node)), condition, tuple(params),
                      " OR ".join(words) or None, " OR ".join(exact) or None, table)


def require_exact_index(conn: sqlite3.Connection, table: str, found: QueryMatch) -> QueryMatch:
    """Return ``found``, or raise ``BadQuery`` when it quotes a phrase and ``table``'s index of words as written is unfinished.

    A store that got the index with migration 18 indexes its rows after it, resumably
    (:meth:`policytext.store.Store.fill_exact_indexes`); until that is done a quoted phrase
    would miss the rows not reached yet, so it is refused rather than answered in part.
    """
    if found.condition is None:
        return found
    row = conn.execute("SELECT filled_to FROM search_exact_fill WHERE name = ?", (table,)).fetchone()
    if row is None or row[0] < FILLED:
        raise BadQuery(f"quoted phrases are matched as written in an index of the {table}' words that "
                       "this store is still building (it began when this policytext first opened the "
                       "store); run the search again where the store is writable, which finishes it, or "
                       "search without quotation marks meanwhile (words in all their forms)")
    return found


def _has_phrase(node: Node) -> bool:
    """Return whether any term of ``node`` is a quoted phrase."""
    return _phrases(node, any)


def _all_phrases(node: Node) -> bool:
    """Return whether every term of ``node`` is a quoted phrase."""
    return _phrases(node, all)


def _phrases(node: Node, which: Callable[[Iterable[bool]], bool]) -> bool:
    if isinstance(node, Term):
        return node.phrase
    if isinstance(node, Near):
        return which(term.phrase for term in node.terms)
    return which(_phrases(part, which) for part in (node.left, node.right))


def _relaxed(node: Node) -> Node:
    """Return ``node`` without the NOTs of phrases: on the stemmed index it finds all that ``node`` finds."""
    if not isinstance(node, Binary):
        return node
    if node.op == "NOT" and _has_phrase(node.right):
        return _relaxed(node.left)
    return Binary(node.op, _relaxed(node.left), _relaxed(node.right))


def _lookup(index: str, record_id: str, node: Node, params: list[str]) -> str:
    params.append(render_fts(node))
    return f"{record_id} IN (SELECT rowid FROM [{index}] WHERE [{index}] MATCH ?)"


def _condition(node: Node, table: str, record_id: str, params: list[str], *, enforced: bool) -> str | None:
    """Return the SQL that ``node`` holds as written, or ``None`` when nothing need be checked.

    ``enforced``: the stemmed MATCH already requires ``node``'s bare words (it stands in a run of
    ANDs from the top of the query), so a part without phrases needs no look-up.
    """
    if not _has_phrase(node):
        return None if enforced else _lookup(f"{table}_fts", record_id, node, params)
    if _all_phrases(node):
        return _lookup(table + EXACT_SUFFIX, record_id, node, params)
    if isinstance(node, Near):  # phrases with bare words: nearness by stems, each phrase as written
        parts = [] if enforced else [_lookup(f"{table}_fts", record_id, node, params)]
        parts += [_lookup(table + EXACT_SUFFIX, record_id, term, params) for term in node.terms if term.phrase]
        return "(" + " AND ".join(parts) + ")"
    assert isinstance(node, Binary)
    operands = _operands(node)
    if node.op == "OR":
        return "(" + " OR ".join(_condition(part, table, record_id, params, enforced=False)
                                 for part in operands) + ")"
    if node.op == "AND":
        parts = [_condition(part, table, record_id, params, enforced=enforced) for part in operands]
    else:  # NOT: the first operand, without each of the rest
        first = _condition(operands[0], table, record_id, params, enforced=enforced)
        # a NOT of bare words is in the stemmed MATCH too, where the NOT's own left side is enforced
        parts = [first] + [None if enforced and not _has_phrase(part) else
                           "NOT " + _condition(part, table, record_id, params, enforced=False)
                           for part in operands[1:]]
    kept = [part for part in parts if part is not None]
    return "(" + " AND ".join(kept) + ")" if kept else None


def _marks(node: Node) -> tuple[list[str], list[str]]:
    """Return the MATCH expressions that mark a hit: bare words and NEARs (stemmed), and phrases as written.

    Only what the query looks for is marked, not what it leaves out (the right of a NOT).
    """
    words: list[str] = []
    exact: list[str] = []

    def walk(part: Node) -> None:
        if isinstance(part, Binary):
            walk(part.left)
            if part.op != "NOT":
                walk(part.right)
        elif isinstance(part, Near) and _all_phrases(part):
            exact.append(render_fts(part))
        elif isinstance(part, Near):
            words.append(render_fts(part))
        elif part.phrase:
            exact.append(render_fts(part))
        else:
            words.append(render_fts(part))

    walk(node)
    return list(dict.fromkeys(words)), list(dict.fromkeys(exact))
