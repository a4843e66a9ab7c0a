"""The verdict rules: each bound against the real test split, read from the rows ``evaluate-gan`` writes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.spatial.distance import pdist

from bsgan.config.verdict import VerdictConfig
from bsgan.metrics.diversity import mean_pairwise_distance, relative_diversity
from bsgan.metrics.verdict import judge_generator

FLOOR = {"fid_original": 150.0, "gan_test": 0.9, "precision": 0.9, "coverage": 0.8, "diversity": 1.0}
UNTRAINED = {"fid_original": 450.0, "gan_test": 0.0, "precision": 0.0, "coverage": 0.0, "diversity": 0.3}
GOOD = {"fid_original": 180.0, "gan_test": 0.88, "precision": 0.8, "coverage": 0.5, "diversity": 0.95}
CONFIG = VerdictConfig()


def test_diversity_is_the_mean_distance_between_two_different_rows_as_scipy_computes_it() -> None:
    features = torch.randn(7, 5, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    assert mean_pairwise_distance(features) == pytest.approx(np.mean(pdist(features.numpy())))
    assert relative_diversity(features[:1].repeat(7, 1), features) == 0.0, "one image repeated"
    assert relative_diversity(2 * features, features) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="at least 2"):
        mean_pairwise_distance(features[:1])


def test_a_generator_near_the_floor_on_every_metric_is_usable() -> None:
    verdict = judge_generator(GOOD, FLOOR, CONFIG, UNTRAINED)
    assert verdict.name == "usable" and verdict.reasons == [] and verdict.line() == "usable"


def test_missing_one_usable_bound_is_weak_and_says_which() -> None:
    verdict = judge_generator(GOOD | {"fid_original": 232.7, "gan_test": 0.6}, FLOOR, CONFIG, UNTRAINED)
    assert verdict.name == "weak"
    assert verdict.reasons == ["FID 232.7 is 1.55x the floor 150.0 (usable up to 1.4x)",
                               "gan_test 0.60 is 0.67x the real test split's 0.90 (usable from 0.9x)"]


@pytest.mark.parametrize(("change", "evidence"), [
    ({"diversity": 0.2}, "diversity 0.20 is 0.20x the real test split's 1.00 (collapsed below 0.45x)"),
    ({"coverage": 0.02}, "coverage 0.02 is 0.02x the real test split's 0.80 (collapsed below 0.1x)"),
    ({"gan_test": 0.03}, "gan_test 0.03 is 0.03x the real test split's 0.90 (collapsed below 0.35x)"),
    ({"fid_original": 329.4}, "FID 329.4 is 0.60 of the way from the floor 150.0 to an untrained generator's 450.0"),
])
def test_any_one_collapse_bound_is_collapsed(change: dict[str, float], evidence: str) -> None:
    verdict = judge_generator(GOOD | change, FLOOR, CONFIG, UNTRAINED)
    assert verdict.name == "collapsed" and verdict.reasons[0].startswith(evidence)


def test_the_probe_judges_with_what_it_has() -> None:
    """Training's probe has no untrained yardstick and a biased FID: those bounds are left out, not guessed."""
    probe_row = {"gan_test": 0.85, "coverage": 0.5, "diversity": 0.9, "fid": 400.0}
    assert judge_generator(probe_row, {"gan_test": 0.9, "coverage": 0.8, "diversity": 1.0}, CONFIG).name == "usable"
    assert judge_generator(GOOD, FLOOR | {"gan_test": 0.0}, CONFIG).name == "usable", "no yardstick, no bound"


def test_a_usable_bound_below_its_collapse_bound_is_a_params_error() -> None:
    with pytest.raises(ValueError, match="usable_coverage must not be below collapsed_coverage"):
        VerdictConfig(usable_coverage=0.05)
