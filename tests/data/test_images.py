from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bsgan.data.images import open_rgb


def test_a_16_bit_greyscale_png_keeps_its_grey_levels(tmp_path: Path) -> None:
    # A ramp over the full 16-bit range; PIL's convert("RGB") would clip all but the darkest 256 levels to white.
    ramp = np.tile(np.linspace(0, 65535, 64).round().astype(np.uint16), (8, 1))
    path = tmp_path / "ramp16.png"
    Image.fromarray(ramp).save(path)
    with Image.open(path) as raw:
        assert raw.mode == "I;16"  # what the file decodes to

    image = open_rgb(path)
    assert image.mode == "RGB"
    pixels = np.asarray(image)
    np.testing.assert_array_equal(pixels[..., 0], pixels[..., 2])
    np.testing.assert_allclose(pixels[0, :, 0], ramp[0] / 257, atol=0.51)  # the ramp, scaled to 8 bits
    assert pixels.mean() == pytest.approx(127.5, abs=1)


def test_8_bit_images_convert_as_before(tmp_path: Path) -> None:
    path = tmp_path / "grey.png"
    Image.new("L", (4, 4), 200).save(path)
    assert np.asarray(open_rgb(path)).tolist() == [[[200] * 3] * 4] * 4
