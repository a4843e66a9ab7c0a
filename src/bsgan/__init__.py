"""bsgan: GAN-based enlargement of small ball screw drive failure image sets."""

__version__ = "0.1.0"
