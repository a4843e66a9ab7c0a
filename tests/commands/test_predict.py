"""``bsgan predict``: a CSV row per image from a task's seeds; scans of whole photos; bad input changes nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from bsgan.cli import main
from bsgan.inference.preprocess import read_image
from bsgan.models.classifier.classifier_file import load_classifier

CLASSES = ["intact", "pitting", "rust"]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def independent_probabilities(models: list[Path], image: Path) -> np.ndarray:
    """Mean softmax of the seeds, preprocessed by hand: the training's x / 127.5 - 1 on a crop of the right size."""
    pixels = read_image(image)[None].float() / 127.5 - 1
    with torch.no_grad():
        return torch.stack([load_classifier(m).network(pixels).softmax(1) for m in models]).mean(0)[0].numpy()


def test_crops_and_folders_get_a_row_each_with_the_seed_ensemble(classified_project: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(classified_project)
    crop = classified_project / "data/prepared/test/rust/rust_0000.png"
    out = str(tmp_path / "p")
    assert main(["predict", "--task", "t1_original", "data/prepared/test/pitting", str(crop), "--out", out]) == 0
    found = rows(tmp_path / "p/predictions.csv")
    assert list(found[0]) == ["file", "predicted", *(f"p_{c}" for c in CLASSES)]
    assert [Path(r["file"]).name for r in found] == [*(f"pitting_000{i}.png" for i in range(3)), "rust_0000.png"]
    seeds = [classified_project / f"models/classify/t1_original/seed{s}.pt" for s in (0, 1)]
    for row in found:
        expected = independent_probabilities(seeds, classified_project / row["file"])  # absolute paths stay so
        np.testing.assert_allclose([float(row[f"p_{c}"]) for c in CLASSES], expected, atol=2e-6)
        assert row["predicted"] == CLASSES[int(expected.argmax())]


def test_seed_picks_one_classifier_and_a_single_file_needs_no_params(classified_project: Path, tmp_path: Path) -> None:
    crop = classified_project / "data/prepared/test/intact/intact_0001.png"
    model = classified_project / "models/classify/t4_original_classical"
    assert main(["predict", "--model", str(model), "--seed", "1", str(crop), "--out", str(tmp_path / "one"),
                 "--params", str(tmp_path / "absent.yaml")]) == 0
    row = rows(tmp_path / "one/predictions.csv")[0]
    expected = independent_probabilities([model / "seed1.pt"], crop)
    np.testing.assert_allclose([float(row[f"p_{c}"]) for c in CLASSES], expected, atol=2e-6)


def test_without_a_task_the_surest_one_is_used(classified_project: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(classified_project)
    metrics = json.loads((classified_project / "metrics/classify.json").read_text())
    surest = max(sorted(metrics), key=lambda task: metrics[task]["macro_f1_ci_low"])
    crop = "data/prepared/test/rust/rust_0001.png"
    assert main(["predict", crop, "--out", str(tmp_path / "auto")]) == 0
    assert main(["predict", "--task", surest, crop, "--out", str(tmp_path / "named")]) == 0
    assert (tmp_path / "auto/predictions.csv").read_text() == (tmp_path / "named/predictions.csv").read_text()


def test_a_scan_writes_a_heat_map_and_the_windows_above_the_threshold(classified_project: Path, tmp_path: Path) -> None:
    # a "photo": the nine 32x32 test crops side by side, 96x96
    crops = sorted((classified_project / "data/prepared/test").rglob("*.png"))
    photo = Image.new("RGB", (96, 96))
    for i, crop in enumerate(crops):
        photo.paste(Image.open(crop), (32 * (i % 3), 32 * (i // 3)))
    photo.save(tmp_path / "photo.png")
    model = classified_project / "models/classify/t1_original"
    assert main(["predict", "--model", str(model), "--scan", "--window", "32", "--stride", "16", "--threshold", "0.01",
                 str(tmp_path / "photo.png"), "--out", str(tmp_path / "scan")]) == 0
    assert sorted(p.name for p in (tmp_path / "scan").iterdir()) == [".bsgan-output", "photo.json", "photo.png",
                                                                      "predictions.csv"]
    windows = json.loads((tmp_path / "scan/photo.json").read_text())
    assert windows["window"] == 32 and windows["seeds"] == [0, 1]
    assert len(windows["windows"]) == 25, "5 x 5 windows, every one above a threshold of 0.01"
    first = windows["windows"][0]
    expected = independent_probabilities([model / "seed0.pt", model / "seed1.pt"], crops[0])  # window (0, 0) is crop 0
    assert first["box"] == [0, 0, 32, 32] and first["score"] == pytest.approx(1 - expected[0], abs=1e-5)
    with Image.open(tmp_path / "scan/photo.png") as picture:
        assert picture.size == (96, 96)
    row = rows(tmp_path / "scan/predictions.csv")[0]
    assert int(row["windows_above"]) == 25 and row["predicted"] in ("pitting", "rust")


def test_bad_inputs_fail_with_one_line_and_leave_the_output_alone(classified_project: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    model = str(classified_project / "models/classify/t1_original")
    out = tmp_path / "out"
    good = str(classified_project / "data/prepared/test/rust/rust_0000.png")
    assert main(["predict", "--model", model, "--out", str(out), good]) == 0
    earlier = (out / "predictions.csv").read_text()
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    cases = [
        ([good, str(tmp_path / "broken.png")], "broken.png: unreadable or truncated image"),
        ([str(tmp_path / "missing.jpg")], "missing.jpg: no such file or folder"),
        (["--scan", good], "no crop scale; give --window PIXELS"),
        (["--scan", "--window", "64", good], "rust_0000.png: photo 32x32 is smaller than the 64-pixel scan window"),
        (["--seed", "7", good], "t1_original: no classifier of seed 7"),
    ]
    for arguments, message in cases:
        capsys.readouterr()
        assert main(["predict", "--model", model, "--out", str(out), *arguments]) == 2
        error = capsys.readouterr().err.strip()
        assert len(error.splitlines()) == 1 and message in error, error
        assert (out / "predictions.csv").read_text() == earlier
        assert sorted(p.name for p in out.iterdir()) == [".bsgan-output", "predictions.csv"]
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
