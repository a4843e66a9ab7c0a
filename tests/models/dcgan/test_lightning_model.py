"""The training recipe on a tiny setting: 16x16 images, narrow networks, a few loops."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import pytorch_lightning as pl
import torch

from bsgan.config import GanConfig
from bsgan.models.dcgan.lightning_model import DCGAN, GanDivergedError
from bsgan.models.dcgan.training import LAST_CHECKPOINT, fit

TINY = GanConfig(latent_size=8, generator_width=1 / 64, discriminator_width=0.25, batch_size=4, loops=6, k_d=2, k_g=3,
                 checkpoint_every=3, log_every=2, device="cpu")


def real_images(n: int = 10, size: int = 16) -> torch.Tensor:
    return torch.rand(n, 3, size, size, generator=torch.Generator().manual_seed(0)) * 2 - 1


def trained(config: GanConfig, checkpoint_dir: Path, seed: int = 0, **labels: float) -> DCGAN:
    torch.manual_seed(seed)
    model = DCGAN(real_images(), config, **labels)
    fit(model, config, checkpoint_dir)
    return model


def test_one_loop_updates_d_k_d_times_and_g_k_g_times(tmp_path: Path) -> None:
    model = trained(TINY.model_copy(update={"loops": 1}), tmp_path)
    d_opt, g_opt = model.optimizers()
    d_steps = {int(state["step"]) for state in d_opt.optimizer.state.values()}
    g_steps = {int(state["step"]) for state in g_opt.optimizer.state.values()}
    assert d_steps == {2} and g_steps == {3}


def test_label_values_are_the_configured_targets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[torch.Tensor] = []
    original = torch.nn.functional.binary_cross_entropy_with_logits

    def spy(logits: torch.Tensor, target: torch.Tensor, *args: object, **kwargs: object) -> torch.Tensor:
        seen.append(target.detach().unique())
        return original(logits, target, *args, **kwargs)

    monkeypatch.setattr(torch.nn.functional, "binary_cross_entropy_with_logits", spy)
    trained(TINY.model_copy(update={"loops": 1, "k_d": 1, "k_g": 1}), tmp_path, real_label=0.85, fake_label=0.15)
    assert [t.tolist() for t in seen] == [[pytest.approx(0.85)], [pytest.approx(0.15)], [1.0]]


def test_same_seed_same_generator(tmp_path: Path) -> None:
    first = trained(TINY, tmp_path / "a").generator.state_dict()
    second = trained(TINY, tmp_path / "b").generator.state_dict()
    third = trained(TINY, tmp_path / "c", seed=1).generator.state_dict()
    assert all(torch.equal(first[k], second[k]) for k in first)
    assert not all(torch.equal(first[k], third[k]) for k in first)


def test_resume_reaches_the_same_weights_as_an_uninterrupted_run(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    uninterrupted = trained(TINY, tmp_path / "whole").generator.state_dict()

    # Killed in loop 5 of 6: the checkpoint after loop 3 is all that is left.
    train_one_loop = DCGAN.training_step

    def killed_in_loop_5(self: DCGAN, batch: int, batch_idx: int) -> None:
        if self.loop_index(batch_idx) == 4:
            raise RuntimeError("killed")
        train_one_loop(self, batch, batch_idx)

    monkeypatch.setattr(DCGAN, "training_step", killed_in_loop_5)
    with pytest.raises(RuntimeError, match="killed"):
        trained(TINY, tmp_path / "parts")
    monkeypatch.setattr(DCGAN, "training_step", train_one_loop)
    assert torch.load(tmp_path / "parts" / LAST_CHECKPOINT, weights_only=False)["epoch"] == 0

    model = DCGAN(real_images(), TINY)
    torch.manual_seed(12345)  # a resumed process starts from some other random state
    fit(model, TINY, tmp_path / "parts", resume=True)
    resumed = model.generator.state_dict()
    assert all(torch.equal(uninterrupted[k], resumed[k]) for k in uninterrupted)


def test_history_holds_the_mean_losses_per_log_interval(tmp_path: Path) -> None:
    model = trained(TINY, tmp_path)
    assert [row["loop"] for row in model.history] == [2, 3, 4, 6]  # every 2 loops and at each checkpoint
    assert all(math.isfinite(row["d_loss"]) and 0 < row["d_real"] < 1 for row in model.history)


def test_draining_the_history_between_loops_changes_no_mean(tmp_path: Path) -> None:
    """The stage's callback empties ``history`` after every loop; each mean still covers its own span."""

    class Drain(pl.Callback):
        def __init__(self) -> None:
            self.rows: list[dict[str, float]] = []

        def on_train_batch_end(self, trainer: pl.Trainer, module: pl.LightningModule, *args: object) -> None:
            self.rows += module.history  # type: ignore[arg-type]
            module.history = []  # type: ignore[assignment]

    kept = trained(TINY, tmp_path / "kept").history
    drain = Drain()
    torch.manual_seed(0)
    fit(DCGAN(real_images(), TINY), TINY, tmp_path / "drained", callbacks=[drain])
    assert drain.rows == kept


def test_a_nan_loss_stops_training_and_keeps_the_last_good_checkpoint(tmp_path: Path) -> None:
    trained(TINY.model_copy(update={"loops": 3}), tmp_path)
    good = (tmp_path / LAST_CHECKPOINT).read_bytes()
    model = DCGAN(real_images(), TINY)
    model.real[:] = float("nan")
    with pytest.raises(GanDivergedError, match=r"GAN diverged before loop \d+ \(d_loss=nan"):
        fit(model, TINY, tmp_path)
    assert (tmp_path / LAST_CHECKPOINT).read_bytes() == good
