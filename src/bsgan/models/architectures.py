"""The generator networks ``gan.architecture`` names, by name.

Every place that builds a generator without training it (the untrained yardstick of evaluate-gan, loading a
generator file) asks here, so a new family is one entry here and one in ``training.MODULES``. Networks only:
``generate`` must not import the training code.
"""

from __future__ import annotations

from torch import nn

from bsgan.models.dcgan.torch_model import Generator
from bsgan.models.fastgan.torch_model import FastGenerator

GENERATORS: dict[str, type[nn.Module]] = {"dcgan": Generator, "fastgan": FastGenerator}


def build_generator(architecture: str, image_size: int, latent_size: int, width: float) -> nn.Module:
    """An untrained generator of ``architecture`` (its weights drawn from the global random state)."""
    return GENERATORS[architecture](image_size, latent_size, width)


def architecture_of(generator: nn.Module) -> str:
    """The ``gan.architecture`` name of a generator (unwrapped from ``torch.compile``)."""
    kind = type(getattr(generator, "_orig_mod", generator))
    return next(name for name, cls in GENERATORS.items() if kind is cls)
