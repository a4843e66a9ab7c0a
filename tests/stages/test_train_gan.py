"""``bsgan train-gan`` on a tiny prepared set, tracked into a temporary MLflow store."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import mlflow
import pytest
import torch

from bsgan.cli import main
from bsgan.io.lock import exclusive_lock
from bsgan.models.dcgan.lightning_model import DCGAN
from tests.conftest import TINY_GAN


@pytest.fixture
def project(write_params: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    params = write_params({"gan": TINY_GAN})
    root = params.parent
    assert main(["prepare", "--params", str(params), "--out", str(root / "data/prepared"),
                 "--metrics", str(root / "m.json")]) == 0
    monkeypatch.chdir(root)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / 'mlflow.db'}")
    return root


def test_trains_writes_outputs_and_an_mlflow_run(project: Path) -> None:
    assert main(["train-gan", "--class", "rust", "--source", "original"]) == 0

    out = project / "models/gan/rust-original"
    assert sorted(p.name for p in out.iterdir()) == ["checkpoint.ckpt", "generator.pt", "samples.png",
                                                     "training_run.json"]
    with (project / "plots/gan/rust-original.csv").open() as handle:
        assert [row["loop"] for row in csv.DictReader(handle)] == ["2", "4"]
    assert not (project / "checkpoints/gan/rust-original").exists(), "a finished run leaves no checkpoint behind"

    run = mlflow.search_runs(experiment_names=["gan"], output_format="list")[0]
    assert run.data.tags["class"] == "rust" and run.data.tags["source"] == "original"
    assert run.data.tags["dvc_stage"] == "train_gan_original@rust"  # the name `dvc repro` shows
    assert run.data.params["gan.k_d"] == "1" and run.data.params["data.image_size"] == "32"
    assert {"d_loss", "g_loss", "d_real", "d_fake", "loops_per_s"} <= set(run.data.metrics)
    artifacts = {a.path for a in mlflow.MlflowClient().list_artifacts(run.info.run_id)}
    assert {"model", "samples", "samples.png"} <= artifacts
    assert json.loads((out / "training_run.json").read_text())["run_id"] == run.info.run_id
    probe = (project / "plots/gan_fidelity/rust-original.csv").read_text()
    assert probe == "loop,fid,kid_x1000,gan_test,precision,recall,density,coverage\n", \
        "gan.eval_every is 0: no probe, an empty curve for DVC"


def test_probes_fid_and_kid_during_training(write_params: Callable[..., Path], project: Path) -> None:
    write_params({"gan": {**TINY_GAN, "loops": 5, "eval_every": 2, "eval_count": 6}})
    assert main(["train-gan", "--class", "rust", "--source", "original"]) == 0

    with (project / "plots/gan_fidelity/rust-original.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [row["loop"] for row in rows] == ["2", "4", "5"]  # every 2 loops and the last
    assert all(float(row["fid"]) > 0 and row["kid_x1000"] for row in rows)
    assert all(0 <= float(row[k]) <= 1 for row in rows for k in ("gan_test", "precision", "recall", "coverage"))
    assert list(project.glob(".cache/reference/*.pt")), "the GAN-test classifier is trained once and cached"
    run = mlflow.search_runs(experiment_names=["gan"], output_format="list")[0]
    history = mlflow.MlflowClient().get_metric_history(run.info.run_id, "fid")
    assert [m.step for m in history] == [2, 4, 5]
    assert [m.value for m in history] == pytest.approx([float(row["fid"]) for row in rows], rel=1e-5)
    gan_test = mlflow.MlflowClient().get_metric_history(run.info.run_id, "gan_test")
    assert [m.value for m in gan_test] == pytest.approx([float(row["gan_test"]) for row in rows], rel=1e-5)


def test_pretraining_on_intact_is_cached_and_shared_by_the_failure_classes(write_params: Callable[..., Path],
                                                                          project: Path) -> None:
    write_params({"gan": {**TINY_GAN, "pretrain_loops": 2, "freeze_d": 1}})
    assert main(["train-gan", "--class", "rust", "--source", "original"]) == 0
    [cached] = project.glob(".cache/gan_pretrain/*.pt")
    stamp = cached.stat().st_mtime_ns
    assert main(["train-gan", "--class", "pitting", "--source", "original"]) == 0
    assert list(project.glob(".cache/gan_pretrain/*.pt")) == [cached] and cached.stat().st_mtime_ns == stamp
    state = torch.load(cached, weights_only=True)
    trained = torch.load(project / "models/gan/rust-original/checkpoint.ckpt", weights_only=False)["state_dict"]
    key = "discriminator.features.1.weight"  # the lowest conv block, frozen by freeze_d: 1
    assert torch.equal(trained[key], state[key])
    assert not torch.equal(trained["discriminator.features.4.weight"], state["discriminator.features.4.weight"])


def test_the_classical_gan_fine_tunes_from_the_original_one(write_params: Callable[..., Path], project: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    params = write_params({"gan": {**TINY_GAN, "classical_from_original": True, "freeze_d": 1}})
    assert main(["augment", "--params", str(params)]) == 0
    assert main(["train-gan", "--class", "rust", "--source", "classical"]) == 2
    assert "rust-original/checkpoint.ckpt: not found; gan.classical_from_original" in capsys.readouterr().err
    assert main(["train-gan", "--class", "rust", "--source", "original"]) == 0
    assert main(["train-gan", "--class", "rust", "--source", "classical"]) == 0
    original = torch.load(project / "models/gan/rust-original/checkpoint.ckpt", weights_only=False)["state_dict"]
    classical = torch.load(project / "models/gan/rust-classical/checkpoint.ckpt", weights_only=False)["state_dict"]
    key = "discriminator.features.1.weight"
    assert torch.equal(original[key], classical[key])


def test_the_intact_class_has_no_gan(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train-gan", "--class", "intact", "--source", "original"]) == 2
    assert "is data.intact_class" in capsys.readouterr().err
    assert not (project / "checkpoints").exists(), "a refused run leaves no lock file (nor its folder) behind"


def test_missing_augmented_set_is_one_clear_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train-gan", "--class", "rust", "--source", "classical"]) == 2
    assert "data/augmented: not found (run `dvc repro`" in capsys.readouterr().err


def test_a_crashed_run_resumes_into_the_same_mlflow_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    train_one_loop = DCGAN.training_step

    def power_cut_at_loop_3(self: DCGAN, batch: int, batch_idx: int) -> None:
        if self.loop_index(batch_idx) == 2:  # after the checkpoint of loops 1-2
            raise RuntimeError("power cut")
        train_one_loop(self, batch, batch_idx)

    monkeypatch.setattr(DCGAN, "training_step", power_cut_at_loop_3)
    with pytest.raises(RuntimeError, match="power cut"):
        main(["train-gan", "--class", "rust", "--source", "original"])
    assert (project / "checkpoints/gan/rust-original/last.ckpt").exists()
    assert not (project / "models/gan/rust-original").exists()

    monkeypatch.setattr(DCGAN, "training_step", train_one_loop)
    assert main(["train-gan", "--class", "rust", "--source", "original"]) == 0

    [run] = mlflow.search_runs(experiment_names=["gan"], output_format="list")
    assert run.info.status == "FINISHED"
    steps = [m.step for m in mlflow.MlflowClient().get_metric_history(run.info.run_id, "d_loss")]
    assert sorted(steps) == [2, 4]
    with (project / "plots/gan/rust-original.csv").open() as handle:
        assert [row["loop"] for row in csv.DictReader(handle)] == ["2", "4"]


def test_a_second_trainer_of_the_same_generator_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with exclusive_lock(project / "checkpoints/gan/rust-original.lock", "training rust-original"):
        assert main(["train-gan", "--class", "rust", "--source", "original"]) == 2
    assert "rust-original.lock: another process is training rust-original" in capsys.readouterr().err


def test_ddp_over_two_processes_writes_each_output_once(write_params: Callable[..., Path], project: Path) -> None:
    write_params({"gan": {**TINY_GAN, "loops": 4, "eval_every": 2, "eval_count": 6, "devices": 2}})
    assert main(["train-gan", "--class", "rust", "--source", "original"]) == 0

    assert (project / "models/gan/rust-original/generator.pt").exists()
    with (project / "plots/gan/rust-original.csv").open() as handle:
        assert [row["loop"] for row in csv.DictReader(handle)] == ["2", "4"]  # rank 0 writes, rank 1 does not
    with (project / "plots/gan_fidelity/rust-original.csv").open() as handle:
        assert [row["loop"] for row in csv.DictReader(handle)] == ["2", "4"]
    [run] = mlflow.search_runs(experiment_names=["gan"], output_format="list")
    assert run.info.status == "FINISHED" and run.data.params["gan.devices"] == "2"
    assert len(mlflow.MlflowClient().get_metric_history(run.info.run_id, "d_loss")) == 2
