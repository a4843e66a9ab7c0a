"""Verdicts say what the paired statistics show, and no more."""

from __future__ import annotations

import math

from bsgan.metrics.statistics import compare_paired, interval
from bsgan.report.verdict import caveat, verdicts

CLASSES = ["intact", "rust"]
BASELINE = {"macro_f1": [0.80, 0.78, 0.83, 0.81, 0.79, 0.82], "f1_intact": [0.95] * 6,
            "f1_rust": [0.60, 0.58, 0.66, 0.62, 0.59, 0.64]}


def row(values: list[float], baseline: list[float] | None) -> dict:
    summary = interval(values)
    result = {"mean": summary.mean, "std": summary.std, "ci_low": summary.low, "ci_high": summary.high, "n": summary.n}
    if baseline is None:
        return result | {"difference": 0.0, "difference_low": 0.0, "difference_high": 0.0, "change": 0.0,
                         "p_value": None, "wilcoxon_p": None, "bootstrap_p": None, "verdict_p": None}
    paired = compare_paired(values, baseline)
    # a test-set bootstrap narrower than the seed noise: the verdict follows the seeds
    return result | {"difference": paired.difference, "difference_low": paired.difference_low,
                     "difference_high": paired.difference_high, "change": paired.relative_change,
                     "p_value": paired.p_value, "wilcoxon_p": paired.wilcoxon_p, "bootstrap_p": paired.p_value / 2,
                     "verdict_low": paired.difference_low, "verdict_high": paired.difference_high,
                     "verdict_p": paired.p_value}


def comparison(task: dict[str, list[float]]) -> dict:
    return {"t1": {m: row(v, None) for m, v in BASELINE.items()},
            "t2": {m: row(task[m], BASELINE[m]) for m in BASELINE}}


TITLES = {"t1": "1 original", "t2": "2 original + GAN"}


def test_a_consistent_gain_is_called_a_gain_with_its_numbers() -> None:
    gain = {"macro_f1": [0.84, 0.80, 0.86, 0.85, 0.80, 0.85], "f1_intact": [0.95] * 6,
            "f1_rust": [0.70, 0.66, 0.75, 0.71, 0.68, 0.73]}
    sentence = verdicts(comparison(gain), TITLES, CLASSES, "t1", 0.95)["t2"]
    assert sentence.startswith("**2 original + GAN**: macro F1 0.805 → 0.833 (+2.8 points; 95% CI of the difference +")
    assert "(the wider of seed and test-set noise)" in sentence and "bootstrap over test images p<0.001" in sentence
    assert "a gain larger than seed and test-set noise" in sentence
    assert ("Beyond seed and test-set noise: rust F1 +9.0 points (p<0.001)" in sentence
            and "intact" not in sentence.split("Beyond")[1])


def test_noise_is_never_called_a_gain() -> None:
    noise = {"macro_f1": [0.82, 0.76, 0.84, 0.79, 0.80, 0.81], "f1_intact": [0.95] * 6,
             "f1_rust": [0.62, 0.55, 0.67, 0.60, 0.61, 0.63]}
    sentence = verdicts(comparison(noise), TITLES, CLASSES, "t1", 0.95)["t2"]
    assert "not distinguishable from seed and test-set noise" in sentence and "gain" not in sentence
    assert "No class's F1 changed beyond seed and test-set noise." in sentence


def test_a_seed_gain_inside_test_set_noise_is_not_called_a_gain() -> None:
    gain = {"macro_f1": [0.84, 0.80, 0.86, 0.85, 0.80, 0.85], "f1_intact": [0.95] * 6,
            "f1_rust": [0.70, 0.66, 0.75, 0.71, 0.68, 0.73]}
    rows = comparison(gain)
    for row in rows["t2"].values():
        if row["p_value"] is not None:  # a test-set bootstrap wider than the seed noise decides
            row |= {"bootstrap_p": 0.3, "verdict_p": 0.3, "verdict_low": -0.02, "verdict_high": 0.07}
    sentence = verdicts(rows, TITLES, CLASSES, "t1", 0.95)["t2"]
    assert "not distinguishable from seed and test-set noise" in sentence and "-2.0 points to +7.0 points" in sentence
    assert "No class's F1 changed" in sentence


def test_a_single_seed_claims_nothing() -> None:
    one = {"t1": {m: row(v[:1], None) for m, v in BASELINE.items()},
           "t2": {m: row([x + 0.1 for x in v[:1]], v[:1]) for m, v in BASELINE.items()}}
    assert math.isnan(one["t2"]["macro_f1"]["p_value"])
    sentence = verdicts(one, TITLES, CLASSES, "t1", 0.95)["t2"]
    assert "1 paired seed(s) cannot tell a change from seed noise" in sentence and "larger than" not in sentence


def test_the_caveat_counts_the_tests() -> None:
    three_tasks = {"t1": {}, "t2": {}, "t3": {}}
    assert caveat(three_tasks, CLASSES).startswith("These verdicts rest on 6 paired comparisons")
