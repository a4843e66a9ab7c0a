"""The search space: what a trial samples, how it becomes GAN settings, and bad spaces caught at start."""

from __future__ import annotations

import optuna
import pytest

from bsgan.config import parse_params
from bsgan.errors import ParamsError
from bsgan.tune.space import apply, check, from_trial_params, suggest

SPACE = {"k_d": {"low": 1, "high": 5}, "lr_g": {"low": 1e-5, "high": 1e-3, "log": True},
         "diffaug": {"choices": [[], ["translation", "color"]]}, "label_real": {"low": 0.7, "high": 1.0},
         "batch_size": 16}


def test_a_trial_samples_every_dimension_within_its_range() -> None:
    params = parse_params({"tune": {"space": SPACE}})
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(20):
        trial = study.ask()
        values = suggest(trial, params.tune.space)
        assert 1 <= values["k_d"] <= 5 and isinstance(values["k_d"], int)
        assert 1e-5 <= values["lr_g"] <= 1e-3
        assert values["diffaug"] in ([], ["translation", "color"])
        assert values["batch_size"] == 16, "fixed values are not searched"
        assert "batch_size" not in trial.params
        assert from_trial_params(trial.params, params.tune.space) == values, "stored params map back"
        study.tell(trial, 0.0)


def test_a_trial_becomes_gan_settings_with_the_study_budget() -> None:
    params = parse_params({"tune": {"loops": 300, "report_every": 100}})
    config, labels = apply(params.gan, "rust", {"k_d": 3, "label_real": 0.9, "diffaug": []}, params.tune)
    assert (config.k_d, config.loops, config.eval_every, config.diffaug) == (3, 300, 0, [])
    assert (labels.real, labels.fake) == (0.9, params.gan.labels_for("rust").fake)
    assert config.labels_for("pitting") == params.gan.labels_for("pitting"), "other classes keep theirs"


@pytest.mark.parametrize(("space", "message"), [
    ({"k_dd": 2}, "tune.space: 'k_dd' cannot be searched"),
    ({"k_d": {"low": 3, "high": 1}}, "tune.space: k_d: low must be below high"),
    ({"lr_g": {"low": 0.0, "high": 1e-3, "log": True}}, "tune.space: lr_g: a log scale needs low > 0"),
    ({"latent_size": {"low": 8.5, "high": 64}},
     "tune.space: latent_size: an integer setting needs integer low and high"),
])
def test_a_bad_space_is_one_line_naming_the_key(space: dict, message: str) -> None:
    with pytest.raises(ParamsError, match=message):
        parse_params({"tune": {"space": space}})


def test_a_value_the_gan_refuses_is_caught_before_the_first_trial() -> None:
    params = parse_params({"tune": {"space": {"batch_size": {"choices": [0, 32]}}}})
    with pytest.raises(ParamsError,
                       match=r"tune\.space\.batch_size: 0: batch_size: Input should be greater than or equal to 1"):
        check(params.gan, "rust", params.tune)
