"""A task metric against the real-data budget: the table, the DVC plot rows and the figure of a sweep.

One point is one experiment (a ``data.train_limit``) and one task: the mean over seeds with its
interval, at the number of real train images the experiment's ``prepare`` actually kept.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from bsgan.metrics.figures import _png, plt  # figures selects the off-screen backend first


@dataclass(frozen=True)
class BudgetPoint:
    """One task's metric in one experiment of a budget sweep."""

    experiment: str
    budget: int
    """Real train images of the swept class that ``prepare`` kept (from ``metrics/prepare.json``)."""
    task: str
    mean: float
    low: float | None = None
    high: float | None = None


def _cell(point: BudgetPoint | None) -> str:
    if point is None or math.isnan(point.mean):
        return "–"
    if point.low is None or point.high is None:
        return f"{point.mean:.3f}"
    return f"{point.mean:.3f} [{point.low:.3f}, {point.high:.3f}]"


def tasks_of(points: list[BudgetPoint]) -> list[str]:
    return list(dict.fromkeys(point.task for point in points))


def budget_table(points: list[BudgetPoint], budget_label: str) -> str:
    """Markdown: one row per budget (smallest first), one column per task, mean [interval]."""
    tasks = tasks_of(points)
    by_key = {(point.budget, point.task): point for point in points}
    rows = sorted({(point.budget, point.experiment) for point in points})
    lines = [f"| {budget_label} | experiment | {' | '.join(tasks)} |", "|---|---|" + "---|" * len(tasks)]
    for budget, experiment in rows:
        cells = " | ".join(_cell(by_key.get((budget, task))) for task in tasks)
        lines.append(f"| {budget} | {experiment} | {cells} |")
    return "\n".join(lines)


def budget_csv(points: list[BudgetPoint], metric: str, tasks: list[str] | None = None) -> str:
    """Long format, one row per point: ``budget,task,experiment,<metric>,ci_low,ci_high`` (empty where absent)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["budget", "task", "experiment", metric, "ci_low", "ci_high"])
    for point in sorted(points, key=lambda p: (p.task, p.budget)):
        if tasks is None or point.task in tasks:
            writer.writerow([point.budget, point.task, point.experiment, point.mean,
                             "" if point.low is None else point.low, "" if point.high is None else point.high])
    return buffer.getvalue()


def budget_figure(points: list[BudgetPoint], budget_label: str, ylabel: str, title: str) -> Image.Image:
    """One line per task through its means, with each point's interval as an error bar (log budget axis)."""
    tasks = tasks_of(points)
    budgets = sorted({point.budget for point in points})
    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=100)
    spread = 0.015 * (len(tasks) - 1)  # nudge the tasks apart on the log axis so their bars do not overlap
    for i, task in enumerate(tasks):
        line = sorted((p for p in points if p.task == task), key=lambda p: p.budget)
        shift = 10 ** (spread * (i / max(len(tasks) - 1, 1) - 0.5)) if len(tasks) > 1 else 1.0
        x = np.array([p.budget for p in line], dtype=float) * shift
        means = np.array([p.mean for p in line])
        lows = np.array([p.mean if p.low is None else p.low for p in line])
        highs = np.array([p.mean if p.high is None else p.high for p in line])
        errors = np.nan_to_num(np.vstack([means - lows, highs - means]))
        axes.errorbar(x, means, yerr=errors, marker="o", capsize=4, linewidth=1.5, label=task)
    axes.set_xscale("log")
    axes.set_xticks(budgets, [str(b) for b in budgets])
    axes.minorticks_off()
    axes.set_xlabel(budget_label)
    axes.set_ylabel(ylabel)
    axes.set_title(title, fontsize=10)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, loc="best")
    return _png(figure)
