"""MLflow conventions shared by every stage: where runs go, and the tags every run carries.

Embedded default: a SQLite store ``mlflow.db`` with artifacts under ``mlruns/`` in the project
folder; ``MLFLOW_TRACKING_URI`` (e.g. a tracking server) takes precedence unchanged.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytorch_lightning.loggers import MLFlowLogger


def tracking_uri(project: Path) -> str:
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{(project / 'mlflow.db').resolve()}"


_READY: set[str] = set()
"""Tracking URIs this process has already opened (their tables exist)."""


def store_lock(project: Path) -> Path:
    """The lock file beside the SQLite store the project's runs go to, wherever ``MLFLOW_TRACKING_URI`` puts it:
    the queued experiments of ``dvc queue start --jobs 2`` run in copies of the project but share one store."""
    uri = tracking_uri(project)
    if uri.startswith("sqlite:///"):
        store = Path(uri.removeprefix("sqlite:///"))
        return store.with_name(f"{store.name}.lock")
    return project / "mlflow.db.lock"


def ready_store(project: Path) -> str:
    """The project's tracking URI, after a first contact under :func:`store_lock`.

    A new SQLite store creates its tables on first contact; two processes doing that together collide
    (``no such column``), so the first contact of each process waits for the others'.
    """
    from mlflow import MlflowClient

    from bsgan.io.lock import exclusive_lock

    uri = tracking_uri(project)
    if uri not in _READY:
        with exclusive_lock(store_lock(project), "opening the MLflow store", wait=True):
            MlflowClient(uri).search_experiments(max_results=1)
        _READY.add(uri)
    return uri


def artifact_location(project: Path) -> str | None:
    """Artifacts beside the SQLite store; a tracking server decides its own."""
    return None if os.environ.get("MLFLOW_TRACKING_URI") else (project / "mlruns").resolve().as_uri()


def git_commit(project: Path) -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True, check=True)
        return done.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def flatten(params: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"gan": {"k_d": 4}}`` -> ``{"gan.k_d": 4}``, the dotted keys of params.yaml."""
    flat: dict[str, Any] = {}
    for key, value in params.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, f"{dotted}."))
        else:
            flat[dotted] = value
    return flat


def mlflow_logger(experiment: str, project: Path, tags: Mapping[str, str], run_name: str,
                  run_id: str | None = None) -> MLFlowLogger:
    """A Lightning MLflow logger; ``run_id`` continues an existing run (a resumed training)."""
    experiment_id(project, experiment)  # created under the lock: Lightning's logger would race other processes
    return MLFlowLogger(
        experiment_name=experiment,
        run_name=run_name,
        tracking_uri=tracking_uri(project),
        artifact_location=artifact_location(project),
        tags={"git_commit": git_commit(project), **tags},
        run_id=run_id,
        log_model=False,
    )


def use_experiment(name: str, project: Path) -> None:
    """Point the ``mlflow`` module at the project's store and experiment ``name`` (created on first use)."""
    import mlflow

    mlflow.set_tracking_uri(tracking_uri(project))
    mlflow.set_experiment(experiment_id=experiment_id(project, name))


def find_runs(project: Path, run_ids: list[str]) -> dict[str, tuple[str, str]]:
    """``{run_id: (experiment_id, artifact_uri)}`` of the runs the project's tracking store has."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient(ready_store(project))
    found = {}
    for run_id in run_ids:
        try:
            run = client.get_run(run_id)
        except MlflowException:
            continue
        found[run_id] = (run.info.experiment_id, run.info.artifact_uri)
    return found


def latest_run_tagged(project: Path, experiment: str, tag: str, value: str) -> str | None:
    """The id of the newest run of ``experiment`` whose ``tag`` is ``value`` (None: no such run)."""
    from mlflow import MlflowClient

    client = MlflowClient(ready_store(project))
    found = client.get_experiment_by_name(experiment)
    if found is None:
        return None
    runs = client.search_runs([found.experiment_id], f"tags.{tag} = '{value}'", order_by=["attributes.start_time DESC"],
                              max_results=1)
    return runs[0].info.run_id if runs else None


def experiment_id(project: Path, name: str) -> str:
    """The id of experiment ``name``, created on first use under :func:`store_lock`: two processes that start
    at once must not both create it."""
    from mlflow import MlflowClient

    from bsgan.io.lock import exclusive_lock

    client = MlflowClient(ready_store(project))
    if found := client.get_experiment_by_name(name):
        return found.experiment_id
    with exclusive_lock(store_lock(project), "creating an MLflow experiment", wait=True):
        found = client.get_experiment_by_name(name)
        return found.experiment_id if found else client.create_experiment(
            name, artifact_location=artifact_location(project))
