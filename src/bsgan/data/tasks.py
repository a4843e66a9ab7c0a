"""A classification task's train set, composed from its ``tasks.definitions`` entry.

Two steps: :func:`plan` turns a definition into counts per source (pure arithmetic, so the counts of
every task can be checked without images), and :func:`compose` takes those counts from the image
pools of one failure class. The intact class is never enlarged; it stays the real train split.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import torch
from torchvision.transforms.v2.functional import pil_to_tensor, to_pil_image

from bsgan.config import AugmentConfig, TaskDefinition
from bsgan.data.classical import augment_image, classical_transform
from bsgan.errors import ParamsError

WHERE_MORE_COME_FROM = {
    "real": "the real train split",
    "classical": "raise augment.target_per_class",
    "gan_original": "raise generate.count",
    "gan_classical": "raise generate.count",
}


@dataclass(frozen=True)
class Portion:
    """``count`` images of one failure class from ``source``."""

    source: str
    count: int


def plan(task: TaskDefinition, label: str, available: Mapping[str, int], target: int) -> list[Portion]:
    """How many images of ``label`` each part of ``task`` takes, in order.

    Args:
        task: The task's registry entry.
        label: The failure class (named in errors).
        available: Images each source holds for this class (``augment`` needs none).
        target: ``tasks.target_per_class``, what ``fill`` parts top the class up to.

    Raises:
        ParamsError: A part asks for more images than its source holds.
    """
    portions: list[Portion] = []
    total = 0
    for part in task.parts:
        if part.count == "fill":
            count = max(0, target - total)
        elif part.count == "all":
            count = available.get(part.source, 0)
        else:  # a fixed number, never past the target
            count = min(part.count, max(0, target - total))
        if part.source != "augment" and count > available.get(part.source, 0):
            raise ParamsError(f"tasks: {task.title!r} needs {count} {label} images from {part.source}, "
                              f"which holds {available.get(part.source, 0)} ({WHERE_MORE_COME_FROM[part.source]})")
        portions.append(Portion(part.source, count))
        total += count
    return portions


def compose(portions: list[Portion], pools: Mapping[str, torch.Tensor],
            augment: Callable[[torch.Tensor, int], torch.Tensor]) -> torch.Tensor:
    """The images of one failure class: the first ``count`` of each pool, in plan order.

    ``augment(gathered, count)`` makes the ``augment`` portions from everything gathered before them.
    """
    gathered: list[torch.Tensor] = []
    for portion in portions:
        if portion.count == 0:
            continue
        if portion.source == "augment":
            gathered.append(augment(torch.cat(gathered), portion.count))
        else:
            gathered.append(pools[portion.source][: portion.count])
    return torch.cat(gathered)


def classical_augmenter(config: AugmentConfig, label: str, seed: int) -> Callable[[torch.Tensor, int], torch.Tensor]:
    """Classical augmentation as the ``augment`` stage does it, for images gathered at task time.

    Sources are drawn in rounds of a seeded permutation, so every gathered image (real or generated)
    is used equally often, to within one.
    """

    def augment(images: torch.Tensor, count: int) -> torch.Tensor:
        transform = classical_transform(config, images.shape[-1])
        rng = np.random.default_rng([seed, zlib.crc32(label.encode())])
        rounds = -(-count // len(images))
        order = np.concatenate([rng.permutation(len(images)) for _ in range(rounds)])[:count]
        seeds = rng.integers(0, 2**31 - 1, size=count)
        return torch.stack([pil_to_tensor(augment_image(transform, to_pil_image(images[i]), int(s)))
                            for i, s in zip(order, seeds, strict=True)])

    return augment


def hold_out(count: int, fraction: float, label: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of one class's real train images kept for training and held out for validation.

    At least one image is held out when ``fraction > 0`` and the class has two or more; the draw is
    seeded by the class name, so other classes do not change it.
    """
    held = min(count - 1, max(1, round(count * fraction))) if fraction > 0 and count > 1 else 0
    order = np.random.default_rng([seed, zlib.crc32(label.encode())]).permutation(count)
    return np.sort(order[held:]), np.sort(order[:held])
