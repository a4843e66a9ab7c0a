"""The on-disk layout of a prepared (or augmented) image set.

``<root>/<split>/<class>/<class>_<index>.png``, ``<root>/manifest.csv`` and
``<root>/contact_sheets/<split>_<class>.png``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from bsgan.data.contact_sheet import contact_sheet
from bsgan.data.images import png_bytes, sha256
from bsgan.data.manifest import MANIFEST_NAME, ManifestRow, read_manifest, write_manifest
from bsgan.data.sample import Sample

Counts = dict[str, dict[str, int]]
"""``counts[split][class]``."""


def image_path(split: str, label: str, index: int) -> str:
    return f"{split}/{label}/{label}_{index:04d}.png"


def write_images(samples: list[Sample], root: Path, ranks: Sequence[int | None] | None = None) -> list[ManifestRow]:
    """Write ``samples`` as PNGs under ``root``, numbered per split and class in input order.

    ``ranks`` (one per sample) go to the manifest's ``budget_rank`` column (``data.train_limit``).
    """
    rows: list[ManifestRow] = []
    next_index: dict[tuple[str, str], int] = defaultdict(int)
    for sample, rank in zip(samples, ranks or [None] * len(samples), strict=True):
        assert sample.split is not None, "split must be assigned before writing"
        key = (sample.split, sample.label)
        relative = image_path(sample.split, sample.label, next_index[key])
        next_index[key] += 1
        data = png_bytes(sample.image)
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        box = sample.box or (None, None, None, None)
        rows.append(ManifestRow(relative, sample.label, sample.split, sample.source, *box, sha256(data),
                                sample.group or sample.source, rank))
    return rows


def write_contact_sheets(samples: list[Sample], root: Path) -> None:
    """One sheet per split and class under ``root/contact_sheets``."""
    groups: dict[tuple[str, str], list[Image.Image]] = defaultdict(list)
    for sample in samples:
        groups[(str(sample.split), sample.label)].append(sample.image)
    folder = root / "contact_sheets"
    folder.mkdir(exist_ok=True)
    for (split, label), images in sorted(groups.items()):
        title = f"{split} / {label} ({len(images)} images)"
        contact_sheet(images, title).save(folder / f"{split}_{label}.png")


def write_image_set(samples: list[Sample], root: Path, ranks: Sequence[int | None] | None = None) -> Counts:
    """Write images, manifest and contact sheets; return the counts per split and class."""
    rows = write_images(samples, root, ranks)
    write_manifest(rows, root / MANIFEST_NAME)
    write_contact_sheets(samples, root)
    return count(rows)


def count(rows: list[ManifestRow]) -> Counts:
    counts: Counts = {}
    for row in rows:
        per_class = counts.setdefault(row.split, {})
        per_class[row.label] = per_class.get(row.label, 0) + 1
    return {split: dict(sorted(per_class.items())) for split, per_class in sorted(counts.items())}


def read_image_set(root: Path, split: str | None = None) -> list[tuple[ManifestRow, Path]]:
    """Rows of ``root``'s manifest (optionally one split) with the absolute path of each image."""
    rows = read_manifest(root / MANIFEST_NAME)
    return [(row, root / row.file) for row in rows if split is None or row.split == split]
