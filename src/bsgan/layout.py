"""Where every input and output of the pipeline lives, rooted at the project (the folder of params.yaml).

The one place that names paths shared between stages: stages share files, never code, so a stage finds
another stage's output here instead of importing that stage. ``dvc.yaml`` spells the same relative
paths; ``tests/test_layout.py`` checks that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

GAN_SOURCES = ("original", "classical")
"""What a generator learns from: the prepared train split, or the classically augmented set."""
GENERATOR_FILE = "generator.pt"
TRAINING_RUN_FILE = "training_run.json"
"""Beside the generator: the MLflow run that trained it, so evaluations and tasks can link to it."""
CHECKPOINT_FILE = "checkpoint.ckpt"
"""Beside the generator: the full Lightning checkpoint it was saved from."""
RESULTS_FILE = "results.json"
"""A task's scores, written by ``classify`` into ``models/classify/<task>/``."""
MANIFEST_FILE = "manifest.csv"
SKIPPED_FILE = "skipped.json"
"""What a generator's folder (``models/gan/<name>/``, ``data/generated/<name>/``) holds instead of its files when
``gan.sources`` leaves its source out: DVC's out exists, and says why it is empty."""


def generator_name(label: str, source: str) -> str:
    """``pitting-original``: the name of a generator's folders, files, MLflow run and DVC stage item."""
    return f"{label}-{source}"


def repeat_dir(folder: Path, repeat: int) -> Path:
    """Where repeat ``repeat`` of a generator (``gan.repeats``) keeps what ``folder`` holds for repeat 0.

    Repeat 0 is the folder itself, so the default ``gan.repeats: 1`` writes what one generator always
    wrote; repeat r >= 1 lives in ``folder/repeat<r>/``, inside the same DVC out, with the same files. An
    image set's ``manifest.csv`` lists only its own images, so no reader of repeat 0 sees the subfolders.
    """
    return folder if repeat == 0 else folder / f"repeat{repeat}"


def repeat_name(name: str, repeat: int) -> str:
    """``pitting-original`` for repeat 0, ``pitting-original/repeat1`` for repeat 1: in logs, traces and MLflow."""
    return repeat_dir(Path(name), repeat).as_posix()


@dataclass(frozen=True)
class Layout:
    """The project's folders; every path is ``root / <the relative path in dvc.yaml>``."""

    root: Path

    @classmethod
    def of(cls, params_file: Path) -> Layout:
        """The layout of the project whose params file is ``params_file``."""
        return cls(params_file.parent)

    @property
    def prepared(self) -> Path:
        return self.root / "data/prepared"

    @property
    def augmented(self) -> Path:
        return self.root / "data/augmented"

    @property
    def generated(self) -> Path:
        return self.root / "data/generated"

    @property
    def gan_models(self) -> Path:
        return self.root / "models/gan"

    @property
    def classify_models(self) -> Path:
        return self.root / "models/classify"

    @property
    def feature_cache(self) -> Path:
        """Inception features of image sets, keyed by their content (safe to delete)."""
        return self.root / ".cache/features"

    @property
    def pretrain_cache(self) -> Path:
        """Generators pretrained on the intact class (``gan.pretrain_loops``), keyed by what they learnt from."""
        return self.root / ".cache/gan_pretrain"

    @property
    def reference_cache(self) -> Path:
        """GAN-test's reference classifiers, keyed by the real train split and their settings."""
        return self.root / ".cache/reference"

    @property
    def stage_times(self) -> Path:
        return self.root / "logs/stage_times.jsonl"

    def train_set(self, source: str) -> Path:
        """The images a generator of ``source`` learns from."""
        return {"original": self.prepared, "classical": self.augmented}[source]

    def generator_dir(self, label: str, source: str, repeat: int = 0) -> Path:
        return repeat_dir(self.gan_models / generator_name(label, source), repeat)

    def generated_set(self, label: str, source: str, repeat: int = 0) -> Path:
        return repeat_dir(self.generated / generator_name(label, source), repeat)

    def task_results(self, task: str) -> Path:
        return self.classify_models / task / RESULTS_FILE
