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
from pytorch_lightning.callbacks import ModelCheckpoint
from pytorch_lightning.loggers import Logger
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, SequentialSampler, TensorDataset

from bsgan.config import ClassifyConfig
from bsgan.models.classifier.lightning_model import ClassifierTraining
from bsgan.models.classifier.torch_model import FailureClassifier
from bsgan.models.dcgan.training import resolve_accelerator


@dataclass(frozen=True)
class LabelledImages:
    """``(N, 3, H, W)`` uint8 images with their ``(N,)`` class indices."""

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return len(self.labels)


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


def train_classifier(train: LabelledImages, val: LabelledImages | None, test: LabelledImages, classes: Sequence[str],
                     config: ClassifyConfig, seed: int, logger: Logger | bool = False) -> TrainedClassifier:
    """Train the Table 5 network with ``seed`` and score the final model (``classify.final_model``) on ``test``."""
    pl.seed_everything(seed, workers=False, verbose=False)
    network = FailureClassifier(len(classes), train.images.shape[-1], config.width)
    model = ClassifierTraining(network, classes, config.lr, config.beta1)
    with tempfile.TemporaryDirectory(prefix="bsgan-classify-") as scratch:
        best = ModelCheckpoint(dirpath=scratch, monitor="val/macro_f1", mode="max", save_top_k=1)
        use_best = config.final_model == "best" and val is not None
        trainer = pl.Trainer(
            max_epochs=config.epochs,
            accelerator=resolve_accelerator(config.device),
            devices=1,
            logger=logger,
            callbacks=[best] if use_best else [],
            enable_checkpointing=use_best,
            enable_progress_bar=False,
            enable_model_summary=False,
            num_sanity_val_steps=0,
            deterministic=True,
        )
        val_batches = batches(val, config.batch_size) if val is not None and len(val) else None
        trainer.fit(model, batches(train, config.batch_size, seed), val_batches)
        epoch = config.epochs
        if use_best:
            state = torch.load(best.best_model_path, map_location="cpu", weights_only=True)
            model.load_state_dict(state["state_dict"])
            epoch = int(state["epoch"]) + 1
        trainer.test(model, batches(test, config.batch_size), verbose=False)
    return TrainedClassifier(network.cpu().eval(), model.test_scores, epoch)
