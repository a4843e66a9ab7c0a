"""Inception features of image sets, cached on disk under a hash of the images they came from.

A real set (say the pitting train split) is featurised once and reused by every generator, FID
repeat, Optuna trial and later run: the key is the network's hash plus the sorted sha256 of every
image, so changed images can never hit a stale entry, and a renamed or moved set still hits.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import torch

from bsgan.data.tensors import load_class_bytes
from bsgan.layout import Layout
from bsgan.metrics.inception import WEIGHTS_SHA1, InceptionFeatures
from bsgan.progress import Progress

LAYOUT = "channels_last"
"""How :class:`InceptionFeatures` runs; part of the key, since another layout changes features in the 6th digit."""


def extract(network: InceptionFeatures, images: torch.Tensor, batch_size: int = 50,
            what: str | None = None) -> torch.Tensor:
    """``(N, 2048)`` features of uint8 images ``(N, 3, H, W)``, in batches on the network's device.

    With ``what``, shows progress (about 6 images/s on 2 CPU cores: a thousand images take minutes).
    """
    device = next(network.parameters(), torch.empty(0)).device
    rows = []
    with Progress(len(images), what or "features", unit="image", style=None if what else "off") as progress:
        for chunk in images.split(batch_size):
            rows.append(network(chunk.to(device)).cpu())
            progress.update(len(chunk))
    return torch.cat(rows)


def set_key(image_hashes: Sequence[str]) -> str:
    """Cache key of a set of images: independent of order and of where the files lie."""
    digest = hashlib.sha256(f"{WEIGHTS_SHA1}/{LAYOUT}".encode())
    for value in sorted(image_hashes):
        digest.update(value.encode())
    return digest.hexdigest()


def cached_features(network: InceptionFeatures, images: torch.Tensor, image_hashes: Sequence[str],
                    cache: Path, what: str | None = None) -> torch.Tensor:
    """Features of ``images`` (row i for image i), read from ``cache`` when this set was featurised before.

    The entry keeps each row's image hash, so the same set in another order gets its rows in that order.
    """
    path = cache / f"{set_key(image_hashes)}.pt"
    if path.exists():
        entry = torch.load(path, weights_only=True)
        row_of = {value: row for row, value in enumerate(entry["hashes"])}
        return entry["features"][[row_of[value] for value in image_hashes]]
    features = extract(network, images, what=what)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    torch.save({"hashes": list(image_hashes), "features": features}, partial)
    os.replace(partial, path)  # a concurrent or killed writer never leaves half a file under the key
    return features


def real_train_features(network: InceptionFeatures, label: str, layout: Layout) -> torch.Tensor:
    """Float64 features of the class's real (prepared) train images, through the feature cache: what every
    generator of the class is judged against, also one of the augmented set."""
    real, hashes = load_class_bytes(layout.prepared, label)
    return cached_features(network, real, hashes, layout.feature_cache).double()
