"""The picture of a scan: the photograph under its heat map, the windows above the threshold outlined."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import colormaps
from PIL import Image, ImageDraw

from bsgan.inference.scan import Scan

ALPHA = 0.55
"""Opacity of the heat map where the score is 1; it fades to clear at 0, so intact surface stays visible."""


def overlay(photo: Image.Image, scan: Scan, threshold: float,
            polygons: Sequence[Sequence[tuple[float, float]]] = ()) -> Image.Image:
    """``photo`` with the failure-score heat map blended in, boxes around windows >= ``threshold``.

    ``polygons`` (labelled defects, photo pixels) are drawn in cyan, for comparing a scan with labels.
    """
    heat = scan.heat_map()
    colours = (colormaps["inferno"](heat)[..., :3] * 255).astype(np.float64)
    alpha = (ALPHA * heat)[..., None]
    base = np.asarray(photo.convert("RGB"), dtype=np.float64)
    picture = Image.fromarray((base * (1 - alpha) + colours * alpha).round().astype(np.uint8))
    draw = ImageDraw.Draw(picture)
    for window in scan.above(threshold):
        draw.rectangle(window["box"], outline=(255, 255, 0), width=2)
    for points in polygons:
        draw.polygon([tuple(p) for p in points], outline=(0, 255, 255), width=2)
    return picture
