"""What counts as a heading (policytext.headings): by its look, and by standing on a line of its own."""
from __future__ import annotations

import pytest

from policytext.headings import is_heading, stands_alone


@pytest.mark.parametrize(("text", "alone", "heading"), [
    ("TAXES", False, True), ("Anti-trust Enforcement and Competition", False, True),
    ("--World Heritage Trust.", False, True), ("\u2022 Lower taxes.", False, True),
    ("We will cut taxes.", False, False), ('He said "trust me."', False, False), ("Is it fair?", False, False),
    ("Thank you.", True, True), ("Thank you.", False, False), ("", True, False),
    ("We will cut taxes for every family in the country, and we will do it before the end of the year.", True,
     False),  # a line of its own, but long
    ("x" * 101, False, False),
])
def test_what_counts_as_a_heading(text, alone, heading) -> None:
    assert is_heading(text, alone=alone) is heading


@pytest.mark.parametrize(("start", "end", "alone"), [(0, 7, True), (7, 20, False), (20, 31, False), (31, 41, True)])
def test_a_sentence_stands_alone_when_line_breaks_or_the_edges_surround_it(start, end, alone) -> None:
    assert stands_alone("TAXES\n\nWe cut them. Thank you.\nGoodnight.", start, end) is alone
