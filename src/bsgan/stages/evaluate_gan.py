"""``bsgan evaluate-gan``: judge every generator against real images (the paper's Table 6, Figures 9 and 10).

For each failure class in ``gan.classes``:

- yardsticks: the real test split against the real train split (the floor, what unseen real images
  score) and an untrained generator (the starting point of training) against the same references;
- each generator's images in ``eval.fid_repeats`` disjoint sets the size of the real train set: FID
  and KID against the original train images and against the classically augmented set;
- class fidelity, for every row: GAN-test (share of the images that a reference classifier trained on
  the real train split only assigns to the class; on the real test split it is that classifier's recall)
  and precision/recall/density/coverage against the original train images' features;
- diversity (mean feature distance between generated images over the real train images'), and a verdict per
  generator, ``usable``, ``weak`` or ``collapsed``, from the bounds of ``eval.verdict`` against the yardsticks
  (:mod:`bsgan.metrics.verdict`): in ``metrics/gan.json`` (``verdict``, ``verdict_reasons``), the table and an
  MLflow tag. ``classify`` refuses a task that reads a collapsed generator's images;
- pictures per generator: t-SNE maps (equal counts, and all generated images), the closest
  generated-vs-train pairs with the distribution of nearest-train distances (memorisation), the
  interpolation strips, and a blinded real-vs-generated sheet for people.

With ``gan.repeats`` R > 1 the generator entries are those of repeat 0 (what ``gan.repeats: 1`` writes),
plus ``repeats``: FID and KID against the original train images of every repeat's set (``repeat<r>/`` of
the generated folder; each the mean over the same ``eval.fid_repeats`` sets), and their mean and std over
the repeats (``fid_original_over_repeats_mean``, ``..._std``, the same for KID): how much the generator's
own randomness moves the numbers beside the spread over sets of one generator.

Writes ``metrics/gan.json`` (a DVC metric), ``reports/gan/fidelity.{md,csv}`` and
``reports/gan/<generator>/``, then one MLflow run per generator in experiment ``gan-eval`` tagged with
the run that trained it. Inception features are cached per image set, so a rerun only featurises
images it has not seen.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torchvision.transforms.v2.functional import to_pil_image
from torchvision.utils import make_grid

from bsgan.config import EvalConfig, Params, check_fid_sets, load_params
from bsgan.data.prepared import read_image_set
from bsgan.data.tensors import load_class_bytes
from bsgan.errors import InputDataError, ParamsError
from bsgan.io.atomic import atomic_directory
from bsgan.io.json_file import read_json, write_json
from bsgan.layout import TRAINING_RUN_FILE, Layout, generator_name, repeat_dir
from bsgan.metrics.embedding import tsne_map
from bsgan.metrics.feature_fidelity import feature_fidelity
from bsgan.metrics.features import cached_features
from bsgan.metrics.fidelity import Spread, fidelity_over_sets
from bsgan.metrics.fidelity_table import (
    DISTANCES,
    fidelity_key,
    fidelity_keys,
    over_repeats_key,
    table_rows,
    to_csv,
    to_markdown,
)
from bsgan.metrics.figures import distance_figure, tsne_figure
from bsgan.metrics.inception import InceptionFeatures
from bsgan.metrics.memorisation import closest_pairs, memorisation, nearest
from bsgan.metrics.prdc import PRDC_NAMES
from bsgan.metrics.verdict import judge_generator
from bsgan.models.architectures import build_generator
from bsgan.models.classifier.reference import ReferenceClassifier, reference_classifier
from bsgan.models.dcgan.latent import latent_batch
from bsgan.models.dcgan.sampling import generate_images
from bsgan.runtime import torch_device
from bsgan.tracking import flatten, git_commit, use_experiment
from bsgan.turing.sheet import make_sheet

log = logging.getLogger(__name__)
MIN_CELL_PX = 64
"""Small images are enlarged (nearest neighbour) in the pair grid so a person can compare them."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--generated", type=Path, default=Path("data/generated"), help="generated image sets")
    parser.add_argument("--models", type=Path, default=Path("models/gan"), help="trained generators")
    parser.add_argument("--out", type=Path, default=Path("reports/gan"), help="tables and pictures")
    parser.add_argument("--metrics", type=Path, default=Path("metrics/gan.json"),
                        help="FID/KID per generator (DVC metric)")


class Features:
    """Inception features of image sets, through the on-disk cache (keyed by the images' sha256)."""

    def __init__(self, device: torch.device, cache: Path) -> None:
        self.network = InceptionFeatures().to(device)
        self.cache = cache
        self.what = "featurising"
        """Shown beside the progress of a set that is not in the cache yet."""

    def __call__(self, images: torch.Tensor, hashes: list[str] | None = None) -> torch.Tensor:
        """``(N, 2048)`` float64; ``hashes`` default to the images' own bytes (images made in memory)."""
        if hashes is None:
            hashes = [hashlib.sha256(image.numpy().tobytes()).hexdigest() for image in images]
        return cached_features(self.network, images, hashes, self.cache, what=self.what).double()


@dataclass(frozen=True)
class RealSets:
    """One failure class's real images and the features every generator of that class is compared with."""

    label: str
    train_images: torch.Tensor
    train_files: list[Path]
    references: dict[str, torch.Tensor]
    """Features of the original train images and of the classically augmented set (the paper's two references)."""
    test: torch.Tensor
    test_distances: np.ndarray
    """Distance from each real test image to its nearest real train image: the memorisation yardstick."""

    @property
    def train(self) -> torch.Tensor:
        return self.references["original"]

    @classmethod
    def load(cls, label: str, project: Path, features: Features) -> RealSets:
        prepared = Layout(project).prepared
        train_images, train_hashes = load_class_bytes(prepared, label, "train")
        references = {"original": features(train_images, train_hashes),
                      "classical": features(*load_class_bytes(Layout(project).augmented, label, "train"))}
        test = features(*load_class_bytes(prepared, label, "test"))
        files = [path for row, path in read_image_set(prepared, "train") if row.label == label]
        return cls(label, train_images, files, references, test, nearest(test, references["original"])[0])


def summarise(spreads: dict[str, dict[str, Spread]], sets: int, set_size: int) -> dict[str, Any]:
    """``{"fid_original": mean, "fid_original_std": std, ...}`` plus the set count and size."""
    row: dict[str, Any] = {"sets": sets, "set_size": set_size}
    for reference, metrics in spreads.items():
        for metric, spread in metrics.items():
            row[fidelity_key(metric, reference)] = spread.mean
            row[fidelity_key(metric, reference, std=True)] = spread.std
    return row


def judge(real: RealSets, sets: list[torch.Tensor], config: EvalConfig) -> dict[str, Any]:
    """FID and KID of generated feature sets against both references, mean and std over the sets."""
    smallest = min(len(sets[0]), *(len(reference) for reference in real.references.values()))
    if config.kid_subset_size > smallest:
        log.info("%s: eval.kid_subset_size %d capped to %d, the smallest set compared (KID subsets then hold "
                 "whole sets)", real.label, config.kid_subset_size, smallest)
    spreads = {name: fidelity_over_sets(reference, sets, config.kid_subsets, config.kid_subset_size, config.seed)
               for name, reference in real.references.items()}
    return summarise(spreads, len(sets), len(sets[0]))


def class_fidelity(real: RealSets, sets: list[torch.Tensor], images: torch.Tensor, reference: ReferenceClassifier,
                   k: int) -> dict[str, float]:
    """GAN-test of ``images``, and precision/recall/density/coverage and diversity of each feature set against the
    original train images, mean over the sets (each the train set's size, so the numbers compare across rows)."""
    rows = [feature_fidelity(real.train, features, k) for features in sets]
    return {"gan_test": reference.gan_test(images, real.label),
            **{name: float(np.mean([row[name] for row in rows])) for name in (*PRDC_NAMES, "diversity")}}


def untrained_images(params: Params, count: int) -> torch.Tensor:
    """Images of the generator training starts from (same architecture, same seed, no updates)."""
    config = params.gan
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        generator = build_generator(config.architecture, params.data.image_size, config.latent_size,
                                    config.generator_width)
    return generate_images(generator, latent_batch(count, config.latent_size, params.eval.seed))


def evaluate_generator(real: RealSets, generated_dir: Path, config: EvalConfig, features: Features,
                       out: Path, reference: ReferenceClassifier) -> dict[str, Any]:
    """Metrics of one generator's images in ``generated_dir``; its pictures go into ``out``."""
    images, hashes = load_class_bytes(generated_dir, real.label, "train")
    size = len(real.train_images)
    needed = config.fid_repeats * size
    if len(images) < needed:
        raise ParamsError(f"eval.fid_repeats: {config.fid_repeats} sets of {size} {real.label} images need {needed} "
                          f"generated, {generated_dir} has {len(images)} (raise generate.count)")
    generated = features(images, hashes)
    sets = fid_sets(generated, size, config.fid_repeats)
    result = judge(real, sets, config) | class_fidelity(real, sets, images, reference, config.prdc_k)

    distances, rows = nearest(generated, real.train)
    copies = memorisation(distances, real.test_distances)
    result |= {"near_copy_share": copies.near_copy_share, "copy_threshold": copies.copy_threshold,
               "nn_distance_median": copies.generated_median, "test_nn_distance_median": copies.test_median}

    name = generated_dir.name
    out.mkdir(parents=True)
    equal = tsne_map({"real train": real.train, "generated": generated[:size]}, config.seed, config.tsne_perplexity)
    tsne_figure(equal, f"{name}: real vs generated, equal counts").save(out / "tsne_equal.png")
    every = tsne_map({"real train": real.train, "real test": real.test, "generated": generated}, config.seed,
                     config.tsne_perplexity)
    tsne_figure(every, f"{name}: real vs all {len(generated)} generated").save(out / "tsne_all.png")
    pairs = closest_pairs(distances, rows, images, real.train_images, min(config.nearest_pairs, len(images)))
    to_pil_image(pair_grid(pairs, len(pairs) // 2)).save(out / "nearest_pairs.png")
    distance_figure({"generated": distances, "real test": real.test_distances}, copies.copy_threshold,
                    f"{name}: distance to the nearest real train image").save(out / "nearest_distances.png")
    shutil.copy(generated_dir / "interpolation.png", out / "interpolation.png")

    fake_files = [path for _, path in read_image_set(generated_dir, "train")]
    turing_count = min(config.turing_count, len(real.train_files), len(fake_files))
    if turing_count < config.turing_count:
        log.info("%s: eval.turing_count %d capped to %d, the real train images there are", name, config.turing_count,
                 turing_count)
    page, key = make_sheet(real.train_files, fake_files, turing_count, config.seed,
                           f"Real or generated? {real.label}", name)
    (out / "turing.html").write_text(page, encoding="utf-8")
    write_json(key, out / "turing.key.json")
    return result


def fid_sets(generated: torch.Tensor, size: int, count: int) -> list[torch.Tensor]:
    """The first ``count`` disjoint sets of ``size`` generated feature rows."""
    return [generated[r * size:(r + 1) * size] for r in range(count)]


def repeat_fidelity(real: RealSets, generated_dir: Path, repeats: int, config: EvalConfig, features: Features,
                    first: dict[str, Any]) -> dict[str, Any]:
    """FID and KID against the original train images of each generator repeat's set and their spread over repeats.

    Repeat 0's numbers are those of ``first`` (its entry); repeat r's set is ``repeat<r>/`` of ``generated_dir``,
    cut into the same ``eval.fid_repeats`` sets and judged by the same helper, so the rows compare.
    """
    size = len(real.train_images)
    keys = {metric: fidelity_key(metric, "original") for metric in DISTANCES}
    rows = [{"repeat": 0, **{key: first[key] for key in keys.values()}}]
    for repeat in range(1, repeats):
        images, hashes = load_class_bytes(repeat_dir(generated_dir, repeat), real.label, "train")
        sets = fid_sets(features(images, hashes), size, config.fid_repeats)
        spreads = fidelity_over_sets(real.train, sets, config.kid_subsets, config.kid_subset_size, config.seed)
        rows.append({"repeat": repeat, **{key: spreads[metric].mean for metric, key in keys.items()}})
    result: dict[str, Any] = {"repeats": rows}
    for metric, key in keys.items():
        spread = Spread.of([row[key] for row in rows])
        result |= {over_repeats_key(metric, "original", "mean"): spread.mean,
                   over_repeats_key(metric, "original", "std"): spread.std}
    return result


def pair_grid(pairs: torch.Tensor, columns: int) -> torch.Tensor:
    """:func:`closest_pairs` as one image: generated images on top, their nearest train images below."""
    scale = max(1, MIN_CELL_PX // pairs.shape[-1])
    pairs = pairs.repeat_interleave(scale, dim=-2).repeat_interleave(scale, dim=-1)
    return make_grid(pairs, nrow=columns, padding=2, pad_value=255)


def evaluate_class(params: Params, label: str, features: Features, generated: Path, project: Path,
                   staging: Path, reference: ReferenceClassifier) -> dict[str, Any]:
    """The yardsticks and both generators of one failure class."""
    real = RealSets.load(label, project, features)
    k = params.eval.prdc_k
    test_images = load_class_bytes(Layout(project).prepared, label, "test")[0]
    untrained = untrained_images(params, len(real.train_images))
    untrained_features = features(untrained)
    result = {"real_test": judge(real, [real.test], params.eval) | class_fidelity(real, [real.test], test_images,
                                                                                    reference, k),
              "untrained": judge(real, [untrained_features], params.eval) | class_fidelity(real, [untrained_features],
                                                                                            untrained, reference, k)}
    for source in params.gan.sources:
        name = generator_name(label, source)
        result[source] = evaluate_generator(real, generated / name, params.eval, features, staging / name, reference)
        if params.gan.repeats > 1:
            result[source] |= repeat_fidelity(real, generated / name, params.gan.repeats, params.eval, features,
                                              result[source])
        verdict = judge_generator(result[source], result["real_test"], params.eval.verdict, result["untrained"])
        result[source] |= {"verdict": verdict.name, "verdict_reasons": verdict.reasons}
        (log.warning if verdict.name == "collapsed" else log.info)("%s: %s", name, verdict.line())
    return result


def log_runs(params: Params, results: dict[str, dict[str, Any]], out: Path, models: Path, project: Path) -> None:
    """One MLflow run per generator in ``gan-eval``, tagged with its training run, metrics and pictures."""
    import mlflow  # slow to import: only once the work is done

    use_experiment("gan-eval", project)
    commit = git_commit(project)
    for label, kinds in results.items():
        for source in params.gan.sources:
            name = generator_name(label, source)
            trained = models / name / TRAINING_RUN_FILE
            training_run = read_json(trained).get("run_id", "unknown") if trained.exists() else "unknown"
            tags = {"stage": "evaluate_gan", "class": label, "source": source, "seed": str(params.eval.seed),
                    "git_commit": commit, "dvc_stage": "evaluate_gan", "training_run_id": training_run,
                    "verdict": kinds[source]["verdict"]}
            with mlflow.start_run(run_name=f"eval-{name}", tags=tags):
                mlflow.log_params(flatten({"eval": params.eval.model_dump(mode="json")}))
                metrics = {key: value for key, value in kinds[source].items() if isinstance(value, float)}
                for yardstick in ("real_test", "untrained"):
                    metrics |= {f"{yardstick}_{key}": kinds[yardstick][key] for key in fidelity_keys(std=False)}
                    metrics |= {f"{yardstick}_{metric}": kinds[yardstick][metric]
                                for metric in ("gan_test", *PRDC_NAMES)}
                mlflow.log_metrics(metrics)
                for picture in sorted((out / name).glob("*.png")) + [out / name / "turing.html"]:
                    mlflow.log_artifact(str(picture))


def check_generated_counts(params: Params, prepared: Path, generated: Path, origin: Path) -> None:
    """Fail before any featurising when ``eval.fid_repeats`` sets cannot be cut from the generated images.

    Only manifests are read (milliseconds); the same check inside :func:`evaluate_generator` would come
    after minutes of Inception features.
    """
    for label in params.gan.classes:
        train = sum(row.label == label for row, _ in read_image_set(prepared, "train"))
        try:
            check_fid_sets(params, label, train)
        except ValueError as exc:
            raise ParamsError(f"{origin}: {exc}") from None
        for source in params.gan.sources:
            for repeat in range(params.gan.repeats):
                folder = repeat_dir(generated / generator_name(label, source), repeat)
                have = sum(row.label == label for row, _ in read_image_set(folder, "train"))
                if have < params.eval.fid_repeats * train:
                    raise InputDataError(f"{folder}: {have} generated images, eval.fid_repeats sets need "
                                         f"{params.eval.fid_repeats * train} (rerun `bsgan generate` after raising "
                                         "generate.count)")


def run(args: argparse.Namespace) -> None:
    params = load_params(args.params)
    project = args.params.parent
    generated = [repeat_dir(args.generated / generator_name(label, source), repeat)
                 for label in params.gan.classes for source in params.gan.sources
                 for repeat in range(params.gan.repeats)]
    for folder in (Layout(project).prepared, Layout(project).augmented, *generated):
        if not (folder / "manifest.csv").exists():
            raise InputDataError(f"{folder}: not found (run `dvc repro` first)")
    check_generated_counts(params, Layout(project).prepared, args.generated, args.params)
    features = Features(torch_device(params.eval.device), Layout(project).feature_cache)
    reference = reference_classifier(Layout(project).prepared, params.eval.reference, params.eval.seed,
                                     params.eval.device, Layout(project).reference_cache)
    results: dict[str, dict[str, Any]] = {}
    with atomic_directory(args.out, inputs=[args.generated, args.models, Layout(project).prepared]) as staging:
        for label in params.gan.classes:
            log.info("%s: featurising and judging", label)
            features.what = f"{label}: Inception features"
            results[label] = evaluate_class(params, label, features, args.generated, project, staging, reference)
        rows = table_rows(results)
        (staging / "fidelity.md").write_text(to_markdown(rows), encoding="utf-8")
        (staging / "fidelity.csv").write_text(to_csv(rows), encoding="utf-8")
    write_json(results, args.metrics)
    log.info("FID/KID per generator:\n%s", to_markdown(rows))
    log_runs(params, results, args.out, args.models, project)
