"""FID and KID of two feature sets, through torchmetrics (Heusel et al. 2017; Binkowski et al. 2018).

Features come first (:mod:`bsgan.metrics.inception`, cached per image set), so one real set's
features serve every generator, repeat and training checkpoint. The metrics get them through an
identity "extractor", which makes torchmetrics do the statistics and nothing else. Both run in
float64: an FID from reduced precision is not reported.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torchmetrics.image.fid import FrechetInceptionDistance
from torchmetrics.image.kid import KernelInceptionDistance


class _Precomputed(nn.Module):
    """Hands features through unchanged: torchmetrics' ``feature=`` slot for features made elsewhere."""

    def __init__(self, num_features: int) -> None:
        super().__init__()
        self.num_features = num_features

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return features


def fid(real: torch.Tensor, fake: torch.Tensor) -> float:
    """Frechet distance between Gaussians fitted to ``real`` and ``fake`` features ``(N, D)``."""
    # These are the caller's features, whole: never gather from other processes (DDP would deadlock here).
    metric = FrechetInceptionDistance(feature=_Precomputed(real.shape[1]), sync_on_compute=False).double()
    metric.update(real.double(), real=True)
    metric.update(fake.double(), real=False)
    return float(metric.compute())


@dataclass(frozen=True)
class Kid:
    mean: float
    std: float
    subset_size: int


def kid(real: torch.Tensor, fake: torch.Tensor, subsets: int = 100, subset_size: int = 1000, seed: int = 0) -> Kid:
    """Kernel distance (cubic polynomial kernel, unbiased MMD^2), averaged over random subsets.

    The subset size is capped by the smaller set, so 32 rust test images still give a value.
    Subsets are drawn from a fixed seed without touching the caller's random state.
    """
    size = min(subset_size, real.shape[0], fake.shape[0])
    with warnings.catch_warnings():  # "will save all extracted features": a few hundred here, by design
        warnings.filterwarnings("ignore", message=".*will save all extracted features")
        metric = KernelInceptionDistance(feature=_Precomputed(real.shape[1]), subsets=subsets, subset_size=size,
                                          sync_on_compute=False).double()
    metric.update(real.double(), real=True)
    metric.update(fake.double(), real=False)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        mean, std = metric.compute()
    return Kid(float(mean), float(std), size)


@dataclass(frozen=True)
class Spread:
    """A metric over repeated generated sets: mean and sample standard deviation (0 for one set)."""

    mean: float
    std: float
    values: tuple[float, ...]

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        array = np.asarray(values, dtype=np.float64)
        return cls(float(array.mean()), float(array.std(ddof=1)) if len(array) > 1 else 0.0, tuple(map(float, array)))


def fidelity_over_sets(reference: torch.Tensor, sets: Sequence[torch.Tensor], kid_subsets: int = 100,
                       kid_subset_size: int = 50, seed: int = 0) -> dict[str, Spread]:
    """FID and KID of each generated feature set against ``reference``, as ``{"fid": Spread, "kid": Spread}``.

    The paper's protocol (its Table 6): several independent generated sets, each the size of the
    real set, so the spread shows how much one number can be trusted.
    """
    return {
        "fid": Spread.of([fid(reference, features) for features in sets]),
        "kid": Spread.of([kid(reference, features, kid_subsets, kid_subset_size, seed).mean for features in sets]),
    }
