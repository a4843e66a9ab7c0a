"""The exported classifier as an MLflow model, registered under one name with the ``champion`` alias.

The ONNX flavour serves the graph as it is (preprocessing included) through ``mlflow models serve``;
the signature is a tensor spec of the raw-pixel input, with an input example of real test images.
Aliases, not the deprecated stages, mark the version to serve: ``models:/bsgan-classifier@champion``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bsgan.errors import BsganError
from bsgan.tracking import git_commit, tracking_uri, use_experiment

log = logging.getLogger(__name__)

EXPERIMENT = "export"
MODEL_NAME = "bsgan-classifier"
ALIAS = "champion"


@dataclass(frozen=True)
class Registered:
    run_id: str
    version: str
    uri: str
    """``models:/<name>@<alias>``."""


@contextmanager
def registered(onnx_file: Path, card: Path, example: np.ndarray, project: Path, tags: dict[str, str],
               name: str = MODEL_NAME, alias: str = ALIAS) -> Iterator[Registered]:
    """Log ``onnx_file`` as an MLflow ONNX model in experiment ``export``, register it and point ``alias`` at it.

    Transactional: if registering, or the caller's block after it, fails, the new version and run are
    deleted and ``alias`` points where it did before. An MLflow or database failure (a full disk,
    say) becomes one :class:`~bsgan.errors.BsganError` line.
    """
    import mlflow
    from mlflow import MlflowClient

    uri = tracking_uri(project)
    client = MlflowClient(uri)
    try:
        use_experiment(EXPERIMENT, project)
        before = _state(client, name, alias)
    except Exception as exc:
        raise BsganError(f"{uri}: cannot open the MLflow registry ({_first_line(exc)}); nothing was exported") from None
    run_id = None
    try:
        with mlflow.start_run(run_name=f"export-{tags.get('task', 'classifier')}", tags=tags) as run:
            run_id = run.info.run_id
            version = _log_model(onnx_file, card, example, name)
        client.set_registered_model_alias(name, alias, version)
        yield Registered(run_id, version, f"models:/{name}@{alias}")
    except BaseException as exc:
        undone = _undo(client, name, alias, before, run_id)
        if isinstance(exc, (BsganError, OSError, KeyboardInterrupt)) or not isinstance(exc, Exception):
            raise
        state = "are as they were" if undone else "may hold a partial version: check the MLflow UI"
        raise BsganError(f"{uri}: registering {name} failed ({_first_line(exc)}); the registry and @{alias} {state}, "
                         f"the previous export is kept") from None


def _log_model(onnx_file: Path, card: Path, example: np.ndarray, name: str) -> str:
    """Log and register the ONNX model in the active run; returns the new version."""
    import mlflow
    import mlflow.onnx
    import onnx
    from mlflow.models import ModelSignature
    from mlflow.types import Schema, TensorSpec

    from bsgan.deploy.onnx_model import INPUT, OUTPUT, onnx_probabilities

    example = example.astype(np.float32)
    n_classes = onnx_probabilities(onnx_file, example).shape[1]
    # batch, height and width free, as in the graph (a signature inferred from the example would fix H and W)
    signature = ModelSignature(Schema([TensorSpec(np.dtype(np.float32), (-1, 3, -1, -1), INPUT)]),
                               Schema([TensorSpec(np.dtype(np.float32), (-1, n_classes), OUTPUT)]))
    logged = mlflow.onnx.log_model(onnx.load(str(onnx_file)), name="classifier", signature=signature,
                                   input_example={INPUT: example}, registered_model_name=name)
    mlflow.log_artifact(str(card))
    return str(logged.registered_model_version)


@dataclass(frozen=True)
class _Before:
    existed: bool
    versions: frozenset[str]
    alias_version: str | None


def _state(client: Any, name: str, alias: str) -> _Before:
    """What the registry holds of ``name`` now: whether it exists, its versions, where ``alias`` points."""
    from mlflow.exceptions import MlflowException

    try:
        model = client.get_registered_model(name)
    except MlflowException:
        return _Before(False, frozenset(), None)
    versions = frozenset(str(v.version) for v in client.search_model_versions(f"name = '{name}'"))
    return _Before(True, versions, model.aliases.get(alias))


def _undo(client: Any, name: str, alias: str, before: _Before, run_id: str | None) -> bool:
    """Put the registry back as ``before`` found it; False when some step of that failed too."""
    try:
        now = _state(client, name, alias)
        if not before.existed and now.existed:
            client.delete_registered_model(name)
        else:
            for version in now.versions - before.versions:
                client.delete_model_version(name, version)
            if before.alias_version is not None and now.alias_version != before.alias_version:
                client.set_registered_model_alias(name, alias, before.alias_version)
        if run_id is not None:
            client.delete_run(run_id)
        return True
    except Exception as exc:  # the registry is failing as a whole (e.g. the disk is full): say so, keep the cause
        log.warning("could not undo the partial registration of %s (%s)", name, _first_line(exc))
        return False


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def run_tags(project: Path, task: str, seeds: list[int]) -> dict[str, str]:
    return {"stage": "export", "task": task, "seeds": ",".join(map(str, seeds)), "dvc_stage": "export",
            "git_commit": git_commit(project)}
