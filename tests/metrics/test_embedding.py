"""t-SNE maps keep separate groups apart and are reproducible."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.neighbors import KNeighborsClassifier

from bsgan.metrics.embedding import tsne_map
from bsgan.metrics.figures import tsne_figure


def cluster(n: int, centre: float, seed: int) -> torch.Tensor:
    return torch.from_numpy(np.random.default_rng(seed).normal(loc=centre, size=(n, 64)))


def test_two_distinct_sets_land_apart_and_the_map_is_seeded() -> None:
    groups = {"real": cluster(60, 0.0, 0), "generated": cluster(60, 1.5, 1)}
    points = tsne_map(groups, seed=3)
    assert points["real"].shape == (60, 2) and points["generated"].shape == (60, 2)

    xy = np.concatenate([points["real"], points["generated"]])
    labels = np.array([0] * 60 + [1] * 60)
    assert KNeighborsClassifier(5).fit(xy, labels).score(xy, labels) > 0.95
    again = tsne_map(groups, seed=3)
    assert all(np.allclose(points[name], again[name]) for name in groups)


def test_small_sets_still_embed_and_draw() -> None:
    points = tsne_map({"real": cluster(8, 0.0, 2), "generated": cluster(8, 0.0, 3)})
    image = tsne_figure(points, "rust: real vs generated")
    assert image.size == (500, 500)
    assert len(set(image.convert("RGB").getdata())) > 10, "something was drawn"
