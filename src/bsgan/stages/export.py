"""``bsgan export``: one task's classifiers as an ONNX file, a model card and a registered MLflow model.

The task is ``tasks.export``, or else the one whose macro F1 interval has the highest lower bound in
``metrics/classify.json`` (:mod:`bsgan.inference.choice`). Writes ``models/export/``:

- ``classifier.onnx``: the task's seeds averaged, resizing and normalisation inside the graph
  (:mod:`bsgan.deploy.onnx_model`);
- ``model_card.md``: data, task, scores with intervals, what the model was not tested on;
- ``export.json``: task, seeds, classes, the ONNX file's hash, the parity check, the registered version.

Before anything is written, ONNX Runtime and PyTorch classify the real test split: the stage fails if
a probability differs by more than ``1e-5`` or a predicted class differs. The ONNX file is then logged
to MLflow (experiment ``export``), registered as ``bsgan-classifier`` and given the alias
``champion``, so ``mlflow models serve -m models:/bsgan-classifier@champion`` serves it.
``metrics/export.json`` holds the task and the parity figures.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
from pathlib import Path
from typing import Any

import numpy as np
import torch

from bsgan.config import load_params
from bsgan.data.prepared import read_image_set
from bsgan.deploy.model_card import model_card
from bsgan.deploy.onnx_model import export_onnx, onnx_probabilities
from bsgan.deploy.registry import ALIAS, MODEL_NAME, registered, run_tags
from bsgan.errors import BsganError, InputDataError
from bsgan.inference.choice import choose_task
from bsgan.inference.ensemble import Ensemble, load_ensemble
from bsgan.inference.preprocess import read_image
from bsgan.io.atomic import atomic_directory
from bsgan.io.json_file import read_json, write_json
from bsgan.layout import RESULTS_FILE

log = logging.getLogger(__name__)
TOLERANCE = 1e-5
"""Largest allowed |ONNX - PyTorch| class probability on the test split."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--models", type=Path, default=Path("models/classify"), help="one folder per task")
    parser.add_argument("--metrics-in", type=Path, default=Path("metrics/classify.json"), help="task scores")
    parser.add_argument("--prepared", type=Path, default=Path("data/prepared"), help="the real test split")
    parser.add_argument("--out", type=Path, default=Path("models/export"), help="ONNX file, model card, export.json")
    parser.add_argument("--metrics", type=Path, default=Path("metrics/export.json"), help="task, parity (DVC metric)")
    parser.add_argument("--no-register", action="store_true", help="write the files only, log nothing to MLflow")


def real_test_split(prepared: Path, classes: list[str]) -> tuple[np.ndarray, dict[str, int]]:
    """The real test images as float32 ``(N, 3, H, W)`` pixels in [0, 255], and the count per class."""
    rows = read_image_set(prepared, "test")
    if not rows:
        raise InputDataError(f"{prepared}: no test images to check the export on")
    counts = {label: sum(row.label == label for row, _ in rows) for label in classes}
    return torch.stack([read_image(path) for _, path in rows]).float().numpy(), counts


def parity(ensemble: Ensemble, onnx_file: Path, images: np.ndarray) -> float:
    """Max |ONNX Runtime - PyTorch| probability on ``images``; raises beyond TOLERANCE or on a changed class."""
    reference = ensemble.probabilities(torch.from_numpy(images).round().to(torch.uint8)).numpy()
    exported = onnx_probabilities(onnx_file, images)
    worst = float(np.abs(reference - exported).max())
    changed = int((reference.argmax(1) != exported.argmax(1)).sum())
    if worst > TOLERANCE or changed:
        raise BsganError(f"{onnx_file}: ONNX Runtime disagrees with PyTorch on the test split (max probability "
                         f"difference {worst:.2e}, {changed} classes changed); nothing was exported")
    return worst


def run(args: argparse.Namespace) -> None:
    params = load_params(args.params)
    project = args.params.parent
    task = choose_task(params.tasks, args.metrics_in, args.models)
    chosen_by = "tasks.export" if params.tasks.export else "the highest lower bound of the macro F1 interval"
    ensemble = load_ensemble(args.models / task)
    result = read_json(args.models / task / RESULTS_FILE)
    images, counts = real_test_split(args.prepared, ensemble.info.classes)
    scores = read_json(args.metrics_in) if args.metrics_in.exists() else {}
    summary: dict[str, Any] = {}

    def publish(final: Path) -> None:
        """Register the files now in place, then record the version; any failure here undoes both."""
        if args.no_register:
            write_json({"task": task, "parity_max_abs": summary["parity_max_abs"], "test_images": len(images)},
                       args.metrics)
            return
        with registered(final / "classifier.onnx", final / "model_card.md", images[:2], project,
                        run_tags(project, task, ensemble.seeds)) as done:
            summary["mlflow"] = {"model": MODEL_NAME, "alias": ALIAS, "version": done.version,
                                 "run_id": done.run_id, "uri": done.uri}
            write_json(summary, final / "export.json")
            write_json({"task": task, "parity_max_abs": summary["parity_max_abs"], "test_images": len(images)},
                       args.metrics)
        log.info("registered %s version %s as %s", MODEL_NAME, done.version, done.uri)

    # write and verify, move in, then register: a failure at any step leaves files and registry as they were
    with atomic_directory(args.out, inputs=[args.models, args.prepared], after_move=publish) as staging:
        onnx_file = staging / "classifier.onnx"
        export_onnx(ensemble, onnx_file)
        worst = parity(ensemble, onnx_file, images)
        digest = hashlib.sha256(onnx_file.read_bytes()).hexdigest()
        facts = {"source": params.data.source, "confidence": params.classify.confidence,
                 "baseline": params.tasks.baseline,
                 "p_value": scores.get(task, {}).get("macro_f1_p"), "test_counts": counts, "seeds": ensemble.seeds,
                 "parity": worst, "onnx_sha256": digest, "chosen_by": chosen_by}
        (staging / "model_card.md").write_text(model_card(ensemble.info, result, facts), encoding="utf-8")
        summary |= {"task": task, "chosen_by": chosen_by, "seeds": ensemble.seeds, "classes": ensemble.info.classes,
                    "image_size": ensemble.info.image_size, "crop_side": ensemble.info.crop_side,
                    "onnx_sha256": digest, "parity_max_abs": worst, "test_images": len(images)}
        write_json(summary, staging / "export.json")
    log.info("%s (seeds %s) -> %s; ONNX vs PyTorch on %d test images: max difference %.1e", task,
             ",".join(map(str, ensemble.seeds)), args.out / "classifier.onnx", len(images), worst)
