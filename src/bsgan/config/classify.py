"""The ``classify`` section: the paper's CNN and its training, repeated over seeds, and the intervals."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from bsgan.config.base import PositiveInt
from bsgan.config.runtime import RuntimeConfig


class ClassifyConfig(RuntimeConfig):
    """The ``classify`` section: the paper's Table 5 CNN and Table 7 training, repeated over seeds."""

    epochs: PositiveInt = 100
    batch_size: Annotated[int, Field(ge=1, le=4096)] = 32
    lr: Annotated[float, Field(gt=0.0, le=1.0)] = 0.0002
    beta1: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.5
    width: Annotated[float, Field(gt=0.0, le=8.0)] = 1.0
    """Multiplier on the paper's channels (16, 32, 64) and its dense layer (64)."""
    repeats: Annotated[int, Field(ge=1, le=100)] = 10
    """Trainings per task, with seeds 0..repeats-1 (same seed: same initialisation and batch order)."""
    val_fraction: Annotated[float, Field(ge=0.0, lt=0.5)] = 0.1
    """Share of each class's real train images held out for validation (never the test split)."""
    final_model: Literal["last", "best"] = "last"
    """The model that is tested: after the last epoch, or at the epoch of best validation macro F1."""
    confidence: Annotated[float, Field(gt=0.5, lt=1.0)] = 0.95
    """Level of the confidence intervals over repeats and of the bootstrap over test images."""
    bootstrap_resamples: Annotated[int, Field(ge=100, le=100000)] = 2000
    """Resamples of the test images (within each class, with replacement) in compare_tasks' paired bootstrap."""
    bootstrap_seed: Annotated[int, Field(ge=0)] = 0
    split_seed: Annotated[int, Field(ge=0)] = 0
    """Seed of the validation split and of task-time classical augmentation (same for every task)."""
    workers: Annotated[int, Field(ge=1, le=64)] = 1
    """Repeats trained at once, each in its own process with an equal share of the cores (or of one GPU)."""

    @model_validator(mode="after")
    def _best_needs_validation(self) -> ClassifyConfig:
        if self.final_model == "best" and self.val_fraction == 0:
            raise ValueError("final_model: 'best' needs a validation split (val_fraction > 0)")
        return self
