"""A trained generator on disk: its weights and the arguments that rebuild the network.

The file names its ``architecture`` (``gan.architecture``); files written before there was a choice lack the
field and hold a DCGAN.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from bsgan.errors import InputDataError
from bsgan.io.torch_file import load_saved
from bsgan.models.architectures import GENERATORS, architecture_of, build_generator

_ARGUMENTS = ("image_size", "latent_size", "width")


def save_generator(generator: nn.Module, image_size: int, width: float, path: Path) -> None:
    """Write ``generator`` so :func:`load_generator` needs nothing else (no params, no checkpoint)."""
    generator = getattr(generator, "_orig_mod", generator)  # unwrap torch.compile
    state = {key: value.detach().cpu() for key, value in generator.state_dict().items()}
    torch.save({"state_dict": state, "architecture": architecture_of(generator), "image_size": image_size,
                "latent_size": generator.latent_size, "width": width}, path)


def load_generator(path: Path, device: torch.device | str = "cpu") -> nn.Module:
    """The generator saved at ``path``, in eval mode (batch norm uses its running statistics)."""
    saved = load_saved(path, "generator", "bsgan train-gan", device)
    if not isinstance(saved, dict) or any(key not in saved for key in ("state_dict", *_ARGUMENTS)):
        raise InputDataError(f"{path}: not a bsgan generator file (expected keys state_dict, {', '.join(_ARGUMENTS)})")
    architecture = saved.get("architecture", "dcgan")
    if architecture not in GENERATORS:
        raise InputDataError(f"{path}: a {architecture!r} generator; this bsgan knows {', '.join(GENERATORS)}")
    generator = build_generator(architecture, saved["image_size"], saved["latent_size"], saved["width"]).to(device)
    generator.load_state_dict(saved["state_dict"])
    return generator.eval()
