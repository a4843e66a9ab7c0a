"""The exported classifier as an MLflow model, registered under one name with the ``champion`` alias.

The ONNX flavour serves the graph as it is (preprocessing included) through ``mlflow models serve``;
the signature is a tensor spec of the raw-pixel input, with an input example of real test images.
Aliases, not the deprecated stages, mark the version to serve: ``models:/bsgan-classifier@champion``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bsgan.tracking import git_commit, tracking_uri, use_experiment

EXPERIMENT = "export"
MODEL_NAME = "bsgan-classifier"
ALIAS = "champion"


@dataclass(frozen=True)
class Registered:
    run_id: str
    version: str
    uri: str
    """``models:/<name>@<alias>``."""


def register(onnx_file: Path, card: Path, example: np.ndarray, project: Path, tags: dict[str, str],
             name: str = MODEL_NAME, alias: str = ALIAS) -> Registered:
    """Log ``onnx_file`` as an MLflow ONNX model in experiment ``export``, register it and point ``alias`` at it."""
    import mlflow
    import mlflow.onnx
    import onnx
    from mlflow.models import ModelSignature
    from mlflow.types import Schema, TensorSpec

    from bsgan.deploy.onnx_model import INPUT, OUTPUT, onnx_probabilities

    use_experiment(EXPERIMENT, project)
    example = example.astype(np.float32)
    n_classes = onnx_probabilities(onnx_file, example).shape[1]
    # batch, height and width free, as in the graph (a signature inferred from the example would fix H and W)
    signature = ModelSignature(Schema([TensorSpec(np.dtype(np.float32), (-1, 3, -1, -1), INPUT)]),
                               Schema([TensorSpec(np.dtype(np.float32), (-1, n_classes), OUTPUT)]))
    with mlflow.start_run(run_name=f"export-{tags.get('task', 'classifier')}", tags=tags) as run:
        logged = mlflow.onnx.log_model(onnx.load(str(onnx_file)), name="classifier", signature=signature,
                                       input_example={INPUT: example}, registered_model_name=name)
        mlflow.log_artifact(str(card))
    version = str(logged.registered_model_version)
    mlflow.MlflowClient(tracking_uri(project)).set_registered_model_alias(name, alias, version)
    return Registered(run.info.run_id, version, f"models:/{name}@{alias}")


def run_tags(project: Path, task: str, seeds: list[int]) -> dict[str, str]:
    return {"stage": "export", "task": task, "seeds": ",".join(map(str, seeds)), "dvc_stage": "export",
            "git_commit": git_commit(project)}
