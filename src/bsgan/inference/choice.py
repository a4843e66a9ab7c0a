"""Which task's classifier to use when none is named: ``tasks.export``, else the surest macro F1.

"Surest" is the highest lower bound of the macro F1 confidence interval, not the highest mean: a task
whose seeds agree beats one with a slightly higher mean and a wide spread.
"""

from __future__ import annotations

from pathlib import Path

from bsgan.config import TasksConfig
from bsgan.errors import InputDataError
from bsgan.io.json_file import read_json
from bsgan.layout import RESULTS_FILE


def lower_bounds(metrics: Path, results: Path) -> dict[str, float]:
    """``{task: macro F1 interval's lower bound}`` from ``metrics/classify.json``, else from each task's results."""
    if metrics.exists():
        return {task: row["macro_f1_ci_low"] for task, row in read_json(metrics).items()
                if isinstance(row, dict) and row.get("macro_f1_ci_low") is not None}
    if not results.is_dir():
        return {}
    return {folder.name: read_json(folder / RESULTS_FILE)["summary"]["macro_f1"]["ci_low"]
            for folder in sorted(results.iterdir()) if (folder / RESULTS_FILE).exists()}


def choose_task(tasks: TasksConfig, metrics: Path, results: Path) -> str:
    """``tasks.export`` when set, else the task with the highest lower macro F1 bound."""
    if tasks.export is not None:
        return tasks.export
    bounds = {task: low for task, low in lower_bounds(metrics, results).items() if task in tasks.definitions}
    if not bounds:
        raise InputDataError(f"{metrics}: no task scores to choose from (run `dvc repro`, or set tasks.export)")
    return max(sorted(bounds), key=bounds.__getitem__)
