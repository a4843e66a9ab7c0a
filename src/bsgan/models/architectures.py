"""The generator families ``gan.architecture`` names: each one's networks and training module, by name.

Every place that builds a generator (training, the untrained yardstick of evaluate-gan, loading a generator
file) asks here, so a new family is one entry.
"""

from __future__ import annotations

import torch
from torch import nn

from bsgan.config import GanConfig
from bsgan.models.dcgan.lightning_model import DCGAN
from bsgan.models.dcgan.torch_model import Generator
from bsgan.models.fastgan.lightning_model import FastGAN
from bsgan.models.fastgan.torch_model import FastGenerator

MODULES: dict[str, type[DCGAN]] = {"dcgan": DCGAN, "fastgan": FastGAN}
GENERATORS: dict[str, type[nn.Module]] = {"dcgan": Generator, "fastgan": FastGenerator}


def gan_module(real_images: torch.Tensor, config: GanConfig, real_label: float = 1.0,
               fake_label: float = 0.0) -> DCGAN:
    """The LightningModule that trains ``config.architecture`` on ``real_images``."""
    return MODULES[config.architecture](real_images, config, real_label, fake_label)


def build_generator(architecture: str, image_size: int, latent_size: int, width: float) -> nn.Module:
    """An untrained generator of ``architecture`` (its weights drawn from the global random state)."""
    return GENERATORS[architecture](image_size, latent_size, width)


def architecture_of(generator: nn.Module) -> str:
    """The ``gan.architecture`` name of a generator (unwrapped from ``torch.compile``)."""
    kind = type(getattr(generator, "_orig_mod", generator))
    return next(name for name, cls in GENERATORS.items() if kind is cls)
