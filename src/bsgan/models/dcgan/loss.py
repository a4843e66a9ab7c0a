"""GAN losses on discriminator logits, with the per-class label values of the paper."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class DiscriminatorLoss(nn.Module):
    """BCE of real logits against ``real_label`` and fake logits against ``fake_label``.

    ``real_label < 1`` or ``fake_label > 0`` is one-sided label smoothing (the paper's rust GAN:
    0.85 / 0.15). Logits + ``binary_cross_entropy_with_logits`` stays stable under bf16 autocast.
    """

    def __init__(self, real_label: float = 1.0, fake_label: float = 0.0) -> None:
        super().__init__()
        self.real_label, self.fake_label = real_label, fake_label

    def forward(self, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
        real = F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, self.real_label))
        fake = F.binary_cross_entropy_with_logits(fake_logits, torch.full_like(fake_logits, self.fake_label))
        return real + fake


class GeneratorLoss(nn.Module):
    """Non-saturating generator loss: -log D(G(z)), i.e. BCE of fake logits against 1."""

    def forward(self, fake_logits: torch.Tensor) -> torch.Tensor:
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
