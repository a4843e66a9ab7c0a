"""The tasks side by side: every metric's mean and interval, and its change against the baseline task.

Laid out as the paper's Tables 8 (per-class precision, recall, F1; macro averages; accuracy) and 9
(relative change against task 1), each cell with its confidence interval or paired p-value, so a
reader sees at once whether a change is more than seed noise. A third table sets the seed intervals
beside the test-set intervals of the paired bootstrap over test images (:mod:`bsgan.metrics.bootstrap`);
a change counts only where the wider of the two excludes zero (``verdict_p``: the larger p-value).
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import numpy as np

from bsgan.errors import InputDataError
from bsgan.metrics.bootstrap import paired_bootstrap
from bsgan.metrics.classification import OVERALL, PER_CLASS, metric_names
from bsgan.metrics.statistics import compare_paired

SIGNIFICANCE = 0.05
"""p below this is marked significant (bold) in the tables; a convention, not a verdict."""

Comparison = dict[str, dict[str, dict[str, Any]]]
"""``comparison[task][metric]``: mean, std, ci_low, ci_high, n; against the baseline: difference (mean per-seed
task minus baseline) with its interval difference_low/high, change (relative), p_value, wilcoxon_p; the test-set
bootstrap's bootstrap_low/high, bootstrap_difference_low/high, bootstrap_p; and the verdict's verdict_low/high
(the wider of the two intervals of the difference) and verdict_p (the larger p)."""
BOOTSTRAP_SHOWN = ("macro_f1", "accuracy")
"""Metrics whose seed and test-set intervals the tables and ``dvc metrics`` show side by side."""


def test_predictions(results: dict[str, dict[str, Any]]) -> tuple[np.ndarray, dict[str, dict[int, np.ndarray]]]:
    """The test images' class indices and every task's per-seed predictions, checked to fit one test set."""
    labels = None
    predictions: dict[str, dict[int, np.ndarray]] = {}
    for task, result in results.items():
        if "test_labels" not in result or any("predictions" not in r for r in result["repeats"]):
            raise InputDataError(f"models/classify/{task}/results.json: no per-image test predictions (written before "
                                 f"the bootstrap existed; rerun `bsgan classify --task {task} --restart`)")
        ours = np.asarray(result["test_labels"], dtype=np.int64)
        if labels is not None and not np.array_equal(ours, labels):
            raise InputDataError(f"models/classify/{task}/results.json: test set differs from the other tasks' "
                                 f"(rerun the tasks on the same data)")
        labels = ours
        predictions[task] = {r["seed"]: np.asarray(r["predictions"], dtype=np.int64) for r in result["repeats"]}
    assert labels is not None
    return labels, predictions


def _wider(seed: tuple[float, float], test: tuple[float | None, float | None]) -> tuple[float, float]:
    if test[0] is None or test[1] is None or math.isnan(seed[0]):
        return seed if test[0] is None else (test[0], test[1])  # type: ignore[return-value]
    return seed if seed[1] - seed[0] >= test[1] - test[0] else (test[0], test[1])


def per_seed(result: dict[str, Any], metric: str) -> dict[int, float]:
    return {repeat["seed"]: repeat["scores"][metric] for repeat in result["repeats"]}


def compare_tasks(results: dict[str, dict[str, Any]], baseline: str, confidence: float = 0.95,
                  resamples: int = 2000, seed: int = 0) -> Comparison:
    """Every task's summary with its change and paired tests against ``baseline`` (over the seeds both ran), and
    the paired bootstrap over test images (``resamples`` resamples drawn from ``seed``)."""
    classes = results[baseline]["classes"]
    labels, predictions = test_predictions(results)
    boot = paired_bootstrap(predictions, labels, classes, baseline, resamples, seed, confidence)
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
                    "difference_high": paired.difference_high, "change": paired.relative_change,
                    "p_value": None if task == baseline else paired.p_value,
                    "wilcoxon_p": None if task == baseline else paired.wilcoxon_p}
            test = boot[task][metric]
            row |= {"bootstrap_low": test.low, "bootstrap_high": test.high,
                    "bootstrap_difference_low": test.difference_low, "bootstrap_difference_high": test.difference_high,
                    "bootstrap_p": test.p_value,
                    "bootstrap_resamples": test.resamples}
            seed_p = row["p_value"] if row["p_value"] is not None and not math.isnan(row["p_value"]) else 1.0
            verdict = _wider((paired.difference_low, paired.difference_high),
                             (test.difference_low, test.difference_high))
            row |= {"verdict_low": verdict[0], "verdict_high": verdict[1],
                    "verdict_p": (None if task == baseline
                                  else max(seed_p, 1.0 if test.p_value is None else test.p_value))}
            comparison[task][metric] = row
    return comparison


def _columns(classes: list[str]) -> list[tuple[str, str]]:
    """(metric, header) pairs in the paper's order: per class P/R/F1, then macro and accuracy."""
    short = {"precision": "P", "recall": "R", "f1": "F1"}
    columns = [(f"{m}_{label}", f"{label} {short[m]}") for label in classes for m in PER_CLASS]
    return columns + [(m, m.replace("macro_", "macro ").replace("precision", "P").replace("recall", "R")
                          .replace("f1", "F1"))
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
    change = "–" if math.isnan(row["difference"]) else f"{100 * row['difference']:+.1f} points"
    cell = f"{change} ({p_text(row['p_value'])})"
    return f"**{cell}**" if row["p_value"] < SIGNIFICANCE else cell


def to_markdown(comparison: Comparison, titles: dict[str, str], classes: list[str], confidence: float) -> str:
    """Both tables; cells are mean ± half-width of the interval, and the change in points (paired t-test p), the
    unit of the verdicts (the relative change stays in the metrics as ``change``)."""
    columns = _columns(classes)
    header = "| task | " + " | ".join(h for _, h in columns) + " |\n|---|" + "---|" * len(columns) + "\n"
    n = next(iter(next(iter(comparison.values())).values()))["n"]
    scores = "".join(f"| {titles[t]} | " + " | ".join(_interval(rows[m]) for m, _ in columns) + " |\n"
                     for t, rows in comparison.items())
    changes = "".join(f"| {titles[t]} | " + " | ".join(_change(rows[m]) for m, _ in columns) + " |\n"
                      for t, rows in comparison.items())
    return (f"### Test scores (mean ± {100 * confidence:.0f}% confidence half-width over {n} seeds)\n\n"
            f"{header}{scores}\n"
            f"### Change against the baseline (paired t-test over seeds; bold: p < {SIGNIFICANCE})\n\n"
            f"{header}{changes}\n"
            + uncertainty_markdown(comparison, titles, confidence))


def _span(low: float | None, high: float | None) -> str:
    return "–" if low is None or high is None or math.isnan(low) else f"[{low:+.3f}, {high:+.3f}]"


def _p(p: float | None) -> str:
    return "–" if p is None else p_text(p).removeprefix("p")


def uncertainty_markdown(comparison: Comparison, titles: dict[str, str], confidence: float) -> str:
    """Seed and test-set intervals side by side for :data:`BOOTSTRAP_SHOWN`; the verdict takes the wider."""
    level = f"{100 * confidence:.0f}%"
    resamples = next(iter(next(iter(comparison.values())).values()))["bootstrap_resamples"]
    header = (f"| task | metric | mean | seed {level} CI | test-set {level} CI | difference | seed CI of difference, p "
              f"| test-set CI of difference, p | verdict |\n|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for task, rows in comparison.items():
        for metric in BOOTSTRAP_SHOWN:
            row = rows[metric]
            seed_ci = "–" if math.isnan(row["ci_low"]) else f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]"
            test_ci = f"[{row['bootstrap_low']:.3f}, {row['bootstrap_high']:.3f}]"
            if row["verdict_p"] is None:
                lines.append(f"| {titles[task]} | {metric} | {row['mean']:.3f} | {seed_ci} | {test_ci} "
                             "| baseline | | | |")
                continue
            shown = row["verdict_p"] < SIGNIFICANCE
            verdict = ("**gain**" if row["difference"] > 0 else "**loss**") if shown else "within noise"
            lines.append(f"| {titles[task]} | {metric} | {row['mean']:.3f} | {seed_ci} | {test_ci} "
                         f"| {row['difference']:+.3f} "
                         f"| {_span(row['difference_low'], row['difference_high'])}, p{_p(row['p_value'])} "
                         f"| {_span(row['bootstrap_difference_low'], row['bootstrap_difference_high'])}, "
                         f"p{_p(row['bootstrap_p'])} | {verdict} |")
    return (f"### Seed noise and test-set noise (paired bootstrap over test images, {resamples} resamples; the verdict "
            f"takes the wider interval and the larger p)\n\n{header}" + "\n".join(lines) + "\n")


def to_csv(comparison: Comparison) -> str:
    """One row per task and metric, every statistic a column."""
    buffer = io.StringIO()
    fields = ["task", "metric", "mean", "std", "ci_low", "ci_high", "n", "difference", "difference_low",
              "difference_high", "change", "p_value", "wilcoxon_p", "bootstrap_low", "bootstrap_high",
              "bootstrap_difference_low", "bootstrap_difference_high", "bootstrap_p", "bootstrap_resamples",
              "verdict_low", "verdict_high", "verdict_p"]
    writer = csv.DictWriter(buffer, fields, lineterminator="\n")
    writer.writeheader()
    for task, rows in comparison.items():
        for metric, row in rows.items():
            writer.writerow({"task": task, "metric": metric} | {k: row[k] for k in fields[2:]})
    return buffer.getvalue()


def dvc_metrics(comparison: Comparison, classes: list[str]) -> dict[str, dict[str, float | None]]:
    """What ``dvc metrics show`` lists per task: macro scores, accuracy and per-class F1 (means), with
    the macro F1 interval and its p-value against the baseline, and for macro F1 and accuracy the test-set
    bootstrap's interval, interval of the difference and p-value (``<metric>_bootstrap_*``)."""
    shown = [*OVERALL, *(f"f1_{label}" for label in classes)]

    def clean(value: float | None) -> float | None:
        return None if value is None or math.isnan(value) else round(value, 4)

    def bootstrap(rows: dict[str, dict[str, Any]]) -> dict[str, float | None]:
        return {f"{m}_bootstrap_{key}": clean(rows[m][f"bootstrap_{key}"]) for m in BOOTSTRAP_SHOWN
                for key in ("low", "high", "difference_low", "difference_high", "p")}

    return {task: {m: clean(rows[m]["mean"]) for m in shown}
            | {"macro_f1_ci_low": clean(rows["macro_f1"]["ci_low"]),
               "macro_f1_ci_high": clean(rows["macro_f1"]["ci_high"]),
               "macro_f1_p": clean(rows["macro_f1"]["p_value"])} | bootstrap(rows)
            | {"macro_f1_verdict_p": clean(rows["macro_f1"]["verdict_p"])}
            for task, rows in comparison.items()}
