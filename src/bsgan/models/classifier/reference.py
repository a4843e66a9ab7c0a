"""GAN-test (Shmelkov, Schmid and Alahari, "How good is my GAN?", ECCV 2018): the share of a generator's
images that a classifier trained on real images only assigns to the class the generator was trained for.

The reference classifier is the project's classifier network (the paper's Table 5), trained seeded on the
real train split of every class, never on a task's data, so no generator can shape its own judge. Its
recall on the real test split is the yardstick: a generator that makes the defect scores near it. The
trained network is cached under a hash of the images and its settings, so the training-time probe and
``evaluate_gan`` share one training.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import torch

from bsgan.config import ClassifyConfig, ReferenceConfig
from bsgan.data.prepared import read_image_set
from bsgan.data.tensors import load_class_bytes
from bsgan.io.fingerprint import fingerprint
from bsgan.models.classifier.torch_model import FailureClassifier
from bsgan.models.classifier.training import LabelledImages, train_classifier


@dataclass(frozen=True)
class ReferenceClassifier:
    network: FailureClassifier
    """Eval mode, on the CPU; maps uint8 images scaled to [-1, 1] to logits."""
    classes: list[str]

    @torch.no_grad()
    def gan_test(self, images: torch.Tensor, label: str, batch_size: int = 256) -> float:
        """Share of ``(N, 3, H, W)`` uint8 ``images`` predicted as ``label``."""
        device = next(self.network.parameters(), torch.empty(0)).device
        hits = sum(int((self.network(chunk.to(device).float() / 127.5 - 1.0).argmax(1) == self.classes.index(label))
                       .sum()) for chunk in images.split(batch_size))
        return hits / len(images)


def labelled(prepared: Path, classes: list[str], split: str) -> LabelledImages:
    parts = [load_class_bytes(prepared, label, split)[0] for label in classes]
    labels = torch.cat([torch.full((len(part),), i, dtype=torch.long) for i, part in enumerate(parts)])
    return LabelledImages(torch.cat(parts), labels)


def reference_classifier(prepared: Path, config: ReferenceConfig, seed: int, device: str,
                         cache: Path) -> ReferenceClassifier:
    """The classifier trained on ``prepared``'s real train split (every class), through the cache in ``cache``."""
    rows = read_image_set(prepared, "train")
    classes = sorted({row.label for row, _ in rows})
    hashes = sorted(row.sha256 for row, _ in rows)
    path = cache / f"{fingerprint([config.model_dump(mode='json'), seed, classes], *hashes)[:32]}.pt"
    train = labelled(prepared, classes, "train")
    network = FailureClassifier(len(classes), train.images.shape[-1], config.width)
    if path.exists():
        network.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    else:
        recipe = ClassifyConfig(epochs=config.epochs, batch_size=config.batch_size, lr=config.lr, beta1=config.beta1,
                                width=config.width, val_fraction=0.0, final_model="last", device=device)
        with torch.random.fork_rng(devices=[]):
            network = train_classifier(train, None, labelled(prepared, classes, "test"), classes, recipe, seed).network
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        torch.save(network.state_dict(), partial)
        os.replace(partial, path)
    return ReferenceClassifier(network.eval(), classes)
