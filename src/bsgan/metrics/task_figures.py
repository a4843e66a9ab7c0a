"""Figures of the classification tasks as PNG images: confusion matrices, intervals per task, grouped bars."""

from __future__ import annotations

import numpy as np
from PIL import Image

from bsgan.metrics.figures import _png, plt  # figures selects the off-screen backend first


def confusion_figure(matrix: list[list[int]], classes: list[str], title: str) -> Image.Image:
    """A confusion matrix with counts in the cells; rows are the true class, columns the prediction."""
    counts = np.asarray(matrix)
    figure, axes = plt.subplots(figsize=(1.2 * len(classes) + 2, 1.2 * len(classes) + 1.2), dpi=100)
    axes.imshow(counts, cmap="Blues")
    for (row, column), value in np.ndenumerate(counts):
        colour = "white" if value > counts.max() / 2 else "black"
        axes.text(column, row, str(value), ha="center", va="center", color=colour, fontsize=10)
    axes.set_xticks(range(len(classes)), classes, rotation=30, ha="right")
    axes.set_yticks(range(len(classes)), classes)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title(title, fontsize=10)
    return _png(figure)


def interval_figure(values: dict[str, tuple[float, float, float]], baseline: str, ylabel: str,
                    title: str) -> Image.Image:
    """Means with their confidence intervals, one point per task; the baseline's mean as a dashed line."""
    figure, axes = plt.subplots(figsize=(1.1 * len(values) + 2.5, 4), dpi=100)
    names = list(values)
    means = np.array([values[n][0] for n in names])
    lows = np.array([values[n][1] for n in names])
    highs = np.array([values[n][2] for n in names])
    errors = np.nan_to_num(np.vstack([means - lows, highs - means]))
    axes.errorbar(range(len(names)), means, yerr=errors, fmt="o", capsize=5, color="tab:blue")
    axes.axhline(values[baseline][0], color="grey", linestyle="--", linewidth=1, label=f"{baseline} mean")
    axes.set_xticks(range(len(names)), names, rotation=25, ha="right", fontsize=8)
    axes.set_ylabel(ylabel)
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=8)
    return _png(figure)


def grouped_bars(values: dict[str, dict[str, float]], ylabel: str, title: str) -> Image.Image:
    """``values[group][bar]`` as bars grouped by ``group`` (e.g. per-class F1 grouped by task)."""
    groups = list(values)
    bars = list(next(iter(values.values())))
    width = 0.8 / len(bars)
    figure, axes = plt.subplots(figsize=(1.1 * len(groups) + 2.5, 4), dpi=100)
    for i, bar in enumerate(bars):
        axes.bar(np.arange(len(groups)) + (i - (len(bars) - 1) / 2) * width, [values[g][bar] for g in groups],
                 width, label=bar)
    axes.set_xticks(range(len(groups)), groups, rotation=25, ha="right", fontsize=8)
    axes.set_ylabel(ylabel)
    axes.set_ylim(0, 1.15)  # headroom: the legend sits above the bars, never on them
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=8, ncols=len(bars), loc="upper center")
    return _png(figure)
