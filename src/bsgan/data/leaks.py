"""Does the test split hold what the train split already shows? Shared groups and near-duplicate images.

A classifier scored on a pit it has seen in training scores too well. Two checks run on every
prepared set:

* groups (``data.group_by`` units, by default source photos) found in both splits: possible only when
  the source fixes the split (train/test folders), since ``prepare`` keeps every group whole;
* near-duplicate train/test pairs: the 64-bit perceptual hash (pHash: the signs of the 8 x 8 lowest
  frequencies of a 32 x 32 grey DCT against their median) of the two images differs in at most
  ``data.leak.max_hash_distance`` bits. The hash ignores small shifts, noise and brightness changes,
  so the same spot photographed again hours later is found even where the photo names differ.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from scipy.fft import dctn

from bsgan.config import LeakConfig
from bsgan.data.manifest import ManifestRow

HASH_SIDE = 32
"""Images are hashed at this side (grey, Lanczos), whatever ``data.image_size`` is."""
HASH_BITS = 8
"""The hash keeps the ``HASH_BITS`` x ``HASH_BITS`` lowest DCT frequencies: 64 bits."""
TILE = 64
"""Side of each image in the closest-pairs picture."""


def perceptual_hashes(images: Sequence[Image.Image]) -> np.ndarray:
    """``(N, 64)`` booleans: each image's pHash bits."""
    if not images:
        return np.zeros((0, HASH_BITS * HASH_BITS), dtype=bool)
    grey = np.stack([np.asarray(image.convert("L").resize((HASH_SIDE, HASH_SIDE), Image.LANCZOS), dtype=float)
                     for image in images])
    low = dctn(grey, type=2, norm="ortho", axes=(1, 2))[:, :HASH_BITS, :HASH_BITS].reshape(len(images), -1)
    return low > np.median(low, axis=1, keepdims=True)


def hash_distances(test: np.ndarray, train: np.ndarray) -> np.ndarray:
    """``(n_test, n_train)`` Hamming distances between two sets of hashes."""
    test_bits, train_bits = test.astype(np.int32), train.astype(np.int32)
    # bits differing = ones in test + ones in train - 2 x ones in both
    return test_bits.sum(1)[:, None] + train_bits.sum(1)[None, :] - 2 * test_bits @ train_bits.T


@dataclass(frozen=True)
class Pair:
    """A test image and its closest train image."""

    test: str
    train: str
    test_class: str
    train_class: str
    distance: int


@dataclass(frozen=True)
class LeakReport:
    shared_groups: list[str]
    """Groups with images in both splits."""
    near_duplicate_pairs: int
    """Train/test pairs within the hash distance threshold."""
    test_images_with_near_duplicate: int
    closest: list[Pair]
    """Closest pairs first, one per test image."""

    def metrics(self, threshold: int) -> dict[str, int | None]:
        return {"shared_groups": len(self.shared_groups), "near_duplicate_pairs": self.near_duplicate_pairs,
                "test_images_with_near_duplicate": self.test_images_with_near_duplicate,
                "max_hash_distance": threshold,
                "closest_hash_distance": self.closest[0].distance if self.closest else None}


def shared_groups(rows: Sequence[ManifestRow]) -> list[str]:
    splits: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        splits[row.group or row.source].add(row.split)
    return sorted(group for group, seen in splits.items() if len(seen) > 1)


def find_leaks(rows: Sequence[ManifestRow], images: Sequence[Image.Image], config: LeakConfig) -> LeakReport:
    """Both checks over a prepared set (``images[i]`` is ``rows[i]``'s picture)."""
    test = [i for i, row in enumerate(rows) if row.split == "test"]
    train = [i for i, row in enumerate(rows) if row.split == "train"]
    if not test or not train:
        return LeakReport(shared_groups(rows), 0, 0, [])
    distances = hash_distances(perceptual_hashes([images[i] for i in test]),
                               perceptual_hashes([images[i] for i in train]))
    close = distances <= config.max_hash_distance
    nearest = distances.argmin(1)
    order = np.argsort(distances[np.arange(len(test)), nearest], kind="stable")
    closest = []
    for t in order[:config.pairs_shown]:
        ours, theirs = rows[test[t]], rows[train[nearest[t]]]
        closest.append(Pair(ours.file, theirs.file, ours.label, theirs.label, int(distances[t, nearest[t]])))
    return LeakReport(shared_groups(rows), int(close.sum()), int(close.any(1).sum()), closest)


def pairs_picture(pairs: Sequence[Pair], root: Path, threshold: int) -> Image.Image:
    """One row per pair: test image, closest train image, and the hash distance (red: a near duplicate)."""
    label_width, row_height = 150, TILE + 4
    sheet = Image.new("RGB", (2 * TILE + 8 + label_width, 18 + row_height * max(1, len(pairs))), "white")
    draw = ImageDraw.Draw(sheet)
    draw.text((2, 3), "test | closest train | bits apart", fill="black")
    for row, pair in enumerate(pairs):
        top = 18 + row * row_height
        for column, file in enumerate((pair.test, pair.train)):
            with Image.open(root / file) as image:
                sheet.paste(image.convert("RGB").resize((TILE, TILE), Image.NEAREST), (column * (TILE + 4), top))
        colour = "red" if pair.distance <= threshold else "black"
        text = f"{pair.distance} bits\n{pair.test_class} / {pair.train_class}"
        draw.multiline_text((2 * TILE + 12, top + 4), text, fill=colour)
    return sheet
