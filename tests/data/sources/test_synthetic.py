import hashlib
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from scipy.ndimage import median_filter

from bsgan.config import DataConfig, SplitCounts, SyntheticConfig
from bsgan.data.sources import synthetic

ROOT = Path("unused")


def tiny(difficulty: float = 0.5, seed: int = 0, size: int = 32, **counts: tuple[int, int]) -> DataConfig:
    """A small synthetic config: ``counts`` maps class to (train, test)."""
    counts = counts or {"pitting": (3, 2), "rust": (2, 1), "intact": (4, 2)}
    split_counts = {label: SplitCounts(train=train, test=test) for label, (train, test) in counts.items()}
    return DataConfig(image_size=size, seed=seed, synthetic=SyntheticConfig(counts=split_counts, difficulty=difficulty))


def hashes(config: DataConfig) -> list[str]:
    return [hashlib.sha256(sample.image.tobytes()).hexdigest() for sample in synthetic.load(config, ROOT)]


def test_counts_splits_labels_and_sources_follow_the_params() -> None:
    samples = synthetic.load(tiny(), ROOT)

    assert [(s.label, s.split) for s in samples] == (
        [("pitting", "train")] * 3
        + [("pitting", "test")] * 2
        + [("rust", "train")] * 2
        + [("rust", "test")]
        + [("intact", "train")] * 4
        + [("intact", "test")] * 2
    )
    assert samples[0].source == "synthetic/pitting/train/0000"
    assert samples[4].source == "synthetic/pitting/test/0001"
    assert len({s.source for s in samples}) == len(samples)
    assert all(s.box is None for s in samples)
    assert all(s.image.mode == "RGB" and s.image.size == (32, 32) for s in samples)


def test_same_seed_gives_identical_images_another_seed_other_images() -> None:
    assert hashes(tiny(seed=3)) == hashes(tiny(seed=3))
    assert not set(hashes(tiny(seed=3))) & set(hashes(tiny(seed=4)))


def test_every_image_differs_from_every_other() -> None:
    found = hashes(tiny())
    assert len(set(found)) == len(found)


def test_an_image_does_not_depend_on_other_counts() -> None:
    few = hashes(tiny(pitting=(2, 1), intact=(2, 1)))
    more = hashes(tiny(pitting=(5, 3), intact=(2, 1)))

    assert few[:2] == more[:2]  # pitting train 0 and 1
    assert few[2] == more[5]  # pitting test 0
    assert few[-3:] == more[-3:]  # all of intact


def test_config_classes_restrict_the_output() -> None:
    config = tiny().model_copy(update={"classes": ["rust", "intact"]})
    samples = synthetic.load(config, ROOT)

    assert [s.label for s in samples] == ["rust"] * 3 + ["intact"] * 6
    assert hashes(config) == hashes(tiny())[5:]


def test_difficulty_changes_the_images() -> None:
    assert not set(hashes(tiny(difficulty=0.0))) & set(hashes(tiny(difficulty=1.0)))


@pytest.mark.parametrize("size", [16, 33, 256])
def test_renders_at_the_configured_size(size: int) -> None:
    samples = synthetic.load(tiny(size=size, pitting=(1, 1), rust=(1, 1), intact=(1, 1)), ROOT)
    assert {s.image.size for s in samples} == {(size, size)}


@cache
def class_images(label: str, difficulty: float) -> np.ndarray:
    """40 train images of one class as floats in [0, 1], shape (40, 48, 48, 3)."""
    other = "rust" if label == "intact" else "intact"
    config = tiny(difficulty, size=48, **{label: (40, 1), other: (1, 1)})
    return np.stack([np.asarray(s.image, dtype=float) / 255 for s in synthetic.load(config, ROOT)[:40]])


def dark_spots(images: np.ndarray) -> float:
    """Share of pixels clearly darker than their neighbourhood: pits, not dark grooves."""
    grey = images.mean(axis=-1)
    local = np.stack([median_filter(image, 9) for image in grey])
    return float((grey < local - 0.12).mean())


def redness(images: np.ndarray) -> float:
    return float((images[..., 0] - images[..., 2]).mean())


def test_pitting_shows_more_dark_spots_than_intact_when_easy() -> None:
    assert dark_spots(class_images("pitting", 0.0)) > 2 * dark_spots(class_images("intact", 0.0))


@pytest.mark.parametrize("difficulty", [0.0, 0.5])
def test_rust_is_redder_than_intact(difficulty: float) -> None:
    assert redness(class_images("rust", difficulty)) > redness(class_images("intact", difficulty)) + 0.02


def test_harder_means_fainter_pits() -> None:
    assert dark_spots(class_images("pitting", 1.0)) < 0.5 * dark_spots(class_images("pitting", 0.0))
