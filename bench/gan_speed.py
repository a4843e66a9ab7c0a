"""GAN training speed: our Lightning module against a plain PyTorch loop of the same networks and recipe.

    .venv/bin/python bench/gan_speed.py [--params params.yaml] [--loops 60] [--json out.json]

Both sides train the networks and recipe of ``params.yaml``'s ``gan`` section at ``data.image_size``
on random images, in each precision and memory layout asked for, measured side by side in one
process (best of ``--repeats``, alternating). FLOPs per loop are counted by
:class:`torch.utils.flop_counter.FlopCounterMode` from the layer shapes of one plain loop; the peak
is a large square matmul measured here and now. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytorch_lightning as pl
import torch
from common import LAYOUTS, autocast, machine, matmul_peak, synchronize, table
from torch.utils.flop_counter import FlopCounterMode

from bsgan.config import GanConfig, Params, load_params
from bsgan.io.json_file import write_json
from bsgan.models.dcgan.diffaug import diff_augment
from bsgan.models.dcgan.lightning_model import DCGAN
from bsgan.models.dcgan.training import fit
from bsgan.quiet import quiet_third_party
from bsgan.runtime import bf16_is_emulated, configure_cuda_math, configure_threads, to_channels_last, torch_device

WARMUP_LOOPS = 5
REAL_IMAGES = 128
DTYPES = {"32": torch.float32, "bf16": torch.bfloat16}


def plain_loop(model: DCGAN, config: GanConfig, precision: str) -> Callable[[], None]:
    """One training loop written out in plain PyTorch: the floor for framework overhead."""
    G, D, policy = model.generator, model.discriminator, config.diffaug
    opt_d = torch.optim.Adam(D.parameters(), lr=config.lr_d, betas=(config.beta1_d, 0.999))
    opt_g = torch.optim.Adam(G.parameters(), lr=config.lr_g, betas=(config.beta1_g, 0.999))
    device, n = model.real.device, config.batch_size

    def loop() -> None:
        D.requires_grad_(True)
        for _ in range(config.k_d):
            with autocast(precision, device):
                with torch.no_grad():
                    fake = G(torch.randn(n, config.latent_size, device=device))
                real = model.real[torch.randint(0, model.real.shape[0], (n,), device=device)]
                loss = model.d_loss(D(diff_augment(real, policy)), D(diff_augment(fake, policy)))
            opt_d.zero_grad(set_to_none=True)
            loss.backward()
            opt_d.step()
        D.requires_grad_(False)
        for _ in range(config.k_g):
            with autocast(precision, device):
                loss = model.g_loss(D(diff_augment(G(torch.randn(n, config.latent_size, device=device)), policy)))
            opt_g.zero_grad(set_to_none=True)
            loss.backward()
            opt_g.step()

    return loop


def time_plain(config: GanConfig, images: torch.Tensor, loops: int, device: torch.device) -> float:
    """Seconds per loop of :func:`plain_loop`, in the precision and layout of ``config``."""
    model = DCGAN(images, config).to(device)
    if device.type == "cuda":
        configure_cuda_math(config.tf32)
    if config.channels_last:
        to_channels_last(model)
    loop = plain_loop(model, config, config.precision)
    for _ in range(WARMUP_LOOPS):
        loop()
    synchronize(device)
    start = time.perf_counter()
    for _ in range(loops):
        loop()
    synchronize(device)
    return (time.perf_counter() - start) / loops


class _Clock(pl.Callback):
    """Times the loops after the warm-up, inside the Trainer (its start-up is not a loop)."""

    def __init__(self) -> None:
        self.start = self.end = 0.0

    def on_train_batch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule, batch: object,
                             batch_idx: int) -> None:
        if batch_idx == WARMUP_LOOPS:
            synchronize(pl_module.device)
            self.start = time.perf_counter()

    def on_train_batch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule, outputs: object, batch: object,
                           batch_idx: int) -> None:
        # One sync at the end: a sync per loop would drain a GPU's queue.
        if batch_idx == trainer.num_training_batches - 1:
            synchronize(pl_module.device)
            self.end = time.perf_counter()


def time_ours(config: GanConfig, images: torch.Tensor, loops: int) -> float:
    """Seconds per loop of :class:`DCGAN` as ``bsgan train-gan`` runs it (:func:`fit`, speed settings included)."""
    total = WARMUP_LOOPS + loops
    config = config.model_copy(update={"loops": total, "checkpoint_every": total, "log_every": total})
    model, clock = DCGAN(images, config), _Clock()
    with tempfile.TemporaryDirectory() as checkpoints:
        fit(model, config, Path(checkpoints), resume=False, callbacks=[clock])
    return (clock.end - clock.start) / loops


def flops_per_loop(config: GanConfig, images: torch.Tensor, device: torch.device) -> int:
    """FLOPs of one loop (k_d + k_g updates, forward and backward), counted from the layer shapes."""
    model = DCGAN(images, config).to(device)
    loop = plain_loop(model, config, "32")
    with FlopCounterMode(display=False) as counter:
        loop()
    return counter.get_total_flops()


def measure(params: Params, loops: int = 60, repeats: int = 2, precisions: tuple[str, ...] = ("32", "bf16"),
            layouts: tuple[str, ...] = LAYOUTS) -> dict[str, Any]:
    """Loops/s of ours and the plain loop for every precision and layout, with FLOP rates against the peak."""
    config, size = params.gan, params.data.image_size
    device = torch_device(config.device)
    images = torch.rand(REAL_IMAGES, 3, size, size, generator=torch.Generator().manual_seed(0)).to(device) * 2 - 1
    flops = flops_per_loop(config, images, device)
    rows, skipped = [], []
    for precision in precisions:
        if precision == "bf16" and bf16_is_emulated(device):
            slow = matmul_peak(torch.bfloat16, device, n=512, repeats=2)
            fast = matmul_peak(torch.float32, device, n=512, repeats=2)
            skipped.append(f"bf16 skipped: this CPU has no native bf16 kernels (AVX512-BF16/AMX); a bf16 matmul "
                           f"runs at {slow:.1f} GFLOP/s here, {fast:.0f} in float32")
            continue
        peak = matmul_peak(DTYPES[precision], device)
        for layout in layouts:
            variant = config.model_copy(update={"precision": precision, "channels_last": layout == "channels_last"})
            plain = ours = float("inf")
            for _ in range(repeats):  # alternate, so drift of the machine hits both sides alike
                plain = min(plain, time_plain(variant, images, loops, device))
                ours = min(ours, time_ours(variant, images, loops))
            rows.append({
                "precision": precision, "layout": layout, "ours_loops_per_s": 1 / ours, "plain_loops_per_s": 1 / plain,
                "ratio": plain / ours, "gflop_per_loop": flops / 1e9, "ours_gflops": flops / ours / 1e9,
                "peak_gflops": peak, "fraction_of_peak": flops / ours / 1e9 / peak,
            })
    setting = (f"{size}x{size}, G x{config.generator_width}, D x{config.discriminator_width}, "
               f"batch {config.batch_size}, k_d/k_g {config.k_d}/{config.k_g}, diffaug {config.diffaug or 'off'}")
    return {"device": device.type, "machine": machine(device), "setting": setting, "loops": loops, "repeats": repeats,
            "rows": rows, "skipped": skipped}


def markdown(result: dict[str, Any]) -> str:
    rows = [[r["precision"], r["layout"], f"{r['ours_loops_per_s']:.2f}", f"{r['plain_loops_per_s']:.2f}",
             f"{r['ratio']:.3f}", f"{r['gflop_per_loop']:.2f}", f"{r['ours_gflops']:.1f}", f"{r['peak_gflops']:.0f}",
             f"{r['fraction_of_peak']:.1%}"]
            for r in result["rows"]]
    lines = [f"GAN training on {result['device']} ({result['machine']}): {result['setting']}", "",
             table(["precision", "layout", "ours loops/s", "plain loops/s", "ours / plain", "GFLOP per loop",
                    "ours GFLOP/s", "matmul peak GFLOP/s", "of peak"], rows)]
    lines += ["", *result["skipped"]] if result["skipped"] else []
    by = {(r["precision"], r["layout"]): r["ours_loops_per_s"] for r in result["rows"]}
    for layout in LAYOUTS:
        if ("32", layout) in by and ("bf16", layout) in by:
            lines.append(f"\nbf16 speed-up (ours, {layout}): {by['bf16', layout] / by['32', layout]:.2f}x")
    if ("32", "contiguous") in by and ("32", "channels_last") in by:
        lines.append("\nchannels_last speed-up (ours, float32): "
                     f"{by['32', 'channels_last'] / by['32', 'contiguous']:.2f}x")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--loops", type=int, default=60, help="timed loops per measurement (after a warm-up)")
    parser.add_argument("--repeats", type=int, default=2, help="measurements per side; the best counts")
    parser.add_argument("--precision", nargs="+", default=["32", "bf16"], choices=sorted(DTYPES))
    parser.add_argument("--layout", nargs="+", default=list(LAYOUTS), choices=LAYOUTS)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    quiet_third_party()
    configure_threads()
    result = measure(load_params(args.params), args.loops, args.repeats, tuple(args.precision), tuple(args.layout))
    print(markdown(result))
    if args.json:
        write_json(result, args.json)


if __name__ == "__main__":
    main()
