"""GAN-test (Shmelkov, Schmid and Alahari, "How good is my GAN?", ECCV 2018): the share of a generator's
images that a classifier trained on real images only assigns to the class the generator was trained for.

The reference classifier is the project's classifier network (the paper's Table 5), trained seeded on the
real train split of every class (with its flips, ``eval.reference.flips``), never on a task's data, so no
generator can shape its own judge. It is ``eval.reference.seeds`` such networks, and GAN-test is the mean
of their shares: a single network's verdict on one generator moves by 0.2 with its seed. Their mean
recall on the real test split is the yardstick: a generator that makes the defect scores near it. Each
trained network is cached under a hash of the images, its settings and its seed, so the training-time
probe and ``evaluate_gan`` share the trainings.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from torchvision.transforms.v2.functional import horizontal_flip, vertical_flip

from bsgan.config import ClassifyConfig, ReferenceConfig
from bsgan.data.prepared import read_image_set
from bsgan.data.tensors import load_class_bytes
from bsgan.io.atomic import atomic_torch_save
from bsgan.io.fingerprint import fingerprint
from bsgan.models.classifier.torch_model import FailureClassifier
from bsgan.models.classifier.training import LabelledImages, train_classifier


@dataclass(frozen=True)
class ReferenceClassifier:
    networks: list[nn.Module]
    """Eval mode; each maps uint8 images scaled to [-1, 1] to logits."""
    classes: list[str]

    def to(self, device: torch.device | str) -> ReferenceClassifier:
        for network in self.networks:
            network.to(device)
        return self

    @torch.no_grad()
    def gan_test(self, images: torch.Tensor, label: str, batch_size: int = 256) -> float:
        """Share of ``(N, 3, H, W)`` uint8 ``images`` predicted as ``label``, averaged over the networks."""
        target = self.classes.index(label)
        shares = []
        for network in self.networks:
            device = next(network.parameters(), torch.empty(0)).device
            hits = sum(int((network(chunk.to(device).float() / 127.5 - 1.0).argmax(1) == target).sum())
                       for chunk in images.split(batch_size))
            shares.append(hits / len(images))
        return sum(shares) / len(shares)


def labelled(prepared: Path, classes: list[str], split: str) -> LabelledImages:
    parts = [load_class_bytes(prepared, label, split)[0] for label in classes]
    labels = torch.cat([torch.full((len(part),), i, dtype=torch.long) for i, part in enumerate(parts)])
    return LabelledImages(torch.cat(parts), labels)


def with_flips(data: LabelledImages) -> LabelledImages:
    """Every image, then all of them flipped horizontally, vertically and both ways (labels follow)."""
    images = data.images
    return LabelledImages(torch.cat([images, horizontal_flip(images), vertical_flip(images),
                                     vertical_flip(horizontal_flip(images))]), data.labels.repeat(4))


def reference_classifier(prepared: Path, config: ReferenceConfig, seed: int, device: str,
                         cache: Path) -> ReferenceClassifier:
    """The ``config.seeds`` classifiers trained on ``prepared``'s real train split (every class), seeds ``seed``
    onwards, each through the cache in ``cache``."""
    rows = read_image_set(prepared, "train")
    classes = sorted({row.label for row, _ in rows})
    hashes = sorted(row.sha256 for row, _ in rows)
    recipe = config.model_dump(mode="json", exclude={"seeds"})
    train = labelled(prepared, classes, "train")

    @functools.cache
    def fit_and_test() -> tuple[LabelledImages, LabelledImages]:
        """Built once, and only if a network has to be trained."""
        return with_flips(train) if config.flips else train, labelled(prepared, classes, "test")

    networks = []
    for network_seed in range(seed, seed + config.seeds):
        path = cache / f"{fingerprint([recipe, network_seed, classes], *hashes)[:32]}.pt"
        if path.exists():
            network = FailureClassifier(len(classes), train.images.shape[-1], config.width)
            network.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        else:
            network = train_reference(*fit_and_test(), classes, config, network_seed, device)
            atomic_torch_save(network.state_dict(), path)
        networks.append(network.eval())
    return ReferenceClassifier(networks, classes)


def train_reference(train: LabelledImages, test: LabelledImages, classes: list[str], config: ReferenceConfig,
                    seed: int, device: str) -> FailureClassifier:
    recipe = ClassifyConfig(epochs=config.epochs, batch_size=config.batch_size, lr=config.lr, beta1=config.beta1,
                            width=config.width, val_fraction=0.0, final_model="last", device=device)
    with torch.random.fork_rng(devices=[]):
        return train_classifier(train, None, test, classes, recipe, seed).network
