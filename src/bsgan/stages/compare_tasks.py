"""``bsgan compare-tasks``: the classification tasks side by side (the paper's Tables 8 and 9, and more).

Reads every task's ``models/classify/<task>/results.json`` and writes:

- ``metrics/classify.json`` (DVC metric): per task the macro scores, accuracy and per-class F1 (means
  over seeds), the macro F1 interval and its paired p-value against ``tasks.baseline``, and the paired
  bootstrap over test images (``<metric>_bootstrap_*``: test-set interval, interval of the difference, p);
- ``reports/classify/``: ``tasks.md`` and ``tasks.csv`` (every metric: mean, std, interval, relative
  change, paired t-test and Wilcoxon p), ``macro_f1.png`` (means with intervals), ``f1_per_class.png``
  and one summed confusion matrix per task;
- ``plots/classify/`` (DVC plots): ``macro_f1.csv``, ``f1_per_class.csv`` and ``confusion/<task>.csv``.
"""

from __future__ import annotations

import argparse
import csv
import logging
from pathlib import Path
from typing import Any

import numpy as np

from bsgan.config import load_params
from bsgan.io.atomic import atomic_directory
from bsgan.io.json_file import write_json
from bsgan.metrics.task_figures import confusion_figure, grouped_bars, interval_figure
from bsgan.metrics.task_results import load_results
from bsgan.metrics.task_table import compare_tasks, dvc_metrics, to_csv, to_markdown

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--results", type=Path, default=Path("models/classify"), help="one folder per task")
    parser.add_argument("--out", type=Path, default=Path("reports/classify"), help="tables and pictures")
    parser.add_argument("--plots", type=Path, default=Path("plots/classify"), help="DVC plot data")
    parser.add_argument("--metrics", type=Path, default=Path("metrics/classify.json"),
                        help="per-task scores (DVC metric)")


def summed_confusion(result: dict[str, Any]) -> np.ndarray:
    """The confusion matrices of all repeats added up (rows true, columns predicted)."""
    return np.sum([np.asarray(repeat["scores"]["confusion"]) for repeat in result["repeats"]], axis=0)


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_plot_data(results: dict[str, dict[str, Any]], comparison: dict, classes: list[str], folder: Path) -> None:
    """CSV files for ``dvc plots``: macro F1 with interval, per-class F1, and (true, predicted) pairs."""
    write_csv([{"task": t, "macro_f1": rows["macro_f1"]["mean"], "ci_low": rows["macro_f1"]["ci_low"],
                "ci_high": rows["macro_f1"]["ci_high"]} for t, rows in comparison.items()], folder / "macro_f1.csv")
    write_csv([{"bar": f"{t} / {label}", "task": t, "class": label, "f1": rows[f"f1_{label}"]["mean"]}
               for t, rows in comparison.items() for label in classes], folder / "f1_per_class.csv")
    (folder / "confusion").mkdir()
    for task, result in results.items():
        matrix = summed_confusion(result)
        pairs = [{"actual": classes[i], "predicted": classes[j]}
                 for (i, j), count in np.ndenumerate(matrix) for _ in range(int(count))]
        write_csv(pairs, folder / "confusion" / f"{task}.csv")


def draw(results: dict[str, dict[str, Any]], comparison: dict, classes: list[str], baseline: str, confidence: float,
         folder: Path) -> None:
    macro = {t: (rows["macro_f1"]["mean"], rows["macro_f1"]["ci_low"], rows["macro_f1"]["ci_high"])
             for t, rows in comparison.items()}
    interval_figure(macro, baseline, "macro F1 (test split)",
                    f"Macro F1 per task, mean and {100 * confidence:.0f}% interval over "
                    "seeds").save(folder / "macro_f1.png")
    per_class = {t: {label: rows[f"f1_{label}"]["mean"] for label in classes} for t, rows in comparison.items()}
    grouped_bars(per_class, "F1 (mean over seeds)", "F1 per class and task").save(folder / "f1_per_class.png")
    for task, result in results.items():
        confusion_figure(summed_confusion(result).tolist(), classes,
                         f"{task}: test split, {len(result['repeats'])} seeds "
                         "added").save(folder / f"confusion_{task}.png")


def run(args: argparse.Namespace) -> None:
    params = load_params(args.params)
    tasks = params.tasks
    results, classes = load_results(args.results, tasks)
    comparison = compare_tasks(results, tasks.baseline, params.classify.confidence,
                               params.classify.bootstrap_resamples, params.classify.bootstrap_seed)
    titles = {task: result["title"] for task, result in results.items()}
    table = to_markdown(comparison, titles, classes, params.classify.confidence)
    with atomic_directory(args.out, inputs=[args.results]) as staging:
        (staging / "tasks.md").write_text(table, encoding="utf-8")
        (staging / "tasks.csv").write_text(to_csv(comparison), encoding="utf-8")
        draw(results, comparison, classes, tasks.baseline, params.classify.confidence, staging)
    with atomic_directory(args.plots, inputs=[args.results]) as staging:
        write_plot_data(results, comparison, classes, staging)
    write_json(dvc_metrics(comparison, classes), args.metrics)
    log.info("tasks side by side:\n%s", table)
