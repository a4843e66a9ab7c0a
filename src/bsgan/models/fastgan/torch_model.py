"""FastGAN's generator and self-supervised discriminator (Liu, Zhu, Song and Elgammal, "Towards Faster and
Stabilized GAN Training for High-fidelity Few-shot Image Synthesis", ICLR 2021), sized for small images.

The paper works at 256-1024 px; these networks keep its two ideas at 16-96 px. The generator's skip-layer
excitation (SLE) lets a coarse feature map gate the channels of one three doublings finer, a cheap long skip
that carries the image's global layout to its texture. The discriminator is also an auto-encoder: small
decoders rebuild the real image from its coarsest features and a random quarter of the image from a quarter
of the next-finer features, so it must learn features that describe the image, not only ones that separate
~100 real images from fakes. Left out for the CPU: the paper's second, low-resolution discriminator branch,
noise injection and the two-conv up blocks; the reconstruction is plain L1, not LPIPS.

Shapes below are for 64 px (start 4x4, four doublings) and widths 1.0; ``levels`` gives the others:
16 px -> start 4, two doublings; 32 -> 4, three; 96 -> 3, five. Pure math: no Lightning, no I/O.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from bsgan.models.dcgan.torch_model import GaussianNoise, dcgan_init

GENERATOR_CHANNELS = (512, 256, 128, 64, 64, 32, 32)
"""Generator channels by level, coarsest first (times ``width``)."""
DISCRIMINATOR_CHANNELS = (32, 64, 128, 256, 512, 512, 512)
"""Discriminator channels by level, finest (the image) first (times ``width``)."""
DECODER_CHANNELS = 64
"""Channels of a decoder's first up block (times ``width``), halved at each further one."""
SLE_SPAN = 3
"""Doublings an excitation skips (the paper: 8 -> 128 px, four; three fits 16-96 px images)."""


def levels(image_size: int) -> tuple[int, int]:
    """``(start, doublings)``: the coarsest map (3-5 px for multiples of 16) and how often it doubles to the image."""
    doublings = 0
    while image_size % 2 ** (doublings + 1) == 0 and image_size // 2 ** (doublings + 1) >= 3:
        doublings += 1
    if doublings < 2:
        raise ValueError(f"image_size {image_size}: FastGAN needs at least two doublings (a multiple of 16)")
    return image_size // 2**doublings, doublings


def _width(channels: int, width: float) -> int:
    return max(1, round(channels * width))


def up_block(c_in: int, c_out: int) -> nn.Sequential:
    """Nearest upsampling then a 3x3 conv with a gated linear unit (FastGAN's up block, one conv)."""
    return nn.Sequential(
        nn.Upsample(scale_factor=2, mode="nearest"),  # (c_in, r, r) -> (c_in, 2r, 2r)
        nn.Conv2d(c_in, 2 * c_out, 3, 1, 1, bias=False),  # -> (2 c_out, 2r, 2r)
        nn.BatchNorm2d(2 * c_out),
        nn.GLU(dim=1),  # -> (c_out, 2r, 2r): half the channels gate the other half
    )


class SkipExcitation(nn.Module):
    """Skip-layer excitation: channel gates in (0, 1) for a fine map, computed from a coarse one."""

    def __init__(self, c_coarse: int, c_fine: int) -> None:
        super().__init__()
        self.gates = nn.Sequential(
            nn.AdaptiveAvgPool2d(4),  # (c_coarse, r, r) -> (c_coarse, 4, 4)
            nn.Conv2d(c_coarse, c_fine, 4, 1, 0, bias=False),  # -> (c_fine, 1, 1)
            nn.SiLU(),
            nn.Conv2d(c_fine, c_fine, 1, 1, 0, bias=False),  # -> (c_fine, 1, 1)
            nn.Sigmoid(),
        )

    def forward(self, coarse: torch.Tensor, fine: torch.Tensor) -> torch.Tensor:
        return fine * self.gates(coarse)  # (c_fine, R, R) * (c_fine, 1, 1)


class FastGenerator(nn.Module):
    """Latent vector -> RGB image in [-1, 1] through GLU up blocks with skip-layer excitation."""

    def __init__(self, image_size: int = 64, latent_size: int = 100, width: float = 1.0) -> None:
        super().__init__()
        self.latent_size = latent_size
        start, doublings = levels(image_size)
        if doublings >= len(GENERATOR_CHANNELS):
            raise ValueError(f"image_size {image_size}: more than {len(GENERATOR_CHANNELS) - 1} doublings")
        channels = [_width(c, width) for c in GENERATOR_CHANNELS[: doublings + 1]]
        self.initial = nn.Sequential(
            nn.ConvTranspose2d(latent_size, 2 * channels[0], start, 1, 0, bias=False),  # (100, 1, 1) -> (1024, 4, 4)
            nn.BatchNorm2d(2 * channels[0]),
            nn.GLU(dim=1),  # -> (512, 4, 4)
        )
        # 4x4x512 -> 8x8x256 -> 16x16x128 -> 32x32x64 -> 64x64x64
        self.ups = nn.ModuleList(up_block(c_in, c_out) for c_in, c_out in zip(channels, channels[1:], strict=False))
        span = min(SLE_SPAN, doublings)
        self.skips = nn.ModuleDict({  # "0": 4x4 gates 32x32; "1": 8x8 gates 64x64
            str(level): SkipExcitation(channels[level], channels[level + span])
            for level in range(doublings - span + 1)
        })
        self.span = span
        self.to_rgb = nn.Sequential(nn.Conv2d(channels[-1], 3, 3, 1, 1), nn.Tanh())  # -> (3, 64, 64)
        self.apply(dcgan_init)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        maps = [self.initial(z.view(z.shape[0], -1, 1, 1))]
        for level, up in enumerate(self.ups, start=1):
            x = up(maps[-1])
            source = str(level - self.span)
            if source in self.skips:
                x = self.skips[source](maps[level - self.span], x)
            maps.append(x)
        return self.to_rgb(maps[-1])


class DownBlock(nn.Module):
    """FastGAN's two-path down block: a strided conv path averaged with a pooled 1x1 path."""

    def __init__(self, c_in: int, c_out: int, dropout: float) -> None:
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(c_in, c_out, 4, 2, 1, bias=False),  # (c_in, r, r) -> (c_out, r/2, r/2)
            nn.BatchNorm2d(c_out),
            nn.LeakyReLU(0.2),
            nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False),  # -> (c_out, r/2, r/2)
            nn.BatchNorm2d(c_out),
            nn.LeakyReLU(0.2),
        )
        self.direct = nn.Sequential(
            nn.AvgPool2d(2),  # (c_in, r, r) -> (c_in, r/2, r/2)
            nn.Conv2d(c_in, c_out, 1, 1, 0, bias=False),  # -> (c_out, r/2, r/2)
            nn.BatchNorm2d(c_out),
            nn.LeakyReLU(0.2),
        )
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout((self.main(x) + self.direct(x)) / 2)


def decoder(c_in: int, doublings: int, width: float) -> nn.Sequential:
    """Features ``(c_in, r, r)`` -> RGB ``(3, r * 2**doublings, ...)`` in [-1, 1]."""
    channels = [c_in] + [max(8, _width(DECODER_CHANNELS, width) // 2**i) for i in range(doublings)]
    ups = [up_block(a, b) for a, b in zip(channels, channels[1:], strict=False)]
    return nn.Sequential(*ups, nn.Conv2d(channels[-1], 3, 3, 1, 1), nn.Tanh())


class FastDiscriminator(nn.Module):
    """RGB image in [-1, 1] -> one logit (hinge loss), plus decoders that rebuild real images from its features.

    ``blocks`` runs from the image down: block 0 is a stride-1 stem, each later one halves the map.
    """

    def __init__(self, image_size: int = 64, width: float = 1.0, noise_std: float = 0.0, dropout: float = 0.0) -> None:
        super().__init__()
        final, doublings = levels(image_size)
        channels = [_width(c, width) for c in DISCRIMINATOR_CHANNELS[: doublings + 1]]
        self.noise = GaussianNoise(noise_std)
        stem = nn.Sequential(nn.Conv2d(3, channels[0], 3, 1, 1),  # (3, 64, 64) -> (32, 64, 64)
                             nn.LeakyReLU(0.2), nn.Dropout(dropout))
        # 64x64x32 -> 32x32x64 -> 16x16x128 -> 8x8x256 -> 4x4x512
        self.blocks = nn.ModuleList([stem, *(DownBlock(a, b, dropout)
                                             for a, b in zip(channels, channels[1:], strict=False))])
        self.logit = nn.Conv2d(channels[-1], 1, final, 1, 0)  # (512, 4, 4) -> (1, 1, 1)
        self.reconstruction_size = min(image_size, 8 * final)
        rebuild = (self.reconstruction_size // final).bit_length() - 1  # doublings from the coarsest map: 3
        self.decode_whole = decoder(channels[-1], rebuild, width)  # (512, 4, 4) -> (3, 32, 32)
        self.decode_part = decoder(channels[-2], rebuild, width)  # a quarter of (256, 8, 8) -> (3, 32, 32)
        self.apply(dcgan_init)
        for module in [*self.blocks.modules(), self.logit]:  # spectral norm on the critic's path, not the decoders
            if isinstance(module, nn.Conv2d):
                spectral_norm(module)

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        maps = [self.noise(x)]
        for block in self.blocks:
            maps.append(block(maps[-1]))
        return maps[1:]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.logit(self.features(x)[-1]).flatten()

    def forward_reconstruct(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(logits, rebuilt, target)``: the whole image and one random quarter (the same quarter for the batch,
        as in the paper), each rebuilt at ``reconstruction_size`` next to ``x`` resized to it."""
        maps = self.features(x)
        coarse, finer = maps[-1], maps[-2]
        quarter = int(torch.randint(0, 4, ()).item())
        row, col = divmod(quarter, 2)
        h, s = finer.shape[-1] // 2, x.shape[-1] // 2
        part = finer[..., row * h:(row + 1) * h, col * h:(col + 1) * h]
        image_part = x[..., row * s:(row + 1) * s, col * s:(col + 1) * s]
        size = (self.reconstruction_size, self.reconstruction_size)
        rebuilt = torch.cat([self.decode_whole(coarse), self.decode_part(part)])
        target = torch.cat([F.interpolate(x, size=size, mode="area"), F.interpolate(image_part, size=size,
                                                                                     mode="area")])
        return self.logit(coarse).flatten(), rebuilt, target

    def freeze_lowest(self, count: int) -> None:
        """FreezeD: the ``count`` blocks nearest the image keep their weights while the rest fine-tune."""
        if count > len(self.blocks) - 1:
            raise ValueError(f"freeze_d {count}: this discriminator has {len(self.blocks)} blocks; keep one trainable")
        for block in self.blocks[:count]:
            block.requires_grad_(False)
