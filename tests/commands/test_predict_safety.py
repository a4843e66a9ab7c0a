"""``bsgan predict`` never loses a file: the output rule, OS refusals and odd inputs each end as one line."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from pathlib import Path

import pytest
import torch
from PIL import Image

from bsgan.cli import main
from bsgan.io.output_rule import MARKER

MODEL = "models/classify/t1_original"


def hashes(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by relative path, with the sha256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def photos(classified_project: Path, tmp_path: Path) -> Path:
    """A user's folder: two crops and a note of their own."""
    folder = tmp_path / "d"
    folder.mkdir()
    for name in ("rust_0000.png", "rust_0001.png"):
        shutil.copy(classified_project / "data/prepared/test/rust" / name, folder / name)
    (folder / "notes.txt").write_text("x\n")
    return folder


def predict(project: Path, *arguments: str) -> int:
    return main(["predict", "--model", str(project / MODEL), *arguments])


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1, error
    return error


def test_an_output_folder_that_is_the_input_is_refused_and_every_file_keeps_its_bytes(
        classified_project: Path, photos: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = hashes(photos)
    assert predict(classified_project, str(photos), "--out", str(photos)) == 2
    assert "the output folder is the input" in one_line(capsys)
    assert predict(classified_project, str(photos), "--out", str(photos / "inside")) == 2
    assert "lies inside the input" in one_line(capsys)
    assert predict(classified_project, str(photos / "rust_0000.png"), "--out", str(photos.parent)) == 2
    assert "contains the input" in one_line(capsys)
    assert hashes(photos) == before
    assert sorted(p.name for p in photos.parent.iterdir()) == ["d"]


def test_a_folder_bsgan_did_not_write_is_never_replaced(classified_project: Path, photos: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work\n")
    assert predict(classified_project, str(photos), "--out", str(mine)) == 2
    assert "was not written by bsgan" in one_line(capsys)
    assert hashes(mine) == {"thesis.tex": hashlib.sha256(b"years of work\n").hexdigest()}
    # a folder bsgan wrote carries its marker, and the next run replaces it
    assert predict(classified_project, str(photos), "--out", str(tmp_path / "p")) == 0
    assert (tmp_path / "p" / MARKER).is_file()
    assert predict(classified_project, str(photos / "rust_0000.png"), "--out", str(tmp_path / "p")) == 0
    assert (tmp_path / "p/predictions.csv").read_text().count("\n") == 2


def test_an_existing_file_where_the_folder_is_due_is_left_alone(classified_project: Path, photos: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "f.txt").write_text("keep me\n")
    assert predict(classified_project, str(photos / "rust_0000.png"), "--out", str(tmp_path / "f.txt")) == 2
    assert "is an existing file, and a folder is due here" in one_line(capsys)
    assert (tmp_path / "f.txt").read_text() == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "f.txt"]


@pytest.mark.parametrize("out", [".", ".."])
def test_dot_and_dot_dot_name_real_folders_and_are_refused_whole(classified_project: Path, photos: Path, out: str,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(photos)
    before = hashes(photos.parent)
    assert predict(classified_project, "rust_0000.png", "--out", out) == 2
    assert str(photos if out == "." else photos.parent) in one_line(capsys)
    assert hashes(photos.parent) == before
    assert not list(photos.parent.parent.glob(".*.tmp")), "no stray staging folder"


def test_an_image_too_large_to_decode_safely_is_one_line(classified_project: Path, photos: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # a 32x32 crop is then a 14000x14000 photo's equal
    assert predict(classified_project, str(photos / "rust_0000.png"), "--out", str(tmp_path / "p")) == 2
    assert "rust_0000.png: image too large to read safely" in one_line(capsys)


def test_an_image_of_a_few_pixels_is_refused_rather_than_classified(classified_project: Path, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    Image.new("RGB", (1, 1), "grey").save(tmp_path / "dot.png")
    assert predict(classified_project, str(tmp_path / "dot.png"), "--out", str(tmp_path / "p")) == 2
    assert "dot.png: 1x1 pixels is too small to classify" in one_line(capsys)


def test_a_file_name_that_is_not_utf8_is_written_with_escapes(classified_project: Path, photos: Path,
                                                               tmp_path: Path) -> None:
    odd = os.fsencode(photos) + b"/caf\xe9.png"
    shutil.copy(photos / "rust_0000.png", odd)
    assert predict(classified_project, os.fsdecode(odd), "--out", str(tmp_path / "p")) == 0
    row = (tmp_path / "p/predictions.csv").read_text(encoding="utf-8").splitlines()[1]
    assert row.startswith(f"{photos}/caf\\xe9.png,")


@pytest.mark.parametrize(("where", "code", "cause"), [("mkdir", errno.EROFS, "read-only file system"),
                                                       ("write_text", errno.ENOSPC, "no space left on the device"),
                                                       ("replace", errno.EPERM, "operation not permitted")])
def test_an_os_refusal_is_one_line_naming_the_folder_and_the_earlier_output_stays(
        classified_project: Path, photos: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], where: str, code: int, cause: str) -> None:
    out = tmp_path / "p"
    assert predict(classified_project, str(photos), "--out", str(out)) == 0
    earlier = hashes(out)

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), str(args[0]))

    target = {"mkdir": (Path, "mkdir"), "write_text": (Path, "write_text"), "replace": (os, "replace")}[where]
    monkeypatch.setattr(*target, refuse)
    capsys.readouterr()
    assert predict(classified_project, str(photos), "--out", str(out)) == 2
    assert f"{out}: cannot write it: {cause}" in one_line(capsys)
    monkeypatch.undo()
    assert hashes(out) == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "p"], "staging removed"


def test_a_classifier_file_missing_a_key_or_a_generator_file_is_one_line(classified_project: Path, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    saved = torch.load(classified_project / MODEL / "seed0.pt", weights_only=True)
    del saved["classes"]
    torch.save(saved, tmp_path / "seed0.pt")
    crop = str(classified_project / "data/prepared/test/rust/rust_0000.png")
    assert main(["predict", "--model", str(tmp_path / "seed0.pt"), crop, "--out", str(tmp_path / "p")]) == 2
    assert "seed0.pt: classifier file lacks 'classes'" in one_line(capsys)
    torch.save({"state_dict": {}, "image_size": 32, "latent_size": 8, "width": 1.0}, tmp_path / "generator.pt")
    assert main(["predict", "--model", str(tmp_path / "generator.pt"), crop, "--out", str(tmp_path / "p")]) == 2
    assert "generator.pt: a GAN generator (bsgan train-gan), not a classifier" in one_line(capsys)
