"""Does a generator copy its training set? Nearest real train image of each generated image, in feature space.

A generator that memorised its ~100 training images puts its samples much closer to them than
unseen real images (the test split) lie. So the yardstick is the distance from each real *test*
image to its nearest real train image: the share of generated images closer than the 5th
percentile of those is the share that look like near-copies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.neighbors import NearestNeighbors

COPY_PERCENTILE = 5.0


def nearest(queries: torch.Tensor, references: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """Euclidean distance from each query row to its nearest reference row, and that row's index."""
    index = NearestNeighbors(n_neighbors=1).fit(references.double().numpy())
    distances, rows = index.kneighbors(queries.double().numpy())
    return distances[:, 0], rows[:, 0]


@dataclass(frozen=True)
class Memorisation:
    """Nearest-train distances of generated images against those of the real test split."""

    generated_median: float
    test_median: float
    copy_threshold: float
    """The ``COPY_PERCENTILE``-th percentile of test-to-train distances."""
    near_copy_share: float
    """Share of generated images nearer to a train image than ``copy_threshold``; about 0.05 if none copy."""


def memorisation(generated_distances: np.ndarray, test_distances: np.ndarray) -> Memorisation:
    """Compare generated-to-train with test-to-train nearest-neighbour distances (from :func:`nearest`)."""
    threshold = float(np.percentile(test_distances, COPY_PERCENTILE))
    return Memorisation(
        generated_median=float(np.median(generated_distances)),
        test_median=float(np.median(test_distances)),
        copy_threshold=threshold,
        near_copy_share=float(np.mean(generated_distances < threshold)),
    )


def closest_pairs(distances: np.ndarray, rows: np.ndarray, generated_images: torch.Tensor,
                  train_images: torch.Tensor, count: int = 8) -> torch.Tensor:
    """The ``count`` generated images nearest to a train image, each above that train image.

    Args:
        distances, rows: :func:`nearest` of the generated features against the train features, so
            one search serves both this grid and :func:`memorisation`.
        generated_images, train_images: The matching uint8 images ``(N, 3, H, W)`` and ``(M, 3, H, W)``.

    Returns:
        ``(2 * count, 3, H, W)`` uint8: for ``make_grid(..., nrow=count)``, generated on the top
        row, their nearest train images below, closest pair first.
    """
    order = np.argsort(distances, kind="stable")[:count]
    return torch.cat([generated_images[order], train_images[rows[order]]])
