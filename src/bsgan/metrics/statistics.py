"""What repeated trainings say: a mean with its confidence interval, and a paired test against a baseline.

Repeats of two tasks with the same seed share their initialisation and batch order, so the pairs
differ by the data alone. The p-value is a paired t-test on those per-seed differences: with the few
repeats a CPU affords (5 by default), Wilcoxon's signed-rank test cannot reach p < 0.05 at all (its
smallest two-sided p for 5 pairs is 2/32 = 0.0625), while the t-test uses the size of the
differences, not only their signs. Wilcoxon's p is reported beside it as the assumption-free check
once repeats allow (10 in the paper's profile).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Interval:
    """Mean of ``n`` repeats with the Student-t confidence interval (``nan`` bounds for one repeat)."""

    mean: float
    std: float
    low: float
    high: float
    n: int


def interval(values: Sequence[float], confidence: float = 0.95) -> Interval:
    """The mean of ``values`` with its ``confidence`` t-interval; std with ddof=1."""
    data = np.asarray(values, dtype=float)
    mean = float(data.mean())
    if len(data) < 2:
        return Interval(mean, math.nan, math.nan, math.nan, len(data))
    std = float(data.std(ddof=1))
    half = float(stats.t.ppf((1 + confidence) / 2, len(data) - 1)) * std / math.sqrt(len(data))
    return Interval(mean, std, mean - half, mean + half, len(data))


@dataclass(frozen=True)
class PairedComparison:
    """A task against the baseline over the seeds both ran."""

    difference: float
    """Mean of task minus baseline, per seed."""
    difference_low: float
    difference_high: float
    """Confidence interval of ``difference`` (t-interval of the per-seed differences; excludes 0 exactly
    when the t-test's p is below 1 - confidence)."""
    relative_change: float
    """The paper's Table 9: (task mean / baseline mean) - 1."""
    p_value: float
    """Two-sided paired t-test; 1.0 when every difference is zero, ``nan`` below two pairs."""
    wilcoxon_p: float
    """Two-sided Wilcoxon signed-rank test (exact for few pairs); same conventions."""
    n: int


def compare_paired(task: Sequence[float], baseline: Sequence[float], confidence: float = 0.95) -> PairedComparison:
    """Compare per-seed values of a task with the baseline's values of the same seeds (same order)."""
    a, b = np.asarray(task, dtype=float), np.asarray(baseline, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired values need the same seeds: {len(a)} vs {len(b)}")
    difference = a - b
    spread = interval(difference, confidence)
    base = float(b.mean())
    relative = float(a.mean()) / base - 1 if base else math.nan
    if len(a) < 2:
        return PairedComparison(spread.mean, spread.low, spread.high, relative, math.nan, math.nan, len(a))
    if not difference.any():
        return PairedComparison(0.0, 0.0, 0.0, relative, 1.0, 1.0, len(a))
    t_p = float(stats.ttest_rel(a, b).pvalue)
    if not np.isfinite(t_p):  # identical non-zero differences: no spread, the t statistic is infinite
        t_p = 0.0
    wilcoxon_p = float(stats.wilcoxon(a, b, zero_method="zsplit").pvalue)
    return PairedComparison(spread.mean, spread.low, spread.high, relative, t_p, wilcoxon_p, len(a))
