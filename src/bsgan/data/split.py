"""Train/test split by source photograph, so crops of one photo never land in both splits."""

from __future__ import annotations

import dataclasses
import warnings
from collections import Counter

from sklearn.model_selection import StratifiedGroupKFold

from bsgan.data.sample import Sample, Split
from bsgan.errors import InputDataError


def assign_splits(samples: list[Sample], test_fraction: float, seed: int) -> list[Sample]:
    """Give every sample without a split one, grouping by ``Sample.source``.

    Uses scikit-learn's ``StratifiedGroupKFold`` with ``k = round(1 / test_fraction)`` folds and
    takes one fold as the test split: groups (photos) stay whole and each class's share of the
    test split stays close to ``1 / k``. Samples that already carry a split keep it.

    Args:
        samples: Samples in a deterministic order.
        test_fraction: Wanted share of the test split; the achieved share is ``1 / k``.
        seed: Seeds the fold shuffle.
    """
    open_indices = [i for i, sample in enumerate(samples) if sample.split is None]
    if not open_indices:
        return list(samples)
    n_splits = max(2, round(1.0 / test_fraction))
    labels = [samples[i].label for i in open_indices]
    groups = [samples[i].source for i in open_indices]
    if len(set(groups)) < n_splits:
        raise InputDataError(
            f"data.test_fraction: {len(set(groups))} source photos cannot be split into {n_splits} folds; "
            "add photos or raise data.test_fraction"
        )
    photos_of_class: dict[str, set[str]] = {}
    for label, group in zip(labels, groups, strict=True):
        photos_of_class.setdefault(label, set()).add(group)
    for label, photos in sorted(photos_of_class.items()):
        if len(photos) < 2:
            raise InputDataError(f"class {label!r}: {len(photos)} source photo/image cannot give both a train and a test "
                                 "split; add images of it, or leave it out with data.classes")
    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        # "The least populated class in y has only N members": a class with fewer photos than folds is
        # still split (at least one photo each way is checked above and by check_splits).
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        _, test_positions = next(folds.split(open_indices, labels, groups))
    test = {open_indices[p] for p in test_positions}

    result = list(samples)
    for i in open_indices:
        split: Split = "test" if i in test else "train"
        result[i] = dataclasses.replace(samples[i], split=split)
    return result


def check_splits(samples: list[Sample], origin: str) -> None:
    """Fail if a class has no image in one of the splits (no model could be trained or judged)."""
    counts = Counter((sample.label, sample.split) for sample in samples)
    for label in sorted({sample.label for sample in samples}):
        for split in ("train", "test"):
            if counts[(label, split)] == 0:
                raise InputDataError(f"{origin}: class {label!r} has no {split} images")
