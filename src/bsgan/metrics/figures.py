"""Figures of the evaluation as PNG images (matplotlib, off screen): t-SNE maps and distance histograms."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # files only, never a window

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from PIL import Image


def _png(figure: Figure) -> Image.Image:
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return Image.open(buffer)


def tsne_figure(points: dict[str, np.ndarray], title: str) -> Image.Image:
    """A scatter plot of :func:`~bsgan.metrics.embedding.tsne_map`'s groups, one colour each."""
    figure, axes = plt.subplots(figsize=(5, 5), dpi=100)
    for name, xy in points.items():
        axes.scatter(xy[:, 0], xy[:, 1], s=10, alpha=0.7, label=f"{name} ({len(xy)})")
    axes.set_title(title, fontsize=10)
    axes.set_xticks([])
    axes.set_yticks([])
    axes.legend(loc="best", fontsize=8)
    return _png(figure)


def distance_figure(distances: dict[str, np.ndarray], threshold: float, title: str) -> Image.Image:
    """Histograms (as densities, so sets of different sizes compare) of nearest-train distances.

    ``threshold`` is drawn as the near-copy line: a memorising generator piles up left of it.
    """
    figure, axes = plt.subplots(figsize=(6, 3.5), dpi=100)
    bins = np.histogram_bin_edges(np.concatenate(list(distances.values())), bins=30)
    for name, values in distances.items():
        axes.hist(values, bins=bins, density=True, alpha=0.55, label=f"{name} ({len(values)})")
    axes.axvline(threshold, color="black", linestyle="--", linewidth=1, label="near-copy line")
    axes.set_xlabel("distance to the nearest real train image (Inception features)")
    axes.set_ylabel("density")
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=8)
    return _png(figure)
