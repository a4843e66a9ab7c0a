"""FastGAN's networks at every image size the project uses: shapes, excitation and FreezeD."""

from __future__ import annotations

import pytest
import torch

from bsgan.models.fastgan.torch_model import FastDiscriminator, FastGenerator, levels


@pytest.mark.parametrize(("size", "start", "doublings"), [(16, 4, 2), (32, 4, 3), (64, 4, 4), (96, 3, 5)])
def test_the_generator_draws_images_of_the_configured_size_in_tanh_range(size: int, start: int,
                                                                         doublings: int) -> None:
    assert levels(size) == (start, doublings)
    generator = FastGenerator(size, latent_size=8, width=0.0625)
    images = generator(torch.randn(3, 8))
    assert images.shape == (3, 3, size, size)
    assert images.abs().max() <= 1
    assert len(generator.skips) >= 1, "every size has a skip-layer excitation"


@pytest.mark.parametrize(("size", "blocks", "rebuilt"), [(16, 3, 16), (32, 4, 32), (64, 5, 32), (96, 6, 24)])
def test_the_discriminator_scores_and_rebuilds_its_input(size: int, blocks: int, rebuilt: int) -> None:
    discriminator = FastDiscriminator(size, width=0.125)
    images = torch.rand(2, 3, size, size) * 2 - 1
    assert discriminator(images).shape == (2,)
    logits, decoded, target = discriminator.forward_reconstruct(images)
    assert logits.shape == (2,)
    assert decoded.shape == target.shape == (4, 3, rebuilt, rebuilt), "the whole image and a quarter, per image"
    assert len(discriminator.blocks) == blocks


def test_the_whole_image_target_is_the_input_downsampled() -> None:
    discriminator = FastDiscriminator(64, width=0.125)
    images = torch.rand(2, 3, 64, 64) * 2 - 1
    _, _, target = discriminator.forward_reconstruct(images)
    expected = images.reshape(2, 3, 32, 2, 32, 2).mean(dim=(3, 5))  # 2x2 averages, computed independently
    assert torch.allclose(target[:2], expected, atol=1e-6)


def test_the_excitation_gates_the_fine_map_by_channel() -> None:
    generator = FastGenerator(32, latent_size=8, width=0.0625)
    skip = generator.skips["0"]
    coarse, fine = torch.randn(2, 32, 4, 4), torch.randn(2, 4, 32, 32)
    gated = skip(coarse, fine)
    ratio = gated / fine
    assert torch.allclose(ratio, ratio[..., :1, :1].expand_as(ratio), atol=1e-5), "one gate per channel"
    assert ((ratio > 0) & (ratio < 1)).all()


def test_freeze_d_keeps_the_lowest_blocks_and_refuses_to_freeze_them_all() -> None:
    discriminator = FastDiscriminator(32, width=0.125)
    discriminator.freeze_lowest(2)
    trainable = [any(p.requires_grad for p in block.parameters()) for block in discriminator.blocks]
    assert trainable == [False, False, True, True]
    with pytest.raises(ValueError, match="keep one trainable"):
        discriminator.freeze_lowest(4)
