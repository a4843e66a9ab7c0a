"""FastGAN's losses: hinge on the discriminator's logits, L1 on its reconstructions of real images."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class HingeDiscriminatorLoss(nn.Module):
    """``relu(1 - D(real)) + relu(1 + D(fake))``: logits past the margin stop pulling, which keeps a
    discriminator that separates ~100 real images from fakes from pushing its logits without bound."""

    def forward(self, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
        return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()


class HingeGeneratorLoss(nn.Module):
    """``-D(G(z))``: the generator raises the discriminator's logit of its images."""

    def forward(self, fake_logits: torch.Tensor) -> torch.Tensor:
        return -fake_logits.mean()


class ReconstructionLoss(nn.Module):
    """Mean absolute error of the discriminator's decoders against the (augmented) real image they saw.

    The paper uses LPIPS, a perceptual distance that needs pretrained weights; L1 needs none.
    """

    def forward(self, rebuilt: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.l1_loss(rebuilt.float(), target.float())
