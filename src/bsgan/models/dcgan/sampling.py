"""Images from a generator, as bytes: what is saved, shown and judged."""

from __future__ import annotations

import torch
from torch import nn

from bsgan.data.tensors import to_uint8


@torch.no_grad()
def generate_images(generator: nn.Module, latents: torch.Tensor, batch_size: int = 100) -> torch.Tensor:
    """``(N, 3, H, W)`` uint8 images of ``latents`` on the CPU, made in batches in eval mode.

    Eval mode (batch norm's running statistics) makes image i independent of the batch it is made
    in; a generator that was training is put back into training mode afterwards.
    """
    device = next(generator.parameters()).device
    was_training = generator.training
    generator.eval()
    try:
        return torch.cat([to_uint8(generator(chunk.to(device)).float()).cpu() for chunk in latents.split(batch_size)])
    finally:
        generator.train(was_training)
