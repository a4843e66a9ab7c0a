"""The tasks' ``results.json`` files (written by ``classify``), read together for comparing them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bsgan.config import TasksConfig
from bsgan.errors import InputDataError
from bsgan.io.json_file import read_json
from bsgan.layout import RESULTS_FILE


def load_results(folder: Path, tasks: TasksConfig) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Every task's ``results.json`` (in ``tasks.definitions`` order) and their common classes."""
    results = {}
    for task in tasks.definitions:
        path = folder / task / RESULTS_FILE
        if not path.exists():
            raise InputDataError(f"{path}: not found (run `bsgan classify --task {task}` or `dvc repro`)")
        results[task] = read_json(path)
    classes = results[tasks.baseline]["classes"]
    for task, result in results.items():
        if result["classes"] != classes:
            raise InputDataError(f"{folder / task / RESULTS_FILE}: classes {result['classes']} differ from the "
                                 f"baseline's {classes} (rerun the tasks on the same data)")
    return results, classes
