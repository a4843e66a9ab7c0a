"""The augment stage on a tiny prepared set."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bsgan.cli import main
from tests.stages.test_prepare import run_prepare, snapshot


def run_augment(params: Path) -> int:
    root = params.parent
    return main(["augment", "--params", str(params), "--prepared", str(root / "prepared"),
                 "--out", str(root / "augmented"), "--metrics", str(root / "augment.json")])


@pytest.fixture
def prepared(write_params: Callable[..., Path]) -> Path:
    params = write_params()
    assert run_prepare(params) == 0
    return params


def rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "manifest.csv").open() as handle:
        return list(csv.DictReader(handle))


def test_failure_classes_are_topped_up_to_the_target(prepared: Path) -> None:
    assert run_augment(prepared) == 0
    augmented = prepared.parent / "augmented"
    assert json.loads((prepared.parent / "augment.json").read_text()) == {"train": {"pitting": 12, "rust": 12}}
    assert not (augmented / "test").exists() and not (augmented / "train" / "intact").exists()

    pitting = [row for row in rows(augmented) if row["class"] == "pitting"]
    originals = {row["file"] for row in rows(prepared.parent / "prepared")
                 if row["split"] == "train" and row["class"] == "pitting"}
    sources = Counter(row["source"] for row in pitting)
    assert set(sources) == originals, "every augmented image names the prepared image it came from"
    assert max(sources.values()) - min(sources.values()) <= 1, "originals are used equally often"
    assert len({row["sha256"] for row in pitting}) == 12, "no augmented image repeats an original"


def test_originals_are_included_unchanged(prepared: Path) -> None:
    run_augment(prepared)
    prepared_hashes = {row["sha256"] for row in rows(prepared.parent / "prepared")
                       if row["class"] == "rust" and row["split"] == "train"}
    augmented_hashes = {row["sha256"] for row in rows(prepared.parent / "augmented") if row["class"] == "rust"}
    assert prepared_hashes <= augmented_hashes


def test_augmentation_is_deterministic_and_seeded(prepared: Path) -> None:
    run_augment(prepared)
    first = snapshot(prepared.parent / "augmented")
    run_augment(prepared)
    assert snapshot(prepared.parent / "augmented") == first

    params = yaml.safe_load(prepared.read_text())
    params["augment"]["seed"] = 1
    prepared.write_text(yaml.safe_dump(params))
    run_augment(prepared)
    assert snapshot(prepared.parent / "augmented") != first


def test_a_target_below_the_originals_keeps_them_all(prepared: Path) -> None:
    params = yaml.safe_load(prepared.read_text())
    params["augment"]["target_per_class"] = 2
    prepared.write_text(yaml.safe_dump(params))
    run_augment(prepared)
    assert json.loads((prepared.parent / "augment.json").read_text()) == {"train": {"pitting": 6, "rust": 5}}


def test_missing_prepared_set_is_one_clear_line(write_params: Callable[..., Path],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert run_augment(write_params()) == 2
    error = capsys.readouterr().err.strip()
    assert error.endswith("manifest.csv: manifest not found (run `bsgan prepare` first)") and "\n" not in error
