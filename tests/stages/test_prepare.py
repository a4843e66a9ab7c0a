"""The prepare stage end to end through the CLI, including every bad-input case."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from bsgan.cli import main
from tests.inputs import box_polygon, labelme_json, textured_photo


def run_prepare(params: Path) -> int:
    out, metrics = params.parent / "prepared", params.parent / "metrics.json"
    return main(["prepare", "--params", str(params), "--out", str(out), "--metrics", str(metrics)])


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_synthetic_prepare_writes_images_manifest_sheets_and_counts(write_params: Callable[..., Path]) -> None:
    params = write_params()
    assert run_prepare(params) == 0
    out = params.parent / "prepared"

    counts = json.loads((params.parent / "metrics.json").read_text())
    assert {split: counts[split] for split in ("train", "test")} == {
        "test": {"intact": 4, "pitting": 3, "rust": 2}, "train": {"intact": 10, "pitting": 6, "rust": 5}}
    assert counts["leaks"]["shared_groups"] == 0 and counts["leaks"]["near_duplicate_pairs"] == 0
    assert (out / "leaks" / "closest_pairs.png").exists()
    assert len(list((out / "train" / "pitting").glob("*.png"))) == 6

    with (out / "manifest.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 30
    first = rows[0]
    assert set(first) == {"file", "class", "split", "source", "box_left", "box_top", "box_right", "box_bottom",
                          "sha256", "group"}
    assert hashlib.sha256((out / first["file"]).read_bytes()).hexdigest() == first["sha256"]
    assert Image.open(out / first["file"]).size == (32, 32)

    sheets = sorted(p.name for p in (out / "contact_sheets").iterdir())
    assert sheets == [f"{split}_{label}.png" for split in ("test", "train") for label in ("intact", "pitting", "rust")]


def test_synthetic_prepare_is_deterministic(write_params: Callable[..., Path]) -> None:
    params = write_params()
    run_prepare(params)
    first = snapshot(params.parent / "prepared")
    run_prepare(params)
    assert snapshot(params.parent / "prepared") == first


def manifest(folder: Path) -> list[dict[str, str]]:
    with (folder / "manifest.csv").open() as handle:
        return list(csv.DictReader(handle))


def test_train_limit_keeps_a_nested_subset_of_train_images_and_the_whole_test_split(
    write_params: Callable[..., Path],
) -> None:
    budgets = {}
    for name, limit in (("all", None), ("three", {"pitting": 3}), ("five", {"pitting": 5})):
        params = write_params({"data": {"train_limit": limit}})
        assert main(["prepare", "--params", str(params), "--out", str(params.parent / name),
                     "--metrics", str(params.parent / f"{name}.json")]) == 0
        budgets[name] = params.parent / name
    counts = json.loads((budgets["three"].parent / "three.json").read_text())
    assert counts["train"] == {"intact": 10, "pitting": 3, "rust": 5}
    assert counts["test"] == {"intact": 4, "pitting": 3, "rust": 2}, "the test split is never capped"

    everything = snapshot(budgets["all"])
    for name in ("three", "five"):
        files = snapshot(budgets[name])
        for split_and_class in ("test/", "train/rust/", "train/intact/"):
            assert {k: v for k, v in files.items() if k.startswith(split_and_class)} == \
                   {k: v for k, v in everything.items() if k.startswith(split_and_class)}, (name, split_and_class)
    three, five = (manifest(budgets[name]) for name in ("three", "five"))
    pitting = {name: [row for row in rows if row["split"] == "train" and row["class"] == "pitting"]
               for name, rows in (("three", three), ("five", five))}
    assert [row["budget_rank"] for row in pitting["three"]] == ["0", "1", "2"]
    assert [(row["file"], row["sha256"], row["source"]) for row in pitting["five"][:3]] == \
           [(row["file"], row["sha256"], row["source"]) for row in pitting["three"]], \
           "budget 3 is the first 3 of budget 5"
    assert {row["sha256"] for row in pitting["five"]} <= {everything[f] for f in everything
                                                          if f.startswith("train/pitting/")}
    assert {row["budget_rank"] for row in three if row["class"] != "pitting" or row["split"] == "test"} == {""}
    assert "budget_rank" not in manifest(budgets["all"])[0], "without a limit the manifest is as before"


def test_labelme_prepare_splits_by_photo(write_params: Callable[..., Path], labelme_root: Path) -> None:
    params = write_params({"data": {"source": "labelme", "root": str(labelme_root), "labelme": {"min_crop": 32}}})
    assert run_prepare(params) == 0
    with (params.parent / "prepared" / "manifest.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    split_of_photo: dict[str, set[str]] = {}
    for row in rows:
        split_of_photo.setdefault(row["source"], set()).add(row["split"])
    assert all(len(splits) == 1 for splits in split_of_photo.values())
    assert {row["class"] for row in rows} == {"pitting", "rust", "intact"}


def _break_labelme(root: Path, what: str) -> None:
    label = root / "label" / "photo_0.json"
    annotation = json.loads(label.read_text())
    if what == "missing root":
        root.rename(root.with_name("moved"))
    elif what == "no images":
        for path in [*root.rglob("*.jpg"), *root.rglob("*.json")]:
            path.unlink()
    elif what == "not labelme":
        label.write_text(json.dumps({"annotations": []}))
    elif what == "two points":
        annotation["shapes"][0]["points"] = [[10, 10], [20, 20]]
        label.write_text(json.dumps(annotation))
    elif what == "outside":
        annotation["shapes"][0]["points"] = box_polygon(380, 150, 450, 190)
        label.write_text(json.dumps(annotation))
    elif what == "truncated":
        photo = root / "data" / "photo_0.jpg"
        photo.write_bytes(photo.read_bytes()[:500])
    elif what == "smaller than crop":
        textured_photo(40, 30, seed=0).save(root / "data" / "photo_0.jpg")
        label.write_text(json.dumps(labelme_json("photo_0.jpg", (40, 30), [("Pitting", box_polygon(5, 5, 15, 15))])))


@pytest.mark.parametrize(
    ("what", "message"),
    [
        ("missing root", "bsdata"),
        ("no images", "bsdata"),
        ("not labelme", "photo_0.json"),
        ("two points", "photo_0.json"),
        ("outside", "photo_0.json"),
        ("truncated", "photo_0.jpg"),
        ("smaller than crop", "photo_0"),
    ],
)
def test_bad_labelme_input_fails_cleanly_and_keeps_the_previous_output(
    write_params: Callable[..., Path], labelme_root: Path, capsys: pytest.CaptureFixture[str], what: str, message: str
) -> None:
    params = write_params({"data": {"source": "labelme", "root": str(labelme_root), "labelme": {"min_crop": 32}}})
    assert run_prepare(params) == 0
    before = snapshot(params.parent / "prepared")
    capsys.readouterr()

    _break_labelme(labelme_root, what)
    assert run_prepare(params) == 2

    error = capsys.readouterr().err.strip()
    assert error.startswith("bsgan prepare: error: ") and message in error and "\n" not in error
    assert snapshot(params.parent / "prepared") == before
    assert sorted(p.name for p in params.parent.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"data": {"source": "folder", "root": "nowhere"}}, "nowhere: data.root folder not found"),
        ({"data": {"source": "folder", "root": "empty"}}, "empty: no class folders with images found"),
        ({"data": {"source": "folder", "classes": ["pitting", "rust", "intact"]}},
         "data.classes: class 'rust' not found in"),
        ({"data": {"source": "folder", "intact_class": "good"}}, "data.intact_class: class 'good' not found in"),
        ({"data": {"image_size": 4}}, "params.yaml: data.image_size: Input should be greater than or equal to 16"),
        ({"data": {"source": "folder", "train_limit": {"rust": 3}}},
         "data.train_limit.rust: no failure class 'rust' in the data (failure classes: pitting)"),
        ({"data": {"train_limit": {"pitting": -1}}},
         "data.train_limit: pitting: must be a whole number of images >= 1"),
        ({"data": {"source": "folder", "group_by": "KGT"}}, "data.group_by: 'KGT' matches none of the 14 source files"),
        ({"data": {"source": "folder", "group_by": "^(?P<group>[^/]+)/"}},
         "data.test_fraction: 2 groups (source photos or data.group_by units) cannot be split into 4 folds"),
        ({"data": {"synthetic": {"counts": {"rust": {"train": 2, "test": 0}, "intact": {"train": 2, "test": 2}}}}},
         "data.synthetic.counts.rust.test"),
    ],
)
def test_bad_params_or_folders_fail_with_one_line_and_keep_the_previous_output(
    write_params: Callable[..., Path], folder_root: Path, capsys: pytest.CaptureFixture[str], overrides: dict,
    message: str,
) -> None:
    (folder_root.parent / "empty").mkdir()
    assert run_prepare(write_params({"data": {"source": "folder", "root": str(folder_root)}})) == 0
    before = snapshot(folder_root.parent / "prepared")
    capsys.readouterr()

    overrides["data"].setdefault("root", str(folder_root))
    assert run_prepare(write_params(overrides)) == 2

    error = capsys.readouterr().err.strip()
    assert message in error and "\n" not in error
    assert snapshot(folder_root.parent / "prepared") == before


def test_a_class_with_no_test_images_is_an_error(
    write_params: Callable[..., Path], folder_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    presplit = folder_root.parent / "presplit"
    for split, classes in (("train", ("Pitting", "intact")), ("test", ("intact",))):
        for cls in classes:
            (presplit / split).mkdir(parents=True, exist_ok=True)
            (presplit / split / cls).symlink_to(folder_root / cls, target_is_directory=True)
    assert run_prepare(write_params({"data": {"source": "folder", "root": str(presplit)}})) == 2
    assert "class 'pitting' has no test images" in capsys.readouterr().err


def test_a_file_name_that_is_not_utf8_is_kept_in_the_manifest_with_escapes(write_params: Callable[..., Path],
                                                                           folder_root: Path) -> None:
    os.rename(folder_root / "Pitting" / "0.png", os.fsencode(folder_root / "Pitting") + b"/caf\xe9.png")
    params = write_params({"data": {"source": "folder", "root": str(folder_root)}})
    assert run_prepare(params) == 0
    with (params.parent / "prepared" / "manifest.csv").open(encoding="utf-8") as handle:
        sources = {row["source"] for row in csv.DictReader(handle)}
    assert "Pitting/caf\\xe9.png" in sources


def test_group_by_sets_the_manifest_group_of_folder_images(write_params: Callable[..., Path],
                                                           folder_root: Path) -> None:
    # the same index in both class folders is one "place" here: 8 places, 14 images
    params = write_params({"data": {"source": "folder", "root": str(folder_root), "group_by": r"(?P<group>\d+)\.png"}})
    assert run_prepare(params) == 0
    with (params.parent / "prepared" / "manifest.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    splits: dict[str, set[str]] = {}
    for row in rows:
        splits.setdefault(row["group"], set()).add(row["split"])
    assert sorted(splits) == [str(i) for i in range(8)] and all(len(seen) == 1 for seen in splits.values())


def test_the_same_images_in_both_given_splits_are_reported_as_leaks(
    write_params: Callable[..., Path], folder_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    presplit = folder_root.parent / "presplit"
    for split in ("train", "test"):
        for cls in ("Pitting", "intact"):
            (presplit / split).mkdir(parents=True, exist_ok=True)
            (presplit / split / cls).symlink_to(folder_root / cls, target_is_directory=True)
    assert run_prepare(write_params({"data": {"source": "folder", "root": str(presplit)}})) == 0
    leaks = json.loads((presplit.parent / "metrics.json").read_text())["leaks"]
    assert leaks["test_images_with_near_duplicate"] == 14 and leaks["closest_hash_distance"] == 0
    assert "leak check: 0 group(s) in both splits, 14 near-duplicate train/test pair(s)" in caplog.text
