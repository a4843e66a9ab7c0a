"""Ready-made images sorted into class folders.

Two layouts are accepted under ``data.root``:

* ``<root>/<class>/*`` — the prepare stage splits them (each file is its own source);
* ``<root>/train/<class>/*`` and ``<root>/test/<class>/*`` — the split is kept as given.

Any size or mode is converted to RGB and centre-cropped to a square of ``data.image_size``.
"""

from __future__ import annotations

from pathlib import Path

from bsgan.config import DataConfig, normalise_class_name
from bsgan.data.images import centre_square, crop_resized, is_image_file, open_rgb
from bsgan.data.sample import Sample, Split
from bsgan.errors import InputDataError
from bsgan.io.output_rule import printable

SPLITS: tuple[Split, ...] = ("train", "test")


def _class_folders(parent: Path) -> dict[str, Path]:
    folders: dict[str, Path] = {}
    for folder in sorted(p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")):
        name = normalise_class_name(folder.name)
        if name in folders:
            raise InputDataError(f"{folder}: class folder clashes with {folders[name]} (both are {name!r})")
        folders[name] = folder
    return folders


def _images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if is_image_file(p))


def load(config: DataConfig, root: Path) -> list[Sample]:
    """Read every image under the class folders of ``root``."""
    if not root.is_dir():
        raise InputDataError(f"{root}: data.root folder not found")
    top = _class_folders(root)
    presplit = set(top) & set(SPLITS)
    if presplit and set(top) != set(SPLITS):
        raise InputDataError(f"{root}: mixes split folders (train/test) with class folders "
                             f"{sorted(set(top) - presplit)}")
    layout: list[tuple[Split | None, dict[str, Path]]] = (
        [(split, _class_folders(top[split])) for split in SPLITS] if presplit else [(None, top)]
    )

    samples: list[Sample] = []
    for split, folders in layout:
        for label, folder in folders.items():
            if config.classes is not None and label not in config.classes:
                continue
            paths = _images(folder)
            if not paths:
                raise InputDataError(f"{folder}: class folder holds no images")
            for path in paths:
                image = open_rgb(path)
                if min(image.size) < config.min_source_side:
                    raise InputDataError(f"{path}: {image.width}x{image.height} px is smaller than "
                                         f"data.min_source_side ({config.min_source_side}); enlarging it to "
                                         f"{config.image_size} px would only blur it (remove the file or lower "
                                         "data.min_source_side)")
                box = centre_square(*image.size)
                source = printable(path.relative_to(root).as_posix())  # the manifest is UTF-8: escape odd bytes
                samples.append(Sample(crop_resized(image, box, config.image_size), label, source, box, split))
    if not samples:
        raise InputDataError(f"{root}: no class folders with images found")
    return samples
