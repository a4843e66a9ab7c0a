import numpy as np
import pytest

from bsgan.metrics.prdc import prdc


def numpy_prdc(real: np.ndarray, fake: np.ndarray, k: int) -> tuple[float, float, float, float]:
    """The definitions written out with NumPy alone (Naeem et al. 2020, eqs. 1-4)."""
    def dist(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))

    real_radius = np.sort(dist(real, real), axis=1)[:, k]
    fake_radius = np.sort(dist(fake, fake), axis=1)[:, k]
    d = dist(real, fake)
    precision = np.mean([(d[:, j] < real_radius).any() for j in range(len(fake))])
    recall = np.mean([(d[i] < fake_radius).any() for i in range(len(real))])
    density = np.mean([(d[:, j] < real_radius).sum() for j in range(len(fake))]) / k
    coverage = np.mean([d[i].min() < real_radius[i] for i in range(len(real))])
    return precision, recall, density, coverage


@pytest.mark.parametrize(("n_real", "n_fake", "dim", "shift"), [(40, 60, 8, 0.0), (30, 25, 64, 0.7), (20, 20, 3, 3.0)])
def test_prdc_matches_a_direct_numpy_computation(n_real: int, n_fake: int, dim: int, shift: float) -> None:
    rng = np.random.default_rng(n_real)
    real, fake = rng.normal(size=(n_real, dim)), rng.normal(size=(n_fake, dim)) + shift
    got = prdc(real, fake, k=3)
    assert (got.precision, got.recall, got.density, got.coverage) == pytest.approx(numpy_prdc(real, fake, 3))


def test_the_same_distribution_scores_high_and_a_far_one_scores_zero() -> None:
    rng = np.random.default_rng(0)
    real = rng.normal(size=(200, 16))
    same = prdc(real, rng.normal(size=(200, 16)))
    far = prdc(real, rng.normal(size=(200, 16)) + 10)
    assert same.precision > 0.6 and same.recall > 0.6 and same.coverage > 0.6
    assert far.as_dict() == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}


def test_too_few_features_for_k_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="k=5"):
        prdc(np.zeros((5, 2)), np.ones((10, 2)), k=5)
