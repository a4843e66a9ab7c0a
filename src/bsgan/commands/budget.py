"""``bsgan compare --budget``: a task metric against the real-data budget, over the DVC experiments of a sweep.

The experiments come from DVC (``dvc exp show --json``: the finished experiments of the HEAD baseline,
or the ones named on the command line); each one's numbers from its ``metrics/classify.json`` and
its budget from its ``metrics/prepare.json`` (the train images ``prepare`` actually kept, so a
cap above what a class has is drawn where it really is). Writes ``<out>/budget.{png,md,csv}`` and
the DVC plot data ``plots/budget/<task>.csv`` (``dvc plots show`` draws one line per task).
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bsgan.errors import InputDataError
from bsgan.io.atomic import atomic_directory
from bsgan.metrics.budget_curve import BudgetPoint, budget_csv, budget_figure, budget_table, tasks_of

log = logging.getLogger(__name__)

PREPARE_METRICS = "metrics/prepare.json"
CLASSIFY_METRICS = "metrics/classify.json"
UNFINISHED = {"queued", "running", "failed"}


@dataclass(frozen=True)
class Experiment:
    """One row of ``dvc exp show``: an experiment or its baseline, with the metrics files it holds."""

    name: str
    rev: str
    baseline: bool
    state: str | None
    metrics: dict[str, Any]


def _metrics_of(entry: dict[str, Any]) -> dict[str, Any]:
    files = (entry.get("data") or {}).get("metrics") or {}
    return {path: found["data"] for path, found in files.items() if found.get("data")}


def show_experiments() -> list[Experiment]:
    """The HEAD baseline and its experiments with their metrics, from ``dvc exp show --json``.

    DVC's own listing: one call reads every experiment's metrics from its commit (``dvc.api.metrics_show``
    with a revision also reads the workspace's files and fails where the workspace has none).
    """
    command = [sys.executable, "-m", "dvc", "exp", "show", "--json"]
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise InputDataError(f"dvc exp show: {last}")
    found = []
    for baseline in json.loads(done.stdout):
        if baseline["rev"] == "workspace":
            continue
        found.append(Experiment(baseline.get("name") or baseline["rev"], baseline["rev"], True, None,
                                _metrics_of(baseline)))
        for group in baseline.get("experiments") or []:
            state = (group.get("executor") or {}).get("state")
            for entry in group["revs"]:
                found.append(Experiment(entry.get("name") or entry["rev"], entry["rev"], False, state,
                                        _metrics_of(entry)))
    return found


def select(experiments: list[Experiment], wanted: list[str]) -> list[Experiment]:
    """The named experiments (by name or commit), or every finished experiment of the baseline.

    Not the baseline by default: its tasks and seeds may differ from the sweep's.
    """
    if not wanted:
        return [exp for exp in experiments if not exp.baseline and exp.state not in UNFINISHED
                and {PREPARE_METRICS, CLASSIFY_METRICS} <= set(exp.metrics)]
    chosen = []
    for name in wanted:
        match = next((exp for exp in experiments if name in (exp.name, exp.rev) or exp.rev.startswith(name)), None)
        if match is None:
            raise InputDataError(f"{name!r}: not an experiment of HEAD nor HEAD itself (dvc exp show lists them)")
        for path in (PREPARE_METRICS, CLASSIFY_METRICS):
            if path not in match.metrics:
                raise InputDataError(f"{name!r}: no {path} there (did its pipeline run to compare_tasks?)")
        if match not in chosen:
            chosen.append(match)
    return chosen


def swept_class(counts: dict[str, dict[str, int]], wanted: str | None) -> str:
    """The class whose train count is the budget: ``wanted``, or the first whose count differs between revisions."""
    classes = sorted({label for per_class in counts.values() for label in per_class})
    if wanted is not None:
        if wanted not in classes:
            raise InputDataError(f"--budget-class {wanted!r}: not a class in {PREPARE_METRICS} ({', '.join(classes)})")
        return wanted
    varying = [label for label in classes if len({per_class.get(label) for per_class in counts.values()}) > 1]
    if not varying:
        raise InputDataError(f"the experiments {', '.join(counts)} all have the same train counts: no budget "
                             "differs (queue a sweep: dvc exp run --queue -S data.train_limit.pitting=25,50,100)")
    if len(varying) > 1:
        log.info("train counts of %s all vary; the budget axis is %s's (--budget-class for another)",
                 ", ".join(varying), varying[0])
    return varying[0]


def axis_label(counts: dict[str, dict[str, int]], label: str) -> str:
    """``real pitting train images``; when other classes' counts vary too, say whose count the axis shows."""
    others = [other for other in sorted({c for per_class in counts.values() for c in per_class}) if other != label
              and len({per_class.get(other) for per_class in counts.values()}) > 1]
    return f"real train images per capped class ({label}'s count)" if others else f"real {label} train images"


def budget_points(experiments: list[Experiment], label: str, metric: str) -> list[BudgetPoint]:
    """One point per task and experiment; of experiments with the same budget the first listed is kept."""
    points: list[BudgetPoint] = []
    seen: dict[int, str] = {}
    for exp in experiments:
        budget = exp.metrics[PREPARE_METRICS]["train"][label]
        if budget in seen:
            log.info("%s has the same budget (%d %s) as %s: skipped", exp.name, budget, label, seen[budget])
            continue
        seen[budget] = exp.name
        for task, values in exp.metrics[CLASSIFY_METRICS].items():
            if values.get(metric) is None:
                raise InputDataError(f"--metric {metric!r}: not in {exp.name}'s {CLASSIFY_METRICS} "
                                     f"(keys: {', '.join(values)})")
            points.append(BudgetPoint(exp.name, budget, task, values[metric],
                                      values.get(f"{metric}_ci_low"), values.get(f"{metric}_ci_high")))
    return points


def write_budget(points: list[BudgetPoint], budget_label: str, metric: str, out: Path, plots: Path) -> str:
    """The figure, table and CSV under ``out``, one DVC plot file per task under ``plots``; returns the table."""
    table = budget_table(points, budget_label)
    intervals = "" if any(point.low is not None for point in points) else " (no intervals recorded for it)"
    with atomic_directory(out) as staging:
        figure = budget_figure(points, budget_label, metric, f"{metric} against the real-data budget, "
                               f"mean over seeds and 95% interval{intervals}")
        figure.save(staging / "budget.png")
        (staging / "budget.md").write_text(f"{metric} per task (mean over seeds [interval]) against the "
                                           f"{budget_label}:\n\n{table}\n", encoding="utf-8")
        (staging / "budget.csv").write_text(budget_csv(points, metric), encoding="utf-8")
    with atomic_directory(plots) as staging:
        for task in tasks_of(points):
            (staging / f"{task}.csv").write_text(budget_csv(points, metric, [task]), encoding="utf-8")
    return table


def compare_budget(revs: list[str], wanted: str | None, metric: str, out: Path, plots: Path) -> str:
    """Read the experiments through DVC and write the budget curve; returns the Markdown table."""
    experiments = select(show_experiments(), revs)
    if len(experiments) < 2:
        raise InputDataError("--budget needs at least two finished experiments (found: "
                             f"{', '.join(exp.name for exp in experiments) or 'none'}; dvc exp show lists them)")
    counts = {exp.name: exp.metrics[PREPARE_METRICS]["train"] for exp in experiments}
    label = swept_class(counts, wanted)
    points = budget_points(experiments, label, metric)
    table = write_budget(points, axis_label(counts, label), metric, out, plots)
    log.info("wrote %s/budget.{png,md,csv} and %s/<task>.csv", out, plots)
    return table
