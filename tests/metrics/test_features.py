"""Features of an image set are computed once and found again by the images' hashes."""

from __future__ import annotations

from pathlib import Path

import torch
from tests.inputs import textured_photo
from torch import nn

from bsgan.data.prepared import write_image_set
from bsgan.data.sample import Sample
from bsgan.data.tensors import load_class_bytes
from bsgan.metrics.features import cached_features, set_key


class CountingNetwork(nn.Module):
    """Stands in for Inception: per-channel means as 3 'features', counting the images it saw."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = 0

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        self.seen += images.shape[0]
        return images.float().mean(dim=(2, 3))


def test_the_key_ignores_order_and_changes_with_any_image() -> None:
    assert set_key(["a", "b", "c"]) == set_key(["c", "a", "b"])
    assert set_key(["a", "b", "c"]) != set_key(["a", "b", "d"])
    assert set_key(["a", "b"]) != set_key(["a", "b", "b"])


def test_a_set_is_featurised_once(tmp_path: Path) -> None:
    samples = [Sample(textured_photo(24, 24, seed=i), "rust", f"photo{i}", None, "train") for i in range(5)]
    write_image_set(samples, tmp_path / "set")
    images, hashes = load_class_bytes(tmp_path / "set", "rust")
    assert images.shape == (5, 3, 24, 24) and images.dtype == torch.uint8 and len(hashes) == 5

    network = CountingNetwork()
    first = cached_features(network, images, hashes, cache=tmp_path / "cache")  # type: ignore[arg-type]
    again = cached_features(network, images.flip(0), hashes[::-1], cache=tmp_path / "cache")  # type: ignore[arg-type]
    assert network.seen == 5
    assert torch.equal(first.flip(0), again), "rows follow the order asked for"
    assert [p.suffix for p in (tmp_path / "cache").iterdir()] == [".pt"], "no temporary file is left behind"
