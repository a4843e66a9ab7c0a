"""Latent vectors: seeded batches and paths between two points. Pure math, no I/O.

A generated image is traced by ``(seed, index)``: row ``index`` of :func:`latent_batch` with that
seed. Between two Gaussian latent points the great-circle path (slerp, White 2016, "Sampling
Generative Networks") keeps the norm typical of the prior; the straight line passes through
low-norm points the generator rarely saw.
"""

from __future__ import annotations

from typing import Literal

import torch

Path = Literal["slerp", "linear"]


def latent_batch(count: int, latent_size: int, seed: int) -> torch.Tensor:
    """``(count, latent_size)`` standard normal vectors; the first rows do not depend on ``count``."""
    return torch.randn(count, latent_size, generator=torch.Generator().manual_seed(seed))


def slerp(start: torch.Tensor, end: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation of two vectors at fractions ``t`` (shape ``(steps,)``) -> ``(steps, d)``."""
    cosine = torch.dot(start / start.norm(), end / end.norm()).clamp(-1.0, 1.0)
    angle = torch.arccos(cosine)
    if angle.abs() < 1e-6:  # (nearly) parallel: the arc is a line
        return linear(start, end, t)
    t = t.unsqueeze(1)
    return (torch.sin((1 - t) * angle) * start + torch.sin(t * angle) * end) / torch.sin(angle)


def linear(start: torch.Tensor, end: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Straight-line interpolation at fractions ``t`` -> ``(steps, d)``."""
    t = t.unsqueeze(1)
    return (1 - t) * start + t * end


def latent_path(start: torch.Tensor, end: torch.Tensor, steps: int, path: Path = "slerp") -> torch.Tensor:
    """``steps`` points from ``start`` to ``end``, both included."""
    t = torch.linspace(0.0, 1.0, steps, dtype=start.dtype)
    return slerp(start, end, t) if path == "slerp" else linear(start, end, t)
