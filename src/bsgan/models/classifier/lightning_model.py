"""The paper's classifier training (Table 7) as one LightningModule: cross-entropy, Adam, test scores.

Images arrive as uint8 and are scaled to [-1, 1] on the device, so a whole train set stays in memory
at a quarter of its float size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import nn
from torchmetrics.classification import MulticlassAccuracy, MulticlassF1Score

from bsgan.metrics.classification import score_collection, scores

Batch = tuple[torch.Tensor, torch.Tensor]


class ClassifierTraining(pl.LightningModule):
    """Trains ``network`` to tell ``classes`` apart; after ``trainer.test`` its scores are in ``test_scores``.

    Args:
        network: Maps ``(B, 3, H, W)`` images in [-1, 1] to ``(B, len(classes))`` logits.
        classes: Class names in label-index order.
        lr: Adam learning rate.
        beta1: Adam's first-moment decay.

    Example:
        >>> model = ClassifierTraining(FailureClassifier(3, 32), ["intact", "pitting", "rust"],
        ...                            2e-4, 0.5)  # doctest: +SKIP
        >>> trainer.fit(model, train_batches, val_batches); trainer.test(model, test_batches)  # doctest: +SKIP
    """

    def __init__(self, network: nn.Module, classes: Sequence[str], lr: float, beta1: float) -> None:
        super().__init__()
        self.network = network
        self.classes = list(classes)
        self.lr = lr
        self.beta1 = beta1
        n = len(self.classes)
        self.train_accuracy = MulticlassAccuracy(n, average="micro")
        self.val_accuracy = MulticlassAccuracy(n, average="micro")
        self.val_f1 = MulticlassF1Score(n, average="macro", zero_division=0)
        self.test_collection = score_collection(n)
        self.test_scores: dict[str, Any] = {}
        self.test_predictions: list[int] = []
        """Predicted class index of every test image, in the test set's order (for the bootstrap over test images)."""
        self._test_batches: list[torch.Tensor] = []
        self.register_buffer("loss_sum", torch.zeros(()), persistent=False)
        self.register_buffer("loss_count", torch.zeros((), dtype=torch.long), persistent=False)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.network(images.float() / 127.5 - 1.0)

    def training_step(self, batch: Batch, batch_idx: int) -> torch.Tensor:
        images, labels = batch
        logits = self(images)
        loss = F.cross_entropy(logits, labels)
        # Sums on the device, logged once per epoch: per-step logging costs more than this small CNN's step.
        self.train_accuracy.update(logits.argmax(1), labels)
        self.loss_sum += loss.detach() * len(labels)
        self.loss_count += len(labels)
        return loss

    def on_train_epoch_start(self) -> None:
        self.loss_sum.zero_()
        self.loss_count.zero_()
        self.train_accuracy.reset()

    def on_train_epoch_end(self) -> None:
        self.log("train/loss", self.loss_sum / self.loss_count)
        self.log("train/accuracy", self.train_accuracy.compute())

    def validation_step(self, batch: Batch, batch_idx: int) -> None:
        images, labels = batch
        logits = self(images)
        predicted = logits.argmax(1)
        self.val_accuracy.update(predicted, labels)
        self.val_f1.update(predicted, labels)
        self.log("val/loss", F.cross_entropy(logits, labels), on_epoch=True, batch_size=len(labels))
        self.log("val/accuracy", self.val_accuracy, on_epoch=True)
        self.log("val/macro_f1", self.val_f1, on_epoch=True)

    def test_step(self, batch: Batch, batch_idx: int) -> None:
        images, labels = batch
        predicted = self(images).argmax(1)
        self.test_collection.update(predicted, labels)
        self._test_batches.append(predicted.detach().cpu())

    def on_test_epoch_end(self) -> None:
        self.test_scores = scores(self.test_collection.compute(), self.classes)
        self.test_predictions = torch.cat(self._test_batches).tolist() if self._test_batches else []
        self._test_batches = []
        self.test_collection.reset()

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.network.parameters(), lr=self.lr, betas=(self.beta1, 0.999))
