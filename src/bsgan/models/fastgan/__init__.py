"""FastGAN (Liu et al., ICLR 2021): skip-layer excitation and a self-supervised discriminator, for few-shot sets."""
