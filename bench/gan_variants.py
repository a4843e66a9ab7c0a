"""Network and loss changes to the CPU default GAN that are not params: do any of them close issue 16's gap?

``gan_ablation.py`` measures the ``gan`` params; this bench swaps pieces of the network or the loss
that have no param, trains the CPU default with each (pretraining included, in a cache of its own) and
judges it the same way (FID, KID, GAN-test, precision/recall/density/coverage against the real train
images). None of them is in the package: they are measured here so that the result, good or bad, can be
rerun. The variants:

- ``spectral_norm``: the discriminator with spectral normalisation on every weight instead of batch
  norm (Miyato et al. 2018), with the default BCE loss, and ``spectral_norm_hinge`` with the hinge loss;
- ``r1``: an R1 gradient penalty on real images, gamma 0.1, applied lazily every 4th loop (Mescheder et
  al. 2018; StyleGAN2's lazy regularisation);
- ``output_conv``: the generator's last transposed convolution keeps its channels and a 3x3 convolution
  at full size maps them to RGB (one more layer that draws at the output resolution);
- ``r1_output_conv``: both;
- ``loops_1800``, ``loops_2700``: twice and three times the CPU default's 900 fine-tuning loops (the
  network variants above pin 900, so they rerun alike if the default moves).

Run after ``dvc repro prepare``, one thread per process, a process per variant side by side:

    OMP_NUM_THREADS=1 python bench/gan_variants.py --class pitting --variants r1 --seed 0 --out /tmp/v/r1

writes ``<out>/<class>.{json,md}`` (rows ``<variant>@seed<N>``, merged with what is there) and the sample
grids ``<class>-<row>.png`` (EMA) and ``<class>-<row>-trained.png``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import torch
import torch.nn.functional as F
from gan_ablation import Bench, judge, to_markdown, train
from torch import nn

import bsgan.models.dcgan.lightning_model as lightning_model
from bsgan.callbacks.gan_progress import sample_grid
from bsgan.config import GanConfig
from bsgan.models.dcgan import torch_model

ROOT = Path(__file__).resolve().parents[1]
R1_EVERY = 4
NINE_HUNDRED = {"loops": 900}
"""The CPU default's fine-tuning loops when the network variants were measured."""


class SpectralNormDiscriminator(nn.Module):
    """The paper's discriminator layout with spectral norm on every weight and no batch norm."""

    def __init__(self, image_size: int = 96, width: float = 1.0, noise_std: float = 0.0, dropout: float = 0.0) -> None:
        super().__init__()
        c0, c1, c2, c3 = torch_model._scaled(torch_model.PAPER_DISCRIMINATOR_CHANNELS, width)
        sn = nn.utils.parametrizations.spectral_norm

        def block(c_in: int, c_out: int, kernel: int, stride: int) -> list[nn.Module]:
            return [sn(nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2)), nn.LeakyReLU(0.2, inplace=True)]

        self.features = nn.Sequential(*block(3, c0, 5, 1), *block(c0, c1, 5, 2), *block(c1, c2, 3, 2),
                                      *block(c2, c3, 3, 2), nn.Flatten())
        self.classify = sn(nn.Linear(c3 * (image_size // 8) ** 2, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classify(self.features(x)).squeeze(1)


class OutputConvGenerator(torch_model.Generator):
    """The paper's generator whose last upsampling keeps ``c3`` channels, then a 3x3 convolution to RGB."""

    def __init__(self, image_size: int = 96, latent_size: int = 100, width: float = 1.0) -> None:
        super().__init__(image_size, latent_size, width)
        c3 = torch_model._scaled(torch_model.PAPER_GENERATOR_CHANNELS, width)[3]
        self.body = nn.Sequential(*list(self.body)[:-2], nn.ConvTranspose2d(c3, c3, 4, 2, 1, bias=False),
                                  nn.BatchNorm2d(c3), nn.ReLU(inplace=True), nn.Conv2d(c3, 3, 3, 1, 1), nn.Tanh())
        self.apply(torch_model.dcgan_init)


class HingeDiscriminatorLoss(nn.Module):
    def __init__(self, real_label: float = 1.0, fake_label: float = 0.0) -> None:
        super().__init__()  # labels have no meaning for the hinge loss

    def forward(self, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
        return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()


class HingeGeneratorLoss(nn.Module):
    def forward(self, fake_logits: torch.Tensor) -> torch.Tensor:
        return -fake_logits.mean()


class LazyR1:
    """An R1 penalty on the augmented real batch of the first discriminator update of every ``R1_EVERY``-th loop.

    It hooks the package's loop instead of copying it: the loop marks whether it is penalised, ``augment``
    makes that loop's first augmented batch (the real one) a leaf that keeps its gradient, and the
    discriminator loss adds ``gamma / 2 * R1_EVERY * E[|grad D(real)|^2]`` when such a leaf is waiting.
    """

    def __init__(self, gamma: float) -> None:
        self.gamma = gamma
        self.pending = False
        self.real: torch.Tensor | None = None

    def patches(self) -> list[Any]:
        hook, step, augment = self, lightning_model.DCGAN.training_step, lightning_model.DCGAN.augment

        def training_step(model: lightning_model.DCGAN, batch: int, batch_idx: int) -> None:
            hook.pending = model.loop_index(batch_idx) % R1_EVERY == 0
            step(model, batch, batch_idx)

        def augment_first_real(model: lightning_model.DCGAN, x: torch.Tensor) -> torch.Tensor:
            x = augment(model, x)
            if hook.pending:
                hook.pending = False
                x = hook.real = x.detach().requires_grad_(True)
            return x

        class PenalisedLoss(lightning_model.DiscriminatorLoss):
            def forward(self, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
                loss = super().forward(real_logits, fake_logits)
                if hook.real is not None:
                    (grad,) = torch.autograd.grad(real_logits.sum(), hook.real, create_graph=True)
                    loss = loss + hook.gamma / 2 * R1_EVERY * grad.pow(2).sum(dim=(1, 2, 3)).mean()
                    hook.real = None
                return loss

        return [mock.patch.object(lightning_model.DCGAN, "training_step", training_step),
                mock.patch.object(lightning_model.DCGAN, "augment", augment_first_real),
                mock.patch.object(lightning_model, "DiscriminatorLoss", PenalisedLoss)]


VARIANTS: dict[str, dict[str, Any]] = {
    "spectral_norm": {"discriminator": SpectralNormDiscriminator, "gan": NINE_HUNDRED},
    "spectral_norm_hinge": {"discriminator": SpectralNormDiscriminator, "hinge": True, "gan": NINE_HUNDRED},
    "r1": {"r1": 0.1, "gan": NINE_HUNDRED},
    "output_conv": {"generator": OutputConvGenerator, "gan": NINE_HUNDRED},
    "r1_output_conv": {"r1": 0.1, "generator": OutputConvGenerator, "gan": NINE_HUNDRED},
    "loops_1800": {"gan": {"loops": 1800}},
    "loops_2700": {"gan": {"loops": 2700}},
}
"""What each variant swaps in (``discriminator``, ``generator``, ``hinge``, ``r1``) or overrides (``gan``)."""


@contextlib.contextmanager
def swapped(variant: dict[str, Any]) -> Iterator[None]:
    """The DCGAN module with the variant's pieces in place of the package's, for the span of one training."""
    with contextlib.ExitStack() as stack:
        if "discriminator" in variant:
            stack.enter_context(mock.patch.object(lightning_model, "Discriminator", variant["discriminator"]))
        if "generator" in variant:
            stack.enter_context(mock.patch.object(lightning_model, "Generator", variant["generator"]))
        if variant.get("hinge"):
            stack.enter_context(mock.patch.object(lightning_model, "DiscriminatorLoss", HingeDiscriminatorLoss))
            stack.enter_context(mock.patch.object(lightning_model, "GeneratorLoss", HingeGeneratorLoss))
        for patch in LazyR1(variant["r1"]).patches() if variant.get("r1") else []:
            stack.enter_context(patch)
        yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--class", dest="label", default="pitting")
    parser.add_argument("--variants", nargs="+", choices=sorted(VARIANTS), required=True)
    parser.add_argument("--seed", type=int, default=0, help="gan.seed, pretraining included")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/gan_variants")
    args = parser.parse_args()
    bench = Bench.load(args.label)
    params, cache = bench.params, bench.cache
    args.out.mkdir(parents=True, exist_ok=True)
    table = args.out / f"{args.label}.json"
    results: dict[str, Any] = json.loads(table.read_text()) if table.exists() else {}
    for name in args.variants:
        row, variant = f"{name}@seed{args.seed}", VARIANTS[name]
        config = params.gan.model_copy(update={**variant.get("gan", {}), "seed": args.seed, "eval_every": 0})
        config = GanConfig.model_validate(config.model_dump())
        start = time.perf_counter()
        swaps = set(variant) - {"gan"}  # a variant that swaps pieces pretrains in a cache of its own
        pretrain_cache = cache / "gan_variants_pretrain" / name if swaps else cache / "gan_pretrain"
        with swapped(variant):
            model = train(bench.images, bench.intact, config, args.label, pretrain_cache)
        seconds = time.perf_counter() - start
        judged = {row: model.sampler, f"{row}/trained": model.generator}
        for key, generator in judged.items():
            results[key] = {"loops": config.loops, "pretrain_loops": config.pretrain_loops, "seconds": seconds,
                            **judge(generator, model, args.label, 1, bench.network, bench.real, bench.reference,
                                    params.eval.prdc_k)}
        sample_grid(model).save(args.out / f"{args.label}-{row}.png")
        model.generator_ema = None
        sample_grid(model).save(args.out / f"{args.label}-{row}-trained.png")
        table.write_text(json.dumps(results, indent=1))
        print(row, json.dumps(results[row]), flush=True)
    (args.out / f"{args.label}.md").write_text(to_markdown(results, args.label))


if __name__ == "__main__":
    main()
