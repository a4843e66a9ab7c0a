import warnings
from collections import Counter

import pytest
from PIL import Image

from bsgan.data.sample import Sample
from bsgan.data.split import assign_groups, assign_splits, check_splits
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
    with pytest.raises(InputDataError, match="data.test_fraction: 3 groups .* cannot be split into 4 folds"):
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
        with pytest.raises(InputDataError,
                           match="class 'rust': 1 source photo/image cannot give both a train and a test"):
            assign_splits(samples, 0.25, seed=0)


def test_a_class_with_fewer_photos_than_folds_splits_quietly() -> None:
    samples = photos(8, {"intact": 1}) + [Sample(PIXEL, "rust", f"r{i}.png", (0, 0, 4, 4)) for i in range(3)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        split = assign_splits(samples, 0.25, seed=0)
    assert {s.split for s in split} == {"train", "test"}


def series(n_positions: int, shots: int) -> list[Sample]:
    """BSData-like names: each position photographed ``shots`` times, one pitting and three intact crops a photo."""
    return [Sample(PIXEL, label, f"data/01_2009{shot:08d}_{position * 2500:06d}_{45 * (position % 8):03d}_crop_1.jpg")
            for position in range(n_positions) for shot in range(shots)
            for label in ("pitting", "intact", "intact", "intact")]


POSITION = r"\d+_\d{12}_(?P<group>\d+_\d{3})_crop"


def test_group_by_keeps_every_position_in_one_split() -> None:
    samples = assign_splits(assign_groups(series(12, 3), POSITION), 0.25, seed=0)
    splits_of_group: dict[str, set[str]] = {}
    for sample in samples:
        splits_of_group.setdefault(str(sample.group), set()).add(str(sample.split))
    assert len(splits_of_group) == 12 and all(len(splits) == 1 for splits in splits_of_group.values())
    assert Counter(s.split for s in samples if s.label == "pitting") == {"train": 27, "test": 9}


def test_group_is_the_named_group_the_group_parts_or_the_whole_match() -> None:
    sample = [Sample(PIXEL, "pitting", "data/KGT1-S-073-A02_crop_0.jpg")]
    assert assign_groups(sample, r"KGT\d+-(?P<group>[SV])")[0].group == "S"
    assert assign_groups(sample, r"(?P<group_part>KGT\d+)-[SV]-\d+-(?P<group_section>A\d+)")[0].group == "KGT1-A02"
    assert assign_groups(sample, r"KGT\d+")[0].group == "KGT1"
    assert assign_groups(sample, None)[0].group == "data/KGT1-S-073-A02_crop_0.jpg"


def test_a_pattern_that_matches_no_file_is_an_error() -> None:
    with pytest.raises(InputDataError, match=r"data.group_by: 'KGT\\d\+' matches none of the 4 source files"):
        assign_groups(series(4, 1)[::4], r"KGT\d+")


def test_a_pattern_that_misses_some_files_names_one() -> None:
    samples = [*series(2, 1), Sample(PIXEL, "intact", "data/other.jpg")]
    with pytest.raises(InputDataError, match="does not match 1 of 3 source files, e.g. 'data/other.jpg'"):
        assign_groups(samples, POSITION)


def test_a_class_left_without_a_test_group_is_an_error() -> None:
    samples = [Sample(PIXEL, "rust", "a.png", split="train", group="g1"),
               Sample(PIXEL, "intact", "b.png", split="train", group="g2"),
               Sample(PIXEL, "intact", "c.png", split="test", group="g3")]
    with pytest.raises(InputDataError, match="data.group_by: class 'rust' has no test group"):
        check_splits(samples, "data/raw", grouped=True)
