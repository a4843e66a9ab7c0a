"""Rebuild the README picture from a prepared set: ``python docs/make_readme_figure.py``.

Reads ``data/prepared`` (run ``make repro`` first) and writes ``docs/images/synthetic-classes.png``:
one row of ten train images per class, shown at twice their size.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from bsgan.data.contact_sheet import contact_sheet
from bsgan.data.images import open_rgb
from bsgan.data.prepared import read_image_set

PREPARED = Path("data/prepared")
TARGET = Path("docs/images/synthetic-classes.png")
PER_CLASS = 10


def main() -> None:
    by_class: dict[str, list[Image.Image]] = {}
    for row, path in read_image_set(PREPARED, split="train"):
        if len(by_class.setdefault(row.label, [])) < PER_CLASS:
            by_class[row.label].append(open_rgb(path))
    rows = [contact_sheet(images, label, columns=PER_CLASS, max_images=PER_CLASS)
            for label, images in sorted(by_class.items())]
    figure = Image.new("RGB", (max(r.width for r in rows), sum(r.height for r in rows)), "white")
    top = 0
    for row in rows:
        figure.paste(row, (0, top))
        top += row.height
    figure = figure.resize((figure.width * 2, figure.height * 2), Image.Resampling.NEAREST)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    figure.save(TARGET, optimize=True)
    print(f"wrote {TARGET} ({figure.width}x{figure.height})")


if __name__ == "__main__":
    main()
