import hashlib
from pathlib import Path

import numpy as np
import pytest
from scipy.ndimage import median_filter

from bsgan.config import SYNTHETIC_CLASSES, DataConfig, SplitCounts, SyntheticConfig
from bsgan.data.sources import synthetic

ROOT = Path("unused")


def tiny(difficulty: float = 0.5, seed: int = 0, **counts: tuple[int, int]) -> DataConfig:
    counts = counts or {"pitting": (3, 2), "rust": (2, 1), "intact": (4, 2)}
    split_counts = {label: SplitCounts(train=train, test=test) for label, (train, test) in counts.items()}
    return DataConfig(image_size=32, seed=seed, synthetic=SyntheticConfig(counts=split_counts, difficulty=difficulty))


def hashes(config: DataConfig) -> list[str]:
    return [hashlib.sha256(sample.image.tobytes()).hexdigest() for sample in synthetic.load(config, ROOT)]


def test_counts_splits_and_sources_follow_the_params() -> None:
    samples = synthetic.load(tiny(), ROOT)
    assert [(s.label, s.split) for s in samples] == (
        [("pitting", "train")] * 3 + [("pitting", "test")] * 2 + [("rust", "train")] * 2 + [("rust", "test")]
        + [("intact", "train")] * 4 + [("intact", "test")] * 2
    )
    assert samples[0].source == "synthetic/pitting/train/0000" and samples[0].box is None
    assert len({s.source for s in samples}) == len(samples)
    assert all(s.image.mode == "RGB" and s.image.size == (32, 32) for s in samples)


def test_same_seed_same_images_other_seed_other_images() -> None:
    assert hashes(tiny(seed=3)) == hashes(tiny(seed=3))
    assert not set(hashes(tiny(seed=3))) & set(hashes(tiny(seed=4)))


def test_an_image_does_not_depend_on_other_counts() -> None:
    few = hashes(tiny(pitting=(2, 1), intact=(2, 1)))
    more = hashes(tiny(pitting=(5, 1), intact=(2, 1)))
    assert few[:2] == more[:2] and few[-3:] == more[-3:]


def test_config_classes_restrict_the_output() -> None:
    config = tiny().model_copy(update={"classes": ["rust", "intact"]})
    assert {s.label for s in synthetic.load(config, ROOT)} == {"rust", "intact"}


def test_difficulty_changes_the_images() -> None:
    assert not set(hashes(tiny(difficulty=0.0))) & set(hashes(tiny(difficulty=1.0)))


def test_image_size_scales_the_render() -> None:
    config = tiny(pitting=(1, 1), intact=(1, 1)).model_copy(update={"image_size": 128})
    assert synthetic.load(config, ROOT)[0].image.size == (128, 128)


def class_statistics(label: str, difficulty: float) -> tuple[float, float]:
    """Share of locally dark pixels and mean red-minus-blue over 40 images of one class.

    "Locally dark" compares each pixel with the median of its row neighbourhood, so the dark groove
    bottoms that run along the rows do not count but a crater does.
    """
    class_index = SYNTHETIC_CLASSES.index(label)
    images = np.stack([
        np.asarray(synthetic.render(label, 48, difficulty, np.random.default_rng([0, class_index, 0, i])), dtype=float) / 255
        for i in range(40)
    ])
    grey = images.mean(axis=-1)
    local = grey - median_filter(grey, size=(1, 1, 15))
    return float((local < -0.1).mean()), float((images[..., 0] - images[..., 2]).mean())


@pytest.mark.parametrize("difficulty", [0.0, 0.5])
def test_pits_are_dark_spots_intact_surfaces_lack(difficulty: float) -> None:
    assert class_statistics("pitting", difficulty)[0] > 2 * class_statistics("intact", difficulty)[0]


def test_rust_is_redder_than_intact_metal() -> None:
    assert class_statistics("rust", 0.0)[1] > class_statistics("intact", 0.0)[1] + 0.02


def test_harder_means_fainter_defects_and_more_look_alikes() -> None:
    assert class_statistics("pitting", 1.0)[0] < class_statistics("pitting", 0.5)[0] < class_statistics("pitting", 0.0)[0]
    assert class_statistics("rust", 1.0)[1] < class_statistics("rust", 0.0)[1]
    assert class_statistics("intact", 1.0)[0] > class_statistics("intact", 0.0)[0]
