"""The labelme importer on generated photos, and on the real BSData sample when it is present."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bsgan.config import DataConfig, LabelmeConfig
from bsgan.data.sources import labelme
from bsgan.errors import InputDataError
from tests.inputs import box_polygon, labelme_json, textured_photo

SAMPLE = Path(os.environ.get("BSGAN_BSDATA_SAMPLE", Path(__file__).resolve().parents[4] / "shared/data/bsdata-sample"))


def config(**labelme_settings: object) -> DataConfig:
    return DataConfig(source="labelme", image_size=32, labelme=LabelmeConfig(**{"min_crop": 32, **labelme_settings}))


def one_photo(root: Path, shapes: list[tuple[str, list[list[float]]]], size: tuple[int, int] = (400, 200)) -> Path:
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "label").mkdir(exist_ok=True)
    photo = textured_photo(*size, seed=0)
    photo.save(root / "data" / "p.jpg")
    (root / "label" / "p.json").write_text(json.dumps(labelme_json("p.jpg", size, shapes)))
    return root


def overlaps(a: tuple[int, int, int, int], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_a_polygon_gives_one_square_crop_centred_with_margin(tmp_path: Path) -> None:
    root = one_photo(tmp_path, [("Pitting", box_polygon(100, 80, 140, 110))])
    pits = [s for s in labelme.load(config(margin=0.25), root) if s.label == "pitting"]
    assert len(pits) == 1
    left, top, right, bottom = pits[0].box
    assert right - left == bottom - top == 60  # 40 px long side + 2 x 25 %
    assert ((left + right) / 2, (top + bottom) / 2) == (120, 95)
    assert pits[0].source == "data/p.jpg" and pits[0].image.size == (32, 32) and pits[0].split is None


def test_a_crop_at_the_border_is_shifted_inside(tmp_path: Path) -> None:
    root = one_photo(tmp_path, [("Pitting", box_polygon(0, 0, 20, 20))])
    pit = next(s for s in labelme.load(config(), root) if s.label == "pitting")
    assert pit.box == (0, 0, 32, 32)


def test_a_long_polygon_is_tiled_into_near_square_crops(tmp_path: Path) -> None:
    root = one_photo(tmp_path, [("Pitting", box_polygon(50, 80, 350, 120))])
    pits = [s.box for s in labelme.load(config(max_aspect=1.5, margin=0.1), root) if s.label == "pitting"]
    assert len(pits) == 5  # 300 x 40 at most 1.5 : 1 per part
    assert all(b[2] - b[0] == b[3] - b[1] for b in pits)
    assert min(b[0] for b in pits) <= 50 and max(b[2] for b in pits) >= 350, "the crops cover the whole polygon"
    assert all(b[1] <= 80 and b[3] >= 120 for b in pits)


def test_intact_crops_never_touch_a_polygon(labelme_root: Path) -> None:
    samples = labelme.load(config(intact_per_photo=50), labelme_root)
    shapes = {}
    for label_file in (labelme_root / "label").glob("*.json"):
        annotation = json.loads(label_file.read_text())
        shapes[f"data/{annotation['imagePath']}"] = [np.array(s["points"]) for s in annotation["shapes"]]
    intact = [s for s in samples if s.label == "intact"]
    assert len(intact) > 8
    for sample in intact:
        for points in shapes[sample.source]:
            assert not overlaps(sample.box, (*points.min(axis=0), *points.max(axis=0)))


def test_the_filter_drops_uniform_and_dark_crops(tmp_path: Path) -> None:
    root = one_photo(tmp_path, [("Pitting", box_polygon(10, 10, 30, 30))])
    photo = Image.open(root / "data" / "p.jpg")
    photo.paste((20, 20, 20), (200, 0, 400, 200))  # right half: dark, featureless background
    photo.save(root / "data" / "p.jpg")
    intact = [s for s in labelme.load(config(intact_per_photo=100, intact_crop=40), root) if s.label == "intact"]
    assert intact and all(s.box[2] <= 200 + 20 for s in intact)  # at most half a crop into the dark side


def test_caps_per_photo_and_overall(labelme_root: Path) -> None:
    per_photo = Counter(s.source for s in labelme.load(config(intact_per_photo=3), labelme_root) if s.label == "intact")
    assert set(per_photo.values()) == {3}
    capped = [s for s in labelme.load(config(intact_per_photo=3, intact_max=10), labelme_root) if s.label == "intact"]
    assert len(capped) == 10


def test_unlabelled_photos_give_intact_crops_only_when_asked(labelme_root: Path) -> None:
    textured_photo(400, 200, seed=99).save(labelme_root / "data" / "clean.jpg")
    sources = lambda cfg: {s.source for s in labelme.load(cfg, labelme_root)}  # noqa: E731
    assert "data/clean.jpg" not in sources(config())
    assert "data/clean.jpg" in sources(config(intact_from_unlabelled=True))


def test_skipped_unlabelled_photos_are_counted(labelme_root: Path, caplog: pytest.LogCaptureFixture) -> None:
    for seed in (98, 99):
        textured_photo(400, 200, seed=seed).save(labelme_root / "data" / f"clean{seed}.jpg")
    with caplog.at_level("INFO"):
        labelme.load(config(), labelme_root)
    assert "2 photo(s) without a label file skipped (data.labelme.intact_from_unlabelled: true" in caplog.text


def test_embedded_image_data_and_json_beside_the_image(tmp_path: Path) -> None:
    photo = textured_photo(300, 150, seed=1)
    annotation = labelme_json("missing.jpg", photo.size, [("Surface Rust", box_polygon(100, 50, 140, 90))], image=photo)
    (tmp_path / "a.json").write_text(json.dumps(annotation))
    samples = labelme.load(config(), tmp_path)
    assert {s.label for s in samples} == {"surface_rust", "intact"}
    assert samples[0].source == "a.json"


def test_json_beside_its_image_in_nested_folders(tmp_path: Path) -> None:
    folder = tmp_path / "line_2" / "week_7"
    folder.mkdir(parents=True)
    photo = textured_photo(300, 150, seed=2)
    photo.save(folder / "spindle.png")
    (folder / "spindle.json").write_text(
        json.dumps(labelme_json("spindle.png", photo.size, [("Pitting", box_polygon(100, 50, 140, 90))])))
    samples = labelme.load(config(), tmp_path)
    assert {s.source for s in samples} == {"line_2/week_7/spindle.png"}
    assert Counter(s.label for s in samples)["pitting"] == 1


def test_the_data_sets_own_index_beside_label_is_not_an_annotation(labelme_root: Path) -> None:
    (labelme_root / "image_data.json").write_text(json.dumps({"photo_0": {"type": 2}}))
    assert labelme.load(config(), labelme_root)


def test_intact_crops_take_the_scale_of_the_photos_failure_crops(tmp_path: Path) -> None:
    root = one_photo(tmp_path, [("Pitting", box_polygon(20, 20, 60, 60)), ("Pitting", box_polygon(300, 20, 360, 80))])
    samples = labelme.load(config(margin=0.25), root)
    assert sorted(s.box[2] - s.box[0] for s in samples if s.label == "pitting") == [60, 90]
    assert {s.box[2] - s.box[0] for s in samples if s.label == "intact"} == {75}  # the median of 60 and 90
    assert {s.box[2] - s.box[0] for s in labelme.load(config(intact_crop=50), root) if s.label == "intact"} == {50}


def test_the_same_seed_gives_the_same_crops(labelme_root: Path) -> None:
    boxes = lambda seed: [(s.source, s.box)  # noqa: E731
                          for s in labelme.load(config(intact_per_photo=5).model_copy(update={"seed": seed}),
                                                labelme_root)]
    assert boxes(0) == boxes(0) != boxes(1)


def test_rectangles_are_read_and_other_shapes_refused(tmp_path: Path) -> None:
    root = one_photo(tmp_path, [("Pitting", [[100, 80], [140, 110]])])
    annotation = json.loads((root / "label" / "p.json").read_text())
    annotation["shapes"][0]["shape_type"] = "rectangle"
    (root / "label" / "p.json").write_text(json.dumps(annotation))
    assert sum(s.label == "pitting" for s in labelme.load(config(), root)) == 1
    annotation["shapes"][0]["shape_type"] = "circle"
    (root / "label" / "p.json").write_text(json.dumps(annotation))
    with pytest.raises(InputDataError, match=r"p.json: shape 0 \('Pitting'\): shape_type 'circle' is not supported"):
        labelme.load(config(), root)


@pytest.mark.parametrize(
    ("annotation_text", "message"),
    [
        ("{not json", r"p.json: not valid JSON"),
        ('{"annotations": []}', r"p.json: not a labelme file \(no 'shapes' list\)"),
    ],
)
def test_files_that_are_not_labelme_are_refused(tmp_path: Path, annotation_text: str, message: str) -> None:
    root = one_photo(tmp_path, [])
    (root / "label" / "p.json").write_text(annotation_text)
    with pytest.raises(InputDataError, match=message):
        labelme.load(config(), root)


@pytest.mark.parametrize(
    ("points", "size", "message"),
    [
        ([[10, 10], [20, 20]], (400, 200), r"p.json: shape 0 \('Pitting'\): has 2 points; a polygon needs at least 3"),
        (box_polygon(380, 150, 450, 190), (400, 200), r"p.json: shape 0 \('Pitting'\): lies outside the 400x200 image"),
        (box_polygon(5, 5, 15, 15), (40, 30), r"data/p.jpg: image 40x30 is smaller than the 32-pixel crop"),
    ],
)
def test_bad_polygons_are_refused_naming_the_file(tmp_path: Path, points: list[list[float]], size: tuple[int, int],
                                                  message: str) -> None:
    root = one_photo(tmp_path, [("Pitting", points)], size=size)
    with pytest.raises(InputDataError, match=message):
        labelme.load(config(), root)


def test_a_size_mismatch_between_json_and_image_is_refused(tmp_path: Path) -> None:
    root = one_photo(tmp_path, [("Pitting", box_polygon(10, 10, 30, 30))])
    annotation = json.loads((root / "label" / "p.json").read_text())
    annotation["imageWidth"] = 800
    (root / "label" / "p.json").write_text(json.dumps(annotation))
    with pytest.raises(InputDataError,
                       match=r"p.json: imageWidth x imageHeight 800x200 disagrees with the image \(400x200\)"):
        labelme.load(config(), root)


def test_an_unreadable_or_missing_image_is_refused_naming_the_file(tmp_path: Path) -> None:
    root = one_photo(tmp_path, [("Pitting", box_polygon(10, 10, 30, 30))])
    photo = root / "data" / "p.jpg"
    photo.write_bytes(photo.read_bytes()[:300])
    with pytest.raises(InputDataError, match=r"data/p.jpg: unreadable or truncated image"):
        labelme.load(config(), root)
    photo.unlink()
    with pytest.raises(InputDataError, match=r"label/p.json: image 'p.jpg' not found and no imageData embedded"):
        labelme.load(config(), root)


def test_a_missing_root_or_one_without_annotations_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match="nowhere: data.root folder not found"):
        labelme.load(config(), tmp_path / "nowhere")
    textured_photo(100, 100, seed=0).save(tmp_path / "photo.jpg")
    with pytest.raises(InputDataError, match="no labelme JSON files found"):
        labelme.load(config(), tmp_path)


@pytest.mark.skipif(not (SAMPLE / "label").is_dir(), reason=f"BSData sample not found at {SAMPLE}")
def test_the_real_bsdata_sample() -> None:
    samples = labelme.load(DataConfig(source="labelme"), SAMPLE)
    counts = Counter(s.label for s in samples)
    assert set(counts) == {"pitting", "intact"}
    assert counts["pitting"] > 34  # 34 polygons; long ones give several crops
    assert counts["intact"] == 922  # the intact_max cap, reached from 24 annotated photos
    assert len({s.source for s in samples}) == 24  # the 8 unlabelled photos are left out by default
    assert all(s.image.size == (96, 96) and s.image.mode == "RGB" for s in samples)
