"""A sliding window over a whole photograph at the scale of the prepared crops.

The classifier learnt from crops cut ``crop_side`` photo pixels wide (the median of its train crops).
A scan cuts windows of that side every ``stride`` pixels, classifies them all with the ensemble, and
scores each window by its failure probability ``1 - P(intact)``. The heat map of a pixel is the mean
score of the windows that cover it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from bsgan.errors import InputDataError
from bsgan.inference.ensemble import Ensemble

Box = tuple[int, int, int, int]
CHUNK = 512
"""Windows classified at once: an 8000x8000 photo has ~70,000 windows, which stacked and resized together took
8.7 GB; chunks keep the peak to a few hundred MB, whatever the photo's size."""


def _starts(length: int, side: int, stride: int) -> list[int]:
    """Window origins along one axis; the last window ends at the edge so every pixel is covered."""
    starts = list(range(0, length - side + 1, stride))
    return starts if starts[-1] == length - side else [*starts, length - side]


def window_boxes(width: int, height: int, side: int, stride: int) -> list[Box]:
    """``(left, top, right, bottom)`` of every window, row by row."""
    return [(left, top, left + side, top + side) for top in _starts(height, side, stride)
            for left in _starts(width, side, stride)]


@dataclass(frozen=True)
class Scan:
    """Every window of one photograph with its class probabilities and failure score."""

    boxes: list[Box]
    probabilities: np.ndarray
    """``(windows, classes)``."""
    scores: np.ndarray
    """``(windows,)``: ``1 - P(intact)``, or the top probability where the classifier has no intact class."""
    classes: list[str]
    size: tuple[int, int]
    """The photograph's (width, height)."""
    intact: int | None
    """Index of the intact class in ``classes`` (None: every class is a failure)."""

    def heat_map(self) -> np.ndarray:
        """``(height, width)`` mean score of the windows covering each pixel."""
        width, height = self.size
        total, count = np.zeros((height, width), np.float32), np.zeros((height, width), np.float32)
        for (left, top, right, bottom), score in zip(self.boxes, self.scores, strict=True):
            total[top:bottom, left:right] += score
            count[top:bottom, left:right] += 1
        return total / np.maximum(count, 1)

    def window(self, index: int) -> dict:
        """Window ``index``: its box, most likely failure class, score and every class's probability."""
        probabilities = self.probabilities[index]
        failures = [i for i in range(len(self.classes)) if i != self.intact]
        best = max(failures, key=lambda i: probabilities[i])
        return {"box": list(self.boxes[index]), "class": self.classes[best],
                "score": round(float(self.scores[index]), 6),
                "probabilities": {c: round(float(p), 6) for c, p in zip(self.classes, probabilities, strict=True)}}

    def above(self, threshold: float) -> list[dict]:
        """The windows whose score reaches ``threshold`` (:meth:`window`), row by row."""
        return [self.window(i) for i in np.flatnonzero(self.scores >= threshold)]


def scan_photo(ensemble: Ensemble, photo: torch.Tensor, side: int, stride: int, origin: str) -> Scan:
    """Classify every ``side``-pixel window of a ``(3, H, W)`` uint8 photo, ``stride`` pixels apart."""
    height, width = photo.shape[-2:]
    if side > min(width, height):
        raise InputDataError(f"{origin}: photo {width}x{height} is smaller than the {side}-pixel scan window")
    boxes = window_boxes(width, height, side, stride)
    probabilities = np.concatenate([
        ensemble.probabilities(torch.stack([photo[:, top:bottom, left:right]
                                            for left, top, right, bottom in boxes[start:start + CHUNK]])).numpy()
        for start in range(0, len(boxes), CHUNK)])
    classes = ensemble.info.classes
    intact = classes.index(ensemble.info.intact_class) if ensemble.info.intact_class in classes else None
    scores = 1.0 - probabilities[:, intact] if intact is not None else probabilities.max(1)
    return Scan(boxes, probabilities, scores, classes, (width, height), intact)
