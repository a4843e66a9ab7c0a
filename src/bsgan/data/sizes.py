"""Sizes that follow from the data: how many images each generator must make for what reads them.

A user with a few hundred crops per class must not meet a failure after hours of training because a
fixed count did not fit the data. ``generate.count: auto`` asks for what the readers need: the
classification tasks (at most ``tasks.target_per_class`` per failure class) and ``evaluate_gan``
(``eval.fid_repeats`` disjoint sets the size of the class's real train set, and ``eval.turing_count``).
"""

from __future__ import annotations

from dataclasses import dataclass

from bsgan.config import Params


@dataclass(frozen=True)
class GeneratedCount:
    count: int
    reason: str
    """Which need set the count, for the log."""


def generated_count(params: Params, label: str, train_size: int) -> GeneratedCount:
    """Images one generator of ``label`` writes: ``generate.count``, or with ``auto`` the largest need."""
    if params.generate.count != "auto":
        return GeneratedCount(params.generate.count, "generate.count")
    needs = {
        f"tasks.target_per_class {params.tasks.target_per_class}": params.tasks.target_per_class,
        f"eval.fid_repeats {params.eval.fid_repeats} x {train_size} {label} train images":
            params.eval.fid_repeats * train_size,
        f"eval.turing_count {params.eval.turing_count}": params.eval.turing_count,
    }
    reason = max(needs, key=lambda key: needs[key])
    return GeneratedCount(needs[reason], f"generate.count auto: {reason}")
