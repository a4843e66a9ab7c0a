"""The ``generate`` section: the images drawn from each trained generator."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from bsgan.config.base import Section


class GenerateConfig(Section):
    """The ``generate`` section: images drawn from each trained generator for the classification tasks."""

    count: Annotated[int, Field(ge=1)] | Literal["auto"] = "auto"
    """Images per generator (tasks and evaluate_gan use prefixes of them); ``auto``: the most anything reads,
    from the class's train size (:mod:`bsgan.data.sizes`): ``tasks.target_per_class``, ``eval.fid_repeats`` x
    train images, ``eval.turing_count``."""
    seed: Annotated[int, Field(ge=0)] = 0
    """Latent vectors are ``randn(count, latent_size)`` from this seed; row i makes image i."""
    batch_size: Annotated[int, Field(ge=1, le=4096)] = 100
    interpolation_pairs: Annotated[int, Field(ge=1, le=64)] = 6
    interpolation_steps: Annotated[int, Field(ge=3, le=32)] = 10
    interpolation: Literal["slerp", "linear"] = "slerp"
    """Path between two latent points: great circle (suits Gaussian latents) or straight line."""
