"""A tiny project through prepare, classify (two tasks, two seeds) and compare-tasks: trained classifiers to use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bsgan.cli import main
from tests.conftest import TINY_SYNTHETIC

TASKS = {
    "t1_original": {"title": "1 original", "parts": [{"source": "real", "count": "all"}]},
    "t4_original_classical": {"title": "4 original + classical",
                              "parts": [{"source": "real", "count": "all"}, {"source": "augment", "count": "fill"}]},
}
PARAMS = {
    "data": TINY_SYNTHETIC,
    "augment": {"target_per_class": 12},
    "tasks": {"target_per_class": 12, "definitions": TASKS},
    "classify": {"epochs": 2, "repeats": 2, "val_fraction": 0.2, "width": 0.5, "device": "cpu"},
}


def classified_project(root: Path) -> Path:
    """Run prepare, classify of both tasks and compare-tasks in ``root`` (MLflow in ``root/mlflow.db``)."""
    (root / "params.yaml").write_text(json.dumps(PARAMS))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / 'mlflow.db'}")
        for command in (["prepare"], *(["classify", "--task", task] for task in TASKS), ["compare-tasks"]):
            assert main(command) == 0, command
    return root
