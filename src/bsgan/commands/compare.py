"""``bsgan compare REV ...``: the tasks' macro F1 (or another metric) of several experiments side by side.

A REV is anything DVC resolves: a DVC experiment name (``dvc exp show`` lists them), a branch, tag or
commit, or ``workspace`` for the files as they are now. The numbers come from each revision's
``metrics/classify.json`` (written by ``compare_tasks``), read with ``dvc.api.metrics_show``; the
macro F1 column shows its confidence interval.

With ``--budget`` it draws a budget sweep instead (``bsgan.commands.budget``): the metric of every task
against the real train images per class, over the DVC experiments of the HEAD baseline (or the REVs given).

Example::

    $ bsgan compare workspace HEAD~1 exp-3f2a1
    $ bsgan compare --budget            # after dvc exp run --queue -S data.train_limit.pitting=25,50,100
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from bsgan.commands.budget import compare_budget
from bsgan.errors import InputDataError

METRICS_FILE = "metrics/classify.json"
WORKSPACE = "workspace"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("revs", nargs="*", metavar="REV", help=f"DVC experiment, git revision, or {WORKSPACE!r}")
    parser.add_argument("--metric", default="macro_f1",
                        help="key of metrics/classify.json per task (default: %(default)s)")
    parser.add_argument("--budget", action="store_true",
                        help="the metric against the real train images per class, over the DVC experiments of the "
                             "HEAD baseline (or the REVs given)")
    parser.add_argument("--budget-class", metavar="CLASS",
                        help="--budget: the class whose train count is the budget (default: the one that differs)")
    parser.add_argument("--out", type=Path, default=Path("reports/budget"),
                        help="--budget: folder of budget.{png,md,csv} (default: %(default)s)")
    parser.add_argument("--plots", type=Path, default=Path("plots/budget"),
                        help="--budget: DVC plot data, one CSV per task (default: %(default)s)")


def task_metrics(rev: str) -> dict[str, dict[str, Any]]:
    """``{task: {metric: value}}`` of ``rev``'s metrics/classify.json."""
    import dvc.api
    from dvc.exceptions import DvcException

    try:
        found = dvc.api.metrics_show(METRICS_FILE, rev=None if rev == WORKSPACE else rev)
    except DvcException as exc:
        raise InputDataError(f"{rev!r}: {exc} (a DVC experiment, git revision or {WORKSPACE!r})") from None
    if not found:
        raise InputDataError(f"{rev!r}: no {METRICS_FILE} there (was compare_tasks run in it?)")
    return found


def _cell(values: dict[str, Any] | None, metric: str) -> str:
    if values is None or values.get(metric) is None or math.isnan(values[metric]):
        return "–"
    cell = f"{values[metric]:.3f}"
    low, high = values.get(f"{metric}_ci_low"), values.get(f"{metric}_ci_high")
    return f"{cell} [{low:.3f}, {high:.3f}]" if low is not None and high is not None else cell


def side_by_side(metrics: dict[str, dict[str, dict[str, Any]]], metric: str) -> str:
    """A Markdown table: one row per task (first seen first), one column per revision."""
    tasks = list(dict.fromkeys(task for per_task in metrics.values() for task in per_task))
    if not any(metric in values for per_task in metrics.values() for values in per_task.values()):
        raise InputDataError(f"--metric {metric!r}: not in {METRICS_FILE} (keys: "
                             f"{', '.join(next(iter(next(iter(metrics.values())).values())))})")
    header = f"| task | {' | '.join(metrics)} |\n|---|" + "---|" * len(metrics)
    rows = [f"| {task} | " + " | ".join(_cell(per_task.get(task), metric) for per_task in metrics.values()) + " |"
            for task in tasks]
    return "\n".join([header, *rows])


def run(args: argparse.Namespace) -> None:
    if args.budget:
        table = compare_budget(args.revs, args.budget_class, args.metric, args.out, args.plots)
        print(f"{args.metric} per task (mean over seeds [interval where recorded]) against the real-data budget:\n")
        print(table)
        return
    if not args.revs:
        raise InputDataError("give at least one REV (a DVC experiment, git revision or 'workspace'), or --budget")
    metrics = {rev: task_metrics(rev) for rev in args.revs}
    print(f"{args.metric} per task (mean over seeds [interval where recorded]):\n")
    print(side_by_side(metrics, args.metric))
