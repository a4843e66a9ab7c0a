"""GAN-test's reference classifier: trained on real train images only, seeded, cached; and the share it counts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from torch import nn

from bsgan.cli import main
from bsgan.config import ReferenceConfig
from bsgan.models.classifier.reference import ReferenceClassifier, reference_classifier, with_flips
from bsgan.models.classifier.training import LabelledImages


class RedIsRust(nn.Module):
    """Class 1 (rust) where the red channel is brighter than green, else class 0."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        red_minus_green = (x[:, 0] - x[:, 1]).mean(dim=(1, 2))
        return torch.stack([-red_minus_green, red_minus_green], dim=1)


def test_gan_test_is_the_share_predicted_as_the_intended_class() -> None:
    images = torch.zeros(10, 3, 4, 4, dtype=torch.uint8)
    images[:7, 0] = 200  # seven red images
    reference = ReferenceClassifier([RedIsRust()], ["intact", "rust"])
    assert reference.gan_test(images, "rust", batch_size=3) == pytest.approx(0.7)
    assert reference.gan_test(images, "intact") == pytest.approx(0.3)


def test_gan_test_of_several_networks_is_the_mean_of_their_shares() -> None:
    images = torch.zeros(10, 3, 4, 4, dtype=torch.uint8)
    images[:7, 0] = 200
    always_intact = nn.Sequential(nn.Flatten(), nn.Linear(48, 2))
    nn.init.zeros_(always_intact[1].weight)
    always_intact[1].bias.data = torch.tensor([1.0, 0.0])
    reference = ReferenceClassifier([RedIsRust(), always_intact], ["intact", "rust"])
    assert reference.gan_test(images, "rust") == pytest.approx((0.7 + 0.0) / 2)


def test_flips_add_each_image_flipped_three_ways_with_its_label() -> None:
    images = torch.arange(2 * 3 * 2 * 2, dtype=torch.uint8).reshape(2, 3, 2, 2)
    flipped = with_flips(LabelledImages(images, torch.tensor([0, 1])))
    assert flipped.labels.tolist() == [0, 1] * 4
    assert torch.equal(flipped.images[2], images[0].flip(-1)) and torch.equal(flipped.images[4], images[0].flip(-2))
    assert torch.equal(flipped.images[7], images[1].flip(-1).flip(-2))


def test_the_references_are_trained_once_per_data_settings_and_seed(write_params: Callable[..., Path]) -> None:
    params = write_params()
    root = params.parent
    out = ["--out", str(root / "data"), "--metrics", str(root / "m.json")]
    assert main(["prepare", "--params", str(params), *out]) == 0
    config = ReferenceConfig(epochs=1, batch_size=8, seeds=2)
    first = reference_classifier(root / "data", config, 0, "cpu", root / "cache")
    assert len(first.networks) == 2 and first.classes == ["intact", "pitting", "rust"]
    assert len(list((root / "cache").glob("*.pt"))) == 2
    again = reference_classifier(root / "data", config, 0, "cpu", root / "cache")
    for a, b in zip(first.networks, again.networks, strict=True):
        for x, y in zip(a.state_dict().values(), b.state_dict().values(), strict=True):
            assert torch.equal(x, y)
    shifted = reference_classifier(root / "data", config, 1, "cpu", root / "cache")  # seeds 1, 2: only 2 is new
    assert len(list((root / "cache").glob("*.pt"))) == 3
    assert all(torch.equal(x, y) for x, y in zip(shifted.networks[0].state_dict().values(),
                                                   first.networks[1].state_dict().values(), strict=True))
    assert not all(torch.equal(x, y) for x, y in zip(first.networks[0].state_dict().values(),
                                                       first.networks[1].state_dict().values(), strict=True))
