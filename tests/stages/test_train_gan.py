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
from tests.conftest import REAL_ONLY_TASKS, TINY_GAN
from tests.stages.gan_project import power_cut_at_loop, prepared_project


@pytest.fixture
def project(write_params: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    return prepared_project(write_params({"gan": TINY_GAN}), monkeypatch)


def test_trains_writes_outputs_and_an_mlflow_run(project: Path) -> None:
    assert main(["train-gan", "--class", "rust", "--source", "original"]) == 0

    out = project / "models/gan/rust-original"
    assert sorted(p.name for p in out.iterdir()) == [".bsgan-output", "checkpoint.ckpt", "generator.pt", "samples.png",
                                                     "training_run.json"]
    with (project / "plots/gan/rust-original.csv").open() as handle:
        assert [row["loop"] for row in csv.DictReader(handle)] == ["2", "4"]
    assert not (project / "checkpoints/gan/rust-original").exists(), "a finished run leaves no checkpoint behind"

    run = mlflow.search_runs(experiment_names=["gan"], output_format="list")[0]
    assert run.data.tags["class"] == "rust" and run.data.tags["source"] == "original"
    assert run.data.tags["dvc_stage"] == "train_gan_original@rust"  # the name `dvc repro` shows
    assert run.data.tags["repeat"] == "0" and run.data.tags["seed"] == "0"
    assert run.data.params["gan.k_d"] == "1" and run.data.params["data.image_size"] == "32"
    assert {"d_loss", "g_loss", "d_real", "d_fake", "loops_per_s"} <= set(run.data.metrics)
    artifacts = {a.path for a in mlflow.MlflowClient().list_artifacts(run.info.run_id)}
    assert {"model", "samples", "samples.png"} <= artifacts
    assert json.loads((out / "training_run.json").read_text())["run_id"] == run.info.run_id
    probe = (project / "plots/gan_fidelity/rust-original.csv").read_text()
    assert probe == "loop,fid,kid_x1000,gan_test,precision,recall,density,coverage,diversity\n", \
        "gan.eval_every is 0: no probe, an empty curve for DVC"


def test_repeats_train_one_generator_per_seed_into_subfolders_of_the_same_out(write_params: Callable[..., Path],
                                                                             project: Path) -> None:
    write_params({"gan": {**TINY_GAN, "repeats": 2}})
    assert main(["train-gan", "--class", "rust", "--source", "original"]) == 0

    out = project / "models/gan/rust-original"
    assert sorted(p.name for p in out.iterdir()) == [".bsgan-output", "checkpoint.ckpt", "generator.pt", "repeat1",
                                                     "samples.png", "training_run.json"]
    assert sorted(p.name for p in (out / "repeat1").iterdir()) == ["checkpoint.ckpt", "fidelity_curve.csv",
                                                                   "generator.pt", "loss_curve.csv", "samples.png",
                                                                   "training_run.json"]
    assert (out / "generator.pt").read_bytes() != (out / "repeat1/generator.pt").read_bytes()
    with (out / "repeat1/loss_curve.csv").open() as handle:
        assert [row["loop"] for row in csv.DictReader(handle)] == ["2", "4"]
    with (project / "plots/gan/rust-original.csv").open() as handle:
        assert [row["loop"] for row in csv.DictReader(handle)] == ["2", "4"], "repeat 0's curve where DVC plots it"
    assert not (project / "checkpoints/gan/rust-original").exists()
    runs = {run.data.tags["repeat"]: run for run in mlflow.search_runs(experiment_names=["gan"], output_format="list")}
    assert sorted(runs) == ["0", "1"] and runs["1"].data.tags["seed"] == "1"
    assert runs["1"].data.params["gan.seed"] == "1" and runs["0"].data.params["gan.seed"] == "0"
    record = json.loads((out / "repeat1/training_run.json").read_text())
    assert (record["run_id"], record["repeat"], record["seed"]) == (runs["1"].info.run_id, 1, 1)

    # each repeat is exactly the generator its seed trains alone
    write_params({"gan": {**TINY_GAN, "seed": 1}})
    assert main(["train-gan", "--class", "rust", "--source", "original", "--models", "seed1", "--plots", "p",
                 "--fidelity-plots", "p"]) == 0
    assert (project / "seed1/rust-original/generator.pt").read_bytes() == (out / "repeat1/generator.pt").read_bytes()
    write_params({"gan": TINY_GAN})
    assert main(["train-gan", "--class", "rust", "--source", "original", "--models", "seed0"]) == 0
    assert (project / "seed0/rust-original/generator.pt").read_bytes() == (out / "generator.pt").read_bytes()


def test_a_killed_run_of_repeats_trains_only_the_unfinished_ones_again(write_params: Callable[..., Path], project: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    write_params({"gan": {**TINY_GAN, "repeats": 2}})
    train_one_loop = DCGAN.training_step
    trained_seeds: list[int] = []
    power: list[str] = ["cut"]

    def power_cut_in_repeat_1(self: DCGAN, batch: int, batch_idx: int) -> None:
        if power == ["cut"] and self.config.seed == 1 and self.loop_index(batch_idx) == 2:
            raise RuntimeError("power cut")
        trained_seeds.append(self.config.seed)
        train_one_loop(self, batch, batch_idx)

    monkeypatch.setattr(DCGAN, "training_step", power_cut_in_repeat_1)
    with pytest.raises(RuntimeError, match="power cut"):
        main(["train-gan", "--class", "rust", "--source", "original"])
    assert not (project / "models/gan/rust-original").exists(), "no out until every repeat has trained"
    assert (project / "checkpoints/gan/rust-original/finished/generator.pt").exists()
    assert (project / "checkpoints/gan/rust-original/repeat1/last.ckpt").exists()

    trained_seeds.clear()
    power[0] = "on"
    assert main(["train-gan", "--class", "rust", "--source", "original"]) == 0
    assert trained_seeds == [1, 1], "repeat 0 is kept, repeat 1 goes on after its checkpoint of loops 1-2"
    assert (project / "models/gan/rust-original/repeat1/generator.pt").exists()
    runs = mlflow.search_runs(experiment_names=["gan"], output_format="list")
    assert sorted(run.data.tags["repeat"] for run in runs) == ["0", "1"], "repeat 1 resumed into its own run"
    assert {run.info.status for run in runs} == {"FINISHED"}
    with (project / "plots/gan/rust-original.csv").open() as handle:
        assert [row["loop"] for row in csv.DictReader(handle)] == ["2", "4"]


def test_probes_fid_and_kid_during_training(write_params: Callable[..., Path], project: Path) -> None:
    write_params({"gan": {**TINY_GAN, "loops": 5, "eval_every": 2, "eval_count": 6}})
    assert main(["train-gan", "--class", "rust", "--source", "original"]) == 0

    with (project / "plots/gan_fidelity/rust-original.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [row["loop"] for row in rows] == ["2", "4", "5"]  # every 2 loops and the last
    assert all(float(row["fid"]) > 0 and row["kid_x1000"] for row in rows)
    assert all(0 <= float(row[k]) <= 1 for row in rows for k in ("gan_test", "precision", "recall", "coverage"))
    assert all(float(row["diversity"]) >= 0 for row in rows), "five loops of the tiny GAN may draw one image"
    assert list(project.glob(".cache/reference/*.pt")), "the GAN-test classifier is trained once and cached"
    run = mlflow.search_runs(experiment_names=["gan"], output_format="list")[0]
    history = mlflow.MlflowClient().get_metric_history(run.info.run_id, "fid")
    assert [m.step for m in history] == [2, 4, 5]
    assert [m.value for m in history] == pytest.approx([float(row["fid"]) for row in rows], rel=1e-5)
    gan_test = mlflow.MlflowClient().get_metric_history(run.info.run_id, "gan_test")
    assert [m.value for m in gan_test] == pytest.approx([float(row["gan_test"]) for row in rows], rel=1e-5)


def test_watching_a_run_does_not_change_the_generator_it_trains(write_params: Callable[..., Path],
                                                               project: Path) -> None:
    """The probe's GAN-test classifier is trained on a cold cache and loaded on a warm one: neither may move the
    random state the networks start from, nor may the probes during training."""
    write_params({"gan": {**TINY_GAN, "eval_every": 0}})
    assert main(["train-gan", "--class", "rust", "--source", "original", "--models", "unwatched"]) == 0
    write_params({"gan": {**TINY_GAN, "eval_every": 2, "eval_count": 6}})
    assert main(["train-gan", "--class", "rust", "--source", "original", "--models", "cold"]) == 0
    assert list(project.glob(".cache/reference/*.pt"))
    assert main(["train-gan", "--class", "rust", "--source", "original", "--models", "warm"]) == 0

    unwatched = (project / "unwatched/rust-original/generator.pt").read_bytes()
    assert (project / "cold/rust-original/generator.pt").read_bytes() == unwatched
    assert (project / "warm/rust-original/generator.pt").read_bytes() == unwatched


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


def test_each_classical_repeat_fine_tunes_from_the_original_repeat_of_its_seed(write_params: Callable[..., Path],
                                                                              project: Path) -> None:
    params = write_params({"gan": {**TINY_GAN, "repeats": 2, "classical_from_original": True, "freeze_d": 1}})
    assert main(["augment", "--params", str(params)]) == 0
    assert main(["train-gan", "--class", "rust", "--source", "original"]) == 0
    assert main(["train-gan", "--class", "rust", "--source", "classical"]) == 0
    key = "discriminator.features.1.weight"  # frozen from the weights fine-tuning starts from
    models = project / "models/gan"
    frozen = [torch.load(models / f"rust-{source}" / folder / "checkpoint.ckpt", weights_only=False)["state_dict"][key]
              for source in ("original", "classical") for folder in (".", "repeat1")]
    original_0, original_1, classical_0, classical_1 = frozen
    assert torch.equal(classical_0, original_0) and torch.equal(classical_1, original_1)
    assert not torch.equal(original_0, original_1)


def test_a_source_left_out_of_gan_sources_writes_only_what_dvc_expects(write_params: Callable[..., Path],
                                                                       project: Path) -> None:
    write_params({"gan": {**TINY_GAN, "sources": ["original"]},
                  "tasks": REAL_ONLY_TASKS})
    assert main(["train-gan", "--class", "rust", "--source", "classical"]) == 0, "no augmented set needed either"

    out = project / "models/gan/rust-classical"
    assert sorted(p.name for p in out.iterdir()) == [".bsgan-output", "skipped.json"]
    assert json.loads((out / "skipped.json").read_text()) == {
        "skipped": "gan.sources leaves out classical: no generator trained"}
    assert (project / "plots/gan/rust-classical.csv").read_text().startswith("loop,d_loss")
    assert len((project / "plots/gan_fidelity/rust-classical.csv").read_text().splitlines()) == 1
    assert not (project / "checkpoints/gan/rust-classical").exists()


def test_the_intact_class_has_no_gan(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train-gan", "--class", "intact", "--source", "original"]) == 2
    assert "is data.intact_class" in capsys.readouterr().err
    assert not (project / "checkpoints").exists(), "a refused run leaves no lock file (nor its folder) behind"


def test_missing_augmented_set_is_one_clear_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train-gan", "--class", "rust", "--source", "classical"]) == 2
    assert "data/augmented: not found (run `dvc repro`" in capsys.readouterr().err


def test_a_crashed_run_resumes_into_the_same_mlflow_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with power_cut_at_loop(2), pytest.raises(RuntimeError, match="power cut"):  # after the checkpoint of loops 1-2
        main(["train-gan", "--class", "rust", "--source", "original"])
    assert (project / "checkpoints/gan/rust-original/last.ckpt").exists()
    assert not (project / "models/gan/rust-original").exists()

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


def test_ctrl_c_in_training_exits_130_with_bsgans_line(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    def pressed(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(DCGAN, "training_step", pressed)
    assert main(["train-gan", "--class", "rust", "--source", "original"]) == 130
    assert "bsgan train-gan: interrupted; previous outputs are unchanged" in capsys.readouterr().err
    assert not (project / "models/gan/rust-original").exists()
