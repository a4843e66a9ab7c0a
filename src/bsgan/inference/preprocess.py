"""The one preprocessing of a classifier's input, as torchvision v2 transforms.

Images of any size arrive as uint8 RGB; they are scaled to [0, 1], resized to the classifier's side
(bilinear, antialiased, in float so the exported ONNX graph can do exactly the same) and normalised
with the mean and std the classifier file records. Prepared crops already have the classifier's size,
so for them the resize changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torchvision.transforms import v2
from torchvision.transforms.v2.functional import pil_to_tensor

from bsgan.data.images import open_rgb


def classifier_transform(image_size: int, normalisation: dict[str, list[float]]) -> v2.Compose:
    """uint8 ``(..., 3, H, W)`` -> float ``(..., 3, image_size, image_size)`` as the network trained on."""
    return v2.Compose([
        v2.ToDtype(torch.float32, scale=True),  # [0, 255] -> [0, 1]
        v2.Resize((image_size, image_size), interpolation=v2.InterpolationMode.BILINEAR, antialias=True),
        v2.Normalize(normalisation["mean"], normalisation["std"]),
    ])


def read_image(path: Path) -> torch.Tensor:
    """``path`` as a ``(3, H, W)`` uint8 tensor; an unreadable file raises an error naming it."""
    return pil_to_tensor(open_rgb(path))
