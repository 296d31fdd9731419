"""Quality gate: main-text extraction on saved news and blog pages with gold text (zyte-dev)."""
from __future__ import annotations

import pytest

from helpers import shared_data
from policytext.evaluation.extraction import evaluate_extraction, score_tokens, summarise, score_pages

# Pinned floors. Measured 2026-11-28: median F1 0.995, mean F1 0.970 (see docs/evaluation.md).
MEDIAN_F1_FLOOR = 0.95
MEAN_F1_FLOOR = 0.93
MEDIAN_PRECISION_FLOOR = 0.95


@pytest.mark.parametrize(("extracted", "gold", "expected"), [
    ("a b c", "a b c", (1.0, 1.0, 1.0)),
    ("", "a b", (0.0, 0.0, 0.0)),
    ("a a b", "a b", (2 / 3, 1.0, 0.8)),
    ("Menu a b", "A, B!", (2 / 3, 1.0, 0.8)),
])
def test_score_tokens(extracted, gold, expected):
    assert score_tokens(extracted, gold) == pytest.approx(expected)


@pytest.fixture(scope="module")
def zyte():
    return shared_data("extraction", "zyte-dev")


@pytest.mark.slow
def test_extraction_quality_floor(zyte):
    figures = evaluate_extraction(zyte)
    assert figures.pages == 60
    assert figures.median_f1 >= MEDIAN_F1_FLOOR, figures
    assert figures.mean_f1 >= MEAN_F1_FLOOR, figures
    assert figures.median_precision >= MEDIAN_PRECISION_FLOOR, figures


@pytest.mark.slow
def test_the_gate_fails_a_poor_extractor(zyte):
    """Keeping every word of the page (menus, footers, scripts) must fall below the floor."""
    import lxml.html

    def whole_page(html, url):
        return lxml.html.document_fromstring(html).text_content()

    figures = summarise(score_pages(zyte, extractor=whole_page))
    assert figures.median_f1 < MEDIAN_F1_FLOOR
