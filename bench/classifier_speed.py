"""Classifier training speed: our LightningModule against a plain PyTorch loop of the same network and data.

    .venv/bin/python bench/classifier_speed.py [--params params.yaml] [--images 2030] [--epochs 2] [--json out.json]

Both sides train the Table 5 network of ``params.yaml``'s ``classify`` section (width, batch size,
Adam settings) at ``data.image_size`` on the same random uint8 images in memory, with the same
seeded batch order, measured side by side in one process (best of ``--repeats``, alternating so
drift of the machine hits both alike). 2030 images is a task's train set on the default data
(630 intact + 700 + 700). Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from common import LAYOUTS, autocast, best_of, machine, table

from bsgan.config import ClassifyConfig, Params, load_params
from bsgan.io.json_file import write_json
from bsgan.models.classifier.lightning_model import ClassifierTraining
from bsgan.models.classifier.torch_model import FailureClassifier
from bsgan.models.classifier.training import LabelledImages, batches, make_trainer
from bsgan.quiet import quiet_third_party
from bsgan.runtime import bf16_is_emulated, configure_threads, to_channels_last, torch_device

CLASSES = ["intact", "pitting", "rust"]


def ours(data: LabelledImages, config: ClassifyConfig, epochs: int) -> Callable[[], None]:
    """Our LightningModule under the Trainer ``bsgan classify`` uses (no validation, no test: training speed)."""
    def train() -> None:
        torch.manual_seed(0)
        network = FailureClassifier(len(CLASSES), data.images.shape[-1], config.width)
        if config.channels_last:
            to_channels_last(network)
        model = ClassifierTraining(network, CLASSES, config.lr, config.beta1)
        make_trainer(config, epochs).fit(model, batches(data, config.batch_size, seed=0))
    return train


def plain(data: LabelledImages, config: ClassifyConfig, epochs: int, device: torch.device) -> Callable[[], None]:
    """The same recipe written out: scale, forward, cross-entropy, Adam step; no metrics, no logging."""
    def train() -> None:
        torch.manual_seed(0)
        network = FailureClassifier(len(CLASSES), data.images.shape[-1], config.width).to(device)
        if config.channels_last:
            to_channels_last(network)
        optimiser = torch.optim.Adam(network.parameters(), lr=config.lr, betas=(config.beta1, 0.999))
        network.train()
        for _ in range(epochs):
            for images, labels in batches(data, config.batch_size, seed=0):
                with autocast(config.precision, device):
                    loss = F.cross_entropy(network(images.float() / 127.5 - 1.0), labels)
                optimiser.zero_grad(set_to_none=True)
                loss.backward()
                optimiser.step()
    return train


def measure(params: Params, images: int = 2030, epochs: int = 2, repeats: int = 2,
            precisions: tuple[str, ...] = ("32", "bf16"), layouts: tuple[str, ...] = LAYOUTS) -> dict[str, Any]:
    """Epochs/s of ours and the plain loop on ``images`` random images of ``data.image_size``, per variant."""
    config, size = params.classify, params.data.image_size
    device = torch_device(config.device)
    generator = torch.Generator().manual_seed(0)
    # On the device, as the stage does.
    data = LabelledImages(torch.randint(0, 256, (images, 3, size, size), dtype=torch.uint8, generator=generator),
                          torch.randint(0, len(CLASSES), (images,), generator=generator)).to(device)
    rows, skipped = [], []
    for precision in precisions:
        if precision == "bf16" and bf16_is_emulated(device):
            skipped.append("bf16 skipped: this CPU has no native bf16 kernels (AVX512-BF16/AMX)")
            continue
        for layout in layouts:
            variant = config.model_copy(update={"precision": precision, "channels_last": layout == "channels_last"})
            times = best_of({"ours": ours(data, variant, epochs), "plain": plain(data, variant, epochs, device)},
                            repeats, device)
            rows.append({"precision": precision, "layout": layout, "ours_epochs_per_s": epochs / times["ours"],
                         "plain_epochs_per_s": epochs / times["plain"], "ratio": times["plain"] / times["ours"]})
    return {"device": device.type, "machine": machine(device), "image_size": size, "images": images,
            "batch_size": config.batch_size, "width": config.width, "rows": rows, "skipped": skipped}


def markdown(result: dict[str, Any]) -> str:
    rows = [[r["precision"], r["layout"], f"{r['ours_epochs_per_s']:.3f}", f"{r['plain_epochs_per_s']:.3f}",
             f"{r['ratio']:.3f}", f"{r['ours_epochs_per_s'] * result['images']:.0f}"] for r in result["rows"]]
    lines = [f"Classifier training on {result['device']} ({result['machine']}): {result['images']} images of "
             f"{result['image_size']}x{result['image_size']}, batch {result['batch_size']}, "
             f"width {result['width']}", "",
             table(["precision", "layout", "ours epochs/s", "plain epochs/s", "ours / plain", "ours images/s"], rows)]
    return "\n".join(lines + (["", *result["skipped"]] if result["skipped"] else []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--images", type=int, default=2030)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    quiet_third_party()
    configure_threads()
    logging.getLogger("pytorch_lightning").setLevel(logging.WARNING)
    result = measure(load_params(args.params), args.images, args.epochs, args.repeats)
    print(markdown(result))
    if args.json:
        write_json(result, args.json)


if __name__ == "__main__":
    main()
