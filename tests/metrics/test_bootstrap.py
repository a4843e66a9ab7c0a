"""The paired bootstrap over test images against a plain NumPy / scikit-learn loop over the same resamples."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from bsgan.metrics.bootstrap import confusion_scores, paired_bootstrap, resample_indices, tail_p

CLASSES = ["intact", "pitting", "rust"]


def known_predictions() -> tuple[np.ndarray, dict[str, dict[int, np.ndarray]]]:
    """60 test images; the baseline is right 70% of the time, the other task 85%, three seeds each."""
    rng = np.random.default_rng(7)
    labels = np.repeat([0, 1, 2], [30, 18, 12])

    def guesses(right: float) -> np.ndarray:
        wrong = (labels + rng.integers(1, 3, len(labels))) % 3
        return np.where(rng.random(len(labels)) < right, labels, wrong)

    return labels, {"base": {s: guesses(0.7) for s in range(3)}, "better": {s: guesses(0.85) for s in range(3)}}


def test_resamples_keep_each_class_size() -> None:
    labels, _ = known_predictions()
    indices = resample_indices(labels, 50, seed=1)
    assert indices.shape == (50, 60)
    assert all((np.bincount(labels[row], minlength=3) == [30, 18, 12]).all() for row in indices)


def test_interval_difference_and_p_match_an_independent_loop() -> None:
    labels, predictions = known_predictions()
    rows = paired_bootstrap(predictions, labels, CLASSES, "base", resamples=400, seed=3, confidence=0.9)

    indices = resample_indices(labels, 400, seed=3)  # the same resamples, scored one by one with scikit-learn

    def seed_mean(task: str, score: Callable[[np.ndarray, np.ndarray], float]) -> np.ndarray:
        return np.array([np.mean([score(labels[i], predictions[task][s][i]) for s in range(3)]) for i in indices])

    def macro(truth: np.ndarray, guess: np.ndarray) -> float:
        return f1_score(truth, guess, average="macro", labels=[0, 1, 2], zero_division=0)

    base, better = seed_mean("base", macro), seed_mean("better", macro)
    row = rows["better"]["macro_f1"]
    assert np.allclose([row.low, row.high], np.percentile(better, [5, 95]))
    assert np.allclose([rows["base"]["macro_f1"].low, rows["base"]["macro_f1"].high], np.percentile(base, [5, 95]))
    assert np.allclose([row.difference_low, row.difference_high], np.percentile(better - base, [5, 95]))
    share_below = ((better - base) <= 0).sum()
    assert row.p_value == min(1.0, 2 * (1 + min(share_below, ((better - base) >= 0).sum())) / 401)
    assert row.difference_low > 0 and row.p_value < 0.01, "15 points more right answers is more than test-set noise"

    accuracy = seed_mean("better", accuracy_score)
    assert np.allclose([rows["better"]["accuracy"].low, rows["better"]["accuracy"].high],
                       np.percentile(accuracy, [5, 95]))
    assert rows["base"]["macro_f1"].p_value is None


def test_confusion_scores_agree_with_scikit_learn() -> None:
    labels, predictions = known_predictions()
    guess = predictions["base"][0]
    confusion = np.zeros((3, 3), dtype=int)
    np.add.at(confusion, (labels, guess), 1)
    scores = confusion_scores(confusion, CLASSES)
    assert np.isclose(scores["macro_f1"], f1_score(labels, guess, average="macro"))
    assert np.isclose(scores["recall_rust"], (guess[labels == 2] == 2).mean())
    assert np.isclose(scores["accuracy"], accuracy_score(labels, guess))


def test_a_difference_of_zero_everywhere_has_p_one() -> None:
    assert tail_p(np.zeros(99)) == 1.0
    assert tail_p(np.ones(99)) == 2 / 100
