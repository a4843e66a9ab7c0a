"""The leak check finds test images that are (nearly) train images, and leaves independent splits alone."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageEnhance

from bsgan.config import DataConfig, LeakConfig
from bsgan.data.leaks import find_leaks, hash_distances, perceptual_hashes
from bsgan.data.manifest import ManifestRow
from bsgan.data.sources.synthetic import load as load_synthetic


def texture(seed: int) -> Image.Image:
    """A random smooth surface: different seeds are unrelated images."""
    rng = np.random.default_rng(seed)
    coarse = rng.random((6, 6, 3)) * 255
    return Image.fromarray(coarse.astype(np.uint8)).resize((48, 48), Image.BICUBIC)


def row(index: int, split: str, group: str) -> ManifestRow:
    return ManifestRow(f"{split}/pitting/{index}.png", "pitting", split, f"{group}.jpg", None, None, None, None, "",
                       group)


def test_planted_near_duplicates_are_found_and_listed_first() -> None:
    train = [texture(seed) for seed in range(40)]
    test = [texture(seed) for seed in range(100, 110)]
    # the same spots photographed again: a little brighter, and with sensor noise
    test[3] = ImageEnhance.Brightness(train[5]).enhance(1.1)
    noise = np.random.default_rng(0).normal(0, 4, (48, 48, 3))
    test[7] = Image.fromarray(np.clip(np.asarray(train[20], dtype=float) + noise, 0, 255).astype(np.uint8))
    rows = [row(i, "train", f"t{i}") for i in range(40)] + [row(i, "test", f"s{i}") for i in range(10)]
    report = find_leaks(rows, train + test, LeakConfig(max_hash_distance=6, pairs_shown=3))
    assert report.near_duplicate_pairs == 2 and report.test_images_with_near_duplicate == 2
    assert {(p.test, p.train) for p in report.closest[:2]} == {("test/pitting/3.png", "train/pitting/5.png"),
                                                              ("test/pitting/7.png", "train/pitting/20.png")}
    assert report.closest[2].distance > 6 and report.shared_groups == []


def test_a_group_in_both_splits_is_counted() -> None:
    rows = [row(0, "train", "spot_a"), row(1, "test", "spot_a"), row(2, "test", "spot_b")]
    report = find_leaks(rows, [texture(0), texture(1), texture(2)], LeakConfig())
    assert report.shared_groups == ["spot_a"]


def test_hash_distance_is_the_number_of_differing_bits() -> None:
    hashes = perceptual_hashes([texture(0), texture(1)])
    assert hashes.shape == (2, 64)
    assert hash_distances(hashes, hashes).tolist() == [[0, int((hashes[0] != hashes[1]).sum())],
                                                       [int((hashes[0] != hashes[1]).sum()), 0]]


@pytest.mark.slow(seconds=15)  # renders the default's 1223 images (about 15 s)
def test_the_synthetic_default_has_no_near_duplicates() -> None:
    samples = load_synthetic(DataConfig(image_size=32, synthetic={"difficulty": 0.3}), None)  # type: ignore[arg-type]
    rows = [ManifestRow(f"{i}.png", s.label, str(s.split), s.source, None, None, None, None, "", s.source)
            for i, s in enumerate(samples)]
    report = find_leaks(rows, [s.image for s in samples], LeakConfig())
    assert (report.near_duplicate_pairs, len(report.shared_groups)) == (0, 0)
    assert report.closest[0].distance > LeakConfig().max_hash_distance
