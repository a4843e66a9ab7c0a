"""The verdict on a generator: ``usable``, ``weak`` or ``collapsed``, with the evidence, in one place.

A generator is judged against yardsticks measured the same way: the real test split against the real
train split (the floor every ratio is taken against) and an untrained generator. ``collapsed`` is any
collapse bound met (the images are the same few, miss the real set, or do not show the class); ``usable``
is every usable bound met; anything between is ``weak``. The thresholds are :class:`VerdictConfig`
(``eval.verdict``). Training's fidelity probe asks the same rules, with the numbers it has.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bsgan.config.verdict import VerdictConfig

VERDICTS = ("usable", "weak", "collapsed")
VerdictName = Literal["usable", "weak", "collapsed"]
RATIO_METRICS = ("diversity", "coverage", "gan_test", "precision")
"""Metrics judged as a multiple of the real test split's value (higher is better)."""
FID = "fid_original"


@dataclass(frozen=True)
class Verdict:
    name: VerdictName
    reasons: list[str] = field(default_factory=list)
    """The bounds that decided it, each with the value and its yardstick (empty for ``usable``)."""

    def line(self) -> str:
        return self.name if not self.reasons else f"{self.name}: {'; '.join(self.reasons)}"


def _ratio(row: Mapping[str, float], floor: Mapping[str, float], metric: str) -> float | None:
    if metric not in row or metric not in floor or floor[metric] <= 0:
        return None
    return row[metric] / floor[metric]


def collapse_reasons(row: Mapping[str, float], floor: Mapping[str, float], config: VerdictConfig,
                     untrained: Mapping[str, float] | None = None) -> list[str]:
    """Each collapse bound ``row`` meets; judged only where the row and its yardstick have the metric."""
    reasons = []
    for metric in ("diversity", "coverage", "gan_test"):
        ratio, bound = _ratio(row, floor, metric), getattr(config, f"collapsed_{metric}")
        if ratio is not None and ratio < bound:
            reasons.append(f"{metric} {row[metric]:.2f} is {ratio:.2f}x the real test split's {floor[metric]:.2f} "
                           f"(collapsed below {bound:g}x)")
    if untrained is not None and all(FID in d for d in (row, floor, untrained)) and untrained[FID] > floor[FID]:
        way = (row[FID] - floor[FID]) / (untrained[FID] - floor[FID])
        if way > config.collapsed_fid:
            reasons.append(f"FID {row[FID]:.1f} is {way:.2f} of the way from the floor {floor[FID]:.1f} to an "
                           f"untrained generator's {untrained[FID]:.1f} (collapsed above {config.collapsed_fid:g})")
    return reasons


def weak_reasons(row: Mapping[str, float], floor: Mapping[str, float], config: VerdictConfig) -> list[str]:
    """Each usable bound ``row`` misses."""
    reasons = []
    if FID in row and FID in floor and row[FID] > config.usable_fid * floor[FID]:
        reasons.append(f"FID {row[FID]:.1f} is {row[FID] / floor[FID]:.2f}x the floor {floor[FID]:.1f} "
                       f"(usable up to {config.usable_fid:g}x)")
    for metric in RATIO_METRICS:
        ratio, bound = _ratio(row, floor, metric), getattr(config, f"usable_{metric}")
        if ratio is not None and ratio < bound:
            reasons.append(f"{metric} {row[metric]:.2f} is {ratio:.2f}x the real test split's {floor[metric]:.2f} "
                           f"(usable from {bound:g}x)")
    return reasons


def judge_generator(row: Mapping[str, float], floor: Mapping[str, float], config: VerdictConfig,
                    untrained: Mapping[str, float] | None = None) -> Verdict:
    """The verdict on one generator's metrics ``row`` against the floor (and the untrained generator)."""
    if collapsed := collapse_reasons(row, floor, config, untrained):
        return Verdict("collapsed", collapsed)
    if weak := weak_reasons(row, floor, config):
        return Verdict("weak", weak)
    return Verdict("usable")
