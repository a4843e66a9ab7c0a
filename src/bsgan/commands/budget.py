"""``bsgan compare --budget``: a task metric against the real-data budget, over the DVC experiments of a sweep.

The experiments come from DVC (``dvc.api.exp_show``: the finished experiments of the HEAD baseline,
or the revisions named on the command line); each one's numbers from its ``metrics/classify.json``
and its budget from its ``metrics/prepare.json`` (the train images ``prepare`` actually kept, so a
cap above what a class has is drawn where it really is). Writes ``<out>/budget.{png,md,csv}`` and
the DVC plot data ``plots/budget/<task>.csv`` (``dvc plots show`` draws one line per task).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from bsgan.errors import InputDataError
from bsgan.io.atomic import atomic_directory
from bsgan.metrics.budget_curve import BudgetPoint, budget_csv, budget_figure, budget_table, tasks_of

log = logging.getLogger(__name__)

PREPARE_METRICS = "metrics/prepare.json"
CLASSIFY_METRICS = "metrics/classify.json"
UNFINISHED = {"Queued", "Running", "Failed"}


def sweep_experiments() -> list[str]:
    """The finished DVC experiments of the HEAD baseline (not the baseline itself: its tasks and seeds may differ)."""
    import dvc.api

    return [row["Experiment"] for row in dvc.api.exp_show()
            if row["typ"] != "baseline" and row["Experiment"] and row.get("State") not in UNFINISHED]


def _metrics(target: str, rev: str) -> dict[str, Any]:
    import dvc.api
    from dvc.exceptions import DvcException

    try:
        found = dvc.api.metrics_show(target, rev=rev)
    except DvcException as exc:
        raise InputDataError(f"{rev!r}: {exc}") from None
    if not found:
        raise InputDataError(f"{rev!r}: no {target} there (did its pipeline run to compare_tasks?)")
    return found


def train_counts(revs: list[str]) -> dict[str, dict[str, int]]:
    """``{rev: {class: real train images}}`` from each revision's prepare counts."""
    return {rev: _metrics(PREPARE_METRICS, rev)["train"] for rev in revs}


def with_results(revs: list[str]) -> list[str]:
    """The revisions that hold both metrics files (an experiment that stopped early has none)."""
    kept = []
    for rev in revs:
        try:
            _metrics(PREPARE_METRICS, rev), _metrics(CLASSIFY_METRICS, rev)
        except InputDataError as exc:
            log.info("skipped %s", exc)
            continue
        kept.append(rev)
    return kept


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


def budget_points(revs: list[str], label: str, counts: dict[str, dict[str, int]], metric: str) -> list[BudgetPoint]:
    """One point per task and revision; of revisions with the same budget the first listed is kept."""
    points: list[BudgetPoint] = []
    seen: dict[int, str] = {}
    for rev in revs:
        budget = counts[rev][label]
        if budget in seen:
            log.info("%s has the same budget (%d %s) as %s: skipped", rev, budget, label, seen[budget])
            continue
        seen[budget] = rev
        for task, values in _metrics(CLASSIFY_METRICS, rev).items():
            if values.get(metric) is None:
                raise InputDataError(f"--metric {metric!r}: not in {rev}'s {CLASSIFY_METRICS} "
                                     f"(keys: {', '.join(values)})")
            points.append(BudgetPoint(rev, budget, task, values[metric],
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
    revs = revs or with_results(sweep_experiments())
    if len(revs) < 2:
        raise InputDataError(f"--budget needs at least two finished experiments (found: {', '.join(revs) or 'none'})")
    counts = train_counts(revs)
    label = swept_class(counts, wanted)
    points = budget_points(revs, label, counts, metric)
    table = write_budget(points, axis_label(counts, label), metric, out, plots)
    log.info("wrote %s/budget.{png,md,csv} and %s/<task>.csv", out, plots)
    return table
