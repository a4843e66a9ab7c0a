"""FID and KID of two feature sets (Heusel et al. 2017; Binkowski et al. 2018).

Features come first (:mod:`bsgan.metrics.inception`, cached per image set), so one real set's
features serve every generator, repeat and training checkpoint. KID is torchmetrics', fed through an
identity "extractor" so it does the statistics and nothing else. FID is the same Frechet distance as
torchmetrics' (unbiased covariances), computed in the samples' space instead of the features': with
a few hundred images against 2048 features this is exact and about a thousand times faster (see
:func:`fid`). Both run in float64: an FID from reduced precision is not reported.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torchmetrics.image.kid import KernelInceptionDistance


class _Precomputed(nn.Module):
    """Hands features through unchanged: torchmetrics' ``feature=`` slot for features made elsewhere."""

    def __init__(self, num_features: int) -> None:
        super().__init__()
        self.num_features = num_features

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return features


def fid(real: torch.Tensor, fake: torch.Tensor) -> float:
    """Frechet distance between Gaussians fitted to ``real`` ``(N, D)`` and ``fake`` ``(M, D)`` features.

    ``|mu_r - mu_f|^2 + tr(S_r) + tr(S_f) - 2 tr sqrt(S_r S_f)``. With centred ``X`` and ``Y``,
    ``S_r S_f`` has the non-zero eigenvalues of ``(Y X^T)(X Y^T) / ((N-1)(M-1))``, so the last trace
    is the sum of the singular values of the ``(M, N)`` matrix ``Y X^T / sqrt((N-1)(M-1))``: the same
    number torchmetrics gets from the eigenvalues of a ``(D, D)`` non-symmetric product (2.8 s per
    FID at D = 2048 on 2 CPU cores, about 2 minutes of every ``evaluate_gan``), in milliseconds.
    """
    for name, features in (("real", real), ("fake", fake)):
        if features.ndim != 2 or features.shape[0] < 2:
            raise ValueError(f"FID needs at least 2 {name} feature rows (N, D), got shape {tuple(features.shape)}")
    real, fake = real.double(), fake.double()
    n, m = real.shape[0], fake.shape[0]
    real_mean, fake_mean = real.mean(0), fake.mean(0)
    x, y = real - real_mean, fake - fake_mean
    traces = x.square().sum() / (n - 1) + y.square().sum() / (m - 1)
    cross = torch.linalg.svdvals(y @ x.T).sum() / ((n - 1) * (m - 1)) ** 0.5
    return float((real_mean - fake_mean).square().sum() + traces - 2 * cross)


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
