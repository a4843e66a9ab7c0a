"""``bsgan export``: ONNX that matches PyTorch on the real test split, a model card, a served MLflow model."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import mlflow
import numpy as np
import onnxruntime
import pytest
import sqlalchemy.exc
import torch
from mlflow import MlflowClient

import bsgan.stages.export as export_stage
from bsgan.cli import main
from bsgan.inference.ensemble import load_ensemble
from bsgan.inference.preprocess import read_image

SERVE_TIMEOUT = 180
"""Seconds the model server may take to answer /ping (imports of MLflow and ONNX Runtime on a busy 2-core box)."""


@pytest.fixture(scope="module")
def project(classified_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the classified project, exported once, tracking into its own sqlite store."""
    root = tmp_path_factory.mktemp("export") / "project"
    shutil.copytree(classified_project, root, ignore=shutil.ignore_patterns("mlflow.db", "mlruns"))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / 'mlflow.db'}")
        assert main(["export"]) == 0
    return root


def real_test_images(project: Path) -> tuple[torch.Tensor, list[Path]]:
    files = sorted((project / "data/prepared/test").rglob("*.png"))
    return torch.stack([read_image(f) for f in files]), files


def onnx_run(path: Path, pixels: np.ndarray) -> np.ndarray:
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(["probabilities"], {"image": pixels.astype(np.float32)})[0]


def surest_task(project: Path) -> str:
    metrics = json.loads((project / "metrics/classify.json").read_text())
    return max(sorted(metrics), key=lambda task: metrics[task]["macro_f1_ci_low"])


def test_onnx_runtime_matches_pytorch_on_the_real_test_split(project: Path) -> None:
    images, files = real_test_images(project)
    assert len(files) == 9, "the tiny real test split: 4 intact, 3 pitting, 2 rust"
    ensemble = load_ensemble(project / "models/classify" / surest_task(project))
    reference = ensemble.probabilities(images).numpy()
    exported = onnx_run(project / "models/export/classifier.onnx", images.float().numpy())
    assert np.abs(exported - reference).max() <= 1e-5
    assert (exported.argmax(1) == reference.argmax(1)).all()
    # larger pixels, resized inside the graph as bsgan predict resizes them
    larger = torch.nn.functional.interpolate(images.float(), size=(45, 51), mode="nearest").round().to(torch.uint8)
    exported = onnx_run(project / "models/export/classifier.onnx", larger.float().numpy())
    assert np.abs(exported - ensemble.probabilities(larger).numpy()).max() <= 1e-5


def test_the_surest_task_is_exported_and_described(project: Path) -> None:
    task = surest_task(project)
    summary = json.loads((project / "models/export/export.json").read_text())
    assert (summary["task"], summary["seeds"], summary["classes"]) == (task, [0, 1], ["intact", "pitting", "rust"])
    assert summary["parity_max_abs"] <= 1e-5 and summary["test_images"] == 9
    assert json.loads((project / "metrics/export.json").read_text())["task"] == task
    card = (project / "models/export/model_card.md").read_text()
    macro = json.loads((project / "models/classify" / task / "results.json").read_text())["summary"]["macro_f1"]
    assert f"| macro_f1 | {macro['mean']:.3f} | {macro['ci_low']:.3f} – {macro['ci_high']:.3f} | 2 |" in card
    assert "## Not tested on" in card and "4 intact, 3 pitting, 2 rust" in card


def test_the_model_is_registered_with_the_champion_alias(project: Path) -> None:
    client = MlflowClient(f"sqlite:///{project / 'mlflow.db'}")
    version = client.get_model_version_by_alias("bsgan-classifier", "champion")
    assert str(version.version) == json.loads((project / "models/export/export.json").read_text())["mlflow"]["version"]
    assert client.get_run(version.run_id).data.tags["task"] == surest_task(project)
    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    model = mlflow.pyfunc.load_model("models:/bsgan-classifier@champion")
    images, _ = real_test_images(project)
    answer = model.predict({"image": images.float().numpy()})
    expected = onnx_run(project / "models/export/classifier.onnx", images.float().numpy())
    np.testing.assert_allclose(answer["probabilities"], expected, atol=1e-6)


def test_a_failed_parity_check_exports_nothing(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setattr(export_stage, "TOLERANCE", -1.0)
    elsewhere = ["--out", str(tmp_path / "export"), "--metrics", str(tmp_path / "m.json")]
    assert main(["export", "--no-register", *elsewhere]) == 2
    assert "ONNX Runtime disagrees with PyTorch on the test split" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def registry(project: Path) -> tuple[list[str], str, list[str]]:
    """The model's versions, the version @champion names, and the export experiment's live runs."""
    client = MlflowClient(f"sqlite:///{project / 'mlflow.db'}")
    versions = sorted(str(v.version) for v in client.search_model_versions("name = 'bsgan-classifier'"))
    champion = str(client.get_model_version_by_alias("bsgan-classifier", "champion").version)
    experiment = client.get_experiment_by_name("export").experiment_id
    runs = sorted(run.info.run_id for run in client.search_runs([experiment]))
    return versions, champion, runs


def fail(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device", str(args[0]) if args else None)


def fail_db(*args: object, **kwargs: object) -> None:
    raise sqlalchemy.exc.OperationalError("INSERT", {}, Exception("database or disk is full"))


STEPS = {  # each step of an export, and a failure planted in it
    "write the ONNX file": ("bsgan.stages.export.export_onnx", fail),
    "verify it": ("bsgan.stages.export.TOLERANCE", -1.0),
    "move the files in": ("os.replace", fail),
    "log and register the model": ("mlflow.onnx.log_model", fail_db),
    "point @champion at it": ("mlflow.MlflowClient.set_registered_model_alias", fail_db),
    "record the version": ("bsgan.stages.export.write_json", fail),
}


@pytest.mark.parametrize("step", STEPS)
def test_a_failure_at_any_step_leaves_the_registry_the_champion_and_the_files_as_they_were(
        project: Path, step: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{project / 'mlflow.db'}")
    before, files = registry(project), {p.name: p.read_bytes() for p in (project / "models/export").iterdir()}
    metrics = (project / "metrics/export.json").read_bytes()
    target, planted = STEPS[step]
    if step == "record the version":  # only once the model is registered: the staged export.json is written first
        real = export_stage.write_json
        monkeypatch.setattr(target, lambda data, path: fail(path) if "mlflow" in data else real(data, path))
    else:
        monkeypatch.setattr(target, planted)
    capsys.readouterr()
    assert main(["export"]) != 0, step
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("bsgan export: error:")]
    assert len(errors) == 1, step  # MLflow's own lines may precede it
    monkeypatch.undo()
    assert registry(project) == before, step
    assert {p.name: p.read_bytes() for p in (project / "models/export").iterdir()} == files, step
    assert (project / "metrics/export.json").read_bytes() == metrics
    assert not list((project / "models").glob(".export.*")), "no staging or old copy left"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow(seconds=30)
def test_mlflow_serves_the_champion_over_http(project: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{project / 'mlflow.db'}",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(["mlflow", "models", "serve", "-m", "models:/bsgan-classifier@champion", "--env-manager",
                               "local", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
                              cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + SERVE_TIMEOUT
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, "the server did not answer /ping in time"
            time.sleep(1)
        images, _ = real_test_images(project)
        pixels = images[:3].float().numpy()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/invocations", method="POST",
                                         data=json.dumps({"inputs": {"image": pixels.tolist()}}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            predictions = json.loads(answer.read())["predictions"]
        served = np.asarray(predictions["probabilities"] if isinstance(predictions, dict) else
                            [row["probabilities"] for row in predictions])
        np.testing.assert_allclose(served, onnx_run(project / "models/export/classifier.onnx", pixels), atol=1e-6)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
