"""How varied a set of images is, against the real images' own variety: the mode-collapse yardstick.

A collapsed generator draws the same few images for every latent. Its features then sit close together,
so the mean distance between two of its images falls far below the mean distance between two real
images of the class. The ratio is near 1 for a generator as varied as the real set (a real test split
against the train split scores 0.9-1.1) and near 0 for one image repeated. It needs no neighbour radius,
so it means the same at 6 images as at 700.
"""

from __future__ import annotations

import torch


def mean_pairwise_distance(features: torch.Tensor) -> float:
    """Mean Euclidean distance between two different rows of ``(N, D)`` features (N >= 2)."""
    if len(features) < 2:
        raise ValueError(f"diversity needs at least 2 feature rows, got {len(features)}")
    features = features.double()
    distances = torch.cdist(features, features)
    count = len(features)
    return float(distances.sum() / (count * (count - 1)))


def relative_diversity(generated: torch.Tensor, real: torch.Tensor) -> float:
    """:func:`mean_pairwise_distance` of the generated features over that of the real ones."""
    return mean_pairwise_distance(generated) / max(mean_pairwise_distance(real), 1e-12)
