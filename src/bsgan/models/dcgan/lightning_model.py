"""The paper's GAN training recipe (Table 3) as one LightningModule with manual optimisation.

One ``training_step`` is one *loop*, the paper's unit: ``k_d`` discriminator updates, each on a fresh
batch of real images drawn with replacement and a batch of generated ones, then ``k_g`` generator
updates with the non-saturating loss. The real images of one class (a few hundred) live on the
training device as one tensor; a batch is an index draw, not a DataLoader.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytorch_lightning as pl
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from bsgan.config import GanConfig
from bsgan.errors import BsganError
from bsgan.models.dcgan.diffaug import adaptive_augment, diff_augment
from bsgan.models.dcgan.loss import DiscriminatorLoss, GeneratorLoss
from bsgan.models.dcgan.torch_model import Discriminator, Generator

FIXED_LATENTS = 64
LOSS_NAMES = ("d_loss", "g_loss", "d_real", "d_fake", "aug_p")
"""``aug_p``: the probability each ``diffaug`` op is applied with (adapted by ADA; 1 or 0 without)."""
EMA_RAMPUP = 10
"""The EMA decay is at most (1 + step) / (EMA_RAMPUP + step): early weights fade fast in short runs."""


class GanDivergedError(BsganError):
    """A loss became NaN or infinite; training stops and keeps the last good checkpoint."""


class LoopIndices(Dataset[int]):
    """``loops_per_epoch`` loop numbers: an epoch of the trainer is a span of loops between checkpoints."""

    def __init__(self, loops_per_epoch: int) -> None:
        self.loops_per_epoch = loops_per_epoch

    def __len__(self) -> int:
        return self.loops_per_epoch

    def __getitem__(self, index: int) -> int:
        return index


class DCGAN(pl.LightningModule):
    """Trains one generator on the real images of one class.

    Args:
        real_images: ``(N, 3, H, W)`` float tensor in [-1, 1].
        config: The ``gan`` params.
        real_label: Discriminator target for real images (one-sided smoothing below 1).
        fake_label: Discriminator target for generated images.

    Example:
        >>> model = DCGAN(images, GanConfig(loops=10), real_label=0.85, fake_label=0.15)  # doctest: +SKIP
        >>> pl.Trainer(max_epochs=model.epochs).fit(model)  # doctest: +SKIP
    """

    def __init__(self, real_images: torch.Tensor, config: GanConfig, real_label: float = 1.0,
                 fake_label: float = 0.0) -> None:
        super().__init__()
        self.automatic_optimization = False
        self.config = config
        self.generator, self.discriminator = self.networks(int(real_images.shape[-1]), config)
        self.d_loss, self.g_loss = self.losses(real_label, fake_label)
        self.register_buffer("real", real_images, persistent=False)
        fixed = torch.randn(FIXED_LATENTS, config.latent_size, generator=torch.Generator().manual_seed(config.seed))
        self.register_buffer("fixed_latents", fixed)
        self.register_buffer("running", torch.zeros(len(LOSS_NAMES)), persistent=False)
        self.generator_ema = copy.deepcopy(self.generator).requires_grad_(False) if config.ema else None
        """The moving average of the generator's weights that samples when ``gan.ema`` is on."""
        self.register_buffer("ema_steps", torch.zeros((), dtype=torch.long))
        # ADA's augmentation probability and the sum of sign(D(real)) since its last update (checkpointed).
        self.register_buffer("aug_p", torch.tensor(0.0 if config.ada_target else float(bool(config.diffaug))))
        self.register_buffer("ada_sign", torch.zeros(2))
        self.history: list[dict[str, float]] = []
        """Loss means per ``log_every`` span, drained by the stage into the loss-curve CSV and MLflow."""
        self._flushed_at = 0
        """The loop that ``running`` was last emptied at; each flush averages over the loops since."""

    @staticmethod
    def networks(size: int, config: GanConfig) -> tuple[nn.Module, nn.Module]:
        """The generator and discriminator this recipe trains (built in that order: the seed decides both)."""
        return (Generator(size, config.latent_size, config.generator_width),
                Discriminator(size, config.discriminator_width, config.noise_std, config.dropout))

    @staticmethod
    def losses(real_label: float, fake_label: float) -> tuple[nn.Module, nn.Module]:
        """The discriminator's and the generator's loss: the paper's BCE with its label values."""
        return DiscriminatorLoss(real_label, fake_label), GeneratorLoss()

    @property
    def loops_per_epoch(self) -> int:
        return min(self.config.checkpoint_every, self.config.loops)

    @property
    def epochs(self) -> int:
        return math.ceil(self.config.loops / self.loops_per_epoch)

    def loop_index(self, batch_idx: int) -> int:
        return self.current_epoch * self.loops_per_epoch + batch_idx

    def on_train_epoch_start(self) -> None:
        self._flushed_at = self.loop_index(0)  # every epoch ends in a flush, also after a resume
        if self.trainer.world_size > 1:
            # DDP: every process draws its own batches. The checkpoint holds rank 0's random state only,
            # so each span of loops starts from a seed of (seed, rank, span): a resume draws as before.
            state = np.random.SeedSequence([self.config.seed, self.global_rank, self.current_epoch]).generate_state(1)
            torch.manual_seed(int(state[0]))

    def train_dataloader(self) -> DataLoader[int]:
        # Its own generator: creating the iterator must not draw from the global random state.
        return DataLoader(LoopIndices(self.loops_per_epoch), batch_size=None, shuffle=False,
                          generator=torch.Generator())

    def configure_optimizers(self) -> list[torch.optim.Optimizer]:
        c = self.config
        return [
            torch.optim.Adam(self.discriminator.parameters(), lr=c.lr_d, betas=(c.beta1_d, 0.999)),
            torch.optim.Adam(self.generator.parameters(), lr=c.lr_g, betas=(c.beta1_g, 0.999)),
        ]

    @property
    def sampler(self) -> nn.Module:
        """The generator whose images count: the weight average when ``gan.ema`` is on."""
        return self.generator_ema if self.generator_ema is not None else self.generator

    def start_from(self, state: Mapping[str, torch.Tensor]) -> None:
        """Fine-tune instead of training from scratch: generator and discriminator weights from a trained
        DCGAN's ``state_dict`` (the average starts as the generator), then ``gan.freeze_d`` lower
        discriminator blocks frozen (FreezeD)."""
        for name in ("generator", "discriminator"):
            getattr(self, name).load_state_dict({k.removeprefix(f"{name}."): v for k, v in state.items()
                                                 if k.startswith(f"{name}.")})
        if self.generator_ema is not None:
            self.generator_ema.load_state_dict(self.generator.state_dict())
        self.discriminator.freeze_lowest(self.config.freeze_d)

    def augment(self, x: torch.Tensor) -> torch.Tensor:
        """The ``diffaug`` ops: always, or each with ADA's probability."""
        if self.config.ada_target:
            return adaptive_augment(x, self.config.diffaug, self.aug_p)
        return diff_augment(x, self.config.diffaug)

    def sample_latents(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.config.latent_size, device=self.device)

    def sample_real(self, n: int) -> torch.Tensor:
        return self.real[torch.randint(0, self.real.shape[0], (n,), device=self.device)]

    def training_step(self, batch: int, batch_idx: int) -> None:
        loop = self.loop_index(batch_idx)
        if loop >= self.config.loops:
            return
        d_opt, g_opt = self.optimizers()  # type: ignore[misc]
        c = self.config

        self.toggle_optimizer(d_opt)
        for _ in range(c.k_d):
            with torch.no_grad():
                fake = self.generator(self.sample_latents(c.batch_size))
            d_loss, real_logits, fake_logits = self.discriminator_loss(self.sample_real(c.batch_size), fake)
            if c.ada_target:
                signs = torch.sign(real_logits.detach()).sum()
                self.ada_sign += torch.stack([signs, real_logits.new_tensor(c.batch_size)])
            d_opt.zero_grad(set_to_none=True)
            self.manual_backward(d_loss)
            d_opt.step()
        self.untoggle_optimizer(d_opt)

        self.toggle_optimizer(g_opt)
        for _ in range(c.k_g):
            g_loss = self.g_loss(self.discriminator(self.augment(self.generator(self.sample_latents(c.batch_size)))))
            g_opt.zero_grad(set_to_none=True)
            self.manual_backward(g_loss)
            g_opt.step()
            self._update_ema()
        self.untoggle_optimizer(g_opt)
        if c.ada_target:
            self._adapt(loop)

        # Accumulate on the device; one host sync per log interval, not per loop.
        stats = torch.stack([d_loss, g_loss, torch.sigmoid(real_logits).mean(), torch.sigmoid(fake_logits).mean(),
                             self.aug_p])
        self.running += stats.detach().float()
        done = loop + 1
        if done % c.log_every == 0 or done == c.loops or batch_idx == self.loops_per_epoch - 1:
            self._flush(done)

    def discriminator_loss(self, real: torch.Tensor, fake: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """``(loss, real_logits, fake_logits)`` of one discriminator update on augmented real and fake images."""
        real_logits = self.discriminator(self.augment(real))
        fake_logits = self.discriminator(self.augment(fake))
        return self.d_loss(real_logits, fake_logits), real_logits, fake_logits

    @torch.no_grad()
    def _update_ema(self) -> None:
        if self.generator_ema is None:
            return
        self.ema_steps += 1
        decay = torch.clamp((1 + self.ema_steps) / (EMA_RAMPUP + self.ema_steps), max=self.config.ema).float()
        averaged, trained = list(self.generator_ema.parameters()), list(self.generator.parameters())
        torch._foreach_lerp_(averaged, [p.detach() for p in trained], 1 - decay)
        for mine, theirs in zip(self.generator_ema.buffers(), self.generator.buffers(), strict=True):
            mine.copy_(theirs)  # batch-norm running statistics follow the trained generator

    @torch.no_grad()
    def _adapt(self, loop: int) -> None:
        """ADA: every ``ada_interval`` loops, p moves towards keeping r_t = E[sign(D(real))] at ``ada_target``."""
        c = self.config
        if (loop + 1) % c.ada_interval:
            return
        r_t = self.ada_sign[0] / self.ada_sign[1]
        step = c.batch_size * c.k_d * c.ada_interval / c.ada_speed
        self.aug_p.copy_((self.aug_p + torch.sign(r_t - c.ada_target) * step).clamp(0.0, 1.0))
        self.ada_sign.zero_()

    def _flush(self, done: int) -> None:
        means = (self.running / max(1, done - self._flushed_at)).tolist()
        self._flushed_at = done
        self.running.zero_()
        if not all(math.isfinite(v) for v in means):
            values = ", ".join(f"{k}={v:.4g}" for k, v in zip(LOSS_NAMES, means, strict=True))
            raise GanDivergedError(f"GAN diverged before loop {done} ({values}); the last good checkpoint is kept")
        self.history.append({"loop": float(done), **dict(zip(LOSS_NAMES, means, strict=True))})

    def on_save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        """Keep the random state too, so a resumed run draws the same batches as an uninterrupted one."""
        checkpoint["torch_rng_state"] = torch.get_rng_state()
        if torch.cuda.is_available():
            checkpoint["cuda_rng_state"] = torch.cuda.get_rng_state_all()

    def on_load_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        torch.set_rng_state(checkpoint["torch_rng_state"])
        if "cuda_rng_state" in checkpoint and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(checkpoint["cuda_rng_state"])

    @torch.no_grad()
    def fixed_samples(self) -> torch.Tensor:
        """Images of the fixed latent batch, in eval mode (batch-norm running statistics)."""
        was_training = self.sampler.training
        self.sampler.eval()
        images = self.sampler(self.fixed_latents)
        self.sampler.train(was_training)
        return images
