"""One plain sentence per task saying what the statistics show against the baseline, and no more.

A change counts as shown only when both the paired t-test over seeds and the paired bootstrap over test
images give p below :data:`~bsgan.metrics.task_table.SIGNIFICANCE`: the verdict takes the wider of the
seed and test-set uncertainty. Otherwise the sentence says the change is within noise, whatever its
size, and names the wider interval so a reader sees how large an effect the runs could have missed.
"""

from __future__ import annotations

import math
from typing import Any

from bsgan.metrics.task_table import SIGNIFICANCE, Comparison, p_text


def _points(value: float) -> str:
    return f"{100 * value:+.1f} points"


def _shown(row: dict[str, Any]) -> bool:
    return row["verdict_p"] is not None and not math.isnan(row["verdict_p"]) and row["verdict_p"] < SIGNIFICANCE


def macro_sentence(title: str, row: dict[str, Any], baseline_row: dict[str, Any], confidence: float) -> str:
    """What happened to macro F1, with the wider of the seed and test-set intervals and both p-values."""
    before, after = baseline_row["mean"], row["mean"]
    head = f"**{title}**: macro F1 {before:.3f} → {after:.3f} ({_points(row['difference'])}"
    if row["n"] < 2 or math.isnan(row["p_value"]):
        return f"{head}); {row['n']} paired seed(s) cannot tell a change from seed noise."
    stats = (f"{100 * confidence:.0f}% CI of the difference {_points(row['verdict_low'])} to "
             f"{_points(row['verdict_high'])} (the wider of seed and test-set noise), paired t-test over "
             f"{row['n']} seeds {p_text(row['p_value'])}, bootstrap over test images {p_text(row['bootstrap_p'])}")
    if not _shown(row):
        return f"{head}; {stats}): not distinguishable from seed and test-set noise."
    direction = "a gain" if row["difference"] > 0 else "a loss"
    return f"{head}; {stats}): {direction} larger than seed and test-set noise."


def class_sentence(row_by_class: dict[str, dict[str, Any]]) -> str:
    """The failure classes whose F1 changed beyond seed noise, or that none did."""
    shown = [f"{label} F1 {_points(row['difference'])} ({p_text(row['verdict_p'])})"
             for label, row in row_by_class.items() if _shown(row)]
    if not shown:
        return "No class's F1 changed beyond seed and test-set noise."
    return "Beyond seed and test-set noise: " + ", ".join(shown) + "."


def verdicts(comparison: Comparison, titles: dict[str, str], classes: list[str], baseline: str,
             confidence: float) -> dict[str, str]:
    """``{task: sentence}`` for every task but the baseline, in the comparison's order."""
    sentences = {}
    for task, rows in comparison.items():
        if task == baseline:
            continue
        macro = macro_sentence(titles[task], rows["macro_f1"], comparison[baseline]["macro_f1"], confidence)
        sentences[task] = f"{macro} {class_sentence({label: rows[f'f1_{label}'] for label in classes})}"
    return sentences


def caveat(comparison: Comparison, classes: list[str]) -> str:
    """How many tests the verdicts rest on, and so how many 'shown' changes chance alone would give."""
    tests = (len(comparison) - 1) * (1 + len(classes))
    return (f"These verdicts rest on {tests} paired comparisons (macro F1 and each class's F1 of "
            f"{len(comparison) - 1} tasks); "
            f"at p < {SIGNIFICANCE} chance alone marks about {tests * SIGNIFICANCE:.1f} of them, so read a single "
            f"borderline result as a lead, not a finding.")
