"""The unit every data source yields: one square RGB image with its label and provenance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PIL import Image

Split = Literal["train", "test"]
Box = tuple[int, int, int, int]
"""A crop box in source-image pixels: (left, top, right, bottom), right/bottom exclusive."""


@dataclass(frozen=True)
class Sample:
    """One prepared image before it is written to disk.

    Attributes:
        image: RGB image, already resized to the configured square size.
        label: Normalised class name (lower case), e.g. ``"pitting"``.
        source: Identifier of the photograph (or generated scene) the image came from. Samples
            sharing a ``source`` always land in the same split, so a photo never leaks from train
            into test.
        box: Crop box in the source image, or ``None`` when the whole image was used.
        split: ``"train"``/``"test"`` when the source already decides it (pre-split folders,
            the synthetic generator), else ``None`` and the prepare stage assigns one by group.
        group: The unit the split keeps whole (``data.group_by``, e.g. one spindle position photographed
            again and again); ``None`` until the prepare stage sets it (then ``source`` by default).
    """

    image: Image.Image
    label: str
    source: str
    box: Box | None = None
    split: Split | None = None
    group: str | None = None
