"""``bsgan prepare``: raw input -> square RGB train/test images, manifest, contact sheets, counts."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from bsgan.config import DataConfig, load_params
from bsgan.data.budget import apply_train_limit
from bsgan.data.prepared import Counts, write_image_set
from bsgan.data.sample import Sample
from bsgan.data.sources import SOURCES
from bsgan.data.split import assign_splits, check_splits
from bsgan.errors import InputDataError
from bsgan.io.atomic import atomic_directory
from bsgan.io.json_file import write_json

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("data/prepared"), help="prepared image folder")
    parser.add_argument("--metrics", type=Path, default=Path("metrics/prepare.json"), help="counts JSON")


def check_classes(samples: list[Sample], config: DataConfig, origin: str) -> None:
    """Every class named in params must be present in what the source produced."""
    found = {sample.label for sample in samples}
    for key, wanted in (("data.classes", config.classes or []), ("data.intact_class", [config.intact_class])):
        for name in wanted:
            if name not in found:
                raise InputDataError(f"{key}: class {name!r} not found in {origin} (found: {', '.join(sorted(found))})")
    if len(found) < 2:
        raise InputDataError(f"{origin}: found only one class ({', '.join(found)}); need at least two")


def prepare(config: DataConfig, root: Path, out: Path) -> Counts:
    """Load ``config.source`` from ``root``, split by photo, cap the train split (data.train_limit), write ``out``."""
    origin = "synthetic source" if config.source == "synthetic" else str(root)
    samples = SOURCES[config.source](config, root)
    if config.classes is not None:
        samples = [sample for sample in samples if sample.label in config.classes]
    check_classes(samples, config, origin)
    samples = assign_splits(samples, config.test_fraction, config.seed)
    check_splits(samples, origin)
    kept = apply_train_limit(samples, config.train_limit, config.intact_class, config.train_limit_seed)
    with atomic_directory(out) as staging:
        counts = write_image_set([item.sample for item in kept], staging, [item.rank for item in kept])
    return counts


def run(args: argparse.Namespace) -> None:
    params = load_params(args.params)
    config = params.data
    root = config.root if config.root.is_absolute() else args.params.parent / config.root
    counts = prepare(config, root, args.out)
    write_json(counts, args.metrics)
    for split, per_class in counts.items():
        log.info("%s: %s", split, ", ".join(f"{label} {n}" for label, n in per_class.items()))
