"""``bsgan evaluate-gan`` on tiny data: untrained generators stand in for trained ones."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import numpy as np
import pytest
import torch
from PIL import Image

from bsgan.cli import main
from bsgan.config import load_params
from bsgan.data.tensors import load_class_bytes
from bsgan.metrics.fidelity import fid
from bsgan.stages import evaluate_gan
from tests.conftest import REAL_ONLY_TASKS
from tests.stages.generated_project import GENERATORS, generated_project, with_generator_repeats

EVAL = {"fid_repeats": 2, "kid_subsets": 10, "kid_subset_size": 4, "nearest_pairs": 3, "turing_count": 2,
        "device": "cpu"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny generated project, evaluated once for every test of this module."""
    root = generated_project(tmp_path_factory.mktemp("evaluate"), {"eval": EVAL})
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / 'mlflow.db'}")
        assert main(["evaluate-gan"]) == 0
    return root


def test_writes_the_fidelity_table_with_its_yardsticks(project: Path) -> None:
    metrics = json.loads((project / "metrics/gan.json").read_text())
    assert set(metrics) == {"pitting", "rust"}
    rust = metrics["rust"]
    assert set(rust) == {"real_test", "untrained", "original", "classical"}
    assert rust["original"]["sets"] == 2 and rust["original"]["set_size"] == 5  # 2 disjoint sets of the 5 train images
    assert rust["real_test"]["sets"] == 1 and rust["real_test"]["set_size"] == 2
    for kind in rust.values():
        assert {"fid_original", "fid_original_std", "kid_original", "fid_classical", "kid_classical_std"} <= set(kind)
    generated = len(list((project / "data/generated/rust-original/train/rust").glob("*.png")))
    assert rust["original"]["near_copy_share"] * generated == pytest.approx(
        round(rust["original"]["near_copy_share"] * generated))
    assert rust["original"]["copy_threshold"] > 0  # a share of the generated images, under a real distance
    for kind in rust.values():  # class fidelity beside FID, for the yardsticks too
        assert all(0.0 <= kind[k] <= 1.0 for k in ("gan_test", "precision", "recall", "coverage"))
        assert kind["density"] >= 0
    # Unseen real images are far closer to the train images than an untrained generator's noise.
    for label in metrics.values():
        assert label["real_test"]["fid_original"] < label["untrained"]["fid_original"]
        assert label["real_test"]["kid_classical"] < label["untrained"]["kid_classical"]

    table = (project / "reports/gan/fidelity.md").read_text()
    assert "| rust | real test split (floor) | 1 × 2 |" in table and "GAN (classical)" in table
    assert "| GAN-test | precision | recall | density | coverage | diversity |" in table
    assert len((project / "reports/gan/fidelity.csv").read_text().splitlines()) == 1 + 2 * 4


def test_every_generator_gets_a_verdict_with_its_evidence(project: Path) -> None:
    """The stand-in generators are untrained: each is called collapsed, and the reasons say against what."""
    metrics = json.loads((project / "metrics/gan.json").read_text())
    for label, kinds in metrics.items():
        assert "verdict" not in kinds["real_test"] and "verdict" not in kinds["untrained"], "yardsticks are not judged"
        for source in ("original", "classical"):
            assert kinds[source]["verdict"] == "collapsed", f"{label}-{source}"
            assert any("the real test split's" in reason for reason in kinds[source]["verdict_reasons"])
        for kind in kinds.values():
            assert 0 < kind["diversity"] < 2
    assert "| diversity | near copies | verdict |" in (project / "reports/gan/fidelity.md").read_text()
    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    runs = mlflow.search_runs(experiment_names=["gan-eval"], output_format="list")
    assert {run.data.tags["verdict"] for run in runs} == {"collapsed"}


def test_draws_the_pictures_of_every_generator(project: Path) -> None:
    for name in GENERATORS:
        out = project / "reports/gan" / name
        for picture in ("tsne_equal", "tsne_all", "nearest_pairs", "nearest_distances", "interpolation"):
            with Image.open(out / f"{picture}.png") as image:
                assert image.width > 100 and image.height > 100, picture
        with Image.open(out / "nearest_pairs.png") as grid:  # 3 pairs of 32 px images, enlarged to 64 px
            assert grid.size == (3 * 66 + 2, 2 * 66 + 2)
        assert (out / "turing.html").read_text().count("<figure") == 4
        assert json.loads((out / "turing.key.json").read_text())["sheet"] == name


def test_logs_one_run_per_generator_linked_to_its_training(project: Path) -> None:
    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    runs = mlflow.search_runs(experiment_names=["gan-eval"], output_format="list")
    assert sorted(run.data.tags["training_run_id"] for run in runs) == sorted(f"training-{n}" for n in GENERATORS)
    run = next(run for run in runs if run.data.tags["training_run_id"] == "training-rust-classical")
    assert run.data.tags["class"] == "rust" and run.data.tags["source"] == "classical"
    assert run.data.tags["dvc_stage"] == "evaluate_gan" and run.data.params["eval.fid_repeats"] == "2"
    metrics = json.loads((project / "metrics/gan.json").read_text())["rust"]
    assert run.data.metrics["fid_original"] == pytest.approx(metrics["classical"]["fid_original"])
    assert run.data.metrics["real_test_fid_original"] == pytest.approx(metrics["real_test"]["fid_original"])
    assert run.data.metrics["gan_test"] == pytest.approx(metrics["classical"]["gan_test"])
    assert run.data.metrics["real_test_coverage"] == pytest.approx(metrics["real_test"]["coverage"])
    artifacts = {a.path for a in mlflow.MlflowClient().list_artifacts(run.info.run_id)}
    assert {"tsne_all.png", "nearest_pairs.png", "interpolation.png", "turing.html"} <= artifacts
    assert "turing.key.json" not in artifacts


def test_judges_only_the_generators_of_gan_sources(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    params = json.loads((project / "params.yaml").read_text())
    params["gan"]["sources"] = ["original"]
    params["tasks"] = REAL_ONLY_TASKS
    (project / "original-only.yaml").write_text(json.dumps(params))
    monkeypatch.chdir(project)
    assert main(["evaluate-gan", "--params", "original-only.yaml", "--out", "reports/gan-original-only",
                 "--metrics", "metrics/gan-original-only.json"]) == 0

    metrics = json.loads((project / "metrics/gan-original-only.json").read_text())
    assert set(metrics["rust"]) == {"real_test", "untrained", "original"}
    assert sorted(p.name for p in (project / "reports/gan-original-only").iterdir() if p.is_dir()) == [
        "pitting-original", "rust-original"]


@pytest.fixture(scope="module")
def repeats(project: Path) -> str:
    """The params file of the project with ``gan.repeats: 2``, their generators and image sets beside its own."""
    return with_generator_repeats(project, 2)


def test_each_generator_repeat_is_judged_against_the_train_images_beside_repeat_0(project: Path, repeats: str) -> None:
    features = evaluate_gan.Features(torch.device("cpu"), project / ".cache/features")
    real = evaluate_gan.RealSets.load("rust", project, features)
    config = load_params(project / repeats).eval
    first = json.loads((project / "metrics/gan.json").read_text())["rust"]["classical"]
    found = evaluate_gan.repeat_fidelity(real, project / "generated-repeats/rust-classical", 2, config, features, first)

    assert set(found) == {"repeats", "fid_original_over_repeats_mean", "fid_original_over_repeats_std",
                          "kid_original_over_repeats_mean", "kid_original_over_repeats_std"}
    zero, one = found["repeats"]
    assert zero == {"repeat": 0, "fid_original": first["fid_original"], "kid_original": first["kid_original"]}
    images = load_class_bytes(project / "generated-repeats/rust-classical/repeat1", "rust")[0]
    sets = evaluate_gan.fid_sets(features(images), len(real.train_images), config.fid_repeats)
    assert one["repeat"] == 1 and one["fid_original"] == pytest.approx(np.mean([fid(real.train, s) for s in sets]))
    assert one["fid_original"] != zero["fid_original"], "another generator, other images"
    fids = [zero["fid_original"], one["fid_original"]]
    assert found["fid_original_over_repeats_mean"] == pytest.approx(np.mean(fids))
    assert found["fid_original_over_repeats_std"] == pytest.approx(np.std(fids, ddof=1))


def test_every_generator_repeats_set_must_be_there(project: Path, repeats: str, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project)
    assert main(["evaluate-gan", "--params", repeats]) == 2, "data/generated holds repeat 0 only"
    assert "data/generated/pitting-original/repeat1: not found (run `dvc repro` first)" in capsys.readouterr().err


@pytest.mark.parametrize(("override", "message"), [
    # synthetic source: the train sizes are known when params.yaml is read
    ({"eval": {"fid_repeats": 3}}, ("other.yaml: eval.fid_repeats: 3 sets of 6 pitting images (its train set) need "
                                    "generate.count >= 18 (got 12); raise generate.count or lower eval.fid_repeats")),
    # generate.count raised but `generate` not rerun: the generated folder is checked before featurising
    ({"eval": {"fid_repeats": 3}, "generate": {"count": 100}},
     "data/generated/pitting-original: 12 generated images, eval.fid_repeats sets need 18 (rerun `bsgan generate`"),
])
def test_too_few_generated_images_for_the_repeats_fails_before_any_featurising(
        project: Path, override: dict, message: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    params = json.loads((project / "params.yaml").read_text())
    for section, values in override.items():
        params[section] |= values
    (project / "other.yaml").write_text(json.dumps(params))
    before = (project / "metrics/gan.json").read_text()
    monkeypatch.chdir(project)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{project / 'mlflow.db'}")

    def no_featurising(*args: object) -> None:
        raise AssertionError("featurised before checking the counts")

    monkeypatch.setattr(evaluate_gan, "Features", no_featurising)
    assert main(["evaluate-gan", "--params", "other.yaml"]) == 2
    assert message in capsys.readouterr().err
    assert (project / "metrics/gan.json").read_text() == before, "earlier outputs are kept"
    assert (project / "reports/gan/rust-classical/tsne_all.png").exists()
