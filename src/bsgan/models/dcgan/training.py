"""Running the GAN recipe (either architecture): the Lightning Trainer set up for loops, checkpoints and resume."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pytorch_lightning as pl
import torch
from pytorch_lightning.callbacks import Callback, ModelCheckpoint
from pytorch_lightning.loggers import Logger
from pytorch_lightning.strategies import DDPStrategy, Strategy

from bsgan.config import GanConfig
from bsgan.models.dcgan.lightning_model import DCGAN
from bsgan.models.fastgan.lightning_model import FastGAN
from bsgan.models.interrupt import run_trainer
from bsgan.runtime import bf16_is_emulated, configure_cuda_math, resolve_accelerator, to_channels_last, torch_device

log = logging.getLogger(__name__)
LAST_CHECKPOINT = "last.ckpt"
MODULES: dict[str, type[DCGAN]] = {"dcgan": DCGAN, "fastgan": FastGAN}
"""The recipe's LightningModule for each ``gan.architecture``; its networks are in ``models.architectures``."""


def gan_module(real_images: torch.Tensor, config: GanConfig, real_label: float = 1.0,
               fake_label: float = 0.0) -> DCGAN:
    """The LightningModule that trains ``config.architecture`` on ``real_images``."""
    return MODULES[config.architecture](real_images, config, real_label, fake_label)


def strategy(config: GanConfig) -> str | Strategy:
    """One process, or DDP over ``gan.devices`` processes (NCCL on GPUs, gloo on CPU).

    Spawned, not re-launched: only ``fit`` runs in the workers, so the stage around it (lock, MLflow
    run, outputs) stays in one process, and rank 0's weights come back to it. The discriminator step
    leaves the generator's parameters without gradients, hence ``find_unused_parameters``.
    """
    if config.devices == 1:
        return "auto"
    return DDPStrategy(start_method="spawn", find_unused_parameters=True)


def make_trainer(model: DCGAN, config: GanConfig, checkpoint_dir: Path, logger: Logger | bool = False,
                 callbacks: Sequence[Callback] = ()) -> pl.Trainer:
    """A Trainer whose epochs are spans of ``checkpoint_every`` loops, each ending in ``last.ckpt``."""
    if config.precision == "bf16" and bf16_is_emulated(torch_device(config.device)):
        log.warning("gan.precision bf16 on a CPU without native bf16 (no AVX512-BF16/AMX): emulated, "
                    "far slower than 32")
    # One file, overwritten at every epoch end. (``save_last`` with ``save_top_k=0`` would write only
    # when training ends: a killed run would have nothing to resume from.)
    checkpoint = ModelCheckpoint(dirpath=checkpoint_dir, filename=LAST_CHECKPOINT.removesuffix(".ckpt"), save_top_k=1,
                                 every_n_epochs=1, enable_version_counter=False)
    return pl.Trainer(
        max_epochs=model.epochs,
        accelerator=resolve_accelerator(config.device),
        devices=config.devices,
        strategy=strategy(config),
        use_distributed_sampler=False,  # every process runs every loop index; the batches are its own draws
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
    """Train ``model`` with the speed settings of ``config``; continue from ``checkpoint_dir/last.ckpt``
    when ``resume`` and it exists."""
    last = checkpoint_dir / LAST_CHECKPOINT
    trainer = make_trainer(model, config, checkpoint_dir, logger, callbacks)
    if resolve_accelerator(config.device) == "gpu":
        configure_cuda_math(config.tf32)
    if config.channels_last:
        to_channels_last(model)
    if config.compile:
        model.generator = torch.compile(model.generator, mode=config.compile_mode)  # type: ignore[assignment]
        model.discriminator = torch.compile(model.discriminator, mode=config.compile_mode)  # type: ignore[assignment]
    run_trainer(trainer, trainer.fit, model, ckpt_path=last if resume and last.exists() else None)
    return trainer
