"""Evaluation figures render as real PNG images with something drawn."""

from __future__ import annotations

import numpy as np

from bsgan.metrics.figures import distance_figure


def test_distance_histograms_of_sets_of_different_sizes() -> None:
    rng = np.random.default_rng(0)
    image = distance_figure({"generated": rng.normal(10, 1, 700), "real test": rng.normal(12, 1, 32)},
                            threshold=10.5, title="rust-original: nearest real train image")
    assert image.format == "PNG" and image.size == (600, 350)
    colours = image.convert("RGB").getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 20, "bars, line and text were drawn"
