"""The CNN of the paper's Table 5, parameterised so the paper is one setting.

Shapes below are for the paper's setting (``image_size=96``, ``width=1.0``); the spatial size halves
at each of the three poolings, so any ``image_size`` divisible by 8 works. Pure math: no Lightning,
no I/O. The softmax of the table is left to the loss (``cross_entropy`` takes logits).
"""

from __future__ import annotations

import torch
from torch import nn

PAPER_CHANNELS = (16, 32, 64)
PAPER_DENSE = 64


def _block(c_in: int, c_out: int, kernel: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


class FailureClassifier(nn.Module):
    """RGB image in [-1, 1] -> one logit per class."""

    def __init__(self, n_classes: int, image_size: int = 96, width: float = 1.0) -> None:
        super().__init__()
        if image_size % 8:
            raise ValueError(f"image_size must be a multiple of 8, got {image_size}")
        c1, c2, c3 = (max(1, round(c * width)) for c in PAPER_CHANNELS)
        dense = max(1, round(PAPER_DENSE * width))
        self.features = nn.Sequential(
            _block(3, c1, 5),  # 96x96x3 -> 48x48x16
            _block(c1, c2, 5),  # -> 24x24x32
            _block(c2, c3, 3),  # -> 12x12x64
            nn.Flatten(),  # -> 9216
        )
        self.head = nn.Sequential(
            nn.Linear(c3 * (image_size // 8) ** 2, dense),  # -> 64
            nn.ReLU(inplace=True),
            nn.Linear(dense, n_classes),  # -> n_classes logits
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(images))
