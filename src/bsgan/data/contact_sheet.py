"""Contact sheets: one PNG grid per class and split, so a person can look at a data set at once."""

from __future__ import annotations

from PIL import Image, ImageDraw
import torch
from torchvision.transforms.v2.functional import pil_to_tensor, to_pil_image
from torchvision.utils import make_grid

HEADER_PX = 18


def contact_sheet(images: list[Image.Image], title: str, columns: int = 10, max_images: int = 100) -> Image.Image:
    """Lay the first ``max_images`` images out in a grid under a one-line title.

    Args:
        images: Same-size RGB images, in the order they should appear.
        title: Shown above the grid, e.g. ``"train / pitting (100 images)"``.
        columns: Images per row.
        max_images: Cap, so a 700-image class still gives a sheet one can read.
    """
    shown = images[:max_images]
    batch = torch.stack([pil_to_tensor(image) for image in shown])
    grid = to_pil_image(make_grid(batch, nrow=min(columns, len(shown)), padding=2, pad_value=255))
    sheet = Image.new("RGB", (max(grid.width, 8 * len(title)), grid.height + HEADER_PX), "white")
    sheet.paste(grid, (0, HEADER_PX))
    ImageDraw.Draw(sheet).text((4, 3), title, fill="black")
    return sheet
