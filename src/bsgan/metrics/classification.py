"""Per-class precision, recall and F1, their macro averages, accuracy and the confusion matrix.

The names built here are the keys of the DVC metrics, the MLflow metrics and the tables alike, so
the three never disagree: ``accuracy``, ``macro_f1``, ``f1_rust``, ...
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torchmetrics import MetricCollection
from torchmetrics.classification import (
    MulticlassAccuracy,
    MulticlassConfusionMatrix,
    MulticlassF1Score,
    MulticlassPrecision,
    MulticlassRecall,
)

PER_CLASS = ("precision", "recall", "f1")
OVERALL = ("macro_precision", "macro_recall", "macro_f1", "accuracy")


def score_collection(n_classes: int) -> MetricCollection:
    """torchmetrics objects that :func:`scores` turns into named numbers (update with class indices)."""
    return MetricCollection({
        "precision": MulticlassPrecision(n_classes, average=None, zero_division=0),
        "recall": MulticlassRecall(n_classes, average=None, zero_division=0),
        "f1": MulticlassF1Score(n_classes, average=None, zero_division=0),
        "accuracy": MulticlassAccuracy(n_classes, average="micro"),
        "confusion": MulticlassConfusionMatrix(n_classes),
    })


def metric_names(classes: Sequence[str]) -> list[str]:
    """Every scalar :func:`scores` returns, overall first."""
    return [*OVERALL, *(f"{metric}_{label}" for metric in PER_CLASS for label in classes)]


def scores(computed: dict[str, torch.Tensor], classes: Sequence[str]) -> dict[str, Any]:
    """Named scalars from a computed :func:`score_collection`; macro = unweighted mean over classes."""
    result: dict[str, Any] = {"accuracy": float(computed["accuracy"])}
    for metric in PER_CLASS:
        per_class = computed[metric].double()
        result[f"macro_{metric}"] = float(per_class.mean())
        result |= {f"{metric}_{label}": float(value) for label, value in zip(classes, per_class, strict=True)}
    result["confusion"] = computed["confusion"].long().tolist()  # rows: true class, columns: predicted
    return result


def score_predictions(predicted: torch.Tensor, target: torch.Tensor, classes: Sequence[str]) -> dict[str, Any]:
    """:func:`scores` of class-index predictions against targets."""
    collection = score_collection(len(classes))
    collection.update(predicted, target)
    return scores(collection.compute(), classes)
