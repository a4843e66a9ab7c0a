"""The ``augment`` section: the paper's classical augmentation of each failure class."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from bsgan.config.base import Probability, Section


class AugmentConfig(Section):
    """Classical augmentation of each failure class's train split (the paper's recipe)."""

    target_per_class: Annotated[int, Field(ge=1)] = 700
    """Images per failure class after augmentation, originals included."""
    seed: Annotated[int, Field(ge=0)] = 0
    hflip_p: Probability = 0.5
    vflip_p: Probability = 0.5
    rotation_p: Probability = 0.5
    rotation_degrees: Annotated[float, Field(ge=0.0, le=180.0)] = 20.0
    translate_p: Probability = 0.5
    translate_fraction: Annotated[float, Field(ge=0.0, le=0.5)] = 0.1
    noise_p: Probability = 0.5
    noise_std: Annotated[float, Field(ge=0.0, le=1.0)] = 0.03
    """Standard deviation of additive Gaussian noise on images scaled to [0, 1]."""

    @model_validator(mode="after")
    def _some_step_fires(self) -> AugmentConfig:
        steps = (self.hflip_p, self.vflip_p, self.rotation_p, self.translate_p, self.noise_p)
        if not any(steps):
            raise ValueError("every step's probability is 0: augmentation could only copy the originals")
        return self
