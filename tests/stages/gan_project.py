"""What the train-gan tests share: a tiny prepared project to train in, and a power cut in the middle of a run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bsgan.cli import main
from bsgan.models.dcgan.lightning_model import DCGAN


def prepared_project(params: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``params``'s folder with its tiny data prepared, as the working folder, tracked into its own MLflow store."""
    root = params.parent
    assert main(["prepare", "--params", str(params), "--out", str(root / "data/prepared"),
                 "--metrics", str(root / "m.json")]) == 0
    monkeypatch.chdir(root)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / 'mlflow.db'}")
    return root


@contextmanager
def power_cut_at_loop(loop_index: int) -> Iterator[None]:
    """Inside, every GAN training (either architecture: both run DCGAN's step) dies with ``RuntimeError("power
    cut")`` when it reaches 0-based loop ``loop_index``; outside, training is whole again."""
    train_one_loop = DCGAN.training_step

    def power_cut(self: DCGAN, batch: int, batch_idx: int) -> None:
        if self.loop_index(batch_idx) == loop_index:
            raise RuntimeError("power cut")
        train_one_loop(self, batch, batch_idx)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DCGAN, "training_step", power_cut)
        yield
