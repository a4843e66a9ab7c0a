import warnings
from collections import Counter

import pytest
from PIL import Image

from bsgan.data.sample import Sample
from bsgan.data.split import assign_splits, check_splits
from bsgan.errors import InputDataError

PIXEL = Image.new("RGB", (4, 4))


def photos(n_photos: int, crops_per_photo: dict[str, int]) -> list[Sample]:
    return [
        Sample(PIXEL, label, f"photo_{p}.jpg", (0, 0, 4, 4))
        for p in range(n_photos)
        for label, n in crops_per_photo.items()
        for _ in range(n)
    ]


def test_no_photo_lands_in_both_splits() -> None:
    samples = assign_splits(photos(20, {"pitting": 2, "intact": 5}), test_fraction=0.25, seed=0)
    splits_of_photo: dict[str, set[str]] = {}
    for sample in samples:
        splits_of_photo.setdefault(sample.source, set()).add(str(sample.split))
    assert all(len(splits) == 1 for splits in splits_of_photo.values())
    assert Counter(next(iter(s)) for s in splits_of_photo.values()) == {"train": 15, "test": 5}


def test_split_is_seeded() -> None:
    samples = photos(20, {"pitting": 1, "intact": 3})
    first = [s.split for s in assign_splits(samples, 0.25, seed=1)]
    assert first == [s.split for s in assign_splits(samples, 0.25, seed=1)]
    assert first != [s.split for s in assign_splits(samples, 0.25, seed=2)]


def test_given_splits_are_kept() -> None:
    samples = [Sample(PIXEL, "pitting", "a.png", split="test"), Sample(PIXEL, "pitting", "b.png", split="train")]
    assert assign_splits(samples, 0.5, seed=0) == samples


def test_too_few_photos_for_the_fraction_is_an_error() -> None:
    with pytest.raises(InputDataError, match="data.test_fraction: 3 source photos cannot be split into 4 folds"):
        assign_splits(photos(3, {"pitting": 1}), 0.25, seed=0)


def test_a_class_missing_from_a_split_is_an_error() -> None:
    samples = [Sample(PIXEL, "rust", "a.png", split="train"), Sample(PIXEL, "intact", "b.png", split="train"),
               Sample(PIXEL, "intact", "c.png", split="test")]
    with pytest.raises(InputDataError, match="data/raw: class 'rust' has no test images"):
        check_splits(samples, "data/raw")


def test_a_class_of_one_image_is_one_clear_error_without_library_warnings() -> None:
    samples = photos(8, {"intact": 1}) + [Sample(PIXEL, "rust", "lonely.png", (0, 0, 4, 4))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scikit-learn's "least populated class" warning would fail here
        with pytest.raises(InputDataError, match="class 'rust': 1 source photo/image cannot give both a train and a test"):
            assign_splits(samples, 0.25, seed=0)


def test_a_class_with_fewer_photos_than_folds_splits_quietly() -> None:
    samples = photos(8, {"intact": 1}) + [Sample(PIXEL, "rust", f"r{i}.png", (0, 0, 4, 4)) for i in range(3)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        split = assign_splits(samples, 0.25, seed=0)
    assert {s.split for s in split} == {"train", "test"}
