"""Precision/recall/density/coverage and diversity of one feature set against the real one, as one row.

The training probe, its real-test yardstick and evaluate-gan all judge a set of images by these five
numbers; they are computed here once, so the probe's bounds and the verdict read the same quantities.
"""

from __future__ import annotations

import torch

from bsgan.metrics.diversity import relative_diversity
from bsgan.metrics.prdc import prdc


def feature_fidelity(real: torch.Tensor, features: torch.Tensor, k: int) -> dict[str, float]:
    """The four :mod:`~bsgan.metrics.prdc` numbers (k capped by both set sizes) and diversity of ``features``."""
    real, features = real.cpu(), features.cpu()
    k = min(k, len(features) - 1, len(real) - 1)
    return {**prdc(real, features, k).as_dict(), "diversity": relative_diversity(features, real)}
