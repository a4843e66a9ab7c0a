"""How a GAN is run: memory layout, compilation and DDP over several processes (gloo on CPU)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import pytorch_lightning as pl
import torch

from bsgan.config import GanConfig
from bsgan.models.dcgan.lightning_model import DCGAN
from bsgan.models.dcgan.training import LAST_CHECKPOINT, fit
from tests.models.dcgan.test_lightning_model import TINY, real_images, trained


def test_channels_last_runs_the_convolutions_nhwc_with_the_same_losses(tmp_path: Path) -> None:
    # No input noise or dropout: their draws fill tensors in memory order, so the layout moves them around.
    config = TINY.model_copy(update={"loops": 2, "log_every": 1, "noise_std": 0.0, "dropout": 0.0})
    contiguous = trained(config, tmp_path / "nchw")
    nhwc = trained(config.model_copy(update={"channels_last": True}), tmp_path / "nhwc")

    first_conv = next(m for m in nhwc.discriminator.modules() if isinstance(m, torch.nn.Conv2d))
    assert first_conv.weight.is_contiguous(memory_format=torch.channels_last)
    # Same math in another layout. (Weights are no test: Adam scales float noise in near-zero gradients up to lr.)
    assert [row["d_loss"] for row in nhwc.history] == pytest.approx([row["d_loss"] for row in contiguous.history],
                                                                    rel=1e-4)
    assert [row["g_loss"] for row in nhwc.history] == pytest.approx([row["g_loss"] for row in contiguous.history],
                                                                    rel=1e-4)


def test_compile_wraps_both_networks_in_the_configured_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    modes: list[str] = []

    def record(module: torch.nn.Module, mode: str) -> torch.nn.Module:
        modes.append(mode)
        return module  # the plumbing is under test here; torch.compile itself is torch's

    monkeypatch.setattr(torch, "compile", record)
    trained(TINY.model_copy(update={"loops": 1, "compile": True, "compile_mode": "reduce-overhead"}), tmp_path)
    assert modes == ["reduce-overhead", "reduce-overhead"]


class RecordRank(pl.Callback):
    """In each DDP process: its first real batch and its final weights, written to ``folder/rank<N>.json``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.first_batch: list[int] = []

    def on_train_batch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule, batch: object,
                             batch_idx: int) -> None:
        if not self.first_batch:
            state = torch.get_rng_state()
            self.first_batch = torch.randint(0, 10, (8,)).tolist()  # what sample_real would draw next
            torch.set_rng_state(state)

    def on_train_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        assert isinstance(pl_module, DCGAN)
        weights = [float(p.double().sum()) for p in pl_module.generator.parameters()]
        (self.folder / f"rank{trainer.global_rank}.json").write_text(json.dumps(
            {"world": trainer.world_size, "first_batch": self.first_batch, "weights": weights}))


def test_ddp_trains_one_generator_in_two_gloo_processes(tmp_path: Path) -> None:
    config = TINY.model_copy(update={"devices": 2, "loops": 4, "checkpoint_every": 2})
    torch.manual_seed(0)
    model = DCGAN(real_images(), config)
    initial = [p.detach().clone() for p in model.generator.parameters()]

    fit(model, config, tmp_path / "checkpoints", callbacks=[RecordRank(tmp_path)])

    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert [r["world"] for r in ranks] == [2, 2]
    assert ranks[0]["first_batch"] != ranks[1]["first_batch"], "both processes drew the same batches"
    assert ranks[0]["weights"] == pytest.approx(ranks[1]["weights"], rel=1e-6), "gradients were not all-reduced"
    returned = [float(p.detach().double().sum()) for p in model.generator.parameters()]
    assert returned == pytest.approx(ranks[0]["weights"], rel=1e-6)  # rank 0's weights came back to this process
    assert any(not torch.equal(a, b) for a, b in zip(initial, model.generator.parameters(), strict=True))
    assert torch.load(tmp_path / "checkpoints" / LAST_CHECKPOINT, weights_only=False)["epoch"] == 1


def test_compile_cannot_travel_to_ddp_processes() -> None:
    with pytest.raises(ValueError, match="compile: true needs devices: 1"):
        GanConfig(compile=True, devices=2)
