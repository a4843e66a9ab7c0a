"""The classifiers of one task's seeds, used as one: their softmax probabilities averaged.

Averaging the seeds is the default of ``bsgan predict`` and what ``bsgan export`` writes to ONNX: one
seed's classifier swings with its initialisation (the task tables show how much), the mean of several
swings less.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import torch

from bsgan.errors import InputDataError
from bsgan.inference.preprocess import classifier_transform
from bsgan.models.classifier.classifier_file import ClassifierInfo, SavedClassifier, load_classifier

_SEED_FILE = re.compile(r"seed(\d+)\.pt")


def seed_files(folder: Path) -> dict[int, Path]:
    """``{seed: path}`` of the ``seed<N>.pt`` files in a task's folder, by seed."""
    if not folder.is_dir():
        raise InputDataError(f"{folder}: task folder not found (run `bsgan classify` / `dvc repro` first)")
    found = {int(match[1]): path for path in folder.iterdir() if (match := _SEED_FILE.fullmatch(path.name))}
    if not found:
        raise InputDataError(f"{folder}: no seed<N>.pt classifier files")
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class Ensemble:
    """One or more classifiers of the same classes, image size and normalisation."""

    members: list[SavedClassifier]

    def __post_init__(self) -> None:
        first = self.members[0].info
        for member in self.members[1:]:
            info = member.info
            described = (info.classes, info.image_size, info.normalisation)
            if described != (first.classes, first.image_size, first.normalisation):
                raise InputDataError(f"task {first.task}: seeds {first.seed} and {info.seed} differ in classes, image "
                                     f"size or normalisation")

    @property
    def info(self) -> ClassifierInfo:
        """The first member's description (classes, size, normalisation are the same in all)."""
        return self.members[0].info

    @property
    def seeds(self) -> list[int]:
        return [member.info.seed for member in self.members]

    @torch.no_grad()
    def probabilities(self, images: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
        """uint8 ``(N, 3, H, W)`` images of any size -> ``(N, classes)`` mean softmax over the members."""
        transform = classifier_transform(self.info.image_size, self.info.normalisation)
        out = []
        for start in range(0, len(images), batch_size):
            batch = transform(images[start:start + batch_size])
            out.append(torch.stack([m.network(batch).softmax(1) for m in self.members]).mean(0))
        return torch.cat(out) if out else torch.zeros(0, len(self.info.classes))


def load_ensemble(path: Path, seed: int | None = None) -> Ensemble:
    """A task folder's seeds (or only ``seed``), or a single ``seed<N>.pt`` file."""
    if path.is_file():
        return Ensemble([load_classifier(path)])
    files = seed_files(path)
    if seed is not None:
        if seed not in files:
            raise InputDataError(f"{path}: no classifier of seed {seed} (seeds {', '.join(map(str, files))})")
        files = {seed: files[seed]}
    return Ensemble([load_classifier(file) for file in files.values()])
