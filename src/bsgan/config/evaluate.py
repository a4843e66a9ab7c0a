"""The ``eval`` section: how ``evaluate_gan`` judges each generator."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from bsgan.config.base import Section
from bsgan.config.verdict import VerdictConfig


class ReferenceConfig(Section):
    """``eval.reference``: the project's classifier network, trained on real images only, that GAN-test asks."""

    epochs: Annotated[int, Field(ge=1, le=1000)] = 6
    batch_size: Annotated[int, Field(ge=1, le=4096)] = 32
    lr: Annotated[float, Field(gt=0.0, le=1.0)] = 0.001
    beta1: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.5
    width: Annotated[float, Field(gt=0.0, le=4.0)] = 0.5
    seeds: Annotated[int, Field(ge=1, le=50)] = 5
    """Networks trained with seeds ``eval.seed`` onwards; GAN-test is their mean. One network's verdict on the
    same generated pitting images moves by 0.2 with its seed alone."""
    flips: bool = True
    """Train on every image and its horizontal, vertical and double flips: a surface defect is one under a flip,
    and the 100-odd pitting photos alone leave the judge's own pitting recall at 0.6-0.75."""


class EvalConfig(Section):
    """The ``eval`` section: how ``evaluate_gan`` judges each generator (the paper's Table 6 and Figures 9-10)."""

    fid_repeats: Annotated[int, Field(ge=1, le=100)] = 5
    """Disjoint generated sets, each the size of the class's real train set, that FID/KID are averaged over
    (paper: 10, which needs 1300 images for its 128 rust images). They are consecutive slices of ``data/generated``,
    so ``generate.count`` must cover them (``auto`` does)."""
    kid_subsets: Annotated[int, Field(ge=1, le=10000)] = 100
    kid_subset_size: Annotated[int, Field(ge=2)] = 50
    """Images per KID subset, capped by the smaller set; below the set sizes, so subsets differ."""
    tsne_perplexity: Annotated[float, Field(gt=1.0, le=100.0)] = 30.0
    nearest_pairs: Annotated[int, Field(ge=1, le=64)] = 8
    """Generated images shown beside their nearest real train image (closest first)."""
    turing_count: Annotated[int, Field(ge=1, le=500)] = 20
    """Real and generated images each on the blinded sheet for people."""
    device: Literal["auto", "cpu", "cuda"] = "auto"
    """Where the Inception network runs."""
    seed: Annotated[int, Field(ge=0)] = 0
    prdc_k: Annotated[int, Field(ge=1, le=50)] = 5
    """Nearest neighbour whose distance is a real image's radius for precision/recall/density/coverage."""
    reference: ReferenceConfig = Field(default_factory=lambda: ReferenceConfig())
    """The GAN-test classifier: trained on the real train split only, seeded with ``eval.seed``."""
    verdict: VerdictConfig = Field(default_factory=lambda: VerdictConfig())
    """Bounds that call each generator usable, weak or collapsed (also asked by training's fidelity probe)."""
