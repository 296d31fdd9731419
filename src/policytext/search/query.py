"""The query language of ``policytext search``, checked and translated into safe FTS5 syntax.

Users write words, "exact phrases", ``OR``, ``NOT``, ``AND``, ``prefix*``, ``NEAR(a b, 10)`` and
parentheses. The parser here accepts exactly that and re-writes every word and phrase as a quoted
FTS5 string, so nothing a user types can reach FTS5 as a column filter, an initial-token marker or
any other operator we did not mean to offer. A query it cannot understand raises
:class:`~policytext.errors.BadQuery` with a message that shows the syntax: so does one longer than
:data:`MAX_QUERY_CHARS`, one with parentheses nested deeper than :data:`MAX_NESTING`, a NEAR
distance in digits other than 0-9, and a control character (NUL and the like) or an unpaired
surrogate anywhere.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from policytext.errors import BadQuery

SYNTAX_HELP = ('Write words (matched in all their forms), "exact phrases" (matched as written), OR, NOT, '
               'prefix* and NEAR(word word, 10), with parentheses to group; for example: '
               '"trust to try" OR entrepreneur* NOT tax')
MAX_QUERY_CHARS = 1000
MAX_NEAR_DISTANCE = 1000
MAX_NESTING = 20
"""Deepest nesting of groups a query may have, counting each pair of parentheses and each
operator inside another (``a OR b c`` is two levels): enough for any real query, and well below
Python's recursion limit and FTS5's parser stack (300 nested parentheses used to crash both; FTS5
itself gives up past 32 levels)."""
_OPERATORS = {"OR", "AND", "NOT"}
_SPECIAL = set('"()*,')
_HAS_WORD = re.compile(r"\w")
_ASCII_NUMBER = re.compile(r"[0-9]+")  # str.isdigit() is also true for '²' and '٥', which int() may not read
_CURLY_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"'})


@dataclass(frozen=True)
class _Token:
    kind: str  # word | phrase | op | near | ( | ) | , | *
    value: str
    position: int


@dataclass(frozen=True)
class Term:
    """A word or an exact phrase; ``prefix`` matches any word beginning with its last word."""

    text: str
    prefix: bool = False
    phrase: bool = False


@dataclass(frozen=True)
class Near:
    terms: tuple[Term, ...]
    distance: int = 10


@dataclass(frozen=True)
class Binary:
    op: str  # AND | OR | NOT
    left: "Node"
    right: "Node"


Node = Term | Near | Binary


def _fail(problem: str) -> BadQuery:
    return BadQuery(f"cannot read the search query: {problem}. {SYNTAX_HELP}.")


def _tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif char == '"':
            close = query.find('"', i + 1)
            if close < 0:
                raise _fail(f'the quotation mark at character {i + 1} is never closed')
            tokens.append(_Token("phrase", query[i + 1:close], i))
            i = close + 1
        elif char in _SPECIAL:
            tokens.append(_Token(char, char, i))
            i += 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in _SPECIAL:
                j += 1
            word = query[i:j]
            if word in _OPERATORS:
                tokens.append(_Token("op", word, i))
            elif word == "NEAR" and j < n and query[j] == "(":
                tokens.append(_Token("near", word, i))
            else:
                tokens.append(_Token("word", word, i))
            i = j
    return tokens


class _Parser:
    """Recursive descent: OR binds loosest, then AND (also implicit), then NOT."""

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.pos = 0
        self.depth = 0  # parentheses open around the current position

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node | None:
        node = self.parse_or()
        token = self.peek()
        if token is not None:
            if token.kind == ")":
                raise _fail(f"the ')' at character {token.position + 1} has no matching '('")
            raise _fail(f"unexpected {token.value!r} at character {token.position + 1}")
        return node

    def parse_or(self) -> Node | None:
        node = self.parse_and()
        while (token := self.peek()) is not None and token.kind == "op" and token.value == "OR":
            self.take()
            right = self.parse_and()
            node = self._join("OR", node, right, token)
        return node

    def parse_and(self) -> Node | None:
        node = self.parse_not()
        while (token := self.peek()) is not None:
            if token.kind == "op" and token.value == "AND":
                self.take()
                right = self.parse_not()
                node = self._join("AND", node, right, token)
            elif token.kind in ("word", "phrase", "near", "("):
                right = self.parse_not()
                if node is None or right is None:  # punctuation-only words drop out
                    node = node or right
                else:
                    node = Binary("AND", node, right)
            else:
                break
        return node

    def parse_not(self) -> Node | None:
        token = self.peek()
        if token is not None and token.kind == "op" and token.value == "NOT":
            raise _fail(f"NOT at character {token.position + 1} needs something before it to "
                        "exclude from, as in 'tax NOT income'")
        node = self.parse_primary()
        while (token := self.peek()) is not None and token.kind == "op" and token.value == "NOT":
            self.take()
            right = self.parse_primary()
            node = self._join("NOT", node, right, token)
        return node

    def _join(self, op: str, left: Node | None, right: Node | None, token: _Token) -> Node:
        if left is None:
            raise _fail(f"{op} at character {token.position + 1} needs a word or phrase before it")
        if right is None:
            raise _fail(f"{op} at character {token.position + 1} needs a word or phrase after it")
        return Binary(op, left, right)

    def parse_primary(self) -> Node | None:
        token = self.peek()
        if token is None:
            return None
        if token.kind == "(":
            self.take()
            if self.depth == MAX_NESTING:
                raise _fail(f"the '(' at character {token.position + 1} nests groups more than "
                            f"{MAX_NESTING} deep; write the query with fewer parentheses")
            self.depth += 1
            node = self.parse_or()
            self.depth -= 1
            close = self.peek()
            if close is None or close.kind != ")":
                raise _fail(f"the '(' at character {token.position + 1} is never closed")
            self.take()
            if node is None:
                raise _fail(f"the parentheses at character {token.position + 1} are empty")
            return node
        if token.kind == "near":
            return self.parse_near()
        if token.kind in ("word", "phrase"):
            return self.parse_term()
        if token.kind == "*":
            raise _fail(f"the * at character {token.position + 1} must end a word, as in 'tax*'")
        if token.kind == ",":
            self.take()  # a stray comma separates nothing; ignore it like other punctuation
            return self.parse_primary()
        return None  # ")" or an operator: the caller says what is missing where

    def parse_term(self) -> Term | None:
        token = self.take()
        prefix = False
        following = self.peek()
        if following is not None and following.kind == "*":
            if following.position != token.position + len(token.value) + (2 if token.kind == "phrase" else 0):
                raise _fail(f"the * at character {following.position + 1} must touch the word "
                            "before it, as in 'tax*'")
            self.take()
            prefix = True
        text = " ".join(token.value.split())
        if not _HAS_WORD.search(text):
            if token.kind == "phrase":
                raise _fail(f"the phrase at character {token.position + 1} has no words in it")
            return None
        return Term(text, prefix=prefix, phrase=token.kind == "phrase")

    def parse_near(self) -> Near:
        near = self.take()
        self.take()  # the "(" the tokenizer saw right after NEAR
        terms: list[Term] = []
        distance = 10
        while True:
            token = self.peek()
            if token is None:
                raise _fail(f"NEAR( at character {near.position + 1} is never closed")
            if token.kind == ")":
                self.take()
                break
            if token.kind == ",":
                self.take()
                number = self.peek()
                if number is None or number.kind != "word" or not _ASCII_NUMBER.fullmatch(number.value):
                    if number is not None and number.kind == "word" and any(c.isdigit() for c in number.value):
                        raise _fail(f"the NEAR distance {number.value!r} at character {number.position + 1} "
                                    "must be written with the digits 0-9, as in NEAR(tax cuts, 5)")
                    raise _fail("NEAR takes a distance in words after the comma, as in "
                                "NEAR(tax cuts, 5)")
                self.take()
                distance = int(number.value)
                if not 0 <= distance <= MAX_NEAR_DISTANCE:
                    raise _fail(f"the NEAR distance must be 0 to {MAX_NEAR_DISTANCE}")
                close = self.peek()
                if close is None or close.kind != ")":
                    raise _fail("NEAR(...) must end after its distance, as in NEAR(tax cuts, 5)")
                self.take()
                break
            if token.kind in ("word", "phrase"):
                term = self.parse_term()
                if term is not None:
                    terms.append(term)
                continue
            raise _fail(f"NEAR(...) may hold only words and phrases, not {token.value!r} "
                        f"(character {token.position + 1})")
        if len(terms) < 2:
            raise _fail("NEAR needs at least two words or phrases, as in NEAR(tax cuts, 5)")
        return Near(tuple(terms), distance)


def parse_query(query: str) -> Node:
    """Parse a user's query into a tree, or raise ``BadQuery`` saying what is wrong.

    Args:
        query: the text the user typed.

    Returns:
        The root of the query tree (``Term``, ``Near`` or ``Binary``).

    Example:
        >>> parse_query('tax OR "public spending"')
        Binary(op='OR', left=Term(text='tax', prefix=False, phrase=False), right=Term(text='public spending', prefix=False, phrase=True))
    """
    if not isinstance(query, str) or not query.strip():
        raise BadQuery(f"the search query is empty. {SYNTAX_HELP}.")
    if len(query) > MAX_QUERY_CHARS:
        raise BadQuery(f"the search query is {len(query):,} characters long; keep it under "
                       f"{MAX_QUERY_CHARS:,}.")
    _check_characters(query)
    # Quotation marks pasted from word processors and web pages work like straight ones.
    node = _Parser(_tokenize(query.translate(_CURLY_QUOTES))).parse()
    if node is None:
        raise BadQuery(f"the search query {query!r} has no words to search for. {SYNTAX_HELP}.")
    depth = _group_depth(node)
    if depth > MAX_NESTING:
        raise _fail(f"it nests groups {depth} deep (each pair of parentheses, and each AND inside "
                    f"an OR or NOT inside an AND, is one level); keep to {MAX_NESTING} by writing "
                    "it with fewer nested parentheses")
    return node


def _check_characters(query: str) -> None:
    """Refuse control characters other than whitespace, and unpaired surrogates.

    A NUL ends a string inside FTS5 ("unterminated string"), a surrogate cannot be encoded for
    SQLite at all, and neither is anything a person means to search for.
    """
    for position, char in enumerate(query):
        category = unicodedata.category(char)
        if category == "Cc" and not char.isspace():
            raise _fail(f"character {position + 1} is the control character U+{ord(char):04X}, "
                        "which no text holds; remove it")
        if category == "Cs":
            raise _fail(f"character {position + 1} is U+{ord(char):04X}, half of a surrogate pair "
                        "and not text on its own; remove it")


def _operands(node: Binary) -> list[Node]:
    """Return the operands of the run of ``node.op`` that ``node`` heads, in order.

    A run of one operator is written as one flat group, "(a AND b AND c)": nested pairs would
    nest as deep as the run is long, and FTS5's parser stack overflows on a few hundred words.
    """
    if node.op == "NOT":
        # NOT is left-associative in FTS5 as in the parser: only the left-leaning run flattens,
        # "(a NOT b NOT c)" is ((a NOT b) NOT c); a NOT on the right keeps its parentheses.
        rights: list[Node] = []
        item: Node = node
        while isinstance(item, Binary) and item.op == "NOT":
            rights.append(item.right)
            item = item.left
        return [item, *reversed(rights)]
    parts: list[Node] = []
    pending: list[Node] = [node]
    while pending:  # AND and OR are associative: the whole run flattens, in order
        item = pending.pop()
        if isinstance(item, Binary) and item.op == node.op:
            pending += [item.right, item.left]
        else:
            parts.append(item)
    return parts


def _group_depth(node: Node) -> int:
    """Return how deep the groups of ``render_fts(node)`` nest (0 for a word, phrase or NEAR)."""
    if not isinstance(node, Binary):
        return 0
    return 1 + max(_group_depth(part) for part in _operands(node))


def _render_term(term: Term) -> str:
    return '"' + term.text.replace('"', '""') + '"' + ("*" if term.prefix else "")


def render_fts(node: Node) -> str:
    """Return the FTS5 MATCH expression of a parsed query (every word quoted, groups explicit).

    Example:
        >>> render_fts(parse_query('trust* NOT "local authority"'))
        '("trust"* NOT "local authority")'
    """
    if isinstance(node, Term):
        return _render_term(node)
    if isinstance(node, Near):
        return "NEAR(" + " ".join(_render_term(t) for t in node.terms) + f", {node.distance})"
    operands = [render_fts(part) for part in _operands(node)]
    return "(" + f" {node.op} ".join(operands) + ")"


def translate_query(query: str) -> str:
    """Check a user's query and return the equivalent, safe FTS5 expression.

    Example:
        >>> translate_query('subject:tax OR NEAR(health care, 5)')
        '("subject:tax" OR NEAR("health" "care", 5))'
    """
    return render_fts(parse_query(query))


_OPERATOR_WORDS = {"or": "OR", "not": "NOT"}
"""Operators whose lower-case word changes what a query finds ("and" between words is read as AND anyway)."""
_MINUS_WORD = re.compile(r"-+(\w.*)")


def query_notes(query: str) -> list[str]:
    """Return what a user may not expect of how ``query`` is read, in syntax other search tools use.

    Operators are read in capitals only, so "taxes or spending" finds sentences with all three
    words ("or" too), where the user most likely meant either word. A minus before a word
    ("-trust", which leaves the word out in web search engines) is punctuation to the index, so
    the word is searched for, the opposite of what was meant; a NEAR without its brackets
    ("Ukraine NEAR Putin") is the word "near". Said, never guessed.

    Example:
        >>> query_notes("taxes or spending")
        ["'or' is searched as a word (all the words must match): write OR to find either word"]
        >>> query_notes('taxes OR spending "bread or butter"')
        []
        >>> query_notes("taxes -trust")
        ["'-trust' is searched as the word 'trust' (a minus leaves nothing out): write NOT trust after the words to keep, as in 'taxes NOT trust'"]
    """
    notes, seen = [], set()

    def say(key: str, note: str) -> None:
        if key not in seen:
            seen.add(key)
            notes.append(note)

    def walk(node: Node, alone: bool) -> None:
        if isinstance(node, Binary):
            walk(node.left, False)
            walk(node.right, False)
        elif isinstance(node, Term) and not node.phrase:
            word = node.text.lower()
            minus = _MINUS_WORD.fullmatch(node.text)
            if minus:
                kept = minus.group(1) + ("*" if node.prefix else "")
                # the user's own words as the example: "Ukraine -Putin war" -> "Ukraine war NOT Putin"
                others = [t for t in query.split() if not t.startswith("-")]
                example = f", as in '{' '.join(others)} NOT {kept}'" if others else ""
                say(node.text, f"{node.text + ('*' if node.prefix else '')!r} is searched as the word {kept!r} "
                               f"(a minus leaves nothing out): write NOT {kept} after the words to keep{example}")
            elif alone or node.prefix:  # "or" or "NEAR" alone is the word searched for
                return
            elif word in _OPERATOR_WORDS and node.text != _OPERATOR_WORDS[word]:
                say(word, f"{node.text!r} is searched as a word (all the words must match): write "
                          + ("OR to find either word" if word == "or" else "NOT to leave out the word after it"))
            elif node.text == "NEAR":
                say("NEAR", "'NEAR' without brackets is searched as the word 'near': write NEAR(first second, 10) "
                            "to find two words at most 10 words apart")

    walk(parse_query(query), True)
    return notes
