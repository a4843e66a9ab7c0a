"""Generator and discriminator of the paper's Table 2, parameterised so the paper is one setting.

Shapes below are for the paper's setting (``image_size=96``, ``latent_size=100``, widths 1.0);
every spatial size scales with ``image_size`` (the generator starts at ``image_size / 16``) and
every channel count with the width multipliers. Pure math: no Lightning, no I/O.
"""

from __future__ import annotations

import torch
from torch import nn

PAPER_GENERATOR_CHANNELS = (1024, 512, 256, 128)
PAPER_DISCRIMINATOR_CHANNELS = (32, 64, 128, 256)


def _scaled(channels: tuple[int, ...], width: float) -> list[int]:
    return [max(1, round(c * width)) for c in channels]


def dcgan_init(module: nn.Module) -> None:
    """DCGAN initialisation (Radford et al.): N(0, 0.02) weights, N(1, 0.02) batch-norm scales."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


class Generator(nn.Module):
    """Latent vector -> RGB image in [-1, 1]."""

    def __init__(self, image_size: int = 96, latent_size: int = 100, width: float = 1.0) -> None:
        super().__init__()
        if image_size % 16:
            raise ValueError(f"image_size must be a multiple of 16, got {image_size}")
        self.latent_size = latent_size
        self.start = image_size // 16
        c0, c1, c2, c3 = _scaled(PAPER_GENERATOR_CHANNELS, width)
        self.project = nn.Sequential(
            nn.Linear(latent_size, c0 * self.start**2, bias=False),  # (B, 100) -> (B, 6*6*1024)
        )
        self.body = nn.Sequential(
            nn.BatchNorm2d(c0),
            nn.ReLU(inplace=True),
            nn.ConvTranspose2d(c0, c1, 4, 2, 1, bias=False),  # 6x6x1024 -> 12x12x512
            nn.BatchNorm2d(c1),
            nn.ReLU(inplace=True),
            nn.ConvTranspose2d(c1, c2, 4, 2, 1, bias=False),  # -> 24x24x256
            nn.BatchNorm2d(c2),
            nn.ReLU(inplace=True),
            nn.ConvTranspose2d(c2, c3, 4, 2, 1, bias=False),  # -> 48x48x128
            nn.BatchNorm2d(c3),
            nn.ReLU(inplace=True),
            nn.ConvTranspose2d(c3, 3, 4, 2, 1),  # -> 96x96x3
            nn.Tanh(),
        )
        self.apply(dcgan_init)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = self.project(z).view(z.shape[0], -1, self.start, self.start)
        return self.body(x)


class GaussianNoise(nn.Module):
    """Additive N(0, std) noise on the discriminator's input while training (instance noise)."""

    def __init__(self, std: float) -> None:
        super().__init__()
        self.std = std

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training and self.std > 0:
            return x + self.std * torch.randn_like(x)
        return x


class Discriminator(nn.Module):
    """RGB image in [-1, 1] -> one real-vs-fake logit (use with ``BCEWithLogitsLoss``)."""

    def __init__(self, image_size: int = 96, width: float = 1.0, noise_std: float = 0.1, dropout: float = 0.25) -> None:
        super().__init__()
        if image_size % 8:
            raise ValueError(f"image_size must be a multiple of 8, got {image_size}")
        c0, c1, c2, c3 = _scaled(PAPER_DISCRIMINATOR_CHANNELS, width)

        def block(c_in: int, c_out: int, kernel: int, stride: int, norm: bool) -> list[nn.Module]:
            layers: list[nn.Module] = [nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, bias=not norm)]
            if norm:
                layers.append(nn.BatchNorm2d(c_out))
            return [*layers, nn.LeakyReLU(0.2, inplace=True), nn.Dropout(dropout)]

        self.features = nn.Sequential(
            GaussianNoise(noise_std),
            *block(3, c0, 5, 1, norm=False),  # 96x96x3 -> 96x96x32
            *block(c0, c1, 5, 2, norm=True),  # -> 48x48x64
            *block(c1, c2, 3, 2, norm=True),  # -> 24x24x128
            *block(c2, c3, 3, 2, norm=True),  # -> 12x12x256
            nn.Flatten(),
        )
        self.classify = nn.Linear(c3 * (image_size // 8) ** 2, 1)  # 12*12*256 -> 1
        self.apply(dcgan_init)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classify(self.features(x)).squeeze(1)

    def freeze_lowest(self, count: int) -> None:
        """FreezeD: the ``count`` conv blocks nearest the image keep their weights while the rest fine-tune."""
        frozen = 0
        for layer in self.features:
            if isinstance(layer, nn.Conv2d):
                if frozen == count:
                    break
                frozen += 1
            if frozen:
                layer.requires_grad_(False)
