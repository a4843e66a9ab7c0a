"""A saved generator rebuilds itself from its file alone."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from bsgan.errors import InputDataError
from bsgan.models.architectures import GENERATORS
from bsgan.models.dcgan.generator_file import load_generator, save_generator
from bsgan.models.dcgan.torch_model import Generator


@pytest.mark.parametrize("architecture", sorted(GENERATORS))
def test_round_trip_gives_the_same_images(tmp_path: Path, architecture: str) -> None:
    torch.manual_seed(0)
    generator = GENERATORS[architecture](32, 12, 0.0625)
    generator(torch.randn(8, 12))  # one training-mode pass moves the batch-norm running statistics
    save_generator(generator, 32, 0.0625, tmp_path / "generator.pt")

    loaded = load_generator(tmp_path / "generator.pt")
    z = torch.randn(3, 12)
    assert not loaded.training and type(loaded) is type(generator)
    torch.testing.assert_close(loaded(z), generator.eval()(z))


def test_a_file_from_before_the_architecture_field_loads_as_a_dcgan(tmp_path: Path) -> None:
    save_generator(Generator(32, 12, 0.0625), 32, 0.0625, tmp_path / "generator.pt")
    saved = torch.load(tmp_path / "generator.pt", weights_only=True)
    assert saved.pop("architecture") == "dcgan"
    torch.save(saved, tmp_path / "old.pt")
    assert isinstance(load_generator(tmp_path / "old.pt"), Generator)


def test_missing_and_foreign_files_are_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match="generator.pt: generator not found"):
        load_generator(tmp_path / "generator.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a torch file")
    with pytest.raises(InputDataError, match="junk.pt: not a readable generator file"):
        load_generator(tmp_path / "junk.pt")
    torch.save({"weights": {}}, tmp_path / "other.pt")
    with pytest.raises(InputDataError, match="other.pt: not a bsgan generator file"):
        load_generator(tmp_path / "other.pt")
