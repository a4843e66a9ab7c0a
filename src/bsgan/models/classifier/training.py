"""Running one classifier training: in-memory batches, a seeded Trainer, the model that gets tested.

A seed fixes the initialisation and the batch order, so two tasks trained with the same seed differ
only by their data (the paired comparison of tasks relies on it).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytorch_lightning as pl
import torch
from pytorch_lightning.callbacks import Callback, ModelCheckpoint
from pytorch_lightning.loggers import Logger
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, SequentialSampler, TensorDataset

from bsgan.config import ClassifyConfig
from bsgan.models.classifier.lightning_model import ClassifierTraining
from bsgan.models.classifier.torch_model import FailureClassifier
from bsgan.models.interrupt import run_trainer
from bsgan.runtime import configure_cuda_math, resolve_accelerator, to_channels_last, torch_device


@dataclass(frozen=True)
class LabelledImages:
    """``(N, 3, H, W)`` uint8 images with their ``(N,)`` class indices."""

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return len(self.labels)

    def to(self, device: torch.device) -> LabelledImages:
        return LabelledImages(self.images.to(device), self.labels.to(device))


def batches(data: LabelledImages, batch_size: int, seed: int | None = None) -> DataLoader:
    """Whole batches by one index per batch (no per-image collation); shuffled by ``seed`` when given.

    A last batch of one image is dropped when shuffling: batch norm cannot train on it.
    """
    dataset = TensorDataset(data.images, data.labels)
    if seed is None:
        sampler: BatchSampler = BatchSampler(SequentialSampler(dataset), batch_size, drop_last=False)
    else:
        order = RandomSampler(dataset, generator=torch.Generator().manual_seed(seed))
        sampler = BatchSampler(order, batch_size, drop_last=len(dataset) % batch_size == 1)
    return DataLoader(dataset, batch_size=None, sampler=sampler)


@dataclass
class TrainedClassifier:
    network: FailureClassifier
    scores: dict[str, Any]
    """Test scores (:func:`bsgan.metrics.classification.scores`) of the final model."""
    epoch: int
    """Epoch (1-based) of the model that was tested."""
    predictions: list[int]
    """Predicted class index of every test image, in the order of ``test``."""


def make_trainer(config: ClassifyConfig, epochs: int, logger: Logger | bool = False,
                 callbacks: Sequence[Callback] = ()) -> pl.Trainer:
    """The Trainer of one classifier training, with the device and precision of ``config``."""
    if resolve_accelerator(config.device) == "gpu":
        configure_cuda_math(config.tf32)
    return pl.Trainer(
        max_epochs=epochs,
        accelerator=resolve_accelerator(config.device),
        devices=1,
        precision="bf16-mixed" if config.precision == "bf16" else "32-true",
        logger=logger,
        callbacks=list(callbacks),
        enable_checkpointing=any(isinstance(c, ModelCheckpoint) for c in callbacks),
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        deterministic=True,
    )


def train_classifier(train: LabelledImages, val: LabelledImages | None, test: LabelledImages, classes: Sequence[str],
                     config: ClassifyConfig, seed: int, logger: Logger | bool = False,
                     callbacks: Sequence[Callback] = ()) -> TrainedClassifier:
    """Train the Table 5 network with ``seed`` and score the final model (``classify.final_model``) on ``test``."""
    pl.seed_everything(seed, workers=False, verbose=False)
    network = FailureClassifier(len(classes), train.images.shape[-1], config.width)
    if config.channels_last:
        to_channels_last(network)
    model = ClassifierTraining(network, classes, config.lr, config.beta1)
    device = torch_device(config.device)  # the images go there once, not batch by batch
    train, test = train.to(device), test.to(device)
    val = val.to(device) if val is not None and len(val) else None
    with tempfile.TemporaryDirectory(prefix="bsgan-classify-") as scratch:
        best = ModelCheckpoint(dirpath=scratch, monitor="val/macro_f1", mode="max", save_top_k=1)
        use_best = config.final_model == "best" and val is not None
        trainer = make_trainer(config, config.epochs, logger, [*([best] if use_best else []), *callbacks])
        run_trainer(trainer, trainer.fit, model, batches(train, config.batch_size, seed),
                    batches(val, config.batch_size) if val else None)
        epoch = config.epochs
        if use_best:
            state = torch.load(best.best_model_path, map_location="cpu", weights_only=True)
            model.load_state_dict(state["state_dict"])
            epoch = int(state["epoch"]) + 1
        run_trainer(trainer, trainer.test, model, batches(test, config.batch_size), verbose=False)
    return TrainedClassifier(network.cpu().eval(), model.test_scores, epoch, model.test_predictions)
