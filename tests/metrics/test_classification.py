"""Our per-class scores against scikit-learn's classification_report on fixed predictions."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.metrics import classification_report, confusion_matrix

from bsgan.metrics.classification import metric_names, score_predictions

CLASSES = ["intact", "pitting", "rust"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_scores_equal_scikit_learn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    target = rng.integers(0, 3, 200)
    predicted = np.where(rng.random(200) < 0.7, target, rng.integers(0, 3, 200))
    ours = score_predictions(torch.from_numpy(predicted), torch.from_numpy(target), CLASSES)
    report = classification_report(target, predicted, target_names=CLASSES, output_dict=True, zero_division=0)

    for label in CLASSES:
        for metric, key in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")):
            assert ours[f"{metric}_{label}"] == pytest.approx(report[label][key], abs=1e-6)
    assert ours["macro_f1"] == pytest.approx(report["macro avg"]["f1-score"], abs=1e-6)
    assert ours["macro_precision"] == pytest.approx(report["macro avg"]["precision"], abs=1e-6)
    assert ours["accuracy"] == pytest.approx(report["accuracy"], abs=1e-6)
    assert ours["confusion"] == confusion_matrix(target, predicted).tolist()


def test_a_class_never_predicted_scores_zero_like_scikit_learn() -> None:
    target = torch.tensor([0, 0, 1, 1, 2, 2])
    predicted = torch.tensor([0, 0, 1, 1, 1, 1])
    ours = score_predictions(predicted, target, CLASSES)
    report = classification_report(target, predicted, output_dict=True, zero_division=0)
    assert ours["precision_rust"] == 0.0 and ours["f1_rust"] == 0.0
    assert ours["macro_f1"] == pytest.approx(report["macro avg"]["f1-score"])


def test_metric_names_are_shared_keys() -> None:
    names = metric_names(["pitting", "rust"])
    assert names[:4] == ["macro_precision", "macro_recall", "macro_f1", "accuracy"]
    assert "f1_rust" in names and "recall_pitting" in names and len(names) == 4 + 3 * 2
