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
import json
import logging
import platform
import time
from collections.abc import Callable
from pathlib import Path

import pytorch_lightning as pl
import torch
import torch.nn.functional as F

from bsgan.config import ClassifyConfig, load_params
from bsgan.models.classifier.lightning_model import ClassifierTraining
from bsgan.models.classifier.torch_model import FailureClassifier
from bsgan.models.classifier.training import LabelledImages, batches
from bsgan.models.dcgan.training import resolve_accelerator, torch_device
from bsgan.quiet import quiet_third_party

CLASSES = ["intact", "pitting", "rust"]


def seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def ours(data: LabelledImages, config: ClassifyConfig, epochs: int) -> Callable[[], None]:
    def train() -> None:
        torch.manual_seed(0)
        network = FailureClassifier(len(CLASSES), data.images.shape[-1], config.width)
        model = ClassifierTraining(network, CLASSES, config.lr, config.beta1)
        trainer = pl.Trainer(max_epochs=epochs, accelerator=resolve_accelerator(config.device), devices=1, logger=False,
                             enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
                             num_sanity_val_steps=0)
        trainer.fit(model, batches(data, config.batch_size, seed=0))
    return train


def plain(data: LabelledImages, config: ClassifyConfig, epochs: int, device: torch.device) -> Callable[[], None]:
    """The same recipe written out: scale, forward, cross-entropy, Adam step; no metrics, no logging."""
    def train() -> None:
        torch.manual_seed(0)
        network = FailureClassifier(len(CLASSES), data.images.shape[-1], config.width).to(device)
        optimiser = torch.optim.Adam(network.parameters(), lr=config.lr, betas=(config.beta1, 0.999))
        network.train()
        for _ in range(epochs):
            for images, labels in batches(data, config.batch_size, seed=0):
                images, labels = images.to(device), labels.to(device)
                loss = F.cross_entropy(network(images.float() / 127.5 - 1.0), labels)
                optimiser.zero_grad(set_to_none=True)
                loss.backward()
                optimiser.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
    return train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--images", type=int, default=2030)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    quiet_third_party()
    logging.getLogger("pytorch_lightning").setLevel(logging.WARNING)

    params = load_params(args.params)
    config = params.classify
    size = params.data.image_size
    generator = torch.Generator().manual_seed(0)
    data = LabelledImages(torch.randint(0, 256, (args.images, 3, size, size), dtype=torch.uint8, generator=generator),
                          torch.randint(0, len(CLASSES), (args.images,), generator=generator))
    runs = {"ours": ours(data, config, args.epochs), "plain": plain(data, config, args.epochs, torch_device(config.device))}
    for run in runs.values():  # warm-up
        run()
    times = dict.fromkeys(runs, float("inf"))
    for _ in range(args.repeats):
        for name, run in runs.items():
            times[name] = min(times[name], seconds(run))
    rate = {name: args.epochs / t for name, t in times.items()}
    result = {"machine": platform.processor() or platform.machine(), "threads": torch.get_num_threads(),
              "device": str(torch_device(config.device)), "image_size": size, "images": args.images,
              "batch_size": config.batch_size, "width": config.width,
              "ours_epochs_per_s": rate["ours"], "plain_epochs_per_s": rate["plain"], "ratio": rate["ours"] / rate["plain"]}
    print(f"classifier training, {args.images} images of {size}x{size}, batch {config.batch_size}, width {config.width}, "
          f"{result['device']}, {result['threads']} threads\n")
    print("| ours epochs/s | plain epochs/s | ours / plain | ours images/s |\n|---|---|---|---|")
    print(f"| {rate['ours']:.3f} | {rate['plain']:.3f} | {result['ratio']:.3f} | {rate['ours'] * args.images:.0f} |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
