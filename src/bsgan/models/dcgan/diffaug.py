"""Differentiable augmentation (Zhao et al., 2020, "Differentiable Augmentation for Data-Efficient
GAN Training"): the same random colour, translation and cutout on real and fake images before the
discriminator, differentiable so the generator learns through it. With ~100 real images a
discriminator otherwise memorises the training set within a few thousand loops.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F


def color(x: torch.Tensor) -> torch.Tensor:
    """Random brightness, saturation and contrast per image."""
    n = x.shape[0]
    x = x + (torch.rand(n, 1, 1, 1, device=x.device, dtype=x.dtype) - 0.5)
    mean = x.mean(dim=1, keepdim=True)
    x = (x - mean) * (torch.rand(n, 1, 1, 1, device=x.device, dtype=x.dtype) * 2) + mean
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    return (x - mean) * (torch.rand(n, 1, 1, 1, device=x.device, dtype=x.dtype) + 0.5) + mean


def translation(x: torch.Tensor, ratio: float = 0.125) -> torch.Tensor:
    """Random shift by up to ``ratio`` of the size, zero-filled."""
    n, _, h, w = x.shape
    sh, sw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dy = torch.randint(-sh, sh + 1, (n, 1, 1), device=x.device)
    dx = torch.randint(-sw, sw + 1, (n, 1, 1), device=x.device)
    rows = torch.arange(h, device=x.device).view(1, h, 1) + dy
    cols = torch.arange(w, device=x.device).view(1, 1, w) + dx
    padded = F.pad(x, (1, 1, 1, 1))
    rows = (rows + 1).clamp(0, h + 1).expand(n, h, w)
    cols = (cols + 1).clamp(0, w + 1).expand(n, h, w)
    batch = torch.arange(n, device=x.device).view(n, 1, 1).expand(n, h, w)
    return padded.permute(0, 2, 3, 1)[batch, rows, cols].permute(0, 3, 1, 2)


def cutout(x: torch.Tensor, ratio: float = 0.5) -> torch.Tensor:
    """Zero a random square of ``ratio`` times the size in each image."""
    n, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    top = torch.randint(0, h - ch + 1, (n, 1, 1), device=x.device)
    left = torch.randint(0, w - cw + 1, (n, 1, 1), device=x.device)
    rows = torch.arange(h, device=x.device).view(1, h, 1)
    cols = torch.arange(w, device=x.device).view(1, 1, w)
    inside = (rows >= top) & (rows < top + ch) & (cols >= left) & (cols < left + cw)
    return x * (~inside).unsqueeze(1).to(x.dtype)


POLICIES = {"color": color, "translation": translation, "cutout": cutout}


def diff_augment(x: torch.Tensor, policy: Sequence[str]) -> torch.Tensor:
    """Apply the named augmentations in order (an empty policy returns ``x``)."""
    for name in policy:
        x = POLICIES[name](x)
    return x


def adaptive_augment(x: torch.Tensor, policy: Sequence[str], p: torch.Tensor) -> torch.Tensor:
    """Apply each named augmentation to each image with probability ``p`` (a 0-d tensor; ADA, Karras et al. 2020).

    ``p`` stays on the device, so adapting it needs no host sync; at ``p = 1`` this is :func:`diff_augment`.
    """
    for name in policy:
        chosen = torch.rand(x.shape[0], 1, 1, 1, device=x.device) < p
        x = torch.where(chosen, POLICIES[name](x), x)
    return x
