"""Rebuild the README's GAN picture: ``python docs/make_gan_figure.py`` after ``make repro``.

Writes ``docs/images/gan-samples.png``: per failure class a row of real train images and a row of
images from its generator trained on the originals (``data/generated``), shown enlarged, and the
first latent walk of the first class next to its pixel blend.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from bsgan.config import load_params
from bsgan.data.contact_sheet import contact_sheet
from bsgan.data.images import open_rgb
from bsgan.data.prepared import read_image_set

PREPARED = Path("data/prepared")
GENERATED = Path("data/generated")
TARGET = Path("docs/images/gan-samples.png")
PER_ROW = 8
CELL_PX = 64


def first_images(root: Path, label: str) -> list[Image.Image]:
    paths = [path for row, path in read_image_set(root, split="train") if row.label == label][:PER_ROW]
    return [open_rgb(path).resize((CELL_PX, CELL_PX), Image.Resampling.NEAREST) for path in paths]


def stack(images: list[Image.Image]) -> Image.Image:
    figure = Image.new("RGB", (max(i.width for i in images), sum(i.height for i in images)), "white")
    top = 0
    for image in images:
        figure.paste(image, (0, top))
        top += image.height
    return figure


def main() -> None:
    generated = sorted(path for path in GENERATED.iterdir() if path.name.endswith("-original"))
    rows = []
    for folder in generated:
        label = folder.name.removesuffix("-original")
        rows.append(contact_sheet(first_images(PREPARED, label), f"{label}: real", columns=PER_ROW, max_images=PER_ROW))
        rows.append(contact_sheet(first_images(folder, label), f"{label}: generated ({folder.name})", columns=PER_ROW,
                                  max_images=PER_ROW))
    walk = Image.open(generated[0] / "interpolation.png")
    rows_per_walk = walk.height // (2 * load_params().generate.interpolation_pairs)
    walk = walk.crop((0, 0, walk.width, 2 * rows_per_walk))  # the first pair: latent row and pixel row
    figure = stack([*rows, walk])
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    figure.save(TARGET, optimize=True)
    print(f"wrote {TARGET} ({figure.width}x{figure.height})")


if __name__ == "__main__":
    main()
