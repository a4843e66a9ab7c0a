"""Contact sheets: one PNG grid per class and split, so a person can look at a data set at once."""

from __future__ import annotations

import torch
from PIL import Image, ImageDraw
from torchvision.transforms.v2.functional import pil_to_tensor, to_pil_image
from torchvision.utils import make_grid

HEADER_PX = 18


def contact_sheet(images: list[Image.Image], title: str, columns: int = 10, max_images: int = 100) -> Image.Image:
    """Lay up to ``max_images`` images, evenly spaced through ``images``, out under a one-line title.

    Even spacing shows a whole enlarged class (originals first, then augmented copies), not only
    its first images.

    Args:
        images: Same-size RGB images, in the order they should appear.
        title: Shown above the grid, e.g. ``"train / pitting (100 images)"``.
        columns: Images per row.
        max_images: Cap, so a 700-image class still gives a sheet one can read.
    """
    step = max(1, -(-len(images) // max_images))
    shown = images[::step][:max_images]
    batch = torch.stack([pil_to_tensor(image) for image in shown])
    grid = to_pil_image(make_grid(batch, nrow=min(columns, len(shown)), padding=2, pad_value=255))
    sheet = Image.new("RGB", (max(grid.width, 8 * len(title)), grid.height + HEADER_PX), "white")
    sheet.paste(grid, (0, HEADER_PX))
    ImageDraw.Draw(sheet).text((4, 3), title, fill="black")
    return sheet
