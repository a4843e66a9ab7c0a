"""Sliding windows cover the photo; the heat map is the mean score of the windows over each pixel."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import bsgan.inference.scan as scan_module
from bsgan.errors import InputDataError
from bsgan.inference.ensemble import Ensemble
from bsgan.inference.scan import Scan, scan_photo, window_boxes
from bsgan.models.classifier.classifier_file import ClassifierInfo, SavedClassifier
from bsgan.models.classifier.torch_model import FailureClassifier


def test_windows_cover_every_pixel_and_the_last_ones_end_at_the_edges() -> None:
    boxes = window_boxes(50, 30, 20, 15)
    assert boxes[0] == (0, 0, 20, 20) and boxes[-1] == (30, 10, 50, 30)
    assert {box[0] for box in boxes} == {0, 15, 30} and {box[1] for box in boxes} == {0, 10}
    covered = np.zeros((30, 50), bool)
    for left, top, right, bottom in boxes:
        covered[top:bottom, left:right] = True
    assert covered.all()


def test_the_heat_map_and_the_windows_above_the_threshold() -> None:
    boxes = [(0, 0, 2, 2), (1, 0, 3, 2)]
    probabilities = np.array([[0.9, 0.05, 0.05], [0.2, 0.7, 0.1]])
    scan = Scan(boxes, probabilities, 1 - probabilities[:, 0], ["intact", "pitting", "rust"], (3, 2), 0)
    # pixel columns: 0 only window 0 (score 0.1), 1 both (mean 0.45), 2 only window 1 (0.8)
    np.testing.assert_allclose(scan.heat_map(), [[0.1, 0.45, 0.8], [0.1, 0.45, 0.8]])
    above = scan.above(0.5)
    assert [w["box"] for w in above] == [[1, 0, 3, 2]]
    assert above[0]["class"] == "pitting" and above[0]["score"] == pytest.approx(0.8)


def test_a_scan_scores_windows_by_the_failure_probability_of_the_ensemble() -> None:
    torch.manual_seed(0)
    info = ClassifierInfo(["intact", "pitting"], 16, 0.25, "t", 0, "0" * 64, "intact", 24)
    ensemble = Ensemble([SavedClassifier(FailureClassifier(2, 16, 0.25).eval(), info)])
    photo = torch.randint(0, 256, (3, 40, 60), dtype=torch.uint8)
    scan = scan_photo(ensemble, photo, 24, 12, "photo.jpg")
    assert len(scan.boxes) == 3 * 4 and scan.size == (60, 40)
    left, top, right, bottom = scan.boxes[5]
    expected = ensemble.probabilities(photo[None, :, top:bottom, left:right])[0]
    assert scan.scores[5] == pytest.approx(1 - float(expected[0]), abs=1e-6)
    with pytest.raises(InputDataError, match=r"photo\.jpg: photo 60x40 is smaller than the 48-pixel scan window"):
        scan_photo(ensemble, photo, 48, 12, "photo.jpg")


def test_a_large_photo_is_classified_in_chunks_with_the_same_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    torch.manual_seed(0)
    info = ClassifierInfo(["intact", "pitting"], 16, 0.25, "t", 0, "0" * 64, "intact", 24)
    ensemble = Ensemble([SavedClassifier(FailureClassifier(2, 16, 0.25).eval(), info)])
    photo = torch.randint(0, 256, (3, 40, 60), dtype=torch.uint8)
    whole = scan_photo(ensemble, photo, 24, 12, "photo.jpg")
    seen: list[int] = []
    classify = Ensemble.probabilities

    def counting(self: Ensemble, windows: torch.Tensor) -> torch.Tensor:
        seen.append(len(windows))
        return classify(self, windows)

    monkeypatch.setattr(Ensemble, "probabilities", counting)
    monkeypatch.setattr(scan_module, "CHUNK", 5)
    chunked = scan_photo(ensemble, photo, 24, 12, "photo.jpg")
    assert seen == [5, 5, 2], "at most CHUNK windows in memory at once"
    np.testing.assert_allclose(chunked.scores, whole.scores, atol=1e-6)
