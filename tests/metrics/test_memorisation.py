"""A generator that copies its training set is caught; one that samples the same distribution is not."""

from __future__ import annotations

import numpy as np
import torch

from bsgan.metrics.memorisation import closest_pairs, memorisation, nearest


def gaussian(n: int, seed: int, d: int = 16) -> torch.Tensor:
    return torch.from_numpy(np.random.default_rng(seed).normal(size=(n, d)))


def test_nearest_agrees_with_a_brute_force_search() -> None:
    queries, references = gaussian(20, 0), gaussian(50, 1)
    distances, rows = nearest(queries, references)
    brute = torch.cdist(queries, references)
    assert np.array_equal(rows, brute.argmin(dim=1).numpy())
    assert np.allclose(distances, brute.min(dim=1).values.numpy())


def test_near_copies_of_the_train_set_are_flagged() -> None:
    train, test = gaussian(100, 2), gaussian(40, 3)
    copies = train[torch.randint(0, 100, (200,), generator=torch.Generator().manual_seed(0))] + 0.01 * gaussian(200, 4)
    result = memorisation(nearest(copies, train)[0], nearest(test, train)[0])
    assert result.near_copy_share > 0.95
    assert result.generated_median < 0.1 * result.test_median


def test_fresh_samples_of_the_same_distribution_are_not() -> None:
    train, test, fresh = gaussian(100, 5), gaussian(40, 6), gaussian(200, 7)
    result = memorisation(nearest(fresh, train)[0], nearest(test, train)[0])
    assert result.near_copy_share < 0.2
    assert 0.8 < result.generated_median / result.test_median < 1.25


def test_closest_pairs_put_each_near_copy_above_its_original() -> None:
    train = gaussian(10, 8)
    generated = torch.cat([gaussian(5, 9), train[[7]] + 1e-3, train[[2]] + 1e-2])  # two near-copies
    train_images = torch.arange(10, dtype=torch.uint8).view(10, 1, 1, 1).expand(10, 3, 4, 4)
    generated_images = torch.arange(100, 107, dtype=torch.uint8).view(7, 1, 1, 1).expand(7, 3, 4, 4)

    pairs = closest_pairs(*nearest(generated, train), generated_images, train_images, count=2)
    assert pairs.shape == (4, 3, 4, 4)
    assert pairs[:, 0, 0, 0].tolist() == [105, 106, 7, 2]  # copies of train 7 and 2, closest first
