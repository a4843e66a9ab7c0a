"""Builders of tiny generated inputs: textured photos and labelme annotations."""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
from PIL import Image


def textured_photo(width: int, height: int, seed: int) -> Image.Image:
    """A grey metallic-looking texture with stripes: sharp, contrasty, no dark background."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    stripes = 0.5 + 0.25 * np.sin(x / 3.0 + y / 7.0)
    grey = np.clip(stripes + rng.normal(0, 0.08, (height, width)), 0.15, 1.0)
    return Image.fromarray((np.stack([grey] * 3, axis=-1) * 255).astype(np.uint8))


def labelme_json(image_path: str, size: tuple[int, int], shapes: list[tuple[str, list[list[float]]]],
                 image: Image.Image | None = None) -> dict[str, Any]:
    """A labelme 4.5-style annotation; ``image`` is embedded as ``imageData`` when given."""
    data = None
    if image is not None:
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG")
        data = base64.b64encode(buffer.getvalue()).decode()
    return {
        "version": "4.5.6",
        "flags": {},
        "shapes": [
            {"label": label, "points": points, "group_id": None, "shape_type": "polygon", "flags": {}}
            for label, points in shapes
        ],
        "imagePath": image_path,
        "imageData": data,
        "imageWidth": size[0],
        "imageHeight": size[1],
    }


def box_polygon(left: float, top: float, right: float, bottom: float) -> list[list[float]]:
    return [[left, top], [right, top], [right, bottom], [left, bottom]]
