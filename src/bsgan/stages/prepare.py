"""``bsgan prepare``: raw input -> square RGB train/test images, manifest, contact sheets, counts, leak check.

``metrics/prepare.json`` holds the counts per split and class and, under ``leaks``, what
:mod:`bsgan.data.leaks` found (groups in both splits, near-duplicate train/test pairs); the closest
pairs are drawn in ``data/prepared/leaks/closest_pairs.png`` and listed in ``closest_pairs.csv``.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import logging
from pathlib import Path
from typing import Any

from PIL import Image

from bsgan.config import DataConfig, load_params
from bsgan.data.budget import apply_train_limit
from bsgan.data.leaks import LeakReport, Pair, find_leaks, pairs_picture
from bsgan.data.prepared import Counts, read_image_set, write_image_set
from bsgan.data.sample import Sample
from bsgan.data.sources import SOURCES
from bsgan.data.split import assign_groups, assign_splits, check_splits
from bsgan.errors import InputDataError
from bsgan.io.atomic import atomic_directory
from bsgan.io.json_file import write_json

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("data/prepared"), help="prepared image folder")
    parser.add_argument("--metrics", type=Path, default=Path("metrics/prepare.json"), help="counts and leak-check JSON")


def check_classes(samples: list[Sample], config: DataConfig, origin: str) -> None:
    """Every class named in params must be present in what the source produced."""
    found = {sample.label for sample in samples}
    for key, wanted in (("data.classes", config.classes or []), ("data.intact_class", [config.intact_class])):
        for name in wanted:
            if name not in found:
                raise InputDataError(f"{key}: class {name!r} not found in {origin} (found: {', '.join(sorted(found))})")
    if len(found) < 2:
        raise InputDataError(f"{origin}: found only one class ({', '.join(found)}); need at least two")


LEAK_FOLDER = "leaks"


def check_leaks(root: Path, config: DataConfig) -> LeakReport:
    """Run the leak check on the image set written under ``root``; draw and list its closest pairs there."""
    rows = read_image_set(root)
    images = []
    for _, path in rows:
        with Image.open(path) as image:
            images.append(image.convert("RGB"))
    report = find_leaks([row for row, _ in rows], images, config.leak)
    folder = root / LEAK_FOLDER
    folder.mkdir()
    pairs_picture(report.closest, root, config.leak.max_hash_distance).save(folder / "closest_pairs.png")
    with (folder / "closest_pairs.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, [field.name for field in dataclasses.fields(Pair)], lineterminator="\n")
        writer.writeheader()
        writer.writerows(dataclasses.asdict(pair) for pair in report.closest)
    return report


def prepare(config: DataConfig, root: Path, out: Path) -> dict[str, Any]:
    """Load ``config.source`` from ``root``, split by group, cap the train split (``data.train_limit``), write
    the image set to ``out`` and check it for leaks.

    Returns the counts per split and class with the leak check's numbers under ``leaks``.
    """
    origin = "synthetic source" if config.source == "synthetic" else str(root)
    samples = SOURCES[config.source](config, root)
    if config.classes is not None:
        samples = [sample for sample in samples if sample.label in config.classes]
    check_classes(samples, config, origin)
    samples = assign_groups(samples, config.group_by)
    samples = assign_splits(samples, config.test_fraction, config.seed)
    check_splits(samples, origin, grouped=config.group_by is not None)
    kept = apply_train_limit(samples, config.train_limit, config.intact_class, config.train_limit_seed)
    with atomic_directory(out, inputs=[] if config.source == "synthetic" else [root]) as staging:
        counts: Counts = write_image_set([item.sample for item in kept], staging, [item.rank for item in kept])
        leaks = check_leaks(staging, config)
    metrics = leaks.metrics(config.leak.max_hash_distance)
    if leaks.shared_groups or leaks.near_duplicate_pairs:
        examples = f" (e.g. {', '.join(leaks.shared_groups[:3])})" if leaks.shared_groups else ""
        log.warning("leak check: %d group(s) in both splits%s, %d near-duplicate train/test pair(s) within %d hash "
                    "bits, %d test image(s) affected: test scores may be optimistic (see %s)", len(leaks.shared_groups),
                    examples, leaks.near_duplicate_pairs, config.leak.max_hash_distance,
                    leaks.test_images_with_near_duplicate, out / LEAK_FOLDER / "closest_pairs.png")
    return {**counts, "leaks": metrics}


def run(args: argparse.Namespace) -> None:
    params = load_params(args.params)
    config = params.data
    root = config.root if config.root.is_absolute() else args.params.parent / config.root
    metrics = prepare(config, root, args.out)
    write_json(metrics, args.metrics)
    for split in ("train", "test"):
        log.info("%s: %s", split, ", ".join(f"{label} {n}" for label, n in metrics[split].items()))
