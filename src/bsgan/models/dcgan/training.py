"""Running the DCGAN recipe: the Lightning Trainer set up for loops, checkpoints and resume."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pytorch_lightning as pl
import torch
from pytorch_lightning.callbacks import Callback, ModelCheckpoint
from pytorch_lightning.loggers import Logger

from bsgan.config import GanConfig
from bsgan.models.dcgan.lightning_model import DCGAN

log = logging.getLogger(__name__)
LAST_CHECKPOINT = "last.ckpt"


def resolve_accelerator(device: str) -> str:
    """``auto`` picks CUDA when present; asking for ``cuda`` without one is an error, not a fallback."""
    if device == "auto":
        return "gpu" if torch.cuda.is_available() else "cpu"
    return "gpu" if device == "cuda" else "cpu"


def torch_device(device: str) -> torch.device:
    """The ``torch.device`` that :func:`resolve_accelerator` picks, for work outside the Trainer."""
    return torch.device("cuda" if resolve_accelerator(device) == "gpu" else "cpu")


def cpu_has_fast_bf16() -> bool:
    """Whether oneDNN has native bf16 kernels here (AVX512-BF16 or AMX); without them bf16 is emulated."""
    return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


def make_trainer(model: DCGAN, config: GanConfig, checkpoint_dir: Path, logger: Logger | bool = False,
                 callbacks: Sequence[Callback] = ()) -> pl.Trainer:
    """A Trainer whose epochs are spans of ``checkpoint_every`` loops, each ending in ``last.ckpt``."""
    if config.precision == "bf16" and resolve_accelerator(config.device) == "cpu" and not cpu_has_fast_bf16():
        log.warning("gan.precision bf16 on a CPU without native bf16 (no AVX512-BF16/AMX): emulated, far slower than 32")
    # One file, overwritten at every epoch end. (``save_last`` with ``save_top_k=0`` would write only
    # when training ends: a killed run would have nothing to resume from.)
    checkpoint = ModelCheckpoint(dirpath=checkpoint_dir, filename=LAST_CHECKPOINT.removesuffix(".ckpt"), save_top_k=1,
                                 every_n_epochs=1, enable_version_counter=False)
    return pl.Trainer(
        max_epochs=model.epochs,
        accelerator=resolve_accelerator(config.device),
        devices=1,
        precision="bf16-mixed" if config.precision == "bf16" else "32-true",
        logger=logger,
        callbacks=[checkpoint, *callbacks],
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        log_every_n_steps=config.log_every,
    )


def fit(model: DCGAN, config: GanConfig, checkpoint_dir: Path, resume: bool = True, logger: Logger | bool = False,
        callbacks: Sequence[Callback] = ()) -> pl.Trainer:
    """Train ``model``; continue from ``checkpoint_dir/last.ckpt`` when ``resume`` and it exists."""
    last = checkpoint_dir / LAST_CHECKPOINT
    trainer = make_trainer(model, config, checkpoint_dir, logger, callbacks)
    if config.compile:
        model.generator = torch.compile(model.generator)  # type: ignore[assignment]
        model.discriminator = torch.compile(model.discriminator)  # type: ignore[assignment]
    trainer.fit(model, ckpt_path=last if resume and last.exists() else None)
    return trainer
