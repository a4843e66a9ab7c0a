"""FID and KID against a direct NumPy/SciPy computation and torchmetrics on random features."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import torch
from torchmetrics.image.fid import FrechetInceptionDistance

from bsgan.metrics.fidelity import _Precomputed, fid, fidelity_over_sets, kid


def features(n: int, d: int, seed: int, shift: float = 0.0) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(d, d)) / np.sqrt(d)  # correlated dimensions, like real features
    return torch.from_numpy(rng.normal(size=(n, d)) @ mixing + shift)


def fid_reference(a: np.ndarray, b: np.ndarray) -> float:
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = scipy.linalg.sqrtm(cov_a @ cov_b).real
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b - 2 * root))


def kid_reference(a: np.ndarray, b: np.ndarray) -> float:
    """Unbiased MMD^2 with k(x, y) = (x.y / d + 1)^3 on the whole sets."""
    d, m = a.shape[1], a.shape[0]
    k = lambda x, y: (x @ y.T / d + 1) ** 3  # noqa: E731
    kaa, kbb, kab = k(a, a), k(b, b), k(a, b)
    return float((kaa.sum() - np.trace(kaa)) / (m * (m - 1)) + (kbb.sum() - np.trace(kbb)) / (m * (m - 1))
                 - 2 * kab.mean())


@pytest.mark.parametrize(("n", "d"), [(400, 32), (50, 64)], ids=["more samples than dims", "fewer samples than dims"])
def test_fid_equals_the_direct_computation(n: int, d: int) -> None:
    real, fake = features(n, d, seed=0), features(n, d, seed=1, shift=0.3)
    assert fid(real, fake) == pytest.approx(fid_reference(real.numpy(), fake.numpy()), rel=1e-3)


@pytest.mark.parametrize(("n", "m", "d"), [(120, 40, 256), (30, 90, 16)], ids=["more dims", "more samples"])
def test_fid_equals_torchmetrics_for_sets_of_different_sizes(n: int, m: int, d: int) -> None:
    real, fake = features(n, d, seed=8), features(m, d, seed=9, shift=0.2)
    metric = FrechetInceptionDistance(feature=_Precomputed(d), sync_on_compute=False).double()
    metric.update(real, real=True)
    metric.update(fake, real=False)
    assert fid(real, fake) == pytest.approx(float(metric.compute()), rel=1e-6)


def test_fid_needs_two_rows_per_set() -> None:
    with pytest.raises(ValueError, match="at least 2 fake"):
        fid(features(10, 4, seed=0), features(1, 4, seed=1))


def test_fid_of_a_set_with_itself_is_zero_and_grows_with_noise() -> None:
    real = features(300, 16, seed=2)
    assert abs(fid(real, real)) < 1e-6
    noisy = [fid(real, real + torch.from_numpy(np.random.default_rng(3).normal(size=real.shape)) * s)
             for s in (0.1, 0.5, 1.0)]
    assert noisy == sorted(noisy) and noisy[0] > 0


def test_kid_with_one_whole_subset_equals_the_unbiased_mmd() -> None:
    real, fake = features(60, 16, seed=4), features(60, 16, seed=5, shift=0.5)
    result = kid(real, fake, subsets=1, subset_size=60)
    assert result.mean == pytest.approx(kid_reference(real.numpy(), fake.numpy()), rel=1e-6)


def test_kid_subsets_fit_the_smaller_set_and_are_seeded() -> None:
    real, fake = features(30, 8, seed=6), features(200, 8, seed=7)
    first = kid(real, fake, subsets=20, subset_size=1000, seed=1)
    assert first.subset_size == 30
    assert first == kid(real, fake, subsets=20, subset_size=1000, seed=1)
    state = torch.get_rng_state()
    kid(real, fake, subsets=5, seed=2)
    assert torch.equal(state, torch.get_rng_state()), "the caller's random state is untouched"


def test_repeated_sets_give_mean_and_sample_std_of_each_metric() -> None:
    reference = features(80, 16, seed=0)
    sets = [features(60, 16, seed=s, shift=0.5) for s in (1, 2, 3)]
    spread = fidelity_over_sets(reference, sets, kid_subsets=20, kid_subset_size=30)

    fids = [fid(reference, s) for s in sets]
    assert spread["fid"].values == pytest.approx(fids)
    assert (spread["fid"].mean == pytest.approx(np.mean(fids))
            and spread["fid"].std == pytest.approx(np.std(fids, ddof=1)))
    assert spread["kid"].values[1] == pytest.approx(kid(reference, sets[1], 20, 30).mean)
    assert fidelity_over_sets(reference, sets[:1], kid_subsets=5, kid_subset_size=30)["fid"].std == 0.0
