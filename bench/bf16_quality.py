"""Does bf16 cost image quality? One generator trained in float32 and in bf16 at equal loops, judged by FID/KID.

    make repro   # first: the prepared images
    .venv/bin/python bench/bf16_quality.py [--class rust] [--params params.yaml] [--json out.json]

Both runs start from the same initial networks (``gan.seed``) and train ``gan.loops`` loops of the
params' recipe on the class's prepared train images (``gan.eval_every`` probes off); both are judged
in float32 as ``evaluate_gan`` judges a generator: FID and KID of ``eval.fid_repeats`` disjoint
generated sets of the train set's size against the real train images. The two differ also by the
random draws bf16 rounding sends different ways, so read the gap against the spread over sets.
Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import torch
from common import table

from bsgan.config import load_params
from bsgan.data.tensors import load_class_bytes, load_class_images
from bsgan.io.json_file import write_json
from bsgan.metrics.features import cached_features, extract
from bsgan.metrics.fidelity import fid, kid
from bsgan.metrics.inception import InceptionFeatures
from bsgan.models.dcgan.latent import latent_batch
from bsgan.models.dcgan.lightning_model import DCGAN
from bsgan.models.dcgan.sampling import generate_images
from bsgan.models.dcgan.training import fit
from bsgan.quiet import quiet_third_party
from bsgan.runtime import bf16_is_emulated, configure_threads, torch_device

PREPARED = Path("data/prepared")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--class", dest="label", default="rust")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    quiet_third_party()
    configure_threads()
    params = load_params(args.params)
    project = args.params.parent
    if bf16_is_emulated(torch_device(params.gan.device)):
        raise SystemExit("bf16_quality: this CPU has no native bf16 (AVX512-BF16/AMX): bf16 would take hours here")

    images = load_class_images(project / PREPARED, args.label)
    real, hashes = load_class_bytes(project / PREPARED, args.label)
    network = InceptionFeatures()
    real_features = cached_features(network, real, hashes, project / ".cache/features").double()
    n, sets = len(real), params.eval.fid_repeats
    labels = params.gan.labels_for(args.label)
    rows: list[dict[str, Any]] = []
    for precision in ("32", "bf16"):
        config = params.gan.model_copy(update={"precision": precision, "eval_every": 0})
        torch.manual_seed(config.seed)
        model = DCGAN(images, config, labels.real, labels.fake)
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as checkpoints:
            fit(model, config, Path(checkpoints), resume=False)
        seconds = time.perf_counter() - start
        generated = generate_images(model.generator.float(),
                                    latent_batch(n * sets, config.latent_size, params.generate.seed))
        features = extract(network, generated).double()
        fids = [fid(real_features, part) for part in features.split(n)]
        kids = [kid(real_features, part, params.eval.kid_subsets, params.eval.kid_subset_size).mean
                for part in features.split(n)]
        rows.append({"precision": precision, "seconds": seconds, "fid_mean": statistics.mean(fids),
                     "fid_std": statistics.stdev(fids) if sets > 1 else 0.0, "kid_mean": statistics.mean(kids),
                     "kid_std": statistics.stdev(kids) if sets > 1 else 0.0})
    print(f"{args.label} generator, {params.gan.loops} loops each, {sets} sets x {n} images vs the real train images\n")
    print(table(["precision", "training s", "FID", "KID x10^3"],
                [[r["precision"], f"{r['seconds']:.0f}", f"{r['fid_mean']:.1f} ± {r['fid_std']:.1f}",
                  f"{1000 * r['kid_mean']:.1f} ± {1000 * r['kid_std']:.1f}"] for r in rows]))
    print(f"\nbf16 / float32: training time {rows[1]['seconds'] / rows[0]['seconds']:.2f}x, "
          f"FID {rows[1]['fid_mean'] - rows[0]['fid_mean']:+.1f}, "
          f"KID x10^3 {1000 * (rows[1]['kid_mean'] - rows[0]['kid_mean']):+.1f}")
    if args.json:
        write_json({"class": args.label, "loops": params.gan.loops, "rows": rows}, args.json)


if __name__ == "__main__":
    main()
