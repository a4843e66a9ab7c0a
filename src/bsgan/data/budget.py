"""``data.train_limit``: a seeded, nested subset of each failure class's real train images.

A budget sweep (10, 25, 50 real images per class) must differ by the number of images only, not by
which ones were drawn: otherwise a curve mixes the budget with the luck of the draw. So each failure
class's train images are put in one seeded order (a permutation drawn once per class) and a budget
keeps a prefix of it: the 25 images of budget 25 are the first 25 of budget 50. The order of one
class does not depend on the other classes' caps, and the test split is never touched.

Example::

    kept = apply_train_limit(samples, {"pitting": 25}, intact_class="intact", seed=0)
    # every pitting train sample of rank < 25, in rank order; everything else as it was
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass

import numpy as np

from bsgan.data.sample import Sample
from bsgan.errors import InputDataError

log = logging.getLogger(__name__)

TrainLimit = int | dict[str, int | None] | None
"""``data.train_limit``: null (all), one cap for every failure class, or a cap per class."""


@dataclass(frozen=True)
class Ranked:
    """A sample and its position in its class's draw order (``None``: not subject to a budget)."""

    sample: Sample
    rank: int | None = None


def caps_per_class(limit: TrainLimit, failure_classes: list[str]) -> dict[str, int]:
    """The cap of each capped failure class; a cap on a class absent from the data is an error (a null one is not)."""
    if limit is None:
        return {}
    if isinstance(limit, int):
        return {label: limit for label in failure_classes}
    unknown = sorted(label for label, cap in limit.items() if cap is not None and label not in failure_classes)
    if unknown:
        raise InputDataError(f"data.train_limit.{unknown[0]}: no failure class {unknown[0]!r} in the data "
                             f"(failure classes: {', '.join(failure_classes)})")
    return {label: cap for label, cap in limit.items() if cap is not None}


def draw_order(count: int, label: str, seed: int) -> np.ndarray:
    """A permutation of ``range(count)``, fixed by ``seed`` and the class name (not by other classes)."""
    rng = np.random.default_rng([seed, zlib.crc32(label.encode("utf-8"))])
    return rng.permutation(count)


def apply_train_limit(samples: list[Sample], limit: TrainLimit, intact_class: str, seed: int) -> list[Ranked]:
    """Keep at most the cap of each failure class's train samples: a prefix of the class's draw order.

    Without a limit every sample comes back unranked and in its order, so the prepared files stay as
    they were. A capped class's kept train samples come in rank order (so file ``<class>_0000`` is the
    same image under every budget); a cap above the class's count keeps all of it, with a note.
    """
    failure_classes = sorted({sample.label for sample in samples} - {intact_class})
    caps = caps_per_class(limit, failure_classes)
    if not caps:
        return [Ranked(sample) for sample in samples]
    ranked = [Ranked(sample) for sample in samples if not (sample.split == "train" and sample.label in caps)]
    for label, cap in caps.items():
        pool = [sample for sample in samples if sample.split == "train" and sample.label == label]
        if cap > len(pool):
            log.warning("data.train_limit: %s has %d train images, fewer than the cap of %d: keeping all",
                        label, len(pool), cap)
        order = draw_order(len(pool), label, seed)
        ranked += [Ranked(pool[index], rank) for rank, index in enumerate(order[:cap])]
        log.info("data.train_limit: %s: kept %d of %d train images", label, min(cap, len(pool)), len(pool))
    return ranked
