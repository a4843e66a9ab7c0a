import pytest
import torch

from bsgan.models.dcgan.torch_model import Discriminator, Generator


def n_parameters(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_paper_generator_shapes_and_size() -> None:
    generator = Generator(image_size=96, latent_size=100, width=1.0)
    assert generator(torch.randn(2, 100)).shape == (2, 3, 96, 96)
    dense = 100 * 6 * 6 * 1024
    deconvs = 1024 * 512 * 16 + 512 * 256 * 16 + 256 * 128 * 16 + (128 * 3 * 16 + 3)
    norms = 2 * (1024 + 512 + 256 + 128)
    assert n_parameters(generator) == dense + deconvs + norms == 14_706_435


def test_paper_discriminator_shapes_and_size() -> None:
    discriminator = Discriminator(image_size=96, width=1.0)
    assert discriminator(torch.randn(2, 3, 96, 96)).shape == (2,)
    convs = (3 * 32 * 25 + 32) + 32 * 64 * 25 + 64 * 128 * 9 + 128 * 256 * 9
    norms = 2 * (64 + 128 + 256)
    dense = 12 * 12 * 256 + 1
    assert n_parameters(discriminator) == convs + norms + dense


@pytest.mark.parametrize(("size", "width"), [(32, 0.25), (48, 0.125), (64, 0.5)])
def test_smaller_settings_keep_the_architecture(size: int, width: float) -> None:
    generator, discriminator = Generator(size, 16, width), Discriminator(size, width)
    images = generator(torch.randn(3, 16))
    assert images.shape == (3, 3, size, size)
    assert images.min() >= -1 and images.max() <= 1
    assert discriminator(images).shape == (3,)


def test_input_noise_acts_only_in_training() -> None:
    discriminator = Discriminator(32, 0.25, noise_std=0.5, dropout=0.0).eval()
    x = torch.randn(4, 3, 32, 32)
    assert torch.equal(discriminator(x), discriminator(x))
