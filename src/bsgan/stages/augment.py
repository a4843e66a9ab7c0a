"""``bsgan augment``: top up each failure class's train split with classical augmentation.

Originals are copied unchanged and count towards ``augment.target_per_class``; the test split is
never read. Each augmented image is traced in the manifest to the prepared image it came from.
"""

from __future__ import annotations

import argparse
import logging
import zlib
from pathlib import Path

import numpy as np

from bsgan.config import AugmentConfig, load_params
from bsgan.data.classical import augment_image, classical_transform
from bsgan.data.images import open_rgb
from bsgan.data.prepared import Counts, read_image_set, write_image_set
from bsgan.data.sample import Sample
from bsgan.errors import InputDataError
from bsgan.io.atomic import atomic_directory
from bsgan.io.json_file import write_json

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--prepared", type=Path, default=Path("data/prepared"), help="prepared image folder")
    parser.add_argument("--out", type=Path, default=Path("data/augmented"), help="augmented image folder")
    parser.add_argument("--metrics", type=Path, default=Path("metrics/augment.json"), help="counts JSON")


def augment_class(originals: list[Sample], config: AugmentConfig) -> list[Sample]:
    """The originals followed by augmented copies up to ``config.target_per_class``.

    Sources are drawn in rounds of a seeded permutation, so every original is used equally often
    (to within one) and no single photo dominates the enlarged class.
    """
    size = originals[0].image.width
    transform = classical_transform(config, size)
    # Seeded by the class name, so adding or removing another class changes nothing here.
    rng = np.random.default_rng([config.seed, zlib.crc32(originals[0].label.encode())])
    extra = max(0, config.target_per_class - len(originals))
    rounds = -(-extra // len(originals))
    order = np.concatenate([rng.permutation(len(originals)) for _ in range(rounds)])[:extra] if extra else []
    seeds = rng.integers(0, 2**31 - 1, size=extra)
    augmented = [
        Sample(augment_image(transform, originals[i].image, int(seed)), originals[i].label, originals[i].source, None,
               "train")
        for i, seed in zip(order, seeds, strict=True)
    ]
    return originals + augmented


def augment(prepared: Path, out: Path, config: AugmentConfig, intact_class: str) -> Counts:
    """Augment every failure class of ``prepared``'s train split into ``out``."""
    by_class: dict[str, list[Sample]] = {}
    for row, path in read_image_set(prepared, split="train"):
        if row.label != intact_class:
            by_class.setdefault(row.label, []).append(Sample(open_rgb(path), row.label, row.file, None, "train"))
    if not by_class:
        raise InputDataError(f"{prepared}: no failure-class train images "
                             f"(every class is data.intact_class {intact_class!r})")
    samples: list[Sample] = []
    for label in sorted(by_class):
        samples += augment_class(by_class[label], config)
    with atomic_directory(out, inputs=[prepared]) as staging:
        return write_image_set(samples, staging)


def run(args: argparse.Namespace) -> None:
    params = load_params(args.params)
    counts = augment(args.prepared, args.out, params.augment, params.data.intact_class)
    write_json(counts, args.metrics)
    log.info("augmented train: %s", ", ".join(f"{label} {n}" for label, n in counts["train"].items()))
