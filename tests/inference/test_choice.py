"""Without tasks.export, the task with the highest lower bound of its macro F1 interval is used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bsgan.config import TasksConfig, parse_params
from bsgan.errors import InputDataError, ParamsError
from bsgan.inference.choice import choose_task


def test_the_highest_lower_bound_wins_not_the_highest_mean(tmp_path: Path) -> None:
    metrics = tmp_path / "classify.json"
    metrics.write_text(json.dumps({
        "t1_original": {"macro_f1": 0.80, "macro_f1_ci_low": 0.78},
        "t2_original_gan": {"macro_f1": 0.86, "macro_f1_ci_low": 0.70},  # higher mean, wider spread
        "t4_original_classical": {"macro_f1": 0.83, "macro_f1_ci_low": 0.81},
    }))
    assert choose_task(TasksConfig(), metrics, tmp_path / "none") == "t4_original_classical"
    assert choose_task(TasksConfig(export="t2_original_gan"), metrics, tmp_path / "none") == "t2_original_gan"


def test_without_metrics_the_task_results_are_read(tmp_path: Path) -> None:
    for task, low in (("t1_original", 0.5), ("t3_gan_only", 0.6)):
        (tmp_path / task).mkdir()
        (tmp_path / task / "results.json").write_text(json.dumps({"summary": {"macro_f1": {"ci_low": low}}}))
    assert choose_task(TasksConfig(), tmp_path / "missing.json", tmp_path) == "t3_gan_only"
    with pytest.raises(InputDataError, match="no task scores"):
        choose_task(TasksConfig(), tmp_path / "missing.json", tmp_path / "empty")


def test_tasks_export_must_name_a_task() -> None:
    with pytest.raises(ParamsError, match=r"tasks: export: 't9' is not a task in tasks.definitions"):
        parse_params({"tasks": {"export": "t9"}})
