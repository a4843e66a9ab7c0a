"""Confidence intervals and paired tests on inputs whose answers are known."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from bsgan.metrics.statistics import compare_paired, interval


def test_interval_is_the_student_t_interval() -> None:
    values = [0.80, 0.82, 0.85, 0.79, 0.84]
    result = interval(values, 0.95)
    # mean 0.82, std 0.025495..., t(0.975, 4) = 2.776445
    assert result.mean == pytest.approx(0.82)
    assert result.std == pytest.approx(0.0254951, rel=1e-5)
    half = 2.776445 * 0.0254951 / math.sqrt(5)
    assert (result.low, result.high) == pytest.approx((0.82 - half, 0.82 + half), rel=1e-5)
    assert result.n == 5


def test_a_wider_confidence_gives_a_wider_interval() -> None:
    values = [1.0, 2.0, 4.0]
    narrow, wide = interval(values, 0.8), interval(values, 0.99)
    assert wide.low < narrow.low < narrow.high < wide.high


def test_one_repeat_has_no_interval() -> None:
    result = interval([0.7])
    assert result.mean == 0.7 and math.isnan(result.low) and math.isnan(result.std)


def test_paired_comparison_matches_scipy() -> None:
    baseline = [0.80, 0.78, 0.83, 0.81, 0.79, 0.82]
    task = [0.84, 0.80, 0.86, 0.85, 0.80, 0.85]
    result = compare_paired(task, baseline)
    assert result.difference == pytest.approx(0.028333, rel=1e-4)
    assert result.relative_change == pytest.approx(sum(task) / sum(baseline) - 1)
    assert result.p_value == pytest.approx(stats.ttest_rel(task, baseline).pvalue)
    assert result.p_value < 0.01, "a consistent gain over six seeds is significant"
    assert result.wilcoxon_p == pytest.approx(0.03125)  # exact: all 6 differences positive, 2 / 2**6


def test_the_difference_interval_agrees_with_the_t_test() -> None:
    baseline = [0.80, 0.78, 0.83, 0.81, 0.79, 0.82]
    gain = compare_paired([0.84, 0.80, 0.86, 0.85, 0.80, 0.85], baseline)
    noise = compare_paired([0.82, 0.76, 0.84, 0.79, 0.80, 0.81], baseline)
    assert 0 < gain.difference_low < gain.difference < gain.difference_high, "p < 0.05: zero lies outside"
    assert noise.difference_low < 0 < noise.difference_high, "p > 0.05: zero lies inside"
    differences = [t - b for t, b in zip([0.84, 0.80, 0.86, 0.85, 0.80, 0.85], baseline, strict=True)]
    half = stats.t.ppf(0.975, 5) * stats.tstd(differences) / math.sqrt(6)
    assert (gain.difference_low, gain.difference_high) == pytest.approx((gain.difference - half,
                                                                          gain.difference + half))


def test_noise_is_not_significant() -> None:
    baseline = [0.80, 0.78, 0.83, 0.81, 0.79]
    task = [0.82, 0.76, 0.84, 0.79, 0.80]
    assert compare_paired(task, baseline).p_value > 0.5


def test_identical_results_and_unpaired_inputs() -> None:
    same = compare_paired([0.8, 0.9], [0.8, 0.9])
    assert same.p_value == 1.0 and same.difference == 0.0
    assert compare_paired([0.9, 0.8, 0.7], [0.8, 0.7, 0.6]).p_value < 1e-9, "the same gain on every seed"
    assert math.isnan(compare_paired([0.9], [0.8]).p_value)
    with pytest.raises(ValueError, match="same seeds"):
        compare_paired([0.9, 0.8], [0.8])
