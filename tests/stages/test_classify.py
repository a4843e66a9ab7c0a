"""``bsgan classify`` and ``bsgan compare-tasks`` on tiny data: all six tasks, two seeds, two epochs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import mlflow
import numpy as np
import pytest
import scipy.stats
import torch
from PIL import Image

import bsgan.stages.classify as classify_stage
from bsgan.cli import main
from bsgan.config import TasksConfig, load_params, parse_params
from bsgan.models.classifier.classifier_file import load_classifier
from bsgan.models.classifier.lightning_model import ClassifierTraining
from bsgan.models.dcgan.generator_file import save_generator
from bsgan.models.dcgan.torch_model import Generator
from tests.stages.generated_project import generated_project, with_generator_repeats

TASKS = list(TasksConfig().definitions)
SETTINGS = {"tasks": {"target_per_class": 12},
            "classify": {"epochs": 2, "repeats": 2, "val_fraction": 0.2, "device": "cpu"}}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every task classified and compared once for every test of this module."""
    root = generated_project(tmp_path_factory.mktemp("classify"), SETTINGS)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / 'mlflow.db'}")
        for task in TASKS:
            assert main(["classify", "--task", task]) == 0
        assert main(["compare-tasks"]) == 0
    return root


def results(project: Path, task: str) -> dict:
    return json.loads((project / "models/classify" / task / "results.json").read_text())


def test_each_task_trains_on_its_composition(project: Path) -> None:
    # tiny data: pitting 6 real train images (1 held out for validation), rust 5 (1 held out), intact 10 (2)
    assert results(project, "t1_original")["composition"] == {"intact": {"real": 8}, "pitting": {"real": 5},
                                                              "rust": {"real": 4}}
    assert results(project, "t2_original_gan")["composition"]["rust"] == {"real": 4, "gan_original": 8}
    assert results(project, "t3_gan_only")["composition"]["pitting"] == {"gan_original": 12}
    assert results(project, "t4_original_classical")["composition"]["rust"] == {"real": 4, "augment": 8}
    assert results(project, "t5_original_gan_classical")["composition"]["pitting"] == {"real": 5, "gan_classical": 7}
    t6 = results(project, "t6_classical_on_gan")
    assert t6["composition"]["pitting"] == {"real": 5, "gan_original": 7, "augment": 0}, (
        "100 GAN images asked, 7 fill the class")
    assert t6["generators"] == {"pitting-original": "training-pitting-original",
                                "rust-original": "training-rust-original"}


def test_a_task_records_the_verdict_of_each_generator_it_learnt_from(project: Path) -> None:
    assert results(project, "t2_original_gan")["generator_verdicts"] == {"pitting-original": "weak",
                                                                         "rust-original": "weak"}
    assert results(project, "t1_original")["generator_verdicts"] == {}, "no generator read, none judged"


def test_a_task_refuses_a_collapsed_generator_unless_allowed(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    judged = json.loads((project / "metrics/gan.json").read_text())
    judged["rust"]["original"] = {"verdict": "collapsed", "verdict_reasons": ["diversity 0.02 is 0.02x the real "
                                                                              "test split's 1.00"]}
    (project / "collapsed.json").write_text(json.dumps(judged))
    monkeypatch.chdir(project)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{project / 'mlflow.db'}")
    options = ["--gan-metrics", "collapsed.json", "--out", "refused", "--checkpoints", "refused-checkpoints"]

    assert main(["classify", "--task", "t3_gan_only", *options]) == 2
    error = capsys.readouterr().err.strip()
    assert error.splitlines() == [error] and "generator rust-original collapsed (diversity 0.02" in error
    assert "tasks.allow_collapsed" in error and not (project / "refused").exists()
    assert main(["classify", "--task", "t4_original_classical", *options]) == 0, "a task without generators runs"

    params = json.loads((project / "params.yaml").read_text())
    params["tasks"]["allow_collapsed"] = True
    (project / "allowed.yaml").write_text(json.dumps(params))
    assert main(["classify", "--task", "t3_gan_only", "--params", "allowed.yaml", *options]) == 0
    verdicts = json.loads((project / "refused/t3_gan_only/results.json").read_text())["generator_verdicts"]
    assert verdicts == {"pitting-original": "weak", "rust-original": "collapsed"}
    (project / "metrics/gan.json").rename(project / "gone.json")
    try:
        assert main(["classify", "--task", "t3_gan_only", "--params", "allowed.yaml", "--out", "x"]) == 2
        assert "metrics/gan.json: not found; task t3_gan_only learns from generated images" in capsys.readouterr().err
    finally:
        (project / "gone.json").rename(project / "metrics/gan.json")


def test_results_hold_every_seed_and_the_interval(project: Path) -> None:
    result = results(project, "t2_original_gan")
    assert [r["seed"] for r in result["repeats"]] == [0, 1]
    scores = [r["scores"]["macro_f1"] for r in result["repeats"]]
    macro = result["summary"]["macro_f1"]
    assert macro["mean"] == pytest.approx(sum(scores) / 2) and macro["n"] == 2
    low, high = scipy.stats.t.interval(0.95, 1, loc=np.mean(scores), scale=scipy.stats.sem(scores))
    assert (macro["ci_low"], macro["ci_high"]) == pytest.approx((low, high))  # Student-t over the 2 seeds
    assert sum(map(sum, result["repeats"][0]["scores"]["confusion"])) == 4 + 3 + 2, "the whole real test split"
    saved = load_classifier(project / "models/classify/t2_original_gan/seed1.pt")
    assert (saved.info.task, saved.info.seed) == ("t2_original_gan", 1)
    assert saved.info.classes == ["intact", "pitting", "rust"]
    assert (saved.info.image_size, saved.info.intact_class, saved.info.crop_side) == (32, "intact", None), (
        "synthetic: no photos")
    assert (saved.info.train_sha256
            != load_classifier(project / "models/classify/t1_original/seed1.pt").info.train_sha256)


def test_results_hold_each_seeds_prediction_for_every_test_image(project: Path) -> None:
    result = results(project, "t4_original_classical")
    labels = result["test_labels"]
    assert sorted(labels) == [0] * 4 + [1] * 3 + [2] * 2
    for repeat in result["repeats"]:
        predicted = repeat["predictions"]
        assert len(predicted) == len(labels)
        right = sum(p == t for p, t in zip(predicted, labels, strict=True))
        assert right / len(labels) == pytest.approx(repeat["scores"]["accuracy"])
        assert sum(repeat["scores"]["confusion"][t][p] == 0 for p, t in zip(predicted, labels, strict=True)) == 0
    assert (project / "models/classify/t2_original_gan/seed1.pt").exists()


def test_mlflow_has_a_parent_per_task_and_a_child_per_seed(project: Path) -> None:
    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    runs = mlflow.search_runs(experiment_names=["classify"], output_format="list")
    parents = {r.info.run_name: r for r in runs if "mlflow.parentRunId" not in r.data.tags}
    assert sorted(parents) == sorted(TASKS)
    parent = parents["t5_original_gan_classical"]
    assert parent.data.metrics["macro_f1_mean"] == pytest.approx(
        results(project, "t5_original_gan_classical")["summary"]["macro_f1"]["mean"])
    assert parent.data.params["task.composition.rust.gan_classical"] == "8"
    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == parent.info.run_id]
    assert sorted(r.data.tags["seed"] for r in children) == ["0", "1"]
    child = children[0]
    assert child.data.tags["task"] == "t5_original_gan_classical" and child.info.status == "FINISHED"
    assert "pitting-classical:training-pitting-classical" in child.data.tags["generator_runs"]
    assert "test/f1_rust" in child.data.metrics and "train/loss" in child.data.metrics
    history = mlflow.MlflowClient().get_metric_history(child.info.run_id, "train/loss")
    assert len(history) == 2, "one point per epoch"
    artifacts = {a.path for a in mlflow.MlflowClient().list_artifacts(child.info.run_id)}
    assert {"confusion_matrix.png", "model"} <= artifacts


def test_compare_tasks_writes_tables_metrics_and_plots(project: Path) -> None:
    metrics = json.loads((project / "metrics/classify.json").read_text())
    assert list(metrics) == TASKS
    assert {"macro_f1", "accuracy", "f1_rust", "macro_f1_ci_low", "macro_f1_p"} <= set(metrics["t4_original_classical"])
    assert metrics["t1_original"]["macro_f1_p"] is None, "the baseline is not tested against itself"
    boot = metrics["t4_original_classical"]
    assert boot["macro_f1_bootstrap_low"] <= boot["macro_f1"] <= boot["macro_f1_bootstrap_high"]
    assert boot["macro_f1_bootstrap_difference_low"] <= boot["macro_f1_bootstrap_difference_high"]
    assert 0 < boot["macro_f1_bootstrap_p"] <= 1 and boot["macro_f1_verdict_p"] >= boot["macro_f1_p"]
    assert metrics["t1_original"]["macro_f1_bootstrap_p"] is None
    table = (project / "reports/classify/tasks.md").read_text()
    assert "### Seed noise and test-set noise (paired bootstrap over test images, 2000 resamples" in table
    assert "test-set CI of difference, p" in table
    assert "| 6 classical on (original + GAN) |" in table and "rust F1" in table and "baseline" in table
    csv_lines = (project / "reports/classify/tasks.csv").read_text().splitlines()
    assert len(csv_lines) == 1 + 6 * (4 + 3 * 3) and "bootstrap_difference_low" in csv_lines[0]
    for picture in ("macro_f1.png", "f1_per_class.png", "confusion_t3_gan_only.png"):
        with Image.open(project / "reports/classify" / picture) as image:
            assert image.width > 200
    confusion = (project / "plots/classify/confusion/t1_original.csv").read_text().splitlines()
    assert confusion[0] == "actual,predicted" and len(confusion) == 1 + 2 * 9, "two seeds of 9 test images"


def test_a_killed_run_resumes_and_more_repeats_train_only_new_seeds(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{project / 'mlflow.db'}")
    trained: list[int] = []
    real_train = classify_stage.train_classifier

    def interrupted_at_seed_1(*args, **kwargs):  # type: ignore[no-untyped-def]
        if args[5] == 1:
            raise KeyboardInterrupt
        trained.append(args[5])
        return real_train(*args, **kwargs)

    params = json.loads((project / "params.yaml").read_text())
    params["classify"]["repeats"] = 3
    params["classify"]["lr"] = 0.001  # new settings: nothing earlier is reused
    (project / "more.yaml").write_text(json.dumps(params))
    before = (project / "models/classify/t1_original/results.json").read_text()
    monkeypatch.setattr(classify_stage, "train_classifier", interrupted_at_seed_1)
    assert main(["classify", "--task", "t1_original", "--params", "more.yaml"]) == 130
    assert trained == [0]
    assert (project / "models/classify/t1_original/results.json").read_text() == before, "outputs unchanged"

    trained.clear()
    monkeypatch.setattr(classify_stage, "train_classifier", lambda *a, **k: trained.append(a[5]) or real_train(*a, **k))
    assert main(["classify", "--task", "t1_original", "--params", "more.yaml"]) == 0
    assert trained == [1, 2], "seed 0 was kept"
    assert [r["seed"] for r in results(project, "t1_original")["repeats"]] == [0, 1, 2]
    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    statuses = {r.info.status for r in mlflow.search_runs(experiment_names=["classify"], output_format="list")
                if r.data.tags.get("seed") == "1" and r.data.tags.get("task") == "t1_original"}
    assert statuses == {"FINISHED", "KILLED"}, "the interrupted child is marked, the retrained one finished"


def test_ctrl_c_inside_lightning_exits_130_with_bsgans_line(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{project / 'mlflow.db'}")
    params = json.loads((project / "params.yaml").read_text())
    params["classify"]["lr"] = 0.002  # new settings: a seed must train
    (project / "ctrl-c.yaml").write_text(json.dumps(params))
    before = (project / "models/classify/t1_original/results.json").read_text()

    def pressed(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ClassifierTraining, "training_step", pressed)
    assert main(["classify", "--task", "t1_original", "--params", "ctrl-c.yaml"]) == 130
    assert "bsgan classify: interrupted; previous outputs are unchanged" in capsys.readouterr().err
    assert (project / "models/classify/t1_original/results.json").read_text() == before


def test_an_unknown_task_is_one_clear_line(project: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project)
    assert main(["classify", "--task", "t9_missing"]) == 2
    assert "--task 't9_missing': not in tasks.definitions (t1_original, t2_original_gan," in capsys.readouterr().err


def test_parallel_workers_give_every_seed_the_same_result(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{project / 'mlflow.db'}")
    params = json.loads((project / "params.yaml").read_text())
    for workers in (1, 2):
        params["classify"]["workers"] = workers
        (project / f"workers{workers}.yaml").write_text(json.dumps(params))
        assert main(["classify", "--task", "t2_original_gan", "--params", f"workers{workers}.yaml",
                     "--out", f"workers{workers}", "--checkpoints", f"workers{workers}-checkpoints"]) == 0

    sequential, parallel = (json.loads((project / f"workers{n}/t2_original_gan/results.json").read_text())
                            for n in (1, 2))
    for one, other in zip(parallel["repeats"], sequential["repeats"], strict=True):
        assert one["seed"] == other["seed"]
        assert one["scores"]["confusion"] == other["scores"]["confusion"]
        assert one["scores"]["macro_f1"] == pytest.approx(other["scores"]["macro_f1"])
    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    children = [r for r in mlflow.search_runs(experiment_names=["classify"], output_format="list")
                if r.data.tags.get("mlflow.parentRunId") == parallel["parent_run_id"]]
    assert sorted(r.data.tags["seed"] for r in children) == ["0", "1"]
    assert all(r.info.status == "FINISHED" and "train/loss" in r.data.metrics for r in children)


def test_the_crop_scale_of_photos_is_the_median_train_crop_side(write_params, labelme_root: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    params = write_params({"data": {"source": "labelme", "root": str(labelme_root), "image_size": 32,
                                    "labelme": {"intact_per_photo": 2}}})
    monkeypatch.chdir(params.parent)
    assert main(["prepare"]) == 0
    with (params.parent / "data/prepared/manifest.csv").open(newline="") as handle:
        sides = [int(row["box_right"]) - int(row["box_left"]) for row in csv.DictReader(handle)
                 if row["split"] == "train"]
    assert classify_stage.crop_side(params.parent / "data/prepared") == int(np.median(sides))


def test_one_repeat_writes_valid_json_and_says_the_interval_needs_two_seeds(
        project: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{project / 'mlflow.db'}")
    params = json.loads((project / "params.yaml").read_text())
    params["classify"]["repeats"] = 1
    (project / "once.yaml").write_text(json.dumps(params))
    with caplog.at_level("INFO"):
        assert main(["classify", "--task", "t1_original", "--params", "once.yaml", "--out", "once",
                     "--checkpoints", "once-checkpoints"]) == 0

    def no_nan(token: str) -> None:
        raise AssertionError(f"{token} is not JSON")

    result = json.loads((project / "once/t1_original/results.json").read_text(), parse_constant=no_nan)
    macro = result["summary"]["macro_f1"]
    assert macro["n"] == 1 and macro["ci_low"] is None and macro["ci_high"] is None and macro["std"] is None
    assert "a confidence interval needs classify.repeats >= 2 seeds" in caplog.text
    assert "nan" not in caplog.text


def test_seed_s_of_a_task_with_generated_images_uses_generator_repeat_s_mod_repeats() -> None:
    params = parse_params({"gan": {"repeats": 3}, "classify": {"repeats": 5}})
    assert classify_stage.seed_repeats(params, "t2_original_gan") == {0: 0, 1: 1, 2: 2, 3: 0, 4: 1}
    assert classify_stage.seed_repeats(params, "t5_original_gan_classical") == {0: 0, 1: 1, 2: 2, 3: 0, 4: 1}
    assert classify_stage.seed_repeats(params, "t4_original_classical") == dict.fromkeys(range(5), 0), "no generator"
    one = parse_params({"classify": {"repeats": 5}})
    assert classify_stage.seed_repeats(one, "t2_original_gan") == dict.fromkeys(range(5), 0)


def test_generator_repeats_give_each_seed_its_repeats_images_and_resume_per_repeat(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    params_file = with_generator_repeats(project, 2)
    params = json.loads((project / params_file).read_text())
    params["classify"]["repeats"] = 3
    (project / params_file).write_text(json.dumps(params))
    monkeypatch.chdir(project)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{project / 'mlflow.db'}")
    seen: dict[int, torch.Tensor] = {}
    real_train = classify_stage.train_classifier

    def noting_the_images(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen[args[5]] = args[0].images
        return real_train(*args, **kwargs)

    monkeypatch.setattr(classify_stage, "train_classifier", noting_the_images)
    options = ["--params", params_file, "--generated", "generated-repeats", "--gan-models", "models-repeats",
               "--out", "repeats", "--checkpoints", "repeats-checkpoints"]
    assert main(["classify", "--task", "t2_original_gan", *options]) == 0

    result = json.loads((project / "repeats/t2_original_gan/results.json").read_text())
    assert [r["generator_repeat"] for r in result["repeats"]] == [0, 1, 0] and result["generator_repeats"] == 2
    loaded = load_params(project / params_file)
    composed = [classify_stage.load_task_data(loaded, "t2_original_gan", project, project / "generated-repeats", r)
                for r in (0, 1)]
    assert not torch.equal(composed[0].train.images, composed[1].train.images)
    assert torch.equal(seen[0], composed[0].train.images) and torch.equal(seen[2], composed[0].train.images)
    assert torch.equal(seen[1], composed[1].train.images)
    alone = classify_stage.load_task_data(loaded, "t2_original_gan", project, project / "data/generated")
    assert torch.equal(composed[0].train.images, alone.train.images), "repeat 0 composes what gan.repeats 1 does"
    assert result["composition"] == results(project, "t2_original_gan")["composition"]
    assert main(["classify", "--task", "t1_original", *options]) == 0
    untouched = json.loads((project / "repeats/t1_original/results.json").read_text())
    assert "generator_repeats" not in untouched and "generator_repeat" not in untouched["repeats"][0], "no GAN images"

    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    children = [r for r in mlflow.search_runs(experiment_names=["classify"], output_format="list")
                if r.data.tags.get("mlflow.parentRunId") == result["parent_run_id"]]
    tags = {r.data.tags["seed"]: (r.data.tags["generator_repeat"], r.data.tags["generator_runs"]) for r in children}
    runs_of_repeat_1 = "pitting-original:training-pitting-original/repeat1,rust-original:training-rust-original/repeat1"
    assert tags["1"] == ("1", runs_of_repeat_1)
    assert tags["2"][0] == "0" and "repeat1" not in tags["2"][1]

    seen.clear()
    params["classify"]["repeats"] = 4
    (project / params_file).write_text(json.dumps(params))
    assert main(["classify", "--task", "t2_original_gan", *options]) == 0
    assert list(seen) == [3], "seeds 0-2 kept, each under the fingerprint of the images it saw"
    assert torch.equal(seen[3], composed[1].train.images)

    seen.clear()  # another repeat 1 of the rust generator: only the seeds that saw its images train again
    torch.manual_seed(999)
    save_generator(Generator(32, 8, 0.0625), 32, 0.0625, project / "models-repeats/rust-original/repeat1/generator.pt")
    assert main(["generate", "--class", "rust", "--source", "original", "--params", params_file,
                 "--models", "models-repeats", "--out", "generated-repeats"]) == 0
    assert main(["classify", "--task", "t2_original_gan", *options]) == 0
    assert sorted(seen) == [1, 3]
