"""Latent interpolation strips (the paper's Figure 9): walking the latent space vs blending pixels.

A generator that learnt the class varies smoothly and stays plausible along a latent path; blending
the two end images instead gives double exposures. Each pair is two rows: the latent walk on top,
the pixel blend of its two end images below.
"""

from __future__ import annotations

import torch
from PIL import Image, ImageDraw
from torch import nn
from torchvision.transforms.v2.functional import to_pil_image
from torchvision.utils import make_grid

from bsgan.data.tensors import to_uint8
from bsgan.models.dcgan.latent import Path, latent_path

LABEL_PX = 48
MIN_CELL_PX = 64
"""Small images are enlarged (nearest neighbour) so the figure stays readable."""


@torch.no_grad()
def interpolation_rows(generator: nn.Module, starts: torch.Tensor, ends: torch.Tensor, steps: int,
                       path: Path = "slerp") -> torch.Tensor:
    """``(2 * pairs * steps, 3, H, W)`` images in [-1, 1]: per pair the latent walk, then the pixel blend."""
    device = next(generator.parameters()).device
    rows = []
    fractions = torch.linspace(0.0, 1.0, steps, device=device).view(steps, 1, 1, 1)
    for start, end in zip(starts, ends, strict=True):
        walk = generator(latent_path(start, end, steps, path).to(device))
        blend = (1 - fractions) * walk[0] + fractions * walk[-1]
        rows += [walk, blend]
    return torch.cat(rows).cpu()


def interpolation_figure(rows: torch.Tensor, steps: int) -> Image.Image:
    """Lay out :func:`interpolation_rows` with a ``latent`` / ``pixels`` label left of each row."""
    images = to_uint8(rows.float())
    scale = max(1, MIN_CELL_PX // images.shape[-1])
    if scale > 1:
        images = images.repeat_interleave(scale, dim=-2).repeat_interleave(scale, dim=-1)
    grid = to_pil_image(make_grid(images, nrow=steps, padding=2, pad_value=255))
    figure = Image.new("RGB", (grid.width + LABEL_PX, grid.height), "white")
    figure.paste(grid, (LABEL_PX, 0))
    draw = ImageDraw.Draw(figure)
    row_height = (grid.height - 2) // (rows.shape[0] // steps)
    for row in range(rows.shape[0] // steps):
        draw.text((4, row * row_height + row_height // 2 - 4), "latent" if row % 2 == 0 else "pixels", fill="black")
    return figure
