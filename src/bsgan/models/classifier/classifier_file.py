"""A trained classifier on disk that describes itself: weights plus everything needed to use them.

``seed<N>.pt`` in ``models/classify/<task>/`` holds the network's weights, the class names in label
order, the image size and width that rebuild the network, the normalisation its inputs had in
training, the task and seed it came from, the scale of the crops it learnt from (photo pixels, where
the data came from photos) and a hash of its training images. :func:`load_classifier` needs nothing
else: no ``params.yaml``, no manifest.
"""

from __future__ import annotations

import hashlib
from dataclasses import MISSING, asdict, dataclass, field
from pathlib import Path

import torch

from bsgan.errors import InputDataError
from bsgan.io.torch_file import load_saved
from bsgan.models.classifier.torch_model import FailureClassifier

FORMAT = "bsgan-classifier/1"
NORMALISATION = {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}
"""On RGB scaled to [0, 1]: ``(x - 0.5) / 0.5`` is the [-1, 1] range the network trained on."""


@dataclass(frozen=True)
class ClassifierInfo:
    """What a classifier file says about its network, apart from the weights."""

    classes: list[str]
    """Class names in the order of the network's outputs."""
    image_size: int
    width: float
    task: str
    seed: int
    train_sha256: str
    """Hash of the train images and labels (:func:`data_hash`)."""
    intact_class: str | None = None
    """The class that is not a failure (None: every class is one); a scan scores windows by ``1 - P(intact)``."""
    crop_side: int | None = None
    """Median side of the prepared train crops in photo pixels (None: the images were not cut from photos)."""
    normalisation: dict[str, list[float]] = field(default_factory=lambda: dict(NORMALISATION))


@dataclass(frozen=True)
class SavedClassifier:
    network: FailureClassifier
    info: ClassifierInfo


def data_hash(images: torch.Tensor, labels: torch.Tensor) -> str:
    """sha256 of ``(N, 3, H, W)`` uint8 images and their labels: names the exact training data."""
    digest = hashlib.sha256(images.contiguous().numpy().tobytes())
    digest.update(labels.numpy().tobytes())
    return digest.hexdigest()


def save_classifier(network: FailureClassifier, info: ClassifierInfo, path: Path) -> None:
    """Write ``network`` and ``info`` so :func:`load_classifier` needs nothing else."""
    state = {key: value.detach().cpu() for key, value in network.state_dict().items()}
    torch.save({"format": FORMAT, "state_dict": state, **asdict(info)}, path)


def load_classifier(path: Path, device: torch.device | str = "cpu") -> SavedClassifier:
    """The classifier saved at ``path``, in eval mode, with its description."""
    saved = load_saved(path, "classifier", "bsgan classify", device)
    if isinstance(saved, dict) and "latent_size" in saved and "format" not in saved:
        raise InputDataError(f"{path}: a GAN generator (bsgan train-gan), not a classifier; give a task folder of "
                             f"models/classify or one of its seed<N>.pt files")
    if not isinstance(saved, dict) or saved.get("format") != FORMAT:
        raise InputDataError(f"{path}: not a bsgan classifier file (format {FORMAT}); a bare state dict from an older "
                             f"bsgan? rerun `bsgan classify`")
    missing = [name for name, spec in ClassifierInfo.__dataclass_fields__.items()
               if name not in saved and spec.default is MISSING and spec.default_factory is MISSING]
    if missing or "state_dict" not in saved:
        raise InputDataError(f"{path}: classifier file lacks {', '.join(repr(k) for k in missing or ['state_dict'])} "
                             f"(damaged or edited?); rerun `bsgan classify`")
    info = ClassifierInfo(**{key: saved[key] for key in ClassifierInfo.__dataclass_fields__ if key in saved})
    network = FailureClassifier(len(info.classes), info.image_size, info.width).to(device)
    try:
        network.load_state_dict(saved["state_dict"])
    except RuntimeError as exc:
        first_line = str(exc).splitlines()[0]
        raise InputDataError(f"{path}: weights do not fit the network it describes ({first_line})") from None
    return SavedClassifier(network.eval(), info)
