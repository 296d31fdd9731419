"""The statistics of themes, trends and keyness, checked against scipy's own implementations."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binomtest, chi2, false_discovery_control, poisson, power_divergence

from policytext.analyse.stats import (adjust_p_values, format_p_value, g2_and_log_ratio, g2_p_values,
                                      poisson_upper_bound, wilson_interval)
from policytext.errors import BadQuery


@pytest.mark.parametrize(("a", "b", "c", "d"), [(30, 10, 1000, 1000), (1, 200, 5000, 90000), (0, 12, 800, 1200),
                                                 (7, 0, 100, 100)])
def test_g2_is_the_log_likelihood_of_scipy(a, b, c, d) -> None:
    expected = np.array([c, d]) * (a + b) / (c + d)
    g2, _ = power_divergence([a, b], f_exp=expected, lambda_="log-likelihood")
    ours, ratio = g2_and_log_ratio(a, b, c, d)
    assert ours == pytest.approx(g2, rel=1e-9, abs=1e-12)
    assert ratio == pytest.approx(math.log2(((a or 0.5) / c) / ((b or 0.5) / d)))
    vector, _ = g2_and_log_ratio(np.array([a, a]), np.array([b, b]), c, d)
    assert vector.tolist() == pytest.approx([g2, g2])  # one implementation for numbers and arrays
    assert float(g2_p_values(ours)) == pytest.approx(chi2.sf(g2, 1))


def test_g2_without_tokens_on_one_side_is_zero() -> None:
    assert g2_and_log_ratio(3, 0, 100, 0) == (0.0, 0.0)
    assert g2_and_log_ratio(0, 0, 100, 100) == (0.0, 0.0)  # no match anywhere: no difference


def test_holm_and_bh_against_definitions() -> None:
    p = np.array([0.001, 0.2, 0.012, 0.04, float("nan"), 0.03])
    bh = adjust_p_values(p, "bh")
    present = ~np.isnan(p)
    assert bh[present] == pytest.approx(false_discovery_control(p[present], method="bh"))
    assert math.isnan(bh[4])
    holm = adjust_p_values(p, "holm")
    # Holm by its definition: the k-th smallest times (m - k + 1), made monotone, capped at 1.
    ranked = sorted(p[present])
    steps = np.maximum.accumulate([(5 - k) * x for k, x in enumerate(ranked)])
    assert sorted(holm[present]) == pytest.approx(np.minimum(steps, 1))
    assert (holm[present] >= p[present]).all() and (bh[present] <= holm[present] + 1e-12).all()
    with pytest.raises(BadQuery, match="cannot adjust p-values by 'bonferoni': use one of holm, bh"):
        adjust_p_values(p, "bonferoni")


def test_wilson_interval_matches_scipy() -> None:
    for k, n in [(8, 10), (0, 12), (25, 25), (31, 40)]:
        expected = binomtest(k, n).proportion_ci(method="wilson")
        low, high = wilson_interval(k, n)
        assert (low, high) == pytest.approx((expected.low, expected.high), abs=1e-9)
        assert high > low  # never of zero width, even at 0 or n correct


def test_poisson_upper_bound_is_exact() -> None:
    for k in (0, 1, 4):
        upper = poisson_upper_bound(k)
        assert poisson.cdf(k, upper) == pytest.approx(0.05)  # the mean at which k or fewer has 5% chance
    assert poisson_upper_bound(0) == pytest.approx(-math.log(0.05))  # about 3: the rule of three


def test_p_values_print_in_scientific_notation() -> None:
    assert [format_p_value(p) for p in (0.0312, 1e-45, 0.0)] == ["3.1e-02", "1.0e-45", "<1e-300"]
