"""The few-shot options of the recipe (EMA, ADA, fine-tuning with FreezeD) on the tiny setting."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from bsgan.config import GanConfig
from bsgan.models.dcgan.diffaug import adaptive_augment, diff_augment
from bsgan.models.dcgan.lightning_model import DCGAN
from tests.models.dcgan.test_lightning_model import TINY, real_images, trained


def test_without_options_the_trained_generator_samples_and_nothing_is_averaged(tmp_path: Path) -> None:
    model = trained(TINY, tmp_path)
    assert model.generator_ema is None and model.sampler is model.generator
    assert float(model.aug_p) == 0.0  # no diffaug ops in TINY


def test_ema_samples_from_an_average_that_lags_the_trained_weights(tmp_path: Path) -> None:
    torch.manual_seed(0)
    fresh = DCGAN(real_images(), TINY.model_copy(update={"ema": 0.9}))
    start = [p.clone() for p in fresh.sampler.parameters()]
    model = trained(TINY.model_copy(update={"ema": 0.9}), tmp_path)
    assert model.sampler is model.generator_ema and not any(p.requires_grad for p in model.sampler.parameters())
    pairs = zip(model.sampler.parameters(), model.generator.parameters(), start, strict=True)
    for averaged, trained_p, initial in pairs:
        assert not torch.equal(averaged, initial)  # it moved ...
        assert not torch.equal(averaged, trained_p)  # ... but is not the trained weights
    assert torch.equal(model.fixed_samples(), model.sampler.eval()(model.fixed_latents))


def test_an_ema_decay_of_nearly_zero_follows_the_trained_generator(tmp_path: Path) -> None:
    model = trained(TINY.model_copy(update={"ema": 1e-9}), tmp_path)
    for averaged, trained_p in zip(model.sampler.parameters(), model.generator.parameters(), strict=True):
        assert torch.allclose(averaged, trained_p, atol=1e-6)


def test_adaptive_augment_applies_nothing_at_p_0_and_every_op_at_p_1() -> None:
    x = real_images(8)
    assert torch.equal(adaptive_augment(x, ["color", "translation"], torch.tensor(0.0)), x)
    torch.manual_seed(1)
    torch.rand(8, 1, 1, 1)  # adaptive_augment draws its per-image choice before the op
    always = diff_augment(x, ["cutout"])
    torch.manual_seed(1)
    assert torch.equal(adaptive_augment(x, ["cutout"], torch.tensor(1.0)), always)


def test_ada_moves_p_by_one_step_towards_keeping_r_t_at_the_target() -> None:
    config = TINY.model_copy(update={"diffaug": ["translation"], "ada_target": 0.6, "ada_interval": 2, "ada_speed": 80})
    model = DCGAN(real_images(), config)
    step = config.batch_size * config.k_d * config.ada_interval / config.ada_speed  # 0.2
    model.ada_sign.copy_(torch.tensor([7.0, 8.0]))  # r_t = 0.875 > 0.6: the discriminator overfits
    model._adapt(loop=0)
    assert float(model.aug_p) == 0.0  # only every ada_interval loops
    model._adapt(loop=1)
    assert float(model.aug_p) == pytest.approx(step) and model.ada_sign.tolist() == [0.0, 0.0]
    model.ada_sign.copy_(torch.tensor([-8.0, 8.0]))  # r_t = -1: less augmentation, never below 0
    model._adapt(loop=3)
    model.ada_sign.copy_(torch.tensor([-8.0, 8.0]))
    model._adapt(loop=5)
    assert float(model.aug_p) == 0.0


def test_training_with_ada_logs_p_and_keeps_it_a_probability(tmp_path: Path) -> None:
    config = TINY.model_copy(update={"diffaug": ["translation"], "ada_target": 0.6, "ada_interval": 1, "ada_speed": 8})
    model = trained(config, tmp_path)
    assert 0.0 <= float(model.aug_p) <= 1.0
    assert all(0.0 <= row["aug_p"] <= 1.0 for row in model.history)


def test_fine_tuning_starts_from_the_given_weights_and_freeze_d_keeps_the_lowest_block(tmp_path: Path) -> None:
    pretrained = trained(TINY, tmp_path / "pretrain")
    state = {k: v.clone() for k, v in pretrained.state_dict().items()}
    config = TINY.model_copy(update={"pretrain_loops": 6, "freeze_d": 1})
    torch.manual_seed(1)
    model = DCGAN(real_images(), config)
    model.start_from(state)
    assert all(torch.equal(a, state[f"generator.{k}"]) for k, a in model.generator.state_dict().items())
    first_conv = model.discriminator.features[1]
    second_conv = model.discriminator.features[4]
    assert isinstance(first_conv, torch.nn.Conv2d) and isinstance(second_conv, torch.nn.Conv2d)
    from bsgan.models.dcgan.training import fit

    fit(model, config, tmp_path / "finetune")
    assert torch.equal(first_conv.weight, state["discriminator.features.1.weight"])
    assert not torch.equal(second_conv.weight, state["discriminator.features.4.weight"])


@pytest.mark.parametrize(("update", "key"), [({"ada_target": 0.6}, "diffaug"), ({"freeze_d": 1}, "pretrain_loops")])
def test_an_option_without_what_it_needs_is_a_clear_error(update: dict[str, object], key: str) -> None:
    with pytest.raises(ValueError, match=key):
        GanConfig(**update)
