"""The project's GAN recipe (k_d discriminator then k_g generator updates) with FastGAN's networks and losses.

Everything but the networks and the discriminator's loss is the DCGAN module's: batches, EMA, ADA, FreezeD,
checkpoints with the random state, and the loss curve. The discriminator's loss adds the reconstruction of
the real images it saw to the hinge loss, so ``d_loss`` in the curve is their sum.
"""

from __future__ import annotations

import torch
from torch import nn

from bsgan.config import GanConfig
from bsgan.models.dcgan.lightning_model import DCGAN
from bsgan.models.fastgan.loss import HingeDiscriminatorLoss, HingeGeneratorLoss, ReconstructionLoss
from bsgan.models.fastgan.torch_model import FastDiscriminator, FastGenerator


class FastGAN(DCGAN):
    """Trains one FastGAN generator on the real images of one class (``gan.architecture: fastgan``).

    Example:
        >>> model = FastGAN(images, GanConfig(architecture="fastgan", labels={}, loops=10))  # doctest: +SKIP
        >>> fit(model, model.config, Path("checkpoints"))  # doctest: +SKIP
    """

    def __init__(self, real_images: torch.Tensor, config: GanConfig, real_label: float = 1.0,
                 fake_label: float = 0.0) -> None:
        super().__init__(real_images, config, real_label, fake_label)
        self.reconstruction = ReconstructionLoss()

    @staticmethod
    def networks(size: int, config: GanConfig) -> tuple[nn.Module, nn.Module]:
        return (FastGenerator(size, config.latent_size, config.generator_width),
                FastDiscriminator(size, config.discriminator_width, config.noise_std, config.dropout))

    @staticmethod
    def losses(real_label: float, fake_label: float) -> tuple[nn.Module, nn.Module]:
        """Hinge losses; the label values are BCE targets, which the config keeps at 1 / 0 for FastGAN."""
        return HingeDiscriminatorLoss(), HingeGeneratorLoss()

    def discriminator_loss(self, real: torch.Tensor, fake: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Hinge on both logits plus L1 of the decoders' rebuilt real images (the self-supervision)."""
        real_logits, rebuilt, target = self.discriminator.forward_reconstruct(self.augment(real))
        fake_logits = self.discriminator(self.augment(fake))
        loss = self.d_loss(real_logits, fake_logits) + self.reconstruction(rebuilt, target)
        return loss, real_logits, fake_logits
