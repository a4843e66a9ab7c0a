"""The tasks side by side: every number of Tables 8 and 9 against a hand computation with scikit-learn and SciPy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from bsgan.metrics.classification import metric_names
from bsgan.metrics.task_table import compare_tasks, dvc_metrics, to_markdown

CLASSES = ["intact", "pitting", "rust"]
LABELS = np.array([0] * 6 + [1] * 3 + [2] * 3)


def scored(predictions: np.ndarray) -> dict[str, float]:
    """Every metric of one seed, computed by scikit-learn."""
    row = {"accuracy": accuracy_score(LABELS, predictions),
           "macro_precision": precision_score(LABELS, predictions, average="macro", zero_division=0),
           "macro_recall": recall_score(LABELS, predictions, average="macro", zero_division=0),
           "macro_f1": f1_score(LABELS, predictions, average="macro", zero_division=0)}
    for name, score in (("precision", precision_score), ("recall", recall_score), ("f1", f1_score)):
        for index, label in enumerate(CLASSES):
            row[f"{name}_{label}"] = score(LABELS, predictions, labels=[index], average=None, zero_division=0)[0]
    return row


def task(seeds: list[np.ndarray]) -> dict:
    repeats = [{"seed": seed, "scores": scored(p), "predictions": p.tolist()} for seed, p in enumerate(seeds)]
    summary = {}
    for metric in metric_names(CLASSES):
        values = np.array([r["scores"][metric] for r in repeats])
        with np.errstate(invalid="ignore"):  # a metric equal over the seeds has no spread: a nan interval
            low, high = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
        summary[metric] = {"mean": values.mean(), "std": values.std(ddof=1), "ci_low": low, "ci_high": high,
                           "n": len(values)}
    return {"classes": CLASSES, "test_labels": LABELS.tolist(), "repeats": repeats, "summary": summary}


def mistakes(*wrong: int) -> np.ndarray:
    """The true labels with the images at ``wrong`` called intact (or pitting, if intact)."""
    predictions = LABELS.copy()
    for i in wrong:
        predictions[i] = 1 if LABELS[i] == 0 else 0
    return predictions


RESULTS = {"t1": task([mistakes(6, 9, 10), mistakes(7, 9), mistakes(6, 8, 11)]),
           "t2": task([mistakes(9), mistakes(0), mistakes(10, 11)])}


def test_the_change_against_the_baseline_is_the_paired_t_test_over_seeds() -> None:
    comparison = compare_tasks(RESULTS, "t1", resamples=200, seed=0)
    t1 = [r["scores"]["macro_f1"] for r in RESULTS["t1"]["repeats"]]
    t2 = [r["scores"]["macro_f1"] for r in RESULTS["t2"]["repeats"]]
    row = comparison["t2"]["macro_f1"]
    assert row["mean"] == pytest.approx(np.mean(t2))
    assert row["difference"] == pytest.approx(np.mean(np.subtract(t2, t1)))
    assert row["change"] == pytest.approx(np.mean(t2) / np.mean(t1) - 1)
    assert row["p_value"] == pytest.approx(stats.ttest_rel(t2, t1).pvalue)
    low, high = stats.t.interval(0.95, 2, loc=np.mean(np.subtract(t2, t1)), scale=stats.sem(np.subtract(t2, t1)))
    assert (row["difference_low"], row["difference_high"]) == pytest.approx((low, high))
    assert comparison["t1"]["macro_f1"]["p_value"] is None  # the baseline has no change


def test_the_verdict_takes_the_wider_interval_and_the_larger_p() -> None:
    row = compare_tasks(RESULTS, "t1", resamples=200, seed=0)["t2"]["macro_f1"]
    seed_width = row["difference_high"] - row["difference_low"]
    test_width = row["bootstrap_difference_high"] - row["bootstrap_difference_low"]
    wider = (row["difference_low"], row["difference_high"]) if seed_width >= test_width else \
        (row["bootstrap_difference_low"], row["bootstrap_difference_high"])
    assert (row["verdict_low"], row["verdict_high"]) == pytest.approx(wider)
    assert row["verdict_p"] == pytest.approx(max(row["p_value"], row["bootstrap_p"]))


def test_the_markdown_shows_mean_plus_half_width_and_the_change_in_points() -> None:
    comparison = compare_tasks(RESULTS, "t1", resamples=200, seed=0)
    table = to_markdown(comparison, {"t1": "1 original", "t2": "2 more"}, CLASSES, 0.95)
    t2 = RESULTS["t2"]["summary"]["macro_f1"]
    half = (t2["ci_high"] - t2["ci_low"]) / 2
    assert f"{t2['mean']:.3f} ± {half:.3f}" in table
    points = 100 * (t2["mean"] - RESULTS["t1"]["summary"]["macro_f1"]["mean"])
    assert f"{points:+.1f} points (p={comparison['t2']['macro_f1']['p_value']:.3f})" in table
    assert "| 1 original |" in table and "baseline" in table


def test_dvc_metrics_round_to_four_places() -> None:
    metrics = dvc_metrics(compare_tasks(RESULTS, "t1", resamples=200, seed=0), CLASSES)
    assert metrics["t2"]["macro_f1"] == round(RESULTS["t2"]["summary"]["macro_f1"]["mean"], 4)
    assert metrics["t1"]["macro_f1_p"] is None
