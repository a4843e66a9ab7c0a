"""``bsgan generate``: seeded images traced to their latent row, and interpolation strips."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from PIL import Image
from torchvision.transforms.v2.functional import pil_to_tensor

from bsgan.cli import main
from bsgan.data.manifest import ManifestRow, write_manifest
from bsgan.data.prepared import read_image_set
from bsgan.models.dcgan.generator_file import load_generator, save_generator
from bsgan.models.dcgan.latent import latent_batch
from bsgan.models.dcgan.torch_model import Generator
from tests.conftest import REAL_ONLY_TASKS

GENERATE = {"count": 9, "seed": 5, "batch_size": 4, "interpolation_pairs": 2, "interpolation_steps": 4}


@pytest.fixture
def project(write_params: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with an (untrained) 32x32 rust generator in ``models/gan/rust-original``."""
    root = write_params({"generate": GENERATE, "gan": {"device": "cpu"}, "eval": {"fid_repeats": 1}}).parent
    torch.manual_seed(0)
    (root / "models/gan/rust-original").mkdir(parents=True)
    save_generator(Generator(32, 100, 0.0625), 32, 0.0625, root / "models/gan/rust-original/generator.pt")
    monkeypatch.chdir(root)
    return root


def test_writes_count_images_traced_to_their_latent_row(project: Path) -> None:
    assert main(["generate", "--class", "rust", "--source", "original"]) == 0

    out = project / "data/generated/rust-original"
    rows = read_image_set(out, split="train")
    assert [row.source for row, _ in rows] == [f"rust-original/seed5/z{i:05d}" for i in range(9)]
    assert {row.label for row, _ in rows} == {"rust"}

    # Image 7 is the generator's output for row 7 of the seeded latent batch, whatever the batching.
    generator = load_generator(project / "models/gan/rust-original/generator.pt")
    with torch.no_grad():
        expected = ((generator(latent_batch(9, 100, seed=5)[7:8])[0].clamp(-1, 1) + 1) * 127.5).round()
    written = pil_to_tensor(Image.open(rows[7][1])).float()
    assert (written - expected).abs().max() <= 1

    info = json.loads((out / "generator.json").read_text())
    assert info["seed"] == 5 and info["count"] == 9 and len(info["generator_sha256"]) == 64
    strip = Image.open(out / "interpolation.png")
    assert strip.height >= 4 * 32 and strip.width >= 4 * 32  # 2 pairs x (latent, pixels) rows of 4 steps
    assert (out / "contact_sheets/train_rust.png").exists()


def test_the_same_seed_writes_the_same_files(project: Path) -> None:
    assert main(["generate", "--class", "rust", "--source", "original", "--out", "a"]) == 0
    assert main(["generate", "--class", "rust", "--source", "original", "--out", "b"]) == 0
    manifest = "rust-original/manifest.csv"
    assert (project / "a" / manifest).read_text() == (project / "b" / manifest).read_text()


def test_each_generator_repeat_writes_its_set_from_the_same_latents(write_params: Callable[..., Path],
                                                                   project: Path) -> None:
    assert main(["generate", "--class", "rust", "--source", "original", "--out", "single"]) == 0
    write_params({"generate": GENERATE, "gan": {"device": "cpu", "repeats": 2}, "eval": {"fid_repeats": 1}})
    torch.manual_seed(1)
    (project / "models/gan/rust-original/repeat1").mkdir()
    save_generator(Generator(32, 100, 0.0625), 32, 0.0625, project / "models/gan/rust-original/repeat1/generator.pt")
    assert main(["generate", "--class", "rust", "--source", "original"]) == 0

    out = project / "data/generated/rust-original"
    top, repeat1 = read_image_set(out, split="train"), read_image_set(out / "repeat1", split="train")
    assert [row.source for row, _ in repeat1] == [f"rust-original/repeat1/seed5/z{i:05d}" for i in range(9)]
    assert all(out / "train" in path.parents and out / "repeat1" not in path.parents for _, path in top)
    single = project / "single/rust-original"
    assert (out / "manifest.csv").read_text() == (single / "manifest.csv").read_text(), "repeat 0: as gan.repeats 1"
    assert [path.read_bytes() for _, path in top] == [path.read_bytes() for _, path in read_image_set(single)]
    assert (out / "generator.json").read_text() == (single / "generator.json").read_text()
    # repeat 1's image 7 is its own generator's output for row 7 of the same latent batch
    generator = load_generator(project / "models/gan/rust-original/repeat1/generator.pt")
    with torch.no_grad():
        expected = ((generator(latent_batch(9, 100, seed=5)[7:8])[0].clamp(-1, 1) + 1) * 127.5).round()
    written = pil_to_tensor(Image.open(repeat1[7][1])).float()
    assert (written - expected).abs().max() <= 1
    assert not torch.equal(written, pil_to_tensor(Image.open(top[7][1])).float())
    info = json.loads((out / "repeat1/generator.json").read_text())
    assert info["generator"] == "models/gan/rust-original/repeat1/generator.pt" and info["seed"] == 5
    assert (out / "repeat1/interpolation.png").exists() and (out / "repeat1/contact_sheets/train_rust.png").exists()


def test_a_missing_generator_repeat_is_one_clear_line(write_params: Callable[..., Path], project: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    write_params({"generate": GENERATE, "gan": {"device": "cpu", "repeats": 2}, "eval": {"fid_repeats": 1}})
    assert main(["generate", "--class", "rust", "--source", "original"]) == 2
    assert "models/gan/rust-original/repeat1/generator.pt: not found (run `bsgan train-gan" in capsys.readouterr().err
    assert not (project / "data/generated/rust-original").exists()


def test_a_source_left_out_of_gan_sources_generates_nothing(write_params: Callable[..., Path], project: Path) -> None:
    write_params({"generate": GENERATE, "gan": {"device": "cpu", "sources": ["original"]}, "eval": {"fid_repeats": 1},
                  "tasks": REAL_ONLY_TASKS})
    assert main(["generate", "--class", "rust", "--source", "classical"]) == 0, "no classical generator needed"

    out = project / "data/generated/rust-classical"
    assert sorted(p.name for p in out.iterdir()) == [".bsgan-output", "skipped.json"]


def test_a_missing_generator_is_one_clear_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--class", "pitting", "--source", "original"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("bsgan generate: error: models/gan/pitting-original/generator.pt: not found")
    assert "\n" not in err


def test_count_auto_covers_the_fid_sets_of_the_real_train_set(write_params: Callable[..., Path],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_params({"generate": GENERATE | {"count": "auto"}, "gan": {"device": "cpu"},
                         "tasks": {"target_per_class": 5}, "eval": {"fid_repeats": 3, "turing_count": 2}}).parent
    (root / "data/prepared").mkdir(parents=True)
    rows = [ManifestRow(f"train/rust/{i}.png", "rust", "train", f"p{i}.jpg", None, None, None, None, "")
            for i in range(4)]
    write_manifest([*rows, ManifestRow("test/rust/0.png", "rust", "test", "q.jpg", None, None, None, None, "")],
                   root / "data/prepared/manifest.csv")
    (root / "models/gan/rust-original").mkdir(parents=True)
    save_generator(Generator(32, 100, 0.0625), 32, 0.0625, root / "models/gan/rust-original/generator.pt")
    monkeypatch.chdir(root)
    assert main(["generate", "--class", "rust", "--source", "original"]) == 0
    info = json.loads((root / "data/generated/rust-original/generator.json").read_text())
    assert info["count"] == 12, "eval.fid_repeats 3 x 4 rust train images, more than tasks.target_per_class 5"
