"""Test-set uncertainty: a paired bootstrap over the test images, shared by every task and seed.

The seed intervals (:mod:`bsgan.metrics.statistics`) say how much a score moves when the classifier is
trained again; they hold the test set fixed. With 32 pitting and 41 rust test images the draw of the
test set moves a score at least as much. Here the test images are resampled with replacement, within
each class (so every class keeps its size and its F1 stays defined), and each resample is applied
alike to every task and seed: a task's score on a resample is the mean over its seeds of the metric
computed from their predictions on those images. The ``confidence`` percentiles of that score over the
resamples are the task's test-set interval; the percentiles of task minus baseline on the same
resamples are the interval of the difference, and twice the smaller tail share at zero its p-value
(with the usual +1 so that p is never 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bsgan.metrics.classification import PER_CLASS, metric_names


def resample_indices(labels: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """``(resamples, n)`` test-image indices drawn with replacement within each class (class order kept)."""
    rng = np.random.default_rng(seed)
    columns = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        columns.append(members[rng.integers(0, len(members), (resamples, len(members)))])
    return np.concatenate(columns, axis=1)


def resampled_confusions(predictions: np.ndarray, labels: np.ndarray, indices: np.ndarray,
                         n_classes: int) -> np.ndarray:
    """``(resamples, seeds, k, k)`` confusion matrices (rows true) of ``(seeds, n)`` predictions on every resample."""
    resamples, seeds = len(indices), len(predictions)
    codes = labels[indices][:, None, :] * n_classes + predictions[:, indices].transpose(1, 0, 2)  # (B, S, n)
    cells = n_classes * n_classes
    flat = codes + (np.arange(resamples * seeds) * cells).reshape(resamples, seeds, 1)
    counts = np.bincount(flat.ravel(), minlength=resamples * seeds * cells)
    return counts.reshape(resamples, seeds, n_classes, n_classes)


def confusion_scores(confusion: np.ndarray, classes: Sequence[str]) -> dict[str, np.ndarray]:
    """Every metric of :func:`~bsgan.metrics.classification.metric_names` from ``(..., k, k)`` confusions.

    Same conventions as torchmetrics there: a score whose denominator is 0 is 0.
    """
    confusion = confusion.astype(float)
    hits = np.diagonal(confusion, axis1=-2, axis2=-1)
    true, predicted = confusion.sum(-1), confusion.sum(-2)

    def ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
        return np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0)

    per_class = {"precision": ratio(hits, predicted), "recall": ratio(hits, true),
                 "f1": ratio(2 * hits, true + predicted)}
    result = {"accuracy": hits.sum(-1) / confusion.sum((-2, -1))}
    for metric in PER_CLASS:
        result[f"macro_{metric}"] = per_class[metric].mean(-1)
        result |= {f"{metric}_{label}": per_class[metric][..., i] for i, label in enumerate(classes)}
    return result


@dataclass(frozen=True)
class BootstrapRow:
    """One task's metric over the resamples."""

    low: float
    high: float
    """Percentile interval of the task's seed-mean score."""
    difference_low: float | None
    difference_high: float | None
    """Percentile interval of task minus baseline (``None`` for the baseline)."""
    p_value: float | None
    resamples: int


def _percentiles(values: np.ndarray, confidence: float) -> tuple[float, float]:
    low, high = np.percentile(values, [50 * (1 - confidence), 50 * (1 + confidence)])
    return float(low), float(high)


def tail_p(differences: np.ndarray) -> float:
    """Two-sided bootstrap p-value of a zero difference: twice the smaller tail share, +1 corrected, at most 1."""
    count = len(differences)
    below, above = (differences <= 0).sum(), (differences >= 0).sum()
    return float(min(1.0, 2 * (1 + min(below, above)) / (count + 1)))


def paired_bootstrap(predictions: dict[str, dict[int, np.ndarray]], labels: np.ndarray, classes: Sequence[str],
                     baseline: str, resamples: int, seed: int, confidence: float) -> dict[str, dict[str, BootstrapRow]]:
    """``rows[task][metric]`` for every task and metric.

    Args:
        predictions: ``predictions[task][seed]``: predicted class index of every test image.
        labels: True class index of every test image (the same test set for every task).
        baseline: The task every other is compared with, over the seeds both ran.
    """
    indices = resample_indices(labels, resamples, seed)
    per_seed: dict[str, dict[str, dict[int, np.ndarray]]] = {}
    for task, by_seed in predictions.items():
        seeds = sorted(by_seed)
        confusions = resampled_confusions(np.stack([by_seed[s] for s in seeds]), labels, indices, len(classes))
        scores = confusion_scores(confusions, classes)  # metric -> (B, S)
        per_seed[task] = {metric: {s: values[:, i] for i, s in enumerate(seeds)} for metric, values in scores.items()}

    rows: dict[str, dict[str, BootstrapRow]] = {}
    for task, metrics in per_seed.items():
        rows[task] = {}
        for metric in metric_names(classes):
            ours, theirs = metrics[metric], per_seed[baseline][metric]
            low, high = _percentiles(np.mean(list(ours.values()), axis=0), confidence)
            if task == baseline:
                rows[task][metric] = BootstrapRow(low, high, None, None, None, resamples)
                continue
            common = sorted(set(ours) & set(theirs))
            difference = np.mean([ours[s] - theirs[s] for s in common], axis=0)
            difference_low, difference_high = _percentiles(difference, confidence)
            rows[task][metric] = BootstrapRow(low, high, difference_low, difference_high, tail_p(difference), resamples)
    return rows
