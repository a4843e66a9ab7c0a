"""Reading, resizing and hashing images, with errors that name the file."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from bsgan.data.sample import Box
from bsgan.errors import InputDataError

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"})


def is_image_file(path: Path) -> bool:
    """True for a regular, non-hidden file with a known image suffix."""
    return path.is_file() and not path.name.startswith(".") and path.suffix.lower() in IMAGE_SUFFIXES


def open_rgb(path: Path) -> Image.Image:
    """Fully decode ``path`` as RGB.

    PIL decodes lazily, so a truncated file would otherwise surface much later as an obscure
    error; ``load()`` forces the whole decode here, where the file name is still known.
    """
    try:
        with Image.open(path) as image:
            image.load()
            return to_rgb(image)
    except FileNotFoundError:
        raise InputDataError(f"{path}: image file not found") from None
    except UnidentifiedImageError:
        raise InputDataError(f"{path}: not a readable image") from None
    except Image.DecompressionBombError:
        raise InputDataError(f"{path}: image too large to read safely (over {2 * (Image.MAX_IMAGE_PIXELS or 0):,} "
                             f"pixels, PIL's guard against decompression bombs); scale it down first") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputDataError(f"{path}: unreadable or truncated image ({exc})") from None


def to_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB of any mode. PIL's own ``convert("RGB")`` clips 16- and 32-bit greyscale (``I;16``, ``I``,
    ``F``) at 255, which turns a 16-bit PNG white; those are scaled from their full range instead."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        grey = np.asarray(image, dtype=np.float64) / 257.0  # 0..65535 -> 0..255 (32-bit "I" comes from 16-bit files)
    elif image.mode == "F":
        grey = np.nan_to_num(np.asarray(image, dtype=np.float64))
        grey = grey * 255.0 if grey.max() <= 1.0 else grey  # [0, 1] floats, else already 0..255
    else:
        return image.convert("RGB")
    return Image.fromarray(np.clip(np.rint(grey), 0, 255).astype(np.uint8), mode="L").convert("RGB")


def centre_square(width: int, height: int) -> Box:
    """The largest centred square box inside a ``width`` x ``height`` image."""
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    return (left, top, left + side, top + side)


def crop_resized(image: Image.Image, box: Box, size: int) -> Image.Image:
    """Cut ``box`` out of ``image`` and resize it to ``size`` x ``size`` (antialiased)."""
    crop = image.crop(box)
    return crop if crop.size == (size, size) else crop.resize((size, size), Image.Resampling.LANCZOS)


def png_bytes(image: Image.Image) -> bytes:
    """Encode as PNG deterministically (no timestamps or text chunks)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
