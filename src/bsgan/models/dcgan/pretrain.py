"""Learning the surface before the defect: a DCGAN trained on the intact class, for failure classes to fine-tune.

With ~100 images of a failure class a GAN from scratch spends its few loops on colour and lighting. The
intact class has several times more images of the same surface, so its GAN has learnt the surface when
fine-tuning begins and the failure class's loops go to the defect (DFMGAN, Duan et al. 2023, learns
defect-free images first; FreezeD, Mo et al. 2020, fine-tunes with the lower discriminator layers fixed).
The weights are cached under a hash of the images and the recipe: every failure class shares one run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import torch

from bsgan.config import GanConfig
from bsgan.io.atomic import atomic_torch_save
from bsgan.io.fingerprint import fingerprint
from bsgan.models.dcgan.training import fit, gan_module

PRETRAIN_EXCLUDED = {"classes", "repeats", "eval_every", "eval_count", "labels", "pretrain_loops", "freeze_d",
                     "classical_from_original"}
"""Settings that do not shape the intact run (its labels are plain 1/0; its length is ``loops``)."""


def pretrain_config(config: GanConfig) -> GanConfig:
    """The failure-class recipe with ``pretrain_loops`` loops and no fine-tuning options."""
    return config.model_copy(update={"loops": config.pretrain_loops, "pretrain_loops": 0, "freeze_d": 0,
                                     "classical_from_original": False, "eval_every": 0})


def pretrain_key(config: GanConfig, images: torch.Tensor) -> str:
    recipe = pretrain_config(config).model_dump(mode="json", exclude=PRETRAIN_EXCLUDED)
    return fingerprint(recipe, images)[:32]


def pretrained_state(intact: torch.Tensor, config: GanConfig, cache: Path) -> dict[str, torch.Tensor]:
    """``state_dict`` of a GAN of ``gan.architecture`` trained ``gan.pretrain_loops`` loops on ``intact`` (float in
    [-1, 1]), cached."""
    path = cache / f"{pretrain_key(config, intact)}.pt"
    if path.exists():
        return torch.load(path, map_location="cpu", weights_only=True)
    settings = pretrain_config(config)
    with torch.random.fork_rng(devices=[]), tempfile.TemporaryDirectory(prefix="bsgan-pretrain-") as scratch:
        torch.manual_seed(settings.seed)
        model = gan_module(intact, settings)
        fit(model, settings, Path(scratch), resume=False)
        state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    atomic_torch_save(state, path)
    return state
