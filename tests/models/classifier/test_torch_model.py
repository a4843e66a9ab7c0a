"""The Table 5 network at the paper's size and the CPU default's."""

from __future__ import annotations

import pytest
import torch

from bsgan.models.classifier.torch_model import FailureClassifier


def test_paper_network_has_the_tables_shapes() -> None:
    network = FailureClassifier(n_classes=3, image_size=96)
    assert network.features(torch.zeros(2, 3, 96, 96)).shape == (2, 12 * 12 * 64)
    assert network(torch.zeros(2, 3, 96, 96)).shape == (2, 3)
    convs = [m.out_channels for m in network.modules() if isinstance(m, torch.nn.Conv2d)]
    assert convs == [16, 32, 64]


def test_width_and_size_scale_the_network() -> None:
    network = FailureClassifier(n_classes=2, image_size=32, width=0.5)
    assert network(torch.zeros(1, 3, 32, 32)).shape == (1, 2)
    assert [m.out_channels for m in network.modules() if isinstance(m, torch.nn.Conv2d)] == [8, 16, 32]


def test_odd_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="multiple of 8"):
        FailureClassifier(3, image_size=36)
