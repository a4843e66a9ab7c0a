"""``bsgan tune`` on tiny data: studies complete, fail, prune, export, and share storage between workers."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import mlflow
import optuna
import pytest
import yaml

import bsgan.models.dcgan.training as training
import bsgan.tune.objective as objective
from bsgan.cli import main
from bsgan.config import load_params
from bsgan.models.dcgan.lightning_model import DCGAN
from bsgan.tune.storage import JOURNAL_FILE, open_storage
from tests.conftest import TINY_GAN, TINY_SYNTHETIC

pytestmark = pytest.mark.slow(seconds=90)
TUNE = {"loops": 4, "report_every": 2, "eval_count": 6, "startup_trials": 2, "warmup_reports": 1,
        "space": {"k_d": {"low": 1, "high": 3}, "lr_g": {"low": 1e-4, "high": 1e-3, "log": True},
                  "label_real": {"low": 0.8, "high": 1.0}, "diffaug": {"choices": [[], ["translation"]]}}}
COMMAND = ["tune", "--class", "rust", "--source", "original"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Prepared and augmented tiny data with tune settings; each test works in a copy."""
    root = tmp_path_factory.mktemp("tune")
    params = {"data": TINY_SYNTHETIC, "augment": {"target_per_class": 12}, "gan": TINY_GAN, "tune": TUNE}
    (root / "params.yaml").write_text(yaml.safe_dump(params))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        assert main(["prepare"]) == 0 and main(["augment"]) == 0
    return root


@pytest.fixture
def project(prepared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    subprocess.run(["cp", "-r", str(prepared), str(root)], check=True)
    monkeypatch.chdir(root)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("OPTUNA_STORAGE", raising=False)
    return root


def load(project: Path, name: str, storage: str | None = None) -> optuna.Study:
    return optuna.load_study(study_name=name, storage=open_storage(storage or str(project / JOURNAL_FILE)))


def trial_runs(project: Path, study: str) -> tuple[list, list]:
    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    runs = mlflow.search_runs(experiment_names=["tune"], filter_string=f"tags.study = '{study}'", output_format="list")
    return [r for r in runs if r.data.tags["role"] == "study"], [r for r in runs if r.data.tags["role"] == "trial"]


def test_a_study_runs_its_trials_logs_them_and_exports_the_best(project: Path) -> None:
    assert main([*COMMAND, "--study", "s", "--trials", "4"]) == 0
    study = load(project, "s")
    states = [t.state for t in study.trials]
    assert len(states) == 4 and set(states) <= {optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED}
    assert study.user_attrs == {"class": "rust", "source": "original", "metric": "kid", "loops": 4}
    assert all(t.intermediate_values for t in study.trials), "every trial reported on the way"

    parents, trials = trial_runs(project, "s")
    assert len(parents) == 1 and len(trials) == 4
    assert {r.data.tags["mlflow.parentRunId"] for r in trials} == {parents[0].info.run_id}
    by_number = {int(r.data.tags["trial"]): r for r in trials}
    for trial in study.trials:
        run = by_number[trial.number]
        assert run.data.tags["state"] == trial.state.name.lower()
        assert run.data.params["k_d"] == str(trial.params["k_d"])
    best = by_number[study.best_trial.number]
    assert best.data.metrics["value"] == pytest.approx(study.best_value)
    assert "samples.png" in {a.path for a in mlflow.MlflowClient().list_artifacts(best.info.run_id)}
    assert parents[0].data.metrics["trials_complete"] >= 1

    # the best settings as a new override file, and written into params.yaml itself
    assert main([*COMMAND, "--study", "s", "--export-best", "best.yaml"]) == 0
    override = yaml.safe_load((project / "best.yaml").read_text())["gan"]
    assert override["k_d"] == study.best_params["k_d"] and override["labels"]["rust"]["fake"] == 0.15
    assert main([*COMMAND, "--study", "s", "--export-best", "params.yaml"]) == 0
    tuned = load_params(project / "params.yaml").gan
    assert tuned.k_d == study.best_params["k_d"] and tuned.lr_g == pytest.approx(study.best_params["lr_g"])
    assert tuned.labels_for("rust").real == pytest.approx(study.best_params["label_real"])


DIVERGING_LR = 1e-3
"""The top of the lr_g range: sampled exactly only when enqueued."""


class DivergingAtTopLr(DCGAN):
    """The real GAN, but its losses turn NaN at lr_g = DIVERGING_LR (the divergence is caught by the real check)."""

    def training_step(self, batch, batch_idx):  # type: ignore[no-untyped-def]
        super().training_step(batch, batch_idx)
        if self.config.lr_g == DIVERGING_LR:
            self.running += float("nan")


def test_a_diverging_trial_fails_with_its_reason_and_the_study_goes_on(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    study = optuna.create_study(study_name="d", storage=open_storage(str(project / JOURNAL_FILE)))
    study.enqueue_trial({"lr_g": DIVERGING_LR})
    monkeypatch.setitem(training.MODULES, "dcgan", DivergingAtTopLr)  # what gan.architecture dcgan trains
    assert main([*COMMAND, "--study", "d", "--trials", "3"]) == 0
    states = [t.state for t in load(project, "d").trials]
    assert states[0] == optuna.trial.TrialState.FAIL and len(states) == 3
    assert optuna.trial.TrialState.FAIL not in states[1:]
    _, trials = trial_runs(project, "d")
    failed = next(r for r in trials if r.data.tags["trial"] == "0")
    assert failed.info.status == "FAILED" and failed.data.tags["state"] == "failed"
    assert failed.data.tags["reason"].startswith("GAN diverged before loop 2")


def test_the_pruner_stops_a_clearly_worse_trial_early(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    study = optuna.create_study(study_name="p", storage=open_storage(str(project / JOURNAL_FILE)))
    for k_d in (1, 1, 2):
        study.enqueue_trial({"k_d": k_d, "lr_g": 5e-4, "label_real": 0.9, "diffaug": "none"})
    real_measure = objective.TrialReporter.measure

    def far_worse_when_kd2(self: objective.TrialReporter, model: DCGAN) -> float:
        value = real_measure(self, model)
        return value + 10.0 if model.config.k_d == 2 else value

    monkeypatch.setattr(objective.TrialReporter, "measure", far_worse_when_kd2)
    assert main([*COMMAND, "--study", "p", "--trials", "3"]) == 0
    trials = load(project, "p").trials
    assert [t.state.name for t in trials] == ["COMPLETE", "COMPLETE", "PRUNED"]
    assert list(trials[2].intermediate_values) == [2], "stopped at its first report, half-way through the budget"
    _, runs = trial_runs(project, "p")
    pruned = next(r for r in runs if r.data.tags["trial"] == "2")
    assert pruned.data.tags["state"] == "pruned" and pruned.data.tags["reason"].startswith("pruned at loop 2")


def test_an_interrupted_study_stays_consistent_and_resumes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def ctrl_c(self: objective.TrialReporter, model: DCGAN) -> float:
        raise KeyboardInterrupt

    with monkeypatch.context() as interrupted:
        interrupted.setattr(objective.TrialReporter, "measure", ctrl_c)
        assert main([*COMMAND, "--study", "i", "--trials", "2"]) == 130
    assert [t.state.name for t in load(project, "i").trials] == ["FAIL"], "marked failed, not left running"
    assert main([*COMMAND, "--study", "i", "--trials", "1"]) == 0
    assert [t.state.name for t in load(project, "i").trials] == ["FAIL", "COMPLETE"]
    _, runs = trial_runs(project, "i")
    assert {r.data.tags["trial"]: r.data.tags["reason"] for r in runs}["0"] == "interrupted"


def workers(project: Path, storage: str | None, count: int, trials: int) -> list[subprocess.CompletedProcess]:
    env = {k: v for k, v in os.environ.items() if k not in ("MLFLOW_TRACKING_URI", "OPTUNA_STORAGE")}
    extra = ["--storage", storage] if storage else []
    started = [subprocess.Popen([sys.executable, "-m", "bsgan", *COMMAND, "--study", "w", "--trials", str(trials),
                                 *extra],
                                cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(count)]
    return [subprocess.CompletedProcess(p.args, p.wait(), *p.communicate()) for p in started]


def check_shared(project: Path, finished: list[subprocess.CompletedProcess], storage: str | None) -> None:
    for done in finished:
        assert done.returncode == 0, done.stderr[-3000:]
        assert "database is locked" not in done.stderr and "LockError" not in done.stderr, done.stderr[-3000:]
    trials = load(project, "w", storage).trials
    assert sorted(t.number for t in trials) == [0, 1], "one trial each, numbered once"
    assert all(t.state.is_finished() and t.state != optuna.trial.TrialState.FAIL for t in trials)
    parents, runs = trial_runs(project, "w")
    assert len(parents) == 1 and sorted(int(r.data.tags["trial"]) for r in runs) == [0, 1]


def test_two_workers_share_a_study_in_the_journal_file(project: Path) -> None:
    check_shared(project, workers(project, None, count=2, trials=1), None)


POSTGRES = os.environ.get("BSGAN_TEST_POSTGRES")
"""A PostgreSQL URL with a database the test may fill (.ci/run starts Debian's postgresql and sets it)."""


@pytest.mark.skipif(not POSTGRES, reason="BSGAN_TEST_POSTGRES is not set (no PostgreSQL server to share a study in)")
def test_two_workers_share_a_study_in_postgresql(project: Path) -> None:
    storage = f"{POSTGRES}"
    with contextlib.suppress(KeyError):
        optuna.delete_study(study_name="w", storage=storage)
    check_shared(project, workers(project, storage, count=2, trials=1), storage)
    assert load(project, "w", storage).user_attrs == {"class": "rust", "source": "original", "metric": "kid",
                                                      "loops": 4}
