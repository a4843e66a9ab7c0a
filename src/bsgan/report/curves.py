"""A generator's training at a glance: its loss curves beside its FID/KID probes, from the DVC plot files."""

from __future__ import annotations

import csv
from pathlib import Path

from PIL import Image

from bsgan.errors import InputDataError
from bsgan.metrics.figures import _png, plt  # figures selects the off-screen backend first


def read_columns(path: Path) -> dict[str, list[float]]:
    """A numeric CSV as ``{column: values}``; an unreadable file is one clear error naming it."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise InputDataError(f"{path}: not found (run `dvc repro`)") from None
    try:
        return {column: [float(row[column]) for row in rows] for column in (rows[0] if rows else {})}
    except (TypeError, ValueError):
        raise InputDataError(f"{path}: a value is not a number") from None


def training_figure(losses: dict[str, list[float]], probes: dict[str, list[float]], title: str) -> Image.Image:
    """Left: discriminator and generator loss per loop. Right: FID and KID x 1000 of the probes (if any)."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2), dpi=100)
    for column, label in (("d_loss", "discriminator loss"), ("g_loss", "generator loss")):
        if column in losses:
            left.plot(losses["loop"], losses[column], label=label)
    left.set_xlabel("loop")
    left.set_title("losses", fontsize=10)
    left.legend(fontsize=8)
    if probes.get("loop"):
        right.plot(probes["loop"], probes["fid"], marker="o", label="FID")
        right.plot(probes["loop"], probes["kid_x1000"], marker="s", label="KID × 1000")
        right.legend(fontsize=8)
    else:
        right.text(0.5, 0.5, "no probes (gan.eval_every: 0)", ha="center", va="center", transform=right.transAxes)
    right.set_xlabel("loop")
    right.set_title("fidelity probes vs real train images (lower is better)", fontsize=10)
    figure.suptitle(title, fontsize=11)
    return _png(figure)
