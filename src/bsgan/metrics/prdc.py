"""Precision, recall, density and coverage of generated features against real ones.

Fidelity and diversity as separate numbers instead of one FID (Kynkaanniemi et al. 2019, "Improved
Precision and Recall Metric for Assessing Generative Models"; Naeem et al. 2020, "Reliable Fidelity and
Diversity Metrics for Generative Models"). Each image gets a ball reaching its k-th nearest neighbour in
its own set: precision is the share of generated images inside some real ball, recall the share of real
images inside some generated ball; density counts how many real balls hold each generated image (over k),
coverage is the share of real images whose ball holds a generated one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from sklearn.metrics import pairwise_distances
from sklearn.neighbors import NearestNeighbors

PRDC_NAMES = ("precision", "recall", "density", "coverage")


@dataclass(frozen=True)
class Prdc:
    precision: float
    recall: float
    density: float
    coverage: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def radii(features: np.ndarray, k: int) -> np.ndarray:
    """Distance from each row to its k-th nearest other row."""
    distances, _ = NearestNeighbors(n_neighbors=k + 1).fit(features).kneighbors(features)
    return distances[:, k]  # column 0 is the row itself


def prdc(real: torch.Tensor | np.ndarray, fake: torch.Tensor | np.ndarray, k: int = 5) -> Prdc:
    """The four numbers for ``(N, D)`` real and ``(M, D)`` generated features; needs more than ``k`` of each."""
    real, fake = np.asarray(real, dtype=np.float64), np.asarray(fake, dtype=np.float64)
    if min(len(real), len(fake)) <= k:
        raise ValueError(f"prdc with k={k} needs more than {k} real and generated features, "
                         f"got {len(real)}, {len(fake)}")
    real_radii, fake_radii = radii(real, k), radii(fake, k)
    between = pairwise_distances(real, fake)  # (N, M)
    in_real_ball = between < real_radii[:, None]
    return Prdc(
        precision=float(in_real_ball.any(axis=0).mean()),
        recall=float((between < fake_radii[None, :]).any(axis=1).mean()),
        density=float(in_real_ball.sum(axis=0).mean() / k),
        coverage=float((between.min(axis=1) < real_radii).mean()),
    )
