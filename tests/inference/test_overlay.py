"""The scan picture: the heat map blended over the photo band by band, so a huge photo fits in memory."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import bsgan.inference.overlay as overlay_module
from bsgan.inference.overlay import overlay
from bsgan.inference.scan import Scan, window_boxes


def test_blending_in_bands_draws_the_same_picture_as_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    photo = Image.fromarray(rng.integers(0, 256, (30, 40, 3), dtype=np.uint8))
    boxes = window_boxes(40, 30, 10, 5)
    probabilities = rng.dirichlet([1, 1], len(boxes))
    scan = Scan(boxes, probabilities, 1 - probabilities[:, 0], ["intact", "pitting"], (40, 30), 0)
    at_once = np.asarray(overlay(photo, scan, 0.6))
    monkeypatch.setattr(overlay_module, "BAND_ROWS", 7)
    banded = np.asarray(overlay(photo, scan, 0.6))
    np.testing.assert_array_equal(banded, at_once)
    heat = scan.heat_map()
    hottest = np.unravel_index(heat.argmax(), heat.shape)
    assert not np.array_equal(banded[hottest], np.asarray(photo)[hottest]), "the heat map is drawn"
