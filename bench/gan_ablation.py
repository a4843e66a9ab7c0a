"""The generator options of issue 16, each alone and combined, on one class of the default data.

Every option trains a generator from the same seed on the real train images of ``--class`` with the
``gan`` params of ``params.yaml`` plus the option's overrides, then judges its sampling generator the
way ``evaluate_gan`` does: FID and KID against the original train images (the real test split is the
floor), GAN-test with the reference classifier of ``eval.reference`` (its recall on the real test split is
the yardstick), and precision/recall/density/coverage. Seconds per generator include any pretraining.

Run after ``dvc repro prepare augment``, one thread per process:

    OMP_NUM_THREADS=1 python bench/gan_ablation.py --class pitting --options pf_ema_900_d0_lr5 cpu_default

writes ``bench/results/gan_ablation/<class>.{json,md}`` and one ``<class>-<option>.png`` sample grid
each; ``--seed N`` retrains with ``gan.seed`` N (rows ``<option>@seedN``), for the spread a reseed
gives. Results already in the JSON are kept (``--force`` retrains), so options can be added run by run.
Processes run side by side need their own ``--out`` (each rewrites its JSON whole); merge them after.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from bsgan.callbacks.gan_progress import sample_grid
from bsgan.config import GanConfig, Params, load_params
from bsgan.data.tensors import load_class_bytes, load_class_images
from bsgan.metrics.features import cached_features, extract
from bsgan.metrics.fidelity import fidelity_over_sets
from bsgan.metrics.inception import InceptionFeatures
from bsgan.metrics.prdc import prdc
from bsgan.models.classifier.reference import ReferenceClassifier, reference_classifier
from bsgan.models.dcgan.latent import latent_batch
from bsgan.models.dcgan.lightning_model import DCGAN
from bsgan.models.dcgan.pretrain import pretrained_state
from bsgan.models.dcgan.sampling import generate_images
from bsgan.models.dcgan.training import fit

ROOT = Path(__file__).resolve().parents[1]
BEFORE: dict[str, Any] = {"noise_std": 0.1, "dropout": 0.25, "loops": 1200, "lr_g": 0.0002, "lr_d": 0.0002,
                          "diffaug": ["translation", "color", "cutout"], "ema": 0.0, "pretrain_loops": 0, "freeze_d": 0}
"""The CPU default before issue 16, which every option below but ``cpu_default`` starts from."""
FEW_SHOT: dict[str, Any] = {"ema": 0.99, "pretrain_loops": 300, "freeze_d": 1, "loops": 900}
NO_CUTOUT: dict[str, Any] = {"diffaug": ["translation", "color"]}
SHARP_D: dict[str, Any] = {"dropout": 0.0, "noise_std": 0.0}
FAST: dict[str, Any] = {"lr_g": 0.0005, "lr_d": 0.0005}

OPTIONS: dict[str, dict[str, Any]] = {
    "default": BEFORE,
    "default+ema": BEFORE | {"ema": 0.99},
    "pretrain_freezed+ema": BEFORE | FEW_SHOT | {"loops": BEFORE["loops"]},
    "ada+ema": BEFORE | {"ema": 0.99, "ada_target": 0.6},
    "pf_ema_900": BEFORE | FEW_SHOT,
    "pf_ema_900_nocut": BEFORE | FEW_SHOT | NO_CUTOUT,
    "pf_ema_900_nocut_kg2": BEFORE | FEW_SHOT | NO_CUTOUT | {"k_g": 2},
    "pf_ema_900_nocut_lr5": BEFORE | FEW_SHOT | NO_CUTOUT | FAST,
    "pf_ema_900_nocut_d0": BEFORE | FEW_SHOT | NO_CUTOUT | SHARP_D,
    "pf_ema_1800_d0": BEFORE | FEW_SHOT | NO_CUTOUT | SHARP_D | {"loops": 1800},
    "ema_1200_d0_scratch": BEFORE | NO_CUTOUT | SHARP_D | {"ema": 0.99},
    "pf_ema_900_d0_lr5": BEFORE | FEW_SHOT | NO_CUTOUT | SHARP_D | FAST,
    "cpu_default": {},
    "cpu_default_lrd2": {"lr_d": 0.0002},
    "cpu_default_kd1": {"k_d": 1},
    "cpu_default_ada": {"ada_target": 0.6},
    "cpu_default_pre600": {"pretrain_loops": 600},
}
"""Overrides of ``params.yaml``'s ``gan`` params per option: each is the pre-issue-16 default (``BEFORE``) with
settings changed, except ``cpu_default``, today's shipped params (``pf_ema_900_d0_lr5``), and the
``cpu_default_*`` options, which change those: a slower discriminator (lr 2e-4, or one update per loop)
and ADA, against the discriminator's late win in the pipeline's pitting loss curve, and twice the intact
pretraining. An option with ``ema`` is also judged through its trained (not averaged) generator as
``<option>/trained``: EMA does not change training, so ``default+ema/trained`` is ``default``."""


@dataclass
class Bench:
    """What every generator of one class is trained on and judged against, loaded once per process."""

    params: Params
    prepared: Path
    cache: Path
    images: torch.Tensor
    intact: torch.Tensor
    network: InceptionFeatures
    real: dict[str, torch.Tensor]
    reference: ReferenceClassifier

    @classmethod
    def load(cls, label: str) -> Bench:
        torch.set_num_threads(1)
        params = load_params(ROOT / "params.yaml")
        prepared, cache = ROOT / "data/prepared", ROOT / ".cache"
        network = InceptionFeatures()
        real = {split: cached_features(network, *load_class_bytes(prepared, label, split), cache / "features").double()
                for split in ("train", "test")}
        return cls(params, prepared, cache, load_class_images(prepared, label),
                   load_class_images(prepared, params.data.intact_class), network, real,
                   reference_classifier(prepared, params.eval.reference, params.eval.seed, "cpu", cache / "reference"))


def train(images: torch.Tensor, intact: torch.Tensor, config: GanConfig, label: str, cache: Path) -> DCGAN:
    torch.manual_seed(config.seed)
    labels = config.labels_for(label)
    model = DCGAN(images, config, labels.real, labels.fake)
    if config.pretrain_loops:
        model.start_from(pretrained_state(intact, config, cache))
    with tempfile.TemporaryDirectory(prefix="bsgan-ablation-") as scratch:
        fit(model, config, Path(scratch), resume=False)
    return model


def judge(generator: torch.nn.Module, model: DCGAN, label: str, sets: int,
          network: InceptionFeatures,
          real: dict[str, torch.Tensor], reference: Any, k: int) -> dict[str, Any]:
    size = len(real["train"])
    images = generate_images(generator, latent_batch(sets * size, model.config.latent_size, 0))
    features = extract(network, images).double()
    spread = fidelity_over_sets(real["train"], [features[i * size:(i + 1) * size] for i in range(sets)],
                                100, 50, 0)
    scores = [prdc(real["train"], features[i * size:(i + 1) * size], k) for i in range(sets)]
    return {"fid": spread["fid"].mean, "fid_std": spread["fid"].std, "kid": spread["kid"].mean,
            "gan_test": reference.gan_test(images, label),
            **{name: sum(getattr(s, name) for s in scores) / sets
               for name in ("precision", "recall", "density", "coverage")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--class", dest="label", default="pitting")
    parser.add_argument("--options", nargs="+", choices=sorted(OPTIONS), default=["default"])
    parser.add_argument("--sets", type=int, default=1, help="generated sets of the train set's size per option")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--loops", type=int, default=0, help="gan.loops for every option (0: params.yaml's)")
    parser.add_argument("--seed", type=int, default=None,
                        help="gan.seed for every option (pretraining included); rows are named <option>@seed<N>. "
                             "Default: params.yaml's, rows named <option>")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/gan_ablation")
    args = parser.parse_args()
    bench = Bench.load(args.label)
    params, prepared, images, intact = bench.params, bench.prepared, bench.images, bench.intact
    network, real, reference, cache = bench.network, bench.real, bench.reference, bench.cache
    args.out.mkdir(parents=True, exist_ok=True)
    table = args.out / f"{args.label}.json"
    results: dict[str, Any] = json.loads(table.read_text()) if table.exists() else {}
    floor = fidelity_over_sets(real["train"], [real["test"]], 100, 50, 0)
    results["real_test"] = {"fid": floor["fid"].mean, "kid": floor["kid"].mean,
                            "gan_test": reference.gan_test(load_class_bytes(prepared, args.label, "test")[0],
                                                           args.label),
                            **prdc(real["train"], real["test"], params.eval.prdc_k).as_dict()}
    for option in args.options:
        row = option if args.seed is None else f"{option}@seed{args.seed}"
        if row in results and not args.force:
            continue
        loops = {"loops": args.loops} if args.loops else {}
        seed = {} if args.seed is None else {"seed": args.seed}
        config = params.gan.model_copy(update={**OPTIONS[option], **loops, **seed, "eval_every": 0})
        config = GanConfig.model_validate(config.model_dump())
        start = time.perf_counter()
        model = train(images, intact, config, args.label, cache / "gan_pretrain")
        seconds = time.perf_counter() - start
        sample_grid(model).save(args.out / f"{args.label}-{row}.png")
        judged = {row: model.sampler} | ({f"{row}/trained": model.generator} if config.ema else {})
        for name, generator in judged.items():
            results[name] = {"overrides": OPTIONS[option] | seed, "loops": config.loops,
                             "pretrain_loops": config.pretrain_loops, "seconds": seconds,
                             **judge(generator, model, args.label, args.sets, network, real, reference,
                                     params.eval.prdc_k)}
        table.write_text(json.dumps(results, indent=1))
        print(row, json.dumps(results[row]), flush=True)
        if config.ema:
            grid = sample_grid(model)  # the trained generator's grid beside the average's
            model.generator_ema = None
            sample_grid(model).save(args.out / f"{args.label}-{row}-trained.png")
            grid.save(args.out / f"{args.label}-{row}.png")
    (args.out / f"{args.label}.md").write_text(to_markdown(results, args.label))
    print(to_markdown(results, args.label))


def to_markdown(results: dict[str, Any], label: str) -> str:
    lines = [(f"| {label}: option | loops | FID vs train | KID×10³ | GAN-test | precision | recall | density "
              "| coverage | s/generator |"),
             "|---|---|---|---|---|---|---|---|---|---|"]
    for option, r in results.items():
        pretrain = r.get("pretrain_loops", r.get("overrides", {}).get("pretrain_loops", 0))  # older rows: overrides
        loops = f"{pretrain} + {r['loops']}" if pretrain else str(r.get("loops", ""))
        lines.append(f"| {option} | {loops} | {r['fid']:.1f} | {r['kid'] * 1000:.1f} | {r['gan_test']:.2f} | "
                     f"{r['precision']:.2f} | "
                     f"{r['recall']:.2f} | {r['density']:.2f} | {r['coverage']:.2f} | {r.get('seconds', 0):.0f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
