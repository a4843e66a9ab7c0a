"""A collapsed generator never passes silently: the probe sees it, ``gan.on_collapse`` acts, tasks refuse it.

The generators here are planted: the probe is shown either one real image for every latent (a collapse as
complete as the one seen on a Xeon, where nine tenths of rust-original's images were one patch) or the
class's real train images themselves (as healthy as a generator can be). Which one depends on the seed, so a
restart with the next seed meets a healthy generator. The networks still train, a few loops each.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import mlflow
import pytest
import torch

import bsgan.callbacks.fidelity_probe as fidelity_probe
from bsgan.cli import main
from bsgan.data.tensors import load_class_bytes
from bsgan.models.dcgan.lightning_model import DCGAN
from tests.conftest import TINY_GAN
from tests.stages.gan_project import prepared_project

PROBED = {**TINY_GAN, "eval_every": 2, "eval_count": 6, "loops": 4}
QUICK_JUDGE = {"reference": {"epochs": 1, "seeds": 1}}


@pytest.fixture
def project(write_params: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    return prepared_project(write_params({"gan": PROBED, "eval": QUICK_JUDGE}), monkeypatch)


def plant(monkeypatch: pytest.MonkeyPatch, project: Path, collapsed_seeds: set[int]) -> None:
    """The probe sees one real rust image repeated for a seed in ``collapsed_seeds``, else the real images."""
    real = load_class_bytes(project / "data/prepared", "rust")[0]

    def planted(model: DCGAN, count: int, seed: int) -> torch.Tensor:
        if model.config.seed in collapsed_seeds:
            return real[:1].repeat(count, 1, 1, 1)
        return real[torch.arange(count) % len(real)]

    monkeypatch.setattr(fidelity_probe, "probe_images", planted)


def train_rust(*options: str) -> int:
    return main(["train-gan", "--class", "rust", "--source", "original", *options])


def test_stop_fails_the_stage_in_one_line_naming_the_generator_and_the_evidence(
        write_params: Callable[..., Path], project: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    write_params({"gan": {**PROBED, "on_collapse": "stop"}, "eval": QUICK_JUDGE})
    plant(monkeypatch, project, collapsed_seeds={0})

    assert train_rust() == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert error.startswith("bsgan train-gan: error: rust-original: collapsed at loop 4: diversity 0.00")
    assert "gan.on_collapse: stop" in error and "seed 0" in error
    assert not (project / "models/gan/rust-original").exists(), "a collapsed generator is not written"
    run = mlflow.search_runs(experiment_names=["gan"], output_format="list")[0]
    assert run.info.status == "FAILED" and run.data.tags["collapse"].startswith("collapsed at loop 4")


def test_restart_trains_the_next_seed_records_every_attempt_and_stays_reproducible(
        write_params: Callable[..., Path], project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_params({"gan": {**PROBED, "on_collapse": "restart"}, "eval": QUICK_JUDGE})
    plant(monkeypatch, project, collapsed_seeds={0})

    assert train_rust() == 0
    record = json.loads((project / "models/gan/rust-original/training_run.json").read_text())
    assert [(a["attempt"], a["seed"]) for a in record["attempts"]] == [(0, 0), (1, 1)]
    assert record["attempts"][0]["collapse"].startswith("collapsed at loop 4: diversity 0.00")
    assert record["attempts"][1]["collapse"] is None and record["collapse"] is None and record["seed"] == 1
    assert not list((project / "checkpoints/gan").glob("*.attempts.json")), "the record moved into the out"
    runs = mlflow.search_runs(experiment_names=["gan"], output_format="list")
    assert sorted((r.data.tags["attempt"], r.info.status) for r in runs) == [("0", "FAILED"), ("1", "FINISHED")]

    write_params({"gan": {**PROBED, "seed": 1, "on_collapse": "restart"}, "eval": QUICK_JUDGE})  # seed 1 alone
    assert train_rust("--models", "seed1") == 0
    assert ((project / "seed1/rust-original/generator.pt").read_bytes()
            == (project / "models/gan/rust-original/generator.pt").read_bytes())


def test_restart_gives_up_after_gan_collapse_restarts_more_seeds(
        write_params: Callable[..., Path], project: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    write_params({"gan": {**PROBED, "on_collapse": "restart", "collapse_restarts": 1}, "eval": QUICK_JUDGE})
    plant(monkeypatch, project, collapsed_seeds={0, 1})

    assert train_rust() == 2
    assert "seed 1; gan.on_collapse: restart, 2 seeds tried" in capsys.readouterr().err
    attempts = json.loads((project / "checkpoints/gan/rust-original.attempts.json").read_text())["collapsed"]
    assert [a["seed"] for a in attempts] == [0, 1]

    trained: list[int] = []
    train_loop = DCGAN.training_step

    def noting_the_seed(self: DCGAN, *args: object) -> None:
        trained.append(self.config.seed)
        train_loop(self, *args)

    monkeypatch.setattr(DCGAN, "training_step", noting_the_seed)
    write_params({"gan": {**PROBED, "on_collapse": "restart", "collapse_restarts": 2}, "eval": QUICK_JUDGE})
    assert train_rust() == 0
    assert set(trained) == {2}, "the seeds that collapsed before are remembered, not trained again"


def test_a_healthy_run_raises_no_alarm_and_warn_keeps_a_collapsed_one(
        write_params: Callable[..., Path], project: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    write_params({"gan": {**PROBED, "on_collapse": "stop"}, "eval": QUICK_JUDGE})
    plant(monkeypatch, project, collapsed_seeds=set())
    assert train_rust() == 0
    record = json.loads((project / "models/gan/rust-original/training_run.json").read_text())
    assert record["collapse"] is None and len(record["attempts"]) == 1
    assert "collapsed" not in caplog.text

    write_params({"gan": {**PROBED, "on_collapse": "warn"}, "eval": QUICK_JUDGE})
    plant(monkeypatch, project, collapsed_seeds={0})
    assert train_rust("--restart", "--models", "kept") == 0
    record = json.loads((project / "kept/rust-original/training_run.json").read_text())
    assert record["collapse"].startswith("collapsed at loop 4")
    assert "rust-original: finished, but collapsed at loop 4" in caplog.text
