"""FID feature speed: our pipeline (uint8 in, TF1 resize, cached-feature FID) against the bare network.

    .venv/bin/python bench/fid_speed.py [--images 60] [--size 32] [--json out.json]

"Bare" is the TorchScript Inception forward on inputs already at 299x299 in its range, in the default
(contiguous) layout and in channels_last (the layout ours uses); "ours" is
:class:`~bsgan.metrics.inception.InceptionFeatures` on uint8 images of ``--size`` (resize included).
The network dominates, so the ratio says how much our steps around it cost. Measured side by side
in one process, float32 (FID is never computed from reduced precision).

The FID of two feature sets the sizes ``evaluate_gan`` compares (``--real`` original train images
against ``--fake`` generated ones, 2048 features, float64) is timed twice: torchmetrics'
``FrechetInceptionDistance`` (eigenvalues of a 2048x2048 product) and ours
(:func:`bsgan.metrics.fidelity.fid`, singular values of the samples' cross product), with the
largest difference between the two values. Not a test.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from common import best_of, machine, seconds, table
from torchmetrics.image.fid import FrechetInceptionDistance

from bsgan.io.json_file import write_json
from bsgan.metrics.features import extract
from bsgan.metrics.fidelity import _Precomputed, fid
from bsgan.metrics.inception import INPUT_SIZE, InceptionFeatures
from bsgan.runtime import configure_threads, torch_device


def torchmetrics_fid(real: torch.Tensor, fake: torch.Tensor) -> float:
    metric = FrechetInceptionDistance(feature=_Precomputed(real.shape[1]), sync_on_compute=False).double()
    metric.update(real, real=True)
    metric.update(fake, real=False)
    return float(metric.compute())


def measure_fid(real: int = 100, fake: int = 100, repeats: int = 2) -> dict[str, Any]:
    """Seconds of one FID, torchmetrics' and ours, on correlated random features of the sizes compared."""
    seed = torch.Generator().manual_seed(0)
    mixing = torch.randn(2048, 2048, generator=seed, dtype=torch.float64) / 2048 ** 0.5
    real_features = torch.randn(real, 2048, generator=seed, dtype=torch.float64) @ mixing
    fake_features = torch.randn(fake, 2048, generator=seed, dtype=torch.float64) @ mixing + 0.05
    values = {"torchmetrics": torchmetrics_fid(real_features, fake_features), "ours": fid(real_features, fake_features)}
    times = {name: min(seconds(lambda f=f: f(real_features, fake_features)) for _ in range(repeats))
             for name, f in (("torchmetrics", torchmetrics_fid), ("ours", fid))}
    return {"fid_real": real, "fid_fake": fake, "fid_seconds_torchmetrics": times["torchmetrics"],
            "fid_seconds": times["ours"], "fid_speedup": times["torchmetrics"] / times["ours"],
            "fid_value": values["ours"], "fid_abs_difference": abs(values["ours"] - values["torchmetrics"])}


def measure(images: int = 60, size: int = 32, batch_size: int = 50, repeats: int = 2,
            device: str = "auto", fid_real: int = 100, fid_fake: int = 100) -> dict[str, Any]:
    """Images/s of the bare network (both layouts) and of ours, and the seconds of one FID, both ways."""
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
    best_bare = max(rate["bare"], rate["bare_channels_last"])
    return {"device": where.type, "machine": machine(where), "images": images, "size": size,
            "bare_images_per_s": rate["bare"], "bare_channels_last_images_per_s": rate["bare_channels_last"],
            "ours_images_per_s": rate["ours"], "ratio": rate["ours"] / best_bare,
            **measure_fid(fid_real, fid_fake, repeats)}


def markdown(result: dict[str, Any]) -> str:
    rows = [["bare network (inputs already 299x299, in range)", f"{result['bare_images_per_s']:.2f}"],
            ["bare network, channels_last inputs", f"{result['bare_channels_last_images_per_s']:.2f}"],
            ["ours (uint8 -> TF1 resize -> range -> channels_last network)", f"{result['ours_images_per_s']:.2f}"]]
    return "\n".join([
        f"FID features on {result['device']} ({result['machine']}), float32, {result['images']} images of "
        f"{result['size']}x{result['size']}", "", table(["pipeline", "images/s"], rows), "",
        f"ours / best bare: {result['ratio']:.3f}",
        f"one FID of {result['fid_real']} against {result['fid_fake']} feature vectors (2048, float64): "
        f"torchmetrics {result['fid_seconds_torchmetrics']:.3f} s, ours {result['fid_seconds']:.4f} s, "
        f"{result['fid_speedup']:.0f}x faster; values {result['fid_value']:.4f}, differing by "
        f"{result['fid_abs_difference']:.1e}",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=60)
    parser.add_argument("--size", type=int, default=32, help="side of the generated images")
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--fid-real", type=int, default=100, help="real feature rows of the timed FID")
    parser.add_argument("--fid-fake", type=int, default=100, help="generated feature rows of the timed FID")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    configure_threads()
    result = measure(args.images, args.size, args.batch_size, args.repeats, fid_real=args.fid_real,
                     fid_fake=args.fid_fake)
    print(markdown(result))
    if args.json:
        write_json(result, args.json)


if __name__ == "__main__":
    main()
