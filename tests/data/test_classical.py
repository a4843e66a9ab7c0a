import numpy as np
import pytest

from bsgan.config import AugmentConfig
from bsgan.data.classical import augment_image, classical_transform
from tests.inputs import textured_photo

NOTHING = AugmentConfig.model_construct(
    **{**AugmentConfig().model_dump(), "hflip_p": 0, "vflip_p": 0, "rotation_p": 0, "translate_p": 0, "noise_p": 0}
)


def pixels(image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


def test_all_steps_off_is_the_identity() -> None:
    image = textured_photo(32, 32, seed=0)
    assert np.array_equal(pixels(classical_transform(NOTHING, 32)(image)), pixels(image))


def test_an_augmented_image_never_equals_its_source() -> None:
    image = textured_photo(32, 32, seed=0)
    rarely = classical_transform(NOTHING.model_copy(update={"hflip_p": 0.2}), 32)
    for seed in range(20):
        assert not np.array_equal(pixels(augment_image(rarely, image, seed)), pixels(image))


def test_certain_flip_mirrors_the_image() -> None:
    image = textured_photo(32, 32, seed=0)
    flipped = augment_image(classical_transform(NOTHING.model_copy(update={"hflip_p": 1.0}), 32), image, seed=0)
    assert np.array_equal(pixels(flipped), pixels(image)[:, ::-1])


@pytest.mark.parametrize("step", [{"rotation_p": 1.0, "rotation_degrees": 45},
                                  {"translate_p": 1.0, "translate_fraction": 0.3}])
def test_geometric_steps_leave_no_empty_corners(step: dict) -> None:
    image = textured_photo(32, 32, seed=0)  # every pixel of the texture is >= 0.15 * 255
    transform = classical_transform(NOTHING.model_copy(update=step), 32)
    for seed in range(10):
        out = pixels(augment_image(transform, image, seed))
        assert out.shape == (32, 32, 3)
        assert out.min() >= 30, "a corner was filled with black instead of reflected surface"
        assert not np.array_equal(out, pixels(image))


def test_noise_has_the_configured_strength() -> None:
    grey = textured_photo(64, 64, seed=0).convert("L").convert("RGB")
    noisy = augment_image(classical_transform(NOTHING.model_copy(update={"noise_p": 1.0, "noise_std": 0.05}), 64),
                          grey, 0)
    difference = (pixels(noisy) - pixels(grey)) / 255.0
    assert difference.std() == pytest.approx(0.05, rel=0.15)


def test_same_seed_same_image() -> None:
    image, transform = textured_photo(32, 32, seed=1), classical_transform(AugmentConfig(), 32)
    assert np.array_equal(pixels(augment_image(transform, image, 7)), pixels(augment_image(transform, image, 7)))
    assert not all(np.array_equal(pixels(augment_image(transform, image, 7)),
                                  pixels(augment_image(transform, image, s)))
                   for s in range(8, 12))
