"""Classical augmentation as in the paper: flips, rotation, translation, additive Gaussian noise.

Built from torchvision.transforms.v2. Rotation and translation would leave empty corners on a small
square crop, which a GAN would learn as a feature; each geometric step therefore pads the image by
reflection, transforms it, and cuts the centre back out, so every pixel stays surface texture.
"""

from __future__ import annotations

import math

import torch
from PIL import Image
from torchvision.transforms import v2

from bsgan.config import AugmentConfig


def _reflect_padded(transform: v2.Transform, size: int, pad: int) -> v2.Transform:
    return v2.Compose([v2.Pad(pad, padding_mode="reflect"), transform, v2.CenterCrop(size)])


def classical_transform(config: AugmentConfig, size: int) -> v2.Transform:
    """The augmentation pipeline for ``size`` x ``size`` RGB images (PIL in, PIL out)."""
    # Enough reflection for the rotated or shifted square to stay inside the padded image.
    rotation_pad = math.ceil(
        size * (math.sqrt(2) * math.cos(math.radians(45 - min(config.rotation_degrees, 45))) - 1) / 2
    ) + 1
    translate_pad = math.ceil(size * config.translate_fraction) + 1
    return v2.Compose(
        [
            v2.ToImage(),
            v2.ToDtype(torch.float32, scale=True),
            v2.RandomHorizontalFlip(config.hflip_p),
            v2.RandomVerticalFlip(config.vflip_p),
            v2.RandomApply(
                [
                    _reflect_padded(
                        v2.RandomRotation(config.rotation_degrees, v2.InterpolationMode.BILINEAR), size, rotation_pad
                    )
                ],
                p=config.rotation_p,
            ),
            v2.RandomApply(
                [
                    _reflect_padded(
                        v2.RandomAffine(
                            0, translate=(config.translate_fraction * size / (size + 2 * translate_pad),) * 2
                        ),
                        size,
                        translate_pad,
                    )
                ],
                p=config.translate_p,
            ),
            v2.RandomApply([v2.GaussianNoise(sigma=config.noise_std, clip=True)], p=config.noise_p),
            v2.ToDtype(torch.uint8, scale=True),
            v2.ToPILImage(),
        ]
    )


def augment_image(transform: v2.Transform, image: Image.Image, seed: int, max_draws: int = 64) -> Image.Image:
    """Apply ``transform`` with its own seed, so one output does not depend on the others.

    Each step fires with its own probability, so a draw may apply none of them; such a draw is
    redrawn (deterministically), because an exact copy of an original adds nothing to a training set.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        reference = image.tobytes()
        for _ in range(max_draws):
            augmented = transform(image)
            if augmented.tobytes() != reference:
                break
        return augmented
