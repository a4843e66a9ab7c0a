"""A trained generator on disk: its weights and the arguments that rebuild the network."""

from __future__ import annotations

from pathlib import Path

import torch

from bsgan.errors import InputDataError
from bsgan.io.torch_file import load_saved
from bsgan.models.dcgan.torch_model import Generator

_ARGUMENTS = ("image_size", "latent_size", "width")


def save_generator(generator: Generator, image_size: int, width: float, path: Path) -> None:
    """Write ``generator`` so :func:`load_generator` needs nothing else (no params, no checkpoint)."""
    generator = getattr(generator, "_orig_mod", generator)  # unwrap torch.compile
    state = {key: value.detach().cpu() for key, value in generator.state_dict().items()}
    torch.save({"state_dict": state, "image_size": image_size, "latent_size": generator.latent_size, "width": width},
               path)


def load_generator(path: Path, device: torch.device | str = "cpu") -> Generator:
    """The generator saved at ``path``, in eval mode (batch norm uses its running statistics)."""
    saved = load_saved(path, "generator", "bsgan train-gan", device)
    if not isinstance(saved, dict) or any(key not in saved for key in ("state_dict", *_ARGUMENTS)):
        raise InputDataError(f"{path}: not a bsgan generator file (expected keys state_dict, {', '.join(_ARGUMENTS)})")
    generator = Generator(saved["image_size"], saved["latent_size"], saved["width"]).to(device)
    generator.load_state_dict(saved["state_dict"])
    return generator.eval()
