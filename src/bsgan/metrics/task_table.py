"""The tasks side by side: every metric's mean and interval, and its change against the baseline task.

Laid out as the paper's Tables 8 (per-class precision, recall, F1; macro averages; accuracy) and 9
(relative change against task 1), each cell with its confidence interval or paired p-value, so a
reader sees at once whether a change is more than seed noise.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from bsgan.metrics.classification import OVERALL, PER_CLASS, metric_names
from bsgan.metrics.statistics import compare_paired

SIGNIFICANCE = 0.05
"""p below this is marked significant (bold) in the tables; a convention, not a verdict."""

Comparison = dict[str, dict[str, dict[str, Any]]]
"""``comparison[task][metric]``: mean, std, ci_low, ci_high, n; against the baseline: difference (mean per-seed
task minus baseline) with its interval difference_low/high, change (relative), p_value, wilcoxon_p."""


def per_seed(result: dict[str, Any], metric: str) -> dict[int, float]:
    return {repeat["seed"]: repeat["scores"][metric] for repeat in result["repeats"]}


def compare_tasks(results: dict[str, dict[str, Any]], baseline: str, confidence: float = 0.95) -> Comparison:
    """Every task's summary with its change and paired tests against ``baseline`` (over the seeds both ran)."""
    classes = results[baseline]["classes"]
    comparison: Comparison = {}
    for task, result in results.items():
        comparison[task] = {}
        for metric in metric_names(classes):
            ours, theirs = per_seed(result, metric), per_seed(results[baseline], metric)
            seeds = sorted(set(ours) & set(theirs))
            paired = compare_paired([ours[s] for s in seeds], [theirs[s] for s in seeds], confidence)
            # results.json holds one repeat's missing interval as null
            row = {key: math.nan if value is None else value for key, value in result["summary"][metric].items()}
            row |= {"difference": paired.difference, "difference_low": paired.difference_low,
                    "difference_high": paired.difference_high, "change": paired.relative_change, "p_value": None if task == baseline else paired.p_value,
                    "wilcoxon_p": None if task == baseline else paired.wilcoxon_p}
            comparison[task][metric] = row
    return comparison


def _columns(classes: list[str]) -> list[tuple[str, str]]:
    """(metric, header) pairs in the paper's order: per class P/R/F1, then macro and accuracy."""
    short = {"precision": "P", "recall": "R", "f1": "F1"}
    columns = [(f"{m}_{label}", f"{label} {short[m]}") for label in classes for m in PER_CLASS]
    return columns + [(m, m.replace("macro_", "macro ").replace("precision", "P").replace("recall", "R").replace("f1", "F1"))
                      for m in OVERALL]


def _number(value: float | None, digits: int = 3) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def p_text(p: float) -> str:
    """``p=0.042``, ``p<0.001``, ``p=–`` (too few seeds)."""
    return "p=–" if math.isnan(p) else "p<0.001" if p < 0.001 else f"p={p:.3f}"


def _interval(row: dict[str, Any]) -> str:
    half = (row["ci_high"] - row["ci_low"]) / 2 if not math.isnan(row["ci_high"]) else math.nan
    return _number(row["mean"]) if math.isnan(half) else f"{row['mean']:.3f} ± {half:.3f}"


def _change(row: dict[str, Any]) -> str:
    if row["p_value"] is None:
        return "baseline"
    change = "–" if math.isnan(row["change"]) else f"{100 * row['change']:+.1f}%"
    cell = f"{change} ({p_text(row['p_value'])})"
    return f"**{cell}**" if row["p_value"] < SIGNIFICANCE else cell


def to_markdown(comparison: Comparison, titles: dict[str, str], classes: list[str], confidence: float) -> str:
    """Both tables; cells are mean ± half-width of the interval, and relative change (paired t-test p)."""
    columns = _columns(classes)
    header = "| task | " + " | ".join(h for _, h in columns) + " |\n|---|" + "---|" * len(columns) + "\n"
    n = next(iter(next(iter(comparison.values())).values()))["n"]
    scores = "".join(f"| {titles[t]} | " + " | ".join(_interval(rows[m]) for m, _ in columns) + " |\n"
                     for t, rows in comparison.items())
    changes = "".join(f"| {titles[t]} | " + " | ".join(_change(rows[m]) for m, _ in columns) + " |\n"
                      for t, rows in comparison.items())
    return (f"### Test scores (mean ± {100 * confidence:.0f}% confidence half-width over {n} seeds)\n\n{header}{scores}\n"
            f"### Change against the baseline (paired t-test over seeds; bold: p < {SIGNIFICANCE})\n\n{header}{changes}")


def to_csv(comparison: Comparison) -> str:
    """One row per task and metric, every statistic a column."""
    buffer = io.StringIO()
    fields = ["task", "metric", "mean", "std", "ci_low", "ci_high", "n", "difference", "difference_low",
              "difference_high", "change", "p_value", "wilcoxon_p"]
    writer = csv.DictWriter(buffer, fields, lineterminator="\n")
    writer.writeheader()
    for task, rows in comparison.items():
        for metric, row in rows.items():
            writer.writerow({"task": task, "metric": metric} | {k: row[k] for k in fields[2:]})
    return buffer.getvalue()


def dvc_metrics(comparison: Comparison, classes: list[str]) -> dict[str, dict[str, float | None]]:
    """What ``dvc metrics show`` lists per task: macro scores, accuracy and per-class F1 (means), with
    the macro F1 interval and its p-value against the baseline."""
    shown = [*OVERALL, *(f"f1_{label}" for label in classes)]

    def clean(value: float | None) -> float | None:
        return None if value is None or math.isnan(value) else round(value, 4)

    return {task: {m: clean(rows[m]["mean"]) for m in shown}
            | {"macro_f1_ci_low": clean(rows["macro_f1"]["ci_low"]), "macro_f1_ci_high": clean(rows["macro_f1"]["ci_high"]),
               "macro_f1_p": clean(rows["macro_f1"]["p_value"])}
            for task, rows in comparison.items()}
