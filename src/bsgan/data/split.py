"""Train/test split by group, so crops of one photo (or one physical spot) never land in both splits.

A group is by default the source photograph. Photos taken in series (BSData photographs the same
spindle positions again and again during a wear test) need a coarser unit: ``data.group_by`` is a
regular expression that names it from each source path.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections import Counter

from sklearn.model_selection import StratifiedGroupKFold

from bsgan.data.sample import Sample, Split
from bsgan.errors import InputDataError


def group_key(match: re.Match[str]) -> str:
    """The named group ``group``, else every named group ``group_*`` that took part (joined by ``-``), else the match.

    Python's ``re`` forbids one name twice, so a unit made of parts of a name, or named differently in two
    naming schemes, is spelt as several ``group_*`` groups.
    """
    named = match.groupdict()
    if named.get("group") is not None:
        return named["group"]
    parts = [value for name, value in named.items() if name.startswith("group_") and value is not None]
    return "-".join(parts) if parts else match.group(0)


def assign_groups(samples: list[Sample], pattern: str | None) -> list[Sample]:
    """Set every sample's group: ``pattern`` searched in its source path, or the source itself without one.

    Raises:
        InputDataError: ``pattern`` matches no source, or misses some (naming the first): an unmatched photo
            would be split on its own and could put a physical spot in both splits.
    """
    if pattern is None:
        return [dataclasses.replace(sample, group=sample.group or sample.source) for sample in samples]
    compiled = re.compile(pattern)
    sources = sorted({sample.source for sample in samples})
    groups = {source: compiled.search(source) for source in sources}
    missed = [source for source, match in groups.items() if match is None]
    if len(missed) == len(sources):
        raise InputDataError(f"data.group_by: '{pattern}' matches none of the {len(sources)} source files "
                             f"(e.g. {sources[0]!r})")
    if missed:
        raise InputDataError(f"data.group_by: '{pattern}' does not match {len(missed)} of {len(sources)} source files, "
                             f"e.g. {missed[0]!r} (extend the pattern so every file has a group)")
    return [dataclasses.replace(sample, group=group_key(groups[sample.source]))  # type: ignore[arg-type]
            for sample in samples]


def assign_splits(samples: list[Sample], test_fraction: float, seed: int) -> list[Sample]:
    """Give every sample without a split one, grouping by ``Sample.group`` (``Sample.source`` when unset).

    Uses scikit-learn's ``StratifiedGroupKFold`` with ``k = round(1 / test_fraction)`` folds and
    takes one fold as the test split: groups (photos, or ``data.group_by`` units) stay whole and each class's
    share of the test split stays close to ``1 / k``. Samples that already carry a split keep it.

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
    groups = [samples[i].group or samples[i].source for i in open_indices]
    if len(set(groups)) < n_splits:
        raise InputDataError(
            f"data.test_fraction: {len(set(groups))} groups (source photos or data.group_by units) cannot be split "
            f"into {n_splits} folds; add photos, raise data.test_fraction or use a finer data.group_by"
        )
    photos_of_class: dict[str, set[str]] = {}
    for label, group in zip(labels, groups, strict=True):
        photos_of_class.setdefault(label, set()).add(group)
    for label, photos in sorted(photos_of_class.items()):
        if len(photos) < 2:
            raise InputDataError(f"class {label!r}: {len(photos)} source photo/image cannot give both a train and a "
                                 "test split; add images of it, or leave it out with data.classes")
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


def check_splits(samples: list[Sample], origin: str, grouped: bool = False) -> None:
    """Fail if a class has no image in one of the splits (no model could be trained or judged).

    With ``grouped`` (``data.group_by`` set) the message names the groups, since too coarse a pattern
    (few groups per class) is the usual cause.
    """
    counts = Counter((sample.label, sample.split) for sample in samples)
    for label in sorted({sample.label for sample in samples}):
        for split in ("train", "test"):
            if counts[(label, split)] == 0:
                if grouped:
                    n = len({sample.group for sample in samples if sample.label == label})
                    raise InputDataError(f"data.group_by: class {label!r} has no {split} group ({n} group(s) hold it "
                                         f"in {origin}); use a finer pattern, more photos or another data.seed")
                raise InputDataError(f"{origin}: class {label!r} has no {split} images")
