"""A task's seed ensemble as one ONNX graph that takes raw RGB pixels and returns class probabilities.

Resizing and normalisation are inside the graph, so a caller hands over pixels of any size and gets
what ``bsgan predict`` gets: the input is float32 ``(N, 3, H, W)`` RGB in [0, 255]; the graph scales
it to [0, 1], resizes it (bilinear, antialiased) to the classifier's side, normalises it with the
recorded mean and std and averages the seeds' softmax outputs into ``(N, classes)``.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from bsgan.inference.ensemble import Ensemble

INPUT, OUTPUT = "image", "probabilities"
OPSET = 18  # Resize with antialias


class PackagedEnsemble(nn.Module):
    """Raw pixels -> mean class probabilities of the members (the preprocessing of
    :mod:`bsgan.inference.preprocess`)."""

    def __init__(self, ensemble: Ensemble) -> None:
        super().__init__()
        info = ensemble.info
        self.image_size = info.image_size
        self.networks = nn.ModuleList(member.network for member in ensemble.members)
        self.register_buffer("mean", torch.tensor(info.normalisation["mean"]).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(info.normalisation["std"]).view(1, 3, 1, 1))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        x = F.interpolate(image / 255.0, size=(self.image_size, self.image_size), mode="bilinear",
                          antialias=True, align_corners=False)  # (N, 3, H, W) -> (N, 3, size, size)
        x = (x - self.mean) / self.std
        return torch.stack([network(x).softmax(1) for network in self.networks]).mean(0)  # -> (N, classes)


def export_onnx(ensemble: Ensemble, path: Path) -> None:
    """Write ``ensemble`` to ``path`` as one ONNX file (weights inside) with batch, height and width free."""
    model = PackagedEnsemble(ensemble).eval()
    side = ensemble.info.image_size
    example = torch.rand(2, 3, side + 3, side + 5) * 255  # sizes other than 0/1 and the model's, so none is fixed
    dims = {0: torch.export.Dim("batch"), 2: torch.export.Dim("height"), 3: torch.export.Dim("width")}
    quiet = logging.getLogger("torch.onnx")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            program = torch.onnx.export(model, (example,), input_names=[INPUT], output_names=[OUTPUT],
                                        opset_version=OPSET, dynamic_shapes=(dims,), dynamo=True, external_data=False,
                                        verbose=False)
    finally:
        quiet.setLevel(level)
    program.save(str(path), external_data=False)


def onnx_probabilities(path: Path, images: np.ndarray) -> np.ndarray:
    """Run the ONNX file at ``path`` with onnxruntime on ``(N, 3, H, W)`` RGB pixels."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()  # what bsgan.runtime.configure_threads chose
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return session.run([OUTPUT], {INPUT: images.astype(np.float32)})[0]
