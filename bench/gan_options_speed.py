"""What each few-shot generator option (issue 16) costs per training loop, side by side with today's loop.

    .venv/bin/python bench/gan_options_speed.py [--params params.yaml] [--loops 20] [--repeats 2]

Every option trains the ``gan`` networks of ``params.yaml`` at ``data.image_size`` on random images with
the option switched on, through the project's Lightning recipe, alternating with the others (best of
``--repeats``); the ratio is against ``before issue 16`` (the params with every option off and the old
discriminator: dropout 0.25, input noise 0.1, cutout). ``params.yaml`` is the params as they are (the CPU
default: a fine-tuning loop with EMA). Pretraining on the intact class costs ``gan.pretrain_loops`` loops
once, shared by every failure class: it is not a per-loop cost and is not timed here. Not a test: it
asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import torch
from common import best_of, machine, table

from bsgan.config import GanConfig, Params, load_params
from bsgan.models.dcgan.lightning_model import DCGAN
from bsgan.models.dcgan.training import fit
from bsgan.quiet import quiet_third_party
from bsgan.runtime import configure_threads

OFF: dict[str, Any] = {"ema": 0.0, "ada_target": 0.0, "pretrain_loops": 0, "freeze_d": 0}
BASELINE = "before issue 16"
OPTIONS: dict[str, dict[str, Any]] = {
    BASELINE: OFF | {"dropout": 0.25, "noise_std": 0.1, "diffaug": ["translation", "color", "cutout"]},
    "options off": OFF,
    "ema 0.99": OFF | {"ema": 0.99},
    "ada 0.6": OFF | {"ada_target": 0.6, "diffaug": ["translation", "color", "cutout"]},
    "fine-tune, freeze_d 2": OFF | {"pretrain_loops": 1, "freeze_d": 2},
    "params.yaml": {},
}
"""The per-loop side of each option (fine-tuning's loop: frozen lower discriminator blocks); "options off" is
``params.yaml``'s discriminator and augmentation with the few-shot options off."""


def one_run(config: GanConfig, images: torch.Tensor, start: dict[str, torch.Tensor] | None) -> None:
    torch.manual_seed(config.seed)
    model = DCGAN(images, config)
    if start is not None:
        model.start_from(start)
    with tempfile.TemporaryDirectory(prefix="bsgan-options-bench-") as scratch:
        fit(model, config, Path(scratch), resume=False)


def measure(params: Params, loops: int, repeats: int) -> dict[str, Any]:
    """Seconds per loop of each option and its ratio to the pre-issue-16 loop, measured alternately in one process."""
    size = params.data.image_size
    images = torch.rand(128, 3, size, size, generator=torch.Generator().manual_seed(0)) * 2 - 1
    base = params.gan.model_copy(update={"loops": loops, "checkpoint_every": loops, "eval_every": 0, "device": "cpu",
                                         "devices": 1})
    start = DCGAN(images, base).state_dict()
    configs = {name: GanConfig.model_validate({**base.model_dump(), **overrides})
               for name, overrides in OPTIONS.items()}
    runs = {name: (lambda c=c, name=name: one_run(c, images, start if c.pretrain_loops else None))
            for name, c in configs.items()}
    best = best_of(runs, repeats)
    per_loop = {name: seconds / loops for name, seconds in best.items()}
    return {"machine": machine(torch.device("cpu")), "image_size": size, "loops": loops,
            "seconds_per_loop": per_loop, "ratio": {name: s / per_loop[BASELINE] for name, s in per_loop.items()}}


def markdown(result: dict[str, Any]) -> str:
    rows = [(name, f"{s * 1000:.1f} ms", f"{result['ratio'][name]:.2f}x")
            for name, s in result["seconds_per_loop"].items()]
    return (f"## GAN options: cost per loop ({result['image_size']}x{result['image_size']}, {result['loops']} loops, "
            f"{result['machine']})\n\n" + table(("option", "per loop", f"vs {BASELINE}"), rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--loops", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    quiet_third_party()
    configure_threads()
    print(markdown(measure(load_params(args.params), args.loops, args.repeats)))


if __name__ == "__main__":
    main()
