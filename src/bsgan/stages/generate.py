"""``bsgan generate --class C --source S``: draw the images the classification tasks use from one generator.

Writes an image set in the prepared layout (``train/<class>/``, ``manifest.csv``, a contact sheet)
whose manifest traces each image as ``<generator>/seed<seed>/z<index>``: row ``index`` of the seeded
latent batch (:func:`~bsgan.models.dcgan.latent.latent_batch`). ``generator.json`` names the generator
file and its hash; ``interpolation.png`` walks between the latents of images 0-1, 2-3, ...

With ``gan.repeats`` R > 1 each generator repeat r >= 1 gets the same set in ``repeat<r>/`` of the same
folder (traced as ``<generator>/repeat<r>/seed<seed>/z<index>``), drawn from the same latents
(``generate.seed``), so the repeats' images differ only by their generator.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import torch
from torchvision.transforms.v2.functional import to_pil_image

from bsgan.config import GenerateConfig, load_params
from bsgan.data.images import sha256
from bsgan.data.prepared import read_image_set, write_image_set
from bsgan.data.sample import Sample
from bsgan.data.sizes import generated_count
from bsgan.errors import InputDataError
from bsgan.io.atomic import atomic_directory
from bsgan.io.json_file import write_json
from bsgan.layout import GAN_SOURCES, GENERATOR_FILE, SKIPPED_FILE, Layout, generator_name, repeat_dir, repeat_name
from bsgan.models.dcgan.generator_file import load_generator
from bsgan.models.dcgan.interpolation import interpolation_figure, interpolation_rows
from bsgan.models.dcgan.latent import latent_batch
from bsgan.models.dcgan.sampling import generate_images
from bsgan.runtime import torch_device

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--class", dest="label", required=True, help="failure class of the generator")
    parser.add_argument("--source", choices=GAN_SOURCES, required=True, help="what the generator was trained on")
    parser.add_argument("--models", type=Path, default=Path("models/gan"), help="trained generators")
    parser.add_argument("--out", type=Path, default=Path("data/generated"), help="generated image sets")


def generate(generator_file: Path, label: str, config: GenerateConfig, count: int, out: Path,
             device: torch.device, name: str | None = None) -> int:
    """Write ``count`` images of ``label`` and the interpolation strips into the folder ``out``; the
    images are traced to ``name`` (default: the generator's folder)."""
    generator = load_generator(generator_file, device)
    name = name or generator_file.parent.name
    latents = latent_batch(max(count, 2 * config.interpolation_pairs), generator.latent_size, config.seed)
    images = generate_images(generator, latents[:count], config.batch_size)
    samples = [
        Sample(to_pil_image(image), label, f"{name}/seed{config.seed}/z{index:05d}", None, "train")
        for index, image in enumerate(images)
    ]
    pairs = latents[: 2 * config.interpolation_pairs]
    strips = interpolation_rows(generator, pairs[0::2], pairs[1::2], config.interpolation_steps, config.interpolation)
    out.mkdir(parents=True, exist_ok=True)
    write_image_set(samples, out)
    interpolation_figure(strips, config.interpolation_steps).save(out / "interpolation.png")
    write_json(
        {
            "generator": str(generator_file),
            "generator_sha256": sha256(generator_file.read_bytes()),
            "class": label,
            "seed": config.seed,
            "count": count,
            "latent_size": generator.latent_size,
            "interpolation": config.interpolation,
        },
        out / "generator.json",
    )
    return len(samples)


def run(args: argparse.Namespace) -> None:
    params = load_params(args.params)
    name = generator_name(args.label, args.source)
    if args.source not in params.gan.sources:  # no generator: the declared out only says so
        with atomic_directory(args.out / name) as staging:
            write_json({"skipped": f"gan.sources leaves out {args.source}: no images"}, staging / SKIPPED_FILE)
        log.info("%s: gan.sources leaves out %s: no images generated", name, args.source)
        return
    generator_files = [repeat_dir(args.models / name, repeat) / GENERATOR_FILE for repeat in range(params.gan.repeats)]
    for generator_file in generator_files:
        if not generator_file.exists():
            raise InputDataError(f"{generator_file}: not found (run `bsgan train-gan --class {args.label} "
                                 f"--source {args.source}` first)")
    train_size = 0
    if params.generate.count == "auto":  # only then does the real train set's size matter
        prepared = Layout.of(args.params).prepared
        train_size = sum(1 for row, _ in read_image_set(prepared, "train") if row.label == args.label)
    wanted = generated_count(params, args.label, train_size)
    log.info("%s: %d images (%s)", name, wanted.count, wanted.reason)
    device = torch_device(params.gan.device)
    with atomic_directory(args.out / name, inputs=[args.models / name]) as staging:  # every repeat or none
        for repeat, generator_file in enumerate(generator_files):
            count = generate(generator_file, args.label, params.generate, wanted.count, repeat_dir(staging, repeat),
                             device, repeat_name(name, repeat))
    log.info("%s: wrote %d images to %s%s", name, count, args.out / name,
             f" for each of {len(generator_files)} generator repeats" if len(generator_files) > 1 else "")
