"""A classifier file rebuilds its network and says what it needs, without params.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from bsgan.errors import InputDataError
from bsgan.models.classifier.classifier_file import ClassifierInfo, data_hash, load_classifier, save_classifier
from bsgan.models.classifier.torch_model import FailureClassifier

INFO = ClassifierInfo(["intact", "pitting"], 16, 0.25, "t1_original", 3, "ab" * 32, "intact", 57)


def test_a_saved_classifier_loads_with_its_description_and_the_same_outputs(tmp_path: Path) -> None:
    torch.manual_seed(0)
    network = FailureClassifier(2, 16, 0.25).eval()
    save_classifier(network, INFO, tmp_path / "seed3.pt")
    loaded = load_classifier(tmp_path / "seed3.pt")
    assert loaded.info == INFO
    assert loaded.info.normalisation == {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}
    images = torch.rand(4, 3, 16, 16) * 2 - 1
    assert torch.equal(loaded.network(images), network(images))
    assert not loaded.network.training, "batch norm must use its running statistics"


def test_the_data_hash_changes_with_one_pixel_or_one_label() -> None:
    images, labels = torch.zeros(3, 3, 8, 8, dtype=torch.uint8), torch.tensor([0, 1, 1])
    reference = data_hash(images, labels)
    changed = images.clone()
    changed[2, 0, 7, 7] = 1
    assert data_hash(changed, labels) != reference
    assert data_hash(images, torch.tensor([0, 1, 0])) != reference
    assert data_hash(images.clone(), labels.clone()) == reference


def test_a_bare_state_dict_or_junk_is_refused_naming_the_file(tmp_path: Path) -> None:
    torch.save(FailureClassifier(2, 16, 0.25).state_dict(), tmp_path / "old.pt")
    with pytest.raises(InputDataError, match=r"old\.pt: not a bsgan classifier file"):
        load_classifier(tmp_path / "old.pt")
    (tmp_path / "junk.pt").write_bytes(b"not torch")
    with pytest.raises(InputDataError, match=r"junk\.pt: not a readable classifier file"):
        load_classifier(tmp_path / "junk.pt")
    with pytest.raises(InputDataError, match=r"missing\.pt: classifier not found"):
        load_classifier(tmp_path / "missing.pt")
