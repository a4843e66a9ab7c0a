"""``eval.verdict``: the thresholds that call a generator ``usable``, ``weak`` or ``collapsed``.

Every threshold is a multiple of what the real test split scores against the real train split (the
floor), so it means the same at 32 px and 96 px, on synthetic data and on photos. The reasons for each
value are the generators measured so far (README "Verdicts").
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from bsgan.config.base import Section

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


class VerdictConfig(Section):
    """Collapse bounds (any one met: ``collapsed``) and usable bounds (all met: ``usable``; else ``weak``)."""

    collapsed_diversity: Fraction = 0.45
    """Mean feature distance between generated images below this x the real test split's: the same few images
    for every latent (one image repeated scores 0; a healthy rust-original of the CPU default rose from 0.62x at
    loop 100 to 0.83x at loop 900)."""
    collapsed_coverage: Fraction = 0.1
    """Coverage below this x the real test split's: the images miss nearly every real image (collapsed runs
    measured 0.00-0.02 against the floor's 0.79-0.88; healthy CPU defaults 0.31-0.41)."""
    collapsed_gan_test: Fraction = 0.35
    """GAN-test below this x the real test split's: the judge sees the class in few images (collapsed runs
    measured 0.001-0.24 against the floor's 0.87-0.92; healthy CPU defaults 0.58-0.85)."""
    collapsed_fid: Annotated[float, Field(gt=0.0, le=1.0)] = 0.5
    """FID more than this share of the way from the floor to an untrained generator's (collapsed runs 0.55-0.8,
    healthy CPU defaults 0.14-0.25). Not judged during training, where FID of a few dozen images is biased."""
    usable_fid: Annotated[float, Field(ge=1.0)] = 1.4
    """FID at most this x the floor (the few-shot CPU defaults reach 1.29-1.56x; the paper's GPU runs 1.5-1.9x)."""
    usable_gan_test: Fraction = 0.9
    """GAN-test at least this x the real test split's: the defect, not only the colour, is drawn."""
    usable_precision: Fraction = 0.6
    """Precision at least this x the real test split's: most images look like some real image."""
    usable_coverage: Fraction = 0.4
    """Coverage at least this x the real test split's: the images reach a good part of the real variety."""
    usable_diversity: Fraction = 0.7
    """Diversity at least this x the real test split's (generated sets are less varied than real ones)."""

    @model_validator(mode="after")
    def _usable_above_collapsed(self) -> VerdictConfig:
        for metric in ("diversity", "coverage", "gan_test"):
            if getattr(self, f"usable_{metric}") < getattr(self, f"collapsed_{metric}"):
                raise ValueError(f"usable_{metric} must not be below collapsed_{metric}")
        return self
