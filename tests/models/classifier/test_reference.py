"""GAN-test's reference classifier: trained on real train images only, seeded, cached; and the share it counts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from torch import nn

from bsgan.cli import main
from bsgan.config import ReferenceConfig
from bsgan.models.classifier.reference import ReferenceClassifier, reference_classifier


class RedIsRust(nn.Module):
    """Class 1 (rust) where the red channel is brighter than green, else class 0."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        red_minus_green = (x[:, 0] - x[:, 1]).mean(dim=(1, 2))
        return torch.stack([-red_minus_green, red_minus_green], dim=1)


def test_gan_test_is_the_share_predicted_as_the_intended_class() -> None:
    images = torch.zeros(10, 3, 4, 4, dtype=torch.uint8)
    images[:7, 0] = 200  # seven red images
    reference = ReferenceClassifier(RedIsRust(), ["intact", "rust"])  # type: ignore[arg-type]
    assert reference.gan_test(images, "rust", batch_size=3) == pytest.approx(0.7)
    assert reference.gan_test(images, "intact") == pytest.approx(0.3)


def test_the_reference_is_trained_once_per_data_and_settings(write_params: Callable[..., Path]) -> None:
    params = write_params()
    root = params.parent
    out = ["--out", str(root / "data"), "--metrics", str(root / "m.json")]
    assert main(["prepare", "--params", str(params), *out]) == 0
    config = ReferenceConfig(epochs=2, batch_size=8)
    first = reference_classifier(root / "data", config, 0, "cpu", root / "cache")
    [cached] = (root / "cache").glob("*.pt")
    again = reference_classifier(root / "data", config, 0, "cpu", root / "cache")
    assert first.classes == ["intact", "pitting", "rust"]
    for a, b in zip(first.network.state_dict().values(), again.network.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    reference_classifier(root / "data", config, 1, "cpu", root / "cache")  # another seed: another network
    assert len(list((root / "cache").glob("*.pt"))) == 2 and cached.exists()
