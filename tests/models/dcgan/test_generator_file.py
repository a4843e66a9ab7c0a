"""A saved generator rebuilds itself from its file alone."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from bsgan.errors import InputDataError
from bsgan.models.dcgan.generator_file import load_generator, save_generator
from bsgan.models.dcgan.torch_model import Generator


def test_round_trip_gives_the_same_images(tmp_path: Path) -> None:
    torch.manual_seed(0)
    generator = Generator(image_size=32, latent_size=12, width=0.0625)
    generator(torch.randn(8, 12))  # one training-mode pass moves the batch-norm running statistics
    save_generator(generator, 32, 0.0625, tmp_path / "generator.pt")

    loaded = load_generator(tmp_path / "generator.pt")
    z = torch.randn(3, 12)
    assert not loaded.training
    torch.testing.assert_close(loaded(z), generator.eval()(z))


def test_missing_and_foreign_files_are_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match="generator.pt: generator not found"):
        load_generator(tmp_path / "generator.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a torch file")
    with pytest.raises(InputDataError, match="junk.pt: not a readable generator file"):
        load_generator(tmp_path / "junk.pt")
    torch.save({"weights": {}}, tmp_path / "other.pt")
    with pytest.raises(InputDataError, match="other.pt: not a bsgan generator file"):
        load_generator(tmp_path / "other.pt")
