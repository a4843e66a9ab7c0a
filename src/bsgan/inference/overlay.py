"""The picture of a scan: the photograph under its heat map, the windows above the threshold outlined."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import colormaps
from PIL import Image, ImageDraw

from bsgan.inference.scan import Scan

ALPHA = 0.55
"""Opacity of the heat map where the score is 1; it fades to clear at 0, so intact surface stays visible."""
BAND_ROWS = 256
"""Rows blended at once: the colour map of a whole 8000x8000 photo in float64 took several GB."""


def overlay(photo: Image.Image, scan: Scan, threshold: float,
            polygons: Sequence[Sequence[tuple[float, float]]] = ()) -> Image.Image:
    """``photo`` with the failure-score heat map blended in, boxes around windows >= ``threshold``.

    ``polygons`` (labelled defects, photo pixels) are drawn in cyan, for comparing a scan with labels.
    """
    heat = scan.heat_map()
    base = np.asarray(photo.convert("RGB"))
    blended = np.empty_like(base)
    for top in range(0, len(heat), BAND_ROWS):
        band = heat[top:top + BAND_ROWS]
        colours = colormaps["inferno"](band)[..., :3] * 255
        alpha = (ALPHA * band.astype(np.float64))[..., None]
        rows = base[top:top + BAND_ROWS].astype(np.float64)
        blended[top:top + BAND_ROWS] = (rows * (1 - alpha) + colours * alpha).round().astype(np.uint8)
    picture = Image.fromarray(blended)
    draw = ImageDraw.Draw(picture)
    for window in scan.above(threshold):
        draw.rectangle(window["box"], outline=(255, 255, 0), width=2)
    for points in polygons:
        draw.polygon([tuple(p) for p in points], outline=(0, 255, 255), width=2)
    return picture
