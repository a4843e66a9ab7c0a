"""FID feature speed: our pipeline (uint8 in, TF1 resize, cached-feature FID) against the bare network.

    .venv/bin/python bench/fid_speed.py [--images 60] [--size 32] [--json out.json]

"Bare" is the TorchScript Inception forward on inputs already at 299x299 in its range, in the default
(contiguous) layout and in channels_last (the layout ours uses); "ours" is
:class:`~bsgan.metrics.inception.InceptionFeatures` on uint8 images of ``--size`` (resize included).
The network dominates, so the ratio says how much our steps around it cost. Measured side by side
in one process, float32 (FID is never computed from reduced precision). Not a test.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from common import best_of, machine, seconds, table

from bsgan.io.json_file import write_json
from bsgan.metrics.features import extract
from bsgan.metrics.fidelity import fid
from bsgan.metrics.inception import INPUT_SIZE, InceptionFeatures
from bsgan.runtime import configure_threads, torch_device


def measure(images: int = 60, size: int = 32, batch_size: int = 50, repeats: int = 2,
            device: str = "auto") -> dict[str, Any]:
    """Images/s of the bare network (both layouts) and of ours, and the seconds of one FID."""
    where = torch_device(device)
    network = InceptionFeatures().to(where)
    seed = torch.Generator().manual_seed(0)
    generated = torch.randint(0, 256, (images, 3, size, size), dtype=torch.uint8, generator=seed).to(where)
    ready = (torch.rand(images, 3, INPUT_SIZE, INPUT_SIZE, generator=seed) * 2 - 1).to(where)
    ready_last = ready.contiguous(memory_format=torch.channels_last)

    def bare_on(inputs: torch.Tensor) -> Callable[[], None]:
        def forward() -> None:
            with torch.no_grad():
                for chunk in inputs.split(batch_size):
                    network.network(chunk)
        return forward

    runs = {"bare": bare_on(ready), "bare_channels_last": bare_on(ready_last),
            "ours": lambda: extract(network, generated, batch_size)}
    times = best_of(runs, repeats, where)  # its warm-up lets oneDNN/cuDNN pick kernels per layout
    rate = {name: images / t for name, t in times.items()}
    real, fake = (extract(network, generated.flip(0), batch_size).double(),
                  extract(network, generated, batch_size).double())
    fid_seconds = min(seconds(lambda: fid(real, fake)) for _ in range(repeats))
    best_bare = max(rate["bare"], rate["bare_channels_last"])
    return {"device": where.type, "machine": machine(where), "images": images, "size": size,
            "bare_images_per_s": rate["bare"], "bare_channels_last_images_per_s": rate["bare_channels_last"],
            "ours_images_per_s": rate["ours"], "ratio": rate["ours"] / best_bare, "fid_seconds": fid_seconds}


def markdown(result: dict[str, Any]) -> str:
    rows = [["bare network (inputs already 299x299, in range)", f"{result['bare_images_per_s']:.2f}"],
            ["bare network, channels_last inputs", f"{result['bare_channels_last_images_per_s']:.2f}"],
            ["ours (uint8 -> TF1 resize -> range -> channels_last network)", f"{result['ours_images_per_s']:.2f}"]]
    return "\n".join([
        f"FID features on {result['device']} ({result['machine']}), float32, {result['images']} images of "
        f"{result['size']}x{result['size']}", "", table(["pipeline", "images/s"], rows), "",
        f"ours / best bare: {result['ratio']:.3f}",
        f"one FID of two feature sets (torchmetrics, float64, 2048x2048 eigenvalues): {result['fid_seconds']:.2f} s, "
        "any set size",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=60)
    parser.add_argument("--size", type=int, default=32, help="side of the generated images")
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    configure_threads()
    result = measure(args.images, args.size, args.batch_size, args.repeats)
    print(markdown(result))
    if args.json:
        write_json(result, args.json)


if __name__ == "__main__":
    main()
