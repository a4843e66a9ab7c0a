"""The sliding-window scan on real photographs: ``python docs/scan_bsdata.py`` (about 5 min on 2 cores).

Trains the classifier of task 1 (real images only) on the crops of part of the 32-photo BSData sample
(``data.source: labelme``, 32x32 crops, a small CPU budget), then scans every held-out labelled photo
(its crops were in the test split, so the classifier never saw them) at the train crops' scale and
reports, per threshold:

- polygons hit: the share of labelled pitting polygons that at least one window at or above the
  threshold overlaps;
- windows outside: the share of windows at or above the threshold that overlap no labelled polygon.

Yardstick for the second: the share of *all* windows that overlap no polygon (what flagging windows at
random would give). Writes ``docs/images/bsdata-scan.png`` (the held-out photo with the most polygons:
heat map, flagged windows yellow, labelled polygons cyan) and ``docs/bsdata-scan.json``, and prints the
README's table. The work folder (prepared crops, classifiers, MLflow store) is a temporary one unless
``--work`` names one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from bsgan.cli import main as bsgan
from bsgan.data.prepared import read_image_set
from bsgan.data.sources.labelme import annotated_photos
from bsgan.inference.ensemble import load_ensemble
from bsgan.inference.overlay import overlay
from bsgan.inference.preprocess import read_image
from bsgan.inference.scan import Scan, scan_photo

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = Path(os.environ.get("BSGAN_BSDATA_SAMPLE", PROJECT.parent / "shared/data/bsdata-sample"))
THRESHOLDS = (0.5, 0.7, 0.9)
PICTURE = PROJECT / "docs/images/bsdata-scan.png"
FIGURES = PROJECT / "docs/bsdata-scan.json"
PICTURE_WIDTH = 1130


def params(sample: Path, seed: int) -> dict:
    """Tiny sizes: 32x32 crops, the paper's CNN at half width, 3 seeds of 30 epochs."""
    return {
        "data": {"source": "labelme", "root": str(sample), "image_size": 32, "test_fraction": 0.25, "seed": seed},
        "gan": {"classes": ["pitting"]},
        "tasks": {"definitions": {"t1_original": {"title": "1 original",
                                                  "parts": [{"source": "real", "count": "all"}]}}},
        "classify": {"epochs": 30, "repeats": 3, "width": 0.5, "lr": 0.001, "device": "cpu"},
    }


def polygon_mask(size: tuple[int, int], points: np.ndarray) -> np.ndarray:
    mask = Image.new("1", size, 0)
    ImageDraw.Draw(mask).polygon([tuple(p) for p in points], fill=1, outline=1)
    return np.asarray(mask, dtype=bool)


def touches(box: list[int] | tuple[int, ...], mask: np.ndarray) -> bool:
    left, top, right, bottom = box
    return bool(mask[top:bottom, left:right].any())


def shares(scan: Scan, masks: list[np.ndarray], threshold: float) -> dict[str, int]:
    """Counts behind the two shares for one photo."""
    flagged = [tuple(window["box"]) for window in scan.above(threshold)]
    anywhere = np.any(masks, axis=0) if masks else np.zeros(scan.size[::-1], bool)
    return {"polygons": len(masks), "polygons_hit": sum(any(touches(b, m) for b in flagged) for m in masks),
            "windows": len(scan.boxes), "windows_outside_all": sum(not touches(b, anywhere) for b in scan.boxes),
            "flagged": len(flagged), "flagged_outside": sum(not touches(b, anywhere) for b in flagged)}


def run(work: Path, sample: Path, seed: int) -> dict:
    (work / "params.yaml").write_text(json.dumps(params(sample, seed)))
    os.chdir(work)
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{work / 'mlflow.db'}"
    for command in (["prepare"], ["classify", "--task", "t1_original"]):
        if bsgan(command) != 0:
            sys.exit(f"scan_bsdata: bsgan {' '.join(command)} failed")
    prepared = read_image_set(work / "data/prepared")
    held_out = {row.source for row, _ in prepared if row.split == "test"}
    counts = {split: {label: sum(r.split == split and r.label == label for r, _ in prepared)
                      for label in sorted({r.label for r, _ in prepared})} for split in ("train", "test")}
    ensemble = load_ensemble(work / "models/classify/t1_original")
    side = ensemble.info.crop_side
    totals = {threshold: {} for threshold in THRESHOLDS}
    best = None
    for photo, source, shapes in annotated_photos(sample):
        if source not in held_out:
            continue
        masks = [polygon_mask(photo.size, points) for label, points in shapes if label == "pitting"]
        scan = scan_photo(ensemble, read_image(sample / source), side, side // 2, source)
        for threshold in THRESHOLDS:
            for key, value in shares(scan, masks, threshold).items():
                totals[threshold][key] = totals[threshold].get(key, 0) + value
        if best is None or len(masks) > best[0]:
            best = (len(masks), source, photo, scan, [points for label, points in shapes if label == "pitting"])
    _, source, photo, scan, polygons = best
    picture = overlay(photo, scan, THRESHOLDS[0], polygons)
    if picture.width > PICTURE_WIDTH:
        picture = picture.resize((PICTURE_WIDTH, round(picture.height * PICTURE_WIDTH / picture.width)), Image.LANCZOS)
    picture.save(PICTURE)
    results = json.loads((work / "models/classify/t1_original/results.json").read_text())["summary"]
    return {"sample": str(sample.name), "photos_held_out": len(held_out), "crops": counts, "window": side,
            "stride": side // 2, "seeds": ensemble.seeds, "epochs": params(sample, seed)["classify"]["epochs"],
            "test_macro_f1": results["macro_f1"], "overlay": {"photo": source, "threshold": THRESHOLDS[0]},
            "thresholds": {str(t): totals[t] for t in THRESHOLDS}}


def markdown(figures: dict) -> str:
    lines = ["| threshold | polygons hit | flagged windows outside every polygon | yardstick: all windows outside |",
             "|---|---|---|---|"]
    for threshold, t in figures["thresholds"].items():
        outside = (f"{t['flagged_outside']}/{t['flagged']} = {t['flagged_outside'] / t['flagged']:.0%}"
                   if t["flagged"] else "no window")
        lines.append(f"| {threshold} | {t['polygons_hit']}/{t['polygons']} = {t['polygons_hit'] / t['polygons']:.0%} | "
                     f"{outside} | {t['windows_outside_all'] / t['windows']:.0%} of {t['windows']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=SAMPLE, help="the BSData sample (data/, label/)")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=0, help="data.seed: which photos are held out")
    args = parser.parse_args()
    if not (args.sample / "label").is_dir():
        sys.exit(f"scan_bsdata: {args.sample}: no BSData sample there (set BSGAN_BSDATA_SAMPLE or --sample)")
    with tempfile.TemporaryDirectory(prefix="bsgan-scan-") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        figures = run(work.resolve(), args.sample.resolve(), args.seed)
    FIGURES.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps({k: v for k, v in figures.items() if k != "thresholds"}, indent=1))
    print(markdown(figures))
