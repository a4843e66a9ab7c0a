import logging

import pytest
from PIL import Image

from bsgan.data.budget import apply_train_limit, caps_per_class, draw_order
from bsgan.data.sample import Sample
from bsgan.errors import InputDataError

PIXEL = Image.new("RGB", (4, 4))


def samples(train: dict[str, int], test: dict[str, int]) -> list[Sample]:
    return [Sample(PIXEL, label, f"{split}/{label}/{i}", split=split)  # type: ignore[arg-type]
            for split, counts in (("train", train), ("test", test)) for label, n in counts.items() for i in range(n)]


DATA = samples({"pitting": 100, "rust": 40, "intact": 300}, {"pitting": 32, "rust": 10, "intact": 80})


def kept(limit, seed: int = 0, split: str = "train", label: str = "pitting") -> list[str]:
    return [item.sample.source for item in apply_train_limit(DATA, limit, "intact", seed)
            if item.sample.split == split and item.sample.label == label]


def test_smaller_budgets_are_prefixes_of_larger_ones() -> None:
    ten, twenty_five, fifty = kept({"pitting": 10}), kept({"pitting": 25}), kept({"pitting": 50})
    assert (len(ten), len(twenty_five), len(fifty)) == (10, 25, 50)
    assert fifty[:25] == twenty_five and twenty_five[:10] == ten
    assert len(set(fifty)) == 50, "drawn without replacement"


def test_the_draw_is_seeded_and_not_the_source_order() -> None:
    assert kept(25, seed=3) == kept(25, seed=3)
    assert kept(25, seed=3) != kept(25, seed=4)
    assert kept(25) != [f"train/pitting/{i}" for i in range(25)]


def test_a_class_draw_does_not_depend_on_the_other_classes_caps() -> None:
    assert kept({"pitting": 25}) == kept({"pitting": 25, "rust": 5}) == kept(25)
    assert kept({"rust": 5}, label="rust") == kept(5, label="rust")
    assert kept({"pitting": 25}, label="rust") == [f"train/rust/{i}" for i in range(40)], "uncapped class untouched"


def test_test_split_and_intact_class_are_untouched() -> None:
    for split, label in (("test", "pitting"), ("test", "rust"), ("train", "intact"), ("test", "intact")):
        everything = [s.source for s in DATA if s.split == split and s.label == label]
        assert kept(10, split=split, label=label) == everything


def test_ranks_record_the_place_in_the_draw() -> None:
    ranked = [item for item in apply_train_limit(DATA, {"pitting": 25}, "intact", 0) if item.rank is not None]
    assert [item.rank for item in ranked] == list(range(25))
    assert {item.sample.label for item in ranked} == {"pitting"}
    order = draw_order(100, "pitting", 0)
    assert [item.sample.source for item in ranked] == [f"train/pitting/{i}" for i in order[:25]]


def test_no_limit_changes_nothing() -> None:
    for limit in (None, {"pitting": None, "rust": None}):
        result = apply_train_limit(DATA, limit, "intact", 0)
        assert [item.sample for item in result] == DATA and {item.rank for item in result} == {None}


def test_a_cap_above_what_a_class_has_keeps_all_of_it_with_a_note(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        rust = kept({"rust": 500}, label="rust")
    assert sorted(rust) == sorted(f"train/rust/{i}" for i in range(40))
    assert "rust has 40 train images, fewer than the cap of 500: keeping all" in caplog.text


def test_a_cap_on_a_class_not_in_the_data_names_the_key() -> None:
    with pytest.raises(InputDataError, match=r"^data\.train_limit\.scratch: no failure class 'scratch' in the data "
                                             r"\(failure classes: pitting, rust\)$"):
        caps_per_class({"scratch": 5}, ["pitting", "rust"])
    assert caps_per_class({"scratch": None, "pitting": 5}, ["pitting", "rust"]) == {"pitting": 5}
    assert caps_per_class(7, ["pitting", "rust"]) == {"pitting": 7, "rust": 7}
