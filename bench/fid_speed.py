"""FID feature speed: our pipeline (uint8 in, TF1 resize, cached-feature FID) against the bare network.

    .venv/bin/python bench/fid_speed.py [--images 60] [--size 32]

"Bare" is the TorchScript Inception forward on inputs already at 299x299 in its range, in the default
(contiguous) layout and in channels_last (the layout ours uses); "ours" is
:class:`~bsgan.metrics.inception.InceptionFeatures` on uint8 images of ``--size`` (resize included)
followed by the FID against a fixed real feature set. The network dominates, so the ratio says how
much our steps around it cost. Measured side by side in one process, float32. Not a test.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import torch

from bsgan.metrics.features import extract
from bsgan.metrics.fidelity import fid
from bsgan.metrics.inception import INPUT_SIZE, InceptionFeatures


def seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=60)
    parser.add_argument("--size", type=int, default=32, help="side of the generated images")
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    network = InceptionFeatures()
    seed = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (args.images, 3, args.size, args.size), dtype=torch.uint8, generator=seed)
    ready = torch.rand(args.images, 3, INPUT_SIZE, INPUT_SIZE, generator=seed) * 2 - 1
    ready_last = ready.contiguous(memory_format=torch.channels_last)
    real = extract(network, images.flip(0), args.batch_size)

    def bare_on(inputs: torch.Tensor) -> Callable[[], None]:
        def forward() -> None:
            with torch.no_grad():
                for chunk in inputs.split(args.batch_size):
                    network.network(chunk)
        return forward

    runs = {"bare": bare_on(ready), "bare_channels_last": bare_on(ready_last)}

    runs["ours"] = lambda: extract(network, images, args.batch_size)

    fake = extract(network, images, args.batch_size)
    for run in runs.values():  # warm-up (oneDNN picks kernels per layout on first use)
        run()
    times = dict.fromkeys(runs, float("inf"))
    for _ in range(args.repeats):  # alternate, so drift of the machine hits all alike
        for name, run in runs.items():
            times[name] = min(times[name], seconds(run))
    fid_seconds = min(seconds(lambda: fid(real, fake)) for _ in range(args.repeats))
    rate = {k: args.images / v for k, v in times.items()}
    print(f"FID features, float32, {torch.get_num_threads()} threads, {args.images} images of {args.size}x{args.size}\n")
    print("| pipeline | images/s |\n|---|---|")
    print(f"| bare network (inputs already 299x299, in range) | {rate['bare']:.2f} |")
    print(f"| bare network, channels_last inputs | {rate['bare_channels_last']:.2f} |")
    print(f"| ours (uint8 -> TF1 resize -> range -> channels_last network) | {rate['ours']:.2f} |")
    best = max(rate["bare"], rate["bare_channels_last"])
    print(f"\nours / best bare: {rate['ours'] / best:.3f}  (ours / default-layout bare: {rate['ours'] / rate['bare']:.3f})")
    print(f"FID of two feature sets (torchmetrics, float64, 2048x2048 eigenvalues): {fid_seconds:.2f} s per set, any set size")


if __name__ == "__main__":
    main()
