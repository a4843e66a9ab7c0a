"""Image sets as tensors: what the GAN and the classifier train on."""

from __future__ import annotations

from pathlib import Path

import torch
from torchvision.transforms.v2.functional import pil_to_tensor

from bsgan.data.images import open_rgb
from bsgan.data.prepared import read_image_set
from bsgan.errors import InputDataError


def load_class_bytes(root: Path, label: str, split: str = "train") -> tuple[torch.Tensor, list[str]]:
    """All images of one class and split as ``(N, 3, H, W)`` uint8, with each file's sha256 from the manifest."""
    rows = [(row, path) for row, path in read_image_set(root, split) if row.label == label]
    if not rows:
        raise InputDataError(f"{root}: no {split} images of class {label!r}")
    return torch.stack([pil_to_tensor(open_rgb(path)) for _, path in rows]), [row.sha256 for row, _ in rows]


def load_class_images(root: Path, label: str, split: str = "train") -> torch.Tensor:
    """All images of one class and split of an image set as ``(N, 3, H, W)`` float in [-1, 1]."""
    return load_class_bytes(root, label, split)[0].float() / 127.5 - 1.0


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """[-1, 1] floats back to displayable bytes."""
    return ((images.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
