"""``bsgan predict INPUT ...``: classify crops, folders of crops or whole photographs with a trained task.

Writes ``<out>/predictions.csv``: one row per input image with its predicted class and the probability
of every class, the mean over the task's seeds (``--seed N``: one seed's classifier). A whole
photograph without ``--scan`` is squeezed to the classifier's size as one image; with ``--scan`` a
window of the prepared crops' scale slides over it (:mod:`bsgan.inference.scan`) and ``<out>`` also
gets ``<photo>.png`` (heat map of the failure probability over the photo, windows above
``--threshold`` outlined) and ``<photo>.json`` (those windows). The row of a scanned photo is its
window of highest failure probability. The task is ``--task``, ``--model`` (a task folder or one
``seed<N>.pt``: no params.yaml needed), or else the one ``bsgan export`` picks. ``<out>`` is written
whole or not at all, and only where :mod:`bsgan.io.output_rule` allows: never over the inputs or over a
folder bsgan did not write. Images under :data:`MIN_SIDE` pixels are refused, as ``bsgan prepare``
refuses them: a classifier's answer on a few pixels is noise.

Examples::

    $ bsgan predict data/new_crops/ crop.png --out predictions
    $ bsgan predict --scan --threshold 0.7 photos/ --out scans
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
from pathlib import Path

import torch
from PIL import Image

from bsgan.config import load_params
from bsgan.data.images import is_image_file
from bsgan.errors import InputDataError
from bsgan.inference.choice import choose_task
from bsgan.inference.ensemble import Ensemble, load_ensemble
from bsgan.inference.overlay import overlay
from bsgan.inference.preprocess import read_image
from bsgan.inference.scan import scan_photo
from bsgan.io.atomic import atomic_directory
from bsgan.io.json_file import write_json
from bsgan.io.output_rule import printable

log = logging.getLogger(__name__)
CSV_NAME = "predictions.csv"
MIN_SIDE = 16
"""Smallest image side classified (``data.min_source_side``'s default, below which prepare refuses crops)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="image files or folders of images")
    parser.add_argument("--task", help="a task of tasks.definitions (default: tasks.export, else the surest macro F1)")
    parser.add_argument("--model", type=Path, help="a task folder or one seed<N>.pt (instead of --task)")
    parser.add_argument("--models", type=Path, default=Path("models/classify"), help="one folder per task")
    parser.add_argument("--metrics", type=Path, default=Path("metrics/classify.json"), help="scores to pick a task by")
    parser.add_argument("--seed", type=int, help="one seed's classifier instead of the mean of all")
    parser.add_argument("--out", type=Path, default=Path("predictions"), help="output folder (replaced)")
    parser.add_argument("--scan", action="store_true", help="slide a window over whole photographs")
    parser.add_argument("--window", type=int,
                        help="scan window side in photo pixels (default: the train crops' median)")
    parser.add_argument("--stride", type=int, help="pixels between windows (default: half a window)")
    parser.add_argument("--threshold", type=float, default=0.5, help="failure probability a window must reach")


def input_files(inputs: list[Path]) -> list[Path]:
    """The image files named, and every image file under the folders named, in order, each once."""
    found: list[Path] = []
    for path in inputs:
        if path.is_dir():
            images = sorted(p for p in path.rglob("*") if is_image_file(p))
            if not images:
                raise InputDataError(f"{path}: no image files in this folder")
            found += images
        elif path.is_file():
            found.append(path)
        else:
            raise InputDataError(f"{path}: no such file or folder")
    return list(dict.fromkeys(found))


def output_names(files: list[Path]) -> list[str]:
    """A distinct file stem per input (``name``, ``name-2``, ...) for its scan picture and windows."""
    seen: dict[str, int] = {}
    names = []
    for file in files:
        seen[file.stem] = seen.get(file.stem, 0) + 1
        names.append(file.stem if seen[file.stem] == 1 else f"{file.stem}-{seen[file.stem]}")
    return names


def read_checked(file: Path) -> torch.Tensor:
    """``file`` as uint8 ``(3, H, W)``; an image too small to classify is one line naming it."""
    image = read_image(file)
    if min(image.shape[1:]) < MIN_SIDE:
        raise InputDataError(f"{file}: {image.shape[2]}x{image.shape[1]} pixels is too small to classify (sides "
                             f"under {MIN_SIDE} px are refused, as `bsgan prepare` refuses them)")
    return image


def resolve_ensemble(args: argparse.Namespace) -> Ensemble:
    if args.model is not None:
        return load_ensemble(args.model, args.seed)
    task = args.task
    if task is None:
        params = load_params(args.params)
        task = choose_task(params.tasks, args.metrics, args.models)
    return load_ensemble(args.models / task, args.seed)


def _check(args: argparse.Namespace) -> None:
    if not 0.0 < args.threshold <= 1.0:
        raise InputDataError(f"--threshold {args.threshold}: must lie in (0, 1]")
    for name in ("window", "stride"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            raise InputDataError(f"--{name} {getattr(args, name)}: must be a positive number of pixels")


def run(args: argparse.Namespace) -> None:
    _check(args)
    files = input_files(args.inputs)
    ensemble = resolve_ensemble(args)
    info = ensemble.info
    window = args.window or info.crop_side
    if args.scan and window is None:
        raise InputDataError(f"task {info.task}: its classifier learnt from images not cut out of photos, so it has "
                             f"no crop scale; give --window PIXELS")
    header = ["file", "predicted", *(f"p_{label}" for label in info.classes)]
    rows = []
    with atomic_directory(args.out, inputs=[*args.inputs, args.model or args.models]) as staging:
        if args.scan:
            header += ["score", "windows_above"]
            for file, name in zip(files, output_names(files), strict=True):
                photo = read_checked(file)
                scan = scan_photo(ensemble, photo, window, args.stride or max(1, window // 2), str(file))
                above = scan.above(args.threshold)
                best = int(scan.scores.argmax())
                predicted = (scan.window(best)["class"] if scan.scores[best] >= args.threshold
                             else info.intact_class or info.classes[int(scan.probabilities[best].argmax())])
                rows.append([printable(file), predicted, *scan.probabilities[best].round(6),
                             round(float(scan.scores[best]), 6), len(above)])
                overlay(Image.fromarray(photo.permute(1, 2, 0).numpy()), scan,
                        args.threshold).save(staging / f"{name}.png")
                write_json({"file": printable(file), "task": info.task, "seeds": ensemble.seeds, "window": window,
                            "threshold": args.threshold, "windows": above}, staging / f"{name}.json")
        else:
            for file in files:
                probabilities = ensemble.probabilities(read_checked(file)[None])[0]
                predicted = info.classes[int(probabilities.argmax())]
                rows.append([printable(file), predicted, *probabilities.numpy().round(6)])
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        (staging / CSV_NAME).write_text(text.getvalue(), encoding="utf-8")
    log.info("%d images, task %s (seeds %s): %s", len(files), info.task, ",".join(map(str, ensemble.seeds)),
             args.out / CSV_NAME)
