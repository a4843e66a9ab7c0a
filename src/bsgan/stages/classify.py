"""``bsgan classify --task NAME``: one classification task, trained ``classify.repeats`` times.

The task's train set is composed per its ``tasks.definitions`` entry (:mod:`bsgan.data.tasks`) after a
validation share of each class's real train images is held out; the test set is always the real test
split. Seeds ``0..repeats-1`` fix each repeat's initialisation and batch order.

Writes ``models/classify/<task>/``: ``results.json`` (composition, the test images' class indices, every
repeat's test scores and per-image predictions (for the bootstrap over test images), mean, std and
confidence interval of every metric) and ``seed<N>.pt`` per repeat: a self-describing classifier file
(:mod:`bsgan.models.classifier.classifier_file`) that ``bsgan predict`` and ``bsgan export`` load without
``params.yaml``. MLflow: experiment
``classify``, a parent run per task with the aggregate and a child run per repeat with its curves,
scores, confusion matrix and model. Finished repeats stay in ``checkpoints/classify/<task>/`` under a
fingerprint of the task's exact images and settings: a killed run goes on where it stopped, more
``classify.repeats`` train only the new seeds, and a rerun whose images did not change (task 1 after
a GAN changed) trains nothing.

With ``gan.repeats`` R > 1 a task that draws from a generator (``gan_original``, ``gan_classical``) trains
seed s on the images of generator repeat ``s % R`` (``data/generated/<generator>/repeat<r>/``; repeat 0 is
the folder itself): its train set is composed once per repeat in use, each seed's json and its entry in
``results.json`` name the ``generator_repeat`` it saw, and each repeat's seeds are kept in their own folder
(``repeat<r>/`` of the task's checkpoints) under the fingerprint of that repeat's images. The seed
intervals of such a task then hold the generator's randomness as well as the classifier's; tasks
without generated images, and every task with ``gan.repeats: 1``, train and write what they did before.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import shutil
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytorch_lightning as pl
import torch
from pytorch_lightning.loggers import MLFlowLogger
from torchvision.transforms.v2.functional import pil_to_tensor

from bsgan.config import ClassifyConfig, Params, TaskDefinition, load_params
from bsgan.data.images import open_rgb
from bsgan.data.prepared import read_image_set
from bsgan.data.tasks import classical_augmenter, compose, hold_out, plan
from bsgan.data.tensors import load_class_bytes
from bsgan.errors import GeneratorCollapsed, InputDataError, ParamsError
from bsgan.io.atomic import atomic_directory
from bsgan.io.fingerprint import fingerprint, resume_or_reset
from bsgan.io.json_file import read_json, write_json
from bsgan.io.lock import exclusive_lock
from bsgan.io.output_rule import claim_folder
from bsgan.layout import RESULTS_FILE, TRAINING_RUN_FILE, Layout, generator_name, repeat_dir
from bsgan.metrics.classification import metric_names
from bsgan.metrics.statistics import interval
from bsgan.models.classifier.classifier_file import FORMAT as CLASSIFIER_FORMAT
from bsgan.models.classifier.classifier_file import ClassifierInfo, data_hash, save_classifier
from bsgan.models.classifier.tracking import ChildRun, ClassifyRuns
from bsgan.models.classifier.training import LabelledImages, TrainedClassifier, train_classifier
from bsgan.progress import Progress
from bsgan.runtime import share_threads, worker_threads

log = logging.getLogger(__name__)
GAN_SOURCES = {"gan_original": "original", "gan_classical": "classical"}
"""Task sources drawn from a generator, and the train set that generator learnt from."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--task", required=True, help="a key of tasks.definitions, e.g. t1_original")
    parser.add_argument("--generated", type=Path, default=Path("data/generated"), help="generated image sets")
    parser.add_argument("--gan-models", type=Path, default=Path("models/gan"),
                        help="trained generators (for run links)")
    parser.add_argument("--gan-metrics", type=Path, default=Path("metrics/gan.json"),
                        help="evaluate-gan's verdict on each generator (a task refuses a collapsed one)")
    parser.add_argument("--out", type=Path, default=Path("models/classify"), help="one folder per task")
    parser.add_argument("--checkpoints", type=Path, default=Path("checkpoints/classify"),
                        help="finished repeats, reused while data and settings match")
    parser.add_argument("--restart", action="store_true", help="ignore finished repeats of an earlier run")


@dataclass(frozen=True)
class TaskData:
    """Everything one task trains and is tested on."""

    classes: list[str]
    train: LabelledImages
    val: LabelledImages | None
    test: LabelledImages
    composition: dict[str, dict[str, int]]
    """Train images per class and source, e.g. ``{"rust": {"real": 115, "gan_original": 585}}``."""
    generators: list[str]
    """Generators whose images the task uses, e.g. ``["rust-original"]``."""
    generator_repeat: int = 0
    """The repeat of those generators (``gan.repeats``) whose images the train set holds."""


def _stack(parts: dict[str, torch.Tensor], classes: list[str]) -> LabelledImages:
    labels = torch.cat([torch.full((len(parts[c]),), i, dtype=torch.long) for i, c in enumerate(classes) if c in parts])
    return LabelledImages(torch.cat([parts[c] for c in classes if c in parts]), labels)


def uses_generators(task: TaskDefinition) -> bool:
    """Whether ``task`` draws images from a generator (its seeds then follow the generator repeats)."""
    return any(part.source in GAN_SOURCES for part in task.parts)


def generator_repeat(seed: int, repeats: int) -> int:
    """The generator repeat whose images classifier seed ``seed`` trains on, of ``repeats`` (``gan.repeats``)."""
    return seed % repeats


def seed_repeats(params: Params, name: str) -> dict[int, int]:
    """Each seed of task ``name`` and its generator repeat: ``seed % gan.repeats`` for a task that uses generators,
    0 for one that uses none."""
    repeats = params.gan.repeats if uses_generators(params.tasks.definitions[name]) else 1
    return {seed: generator_repeat(seed, repeats) for seed in range(params.classify.repeats)}


def failure_pools(task: TaskDefinition, label: str, real: torch.Tensor, held_files: set[str],
                  real_hashes: set[str], project: Path, generated: Path, repeat: int = 0) -> dict[str, torch.Tensor]:
    """The images each source of ``task`` offers for failure class ``label``, in file order (a generator's
    from its repeat ``repeat``)."""
    pools = {"real": real}
    for source in {part.source for part in task.parts} - {"real", "augment"}:
        if source == "classical":
            # classical copies (not the originals); copies of held-out validation images are left out with them
            paths = [path for row, path in read_image_set(Layout(project).augmented, "train")
                     if row.label == label and row.sha256 not in real_hashes and row.source not in held_files]
            pools[source] = torch.stack([pil_to_tensor(open_rgb(path)) for path in paths]) if paths else real[:0]
        else:
            folder = repeat_dir(generated / generator_name(label, GAN_SOURCES[source]), repeat)
            if not (folder / "manifest.csv").exists():
                raise InputDataError(f"{folder}: not found; task sources {source} need a generator of {label!r} "
                                     f"(is it in gan.classes? run `dvc repro`)")
            pools[source] = load_class_bytes(folder, label)[0]
    return pools


def load_task_data(params: Params, name: str, project: Path, generated: Path, repeat: int = 0) -> TaskData:
    """Compose task ``name``'s train set (generated images from generator repeat ``repeat``) and hold out its
    validation images."""
    task = params.tasks.definitions[name]
    config = params.classify
    prepared = Layout(project).prepared
    rows = read_image_set(prepared, "train")
    classes = sorted({row.label for row, _ in rows})
    train: dict[str, torch.Tensor] = {}
    val: dict[str, torch.Tensor] = {}
    composition: dict[str, dict[str, int]] = {}
    generators: set[str] = set()
    for label in classes:
        images, hashes = load_class_bytes(prepared, label)
        files = [row.file for row, _ in rows if row.label == label]
        keep, held = hold_out(len(images), config.val_fraction, label, config.split_seed)
        val[label] = images[held]
        if label == params.data.intact_class:
            train[label], composition[label] = images[keep], {"real": len(keep)}
            continue
        pools = failure_pools(task, label, images[keep], {files[i] for i in held}, set(hashes), project, generated,
                              repeat)
        portions = plan(task, label, {source: len(pool) for source, pool in pools.items()},
                        params.tasks.target_per_class)
        train[label] = compose(portions, pools, classical_augmenter(params.augment, label, config.split_seed))
        composition[label] = {portion.source: portion.count for portion in portions}
        generators |= {generator_name(label, GAN_SOURCES[p.source])
                       for p in portions if p.source in GAN_SOURCES and p.count}
    tests = {label: load_class_bytes(prepared, label, "test")[0] for label in classes}
    held_out = _stack(val, classes) if sum(len(v) for v in val.values()) else None
    return TaskData(classes, _stack(train, classes), held_out, _stack(tests, classes), composition, sorted(generators),
                    repeat)


def crop_side(prepared: Path) -> int | None:
    """Median side of the prepared train crops in photo pixels: the scale a scan of a whole photo must use."""
    sides = [row.box_right - row.box_left for row, _ in read_image_set(prepared, "train")
             if row.box_left is not None and row.box_right is not None]
    return int(statistics.median(sides)) if sides else None


def task_fingerprint(params: Params, name: str, data: TaskData) -> str:
    """What a repeat's result depends on: the training settings and the exact images."""
    settings = params.classify.model_dump(mode="json", exclude={"repeats", "device", "confidence", "workers",
                                                                    "bootstrap_resamples", "bootstrap_seed"})
    # the file format too: repeats saved in an older format are trained again, not copied on
    parts = [tensor for part in (data.train, data.val, data.test) if part is not None
             for tensor in (part.images, part.labels)]
    return fingerprint([settings, name, data.classes, CLASSIFIER_FORMAT], *parts)


def summary(repeats: list[dict[str, Any]], classes: list[str], confidence: float) -> dict[str, dict[str, Any]]:
    """Mean, std and confidence interval of every metric over the repeats."""
    result = {}
    for metric in metric_names(classes):
        spread = interval([repeat["scores"][metric] for repeat in repeats], confidence)
        result[metric] = {"mean": spread.mean, "std": spread.std, "ci_low": spread.low, "ci_high": spread.high,
                          "n": spread.n}
    return result


class _EpochTicks(pl.Callback):
    """Advances the stage's progress by one epoch at the end of each training epoch."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self.progress.update()


def _timed_training(data: TaskData, config: ClassifyConfig, seed: int, logger: MLFlowLogger,
                    callbacks: Sequence[pl.Callback] = ()) -> tuple[TrainedClassifier, float]:
    start = time.perf_counter()
    trained = train_classifier(data.train, data.val, data.test, data.classes, config, seed, logger, callbacks)
    return trained, time.perf_counter() - start


def train_seeds(data: Mapping[int, TaskData], config: ClassifyConfig, runs: ClassifyRuns,
                keep: Callable[[ChildRun, TrainedClassifier, float], None], what: str = "classify") -> None:
    """Train each seed of ``data`` on its task data, one after another or ``classify.workers`` at a time in
    processes; ``keep`` each as it ends.

    One small CNN cannot fill many cores or a GPU; several repeats at once can. Each worker gets an
    equal share of the cores; every repeat still logs its curves into its own MLflow child run.
    """
    seeds = list(data)
    if not seeds:
        return
    progress = Progress(len(seeds) * config.epochs, f"{what} ({len(seeds)} repeats)", unit="epoch")
    if config.workers == 1 or len(seeds) < 2:
        with progress:
            for seed in seeds:
                with runs.child(seed) as child:
                    keep(child, *_timed_training(data[seed], config, seed, child.logger, [_EpochTicks(progress)]))
        return
    workers = min(config.workers, len(seeds))
    children: dict[int, ChildRun] = {}
    # The workers share this process's thread budget (--threads, BSGAN_THREADS or the usable cores).
    with progress, ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=worker_threads, initargs=(share_threads(workers),)) as pool:
        try:
            futures = {}
            for seed in seeds:
                children[seed] = runs.open_child(seed)
                futures[pool.submit(_timed_training, data[seed], config, seed, children[seed].logger)] = seed
            for future in as_completed(futures):
                seed = futures[future]
                keep(children[seed], *future.result())
                runs.close_child(children.pop(seed))
                progress.update(config.epochs)
        except BaseException as error:
            pool.shutdown(cancel_futures=True)
            for child in children.values():
                runs.close_child(child, error)
            raise


def run_task(params: Params, name: str, args: argparse.Namespace, project: Path) -> dict[str, Any]:
    config = params.classify
    repeat_of = seed_repeats(params, name)
    with_repeats = params.gan.repeats > 1 and uses_generators(params.tasks.definitions[name])
    # composed once per generator repeat in use (seed 0 always uses repeat 0, the set of gan.repeats: 1)
    tasks = {repeat: load_task_data(params, name, project, args.generated, repeat)
             for repeat in sorted(set(repeat_of.values()))}
    data = tasks[0]
    verdicts = generator_verdicts(params, name, data.generators, args.gan_metrics)
    log.info("%s: train %s, validation %d, test %d", name,
             ", ".join(f"{label} {sum(parts.values())}" for label, parts in data.composition.items()),
             len(data.val) if data.val is not None else 0, len(data.test))
    if with_repeats:
        log.info("%s: seeds %s train on generator repeats %s (gan.repeats %d)", name, list(repeat_of),
                 list(repeat_of.values()), params.gan.repeats)
    inputs = [args.generated, args.gan_models, Layout(project).prepared, Layout(project).augmented]
    claim_folder(args.out / name, inputs)  # refuse before the training, not after
    work = args.checkpoints / name
    for repeat, task in tasks.items():  # repeat 0 first: its folder holds the others'
        resume_or_reset(repeat_dir(work, repeat), task_fingerprint(params, name, task), restart=args.restart)
    runs_of = {repeat: generator_runs(args.gan_models, task.generators, repeat) for repeat, task in tasks.items()}
    training_runs = runs_of[0]
    runs = ClassifyRuns(project, params, name, data.composition, training_runs, work)
    if with_repeats:
        listed = {repeat: ",".join(f"{gen}:{run}" for gen, run in sorted(found.items())) or "none"
                  for repeat, found in runs_of.items()}
        runs.seed_tags = {seed: {"generator_repeat": str(repeat), "generator_runs": listed[repeat]}
                          for seed, repeat in repeat_of.items()}
    hashes = {repeat: data_hash(task.train.images, task.train.labels) for repeat, task in tasks.items()}
    side = crop_side(Layout(project).prepared)

    def seed_file(seed: int, suffix: str) -> Path:
        return repeat_dir(work, repeat_of[seed]) / f"seed{seed}{suffix}"

    def keep(child: ChildRun, trained: TrainedClassifier, seconds: float) -> None:
        intact = params.data.intact_class if params.data.intact_class in data.classes else None
        info = ClassifierInfo(data.classes, data.train.images.shape[-1], config.width, name, child.seed,
                              hashes[repeat_of[child.seed]], intact, side)
        save_classifier(trained.network, info, seed_file(child.seed, ".pt"))
        child.finish(trained.scores, data.classes, seed_file(child.seed, ".pt"))
        record = {"seed": child.seed, "epoch": trained.epoch, "seconds": round(seconds, 2), "run_id": child.run_id,
                  "scores": trained.scores, "predictions": trained.predictions}
        if with_repeats:
            record["generator_repeat"] = repeat_of[child.seed]
        write_json(record, seed_file(child.seed, ".json"))
        log.info("%s seed %d: macro F1 %.3f, accuracy %.3f (%.0f s)", name, child.seed, trained.scores["macro_f1"],
                 trained.scores["accuracy"], seconds)

    # a repeat finished before per-image predictions were kept is trained again
    pending = [seed for seed in range(config.repeats)
               if not seed_file(seed, ".json").exists() or "predictions" not in read_json(seed_file(seed, ".json"))]
    train_seeds({seed: tasks[repeat_of[seed]] for seed in pending}, config, runs, keep, name)
    repeats = [read_json(seed_file(seed, ".json")) for seed in range(config.repeats)]
    if with_repeats:  # a seed kept from a run of gan.repeats 1 trained on repeat 0, as it would now
        repeats = [record | {"generator_repeat": repeat_of[seed]} for seed, record in enumerate(repeats)]

    result = {"task": name, "title": params.tasks.definitions[name].title, "classes": data.classes,
              "test_labels": data.test.labels.tolist(),
              "composition": data.composition, "generators": training_runs, "generator_verdicts": verdicts,
              "parent_run_id": runs.parent_id,
              "summary": summary(repeats, data.classes, config.confidence), "repeats": repeats}
    if with_repeats:
        result["generator_repeats"] = params.gan.repeats
    with atomic_directory(args.out / name, inputs=inputs) as staging:
        write_json(result, staging / RESULTS_FILE)
        for seed in range(config.repeats):
            shutil.copy(seed_file(seed, ".pt"), staging / f"seed{seed}.pt")
    runs.finish(result["summary"])
    return result


def generator_verdicts(params: Params, name: str, generators: list[str], metrics: Path) -> dict[str, str]:
    """evaluate-gan's verdict on each generator task ``name`` reads; a collapsed one fails the task in one line
    unless ``tasks.allow_collapsed``."""
    if not generators:
        return {}
    if not metrics.exists():
        raise InputDataError(f"{metrics}: not found; task {name} learns from generated images and needs "
                             "evaluate-gan's verdict on each generator (run `bsgan evaluate-gan` or `dvc repro`)")
    judged = read_json(metrics)
    verdicts = {}
    for generator in generators:
        label, source = generator.rsplit("-", 1)
        entry = judged.get(label, {}).get(source, {})
        if "verdict" not in entry:
            raise InputDataError(f"{metrics}: no verdict for generator {generator} (rerun `bsgan evaluate-gan`)")
        verdicts[generator] = entry["verdict"]
        if entry["verdict"] == "collapsed" and not params.tasks.allow_collapsed:
            reasons = "; ".join(entry.get("verdict_reasons", []))
            raise GeneratorCollapsed(f"task {name}: generator {generator} collapsed ({reasons}); its images would "
                                     "make the task a finding about a broken generator (retrain it, or set "
                                     "tasks.allow_collapsed: true)")
        if entry["verdict"] != "usable":
            log.warning("%s: learns from generator %s, judged %s", name, generator, entry["verdict"])
    return verdicts


def generator_runs(models: Path, generators: list[str], repeat: int) -> dict[str, str]:
    """The MLflow run that trained repeat ``repeat`` of each generator, where its folder names one."""
    files = {gen: repeat_dir(models / gen, repeat) / TRAINING_RUN_FILE for gen in generators}
    return {gen: read_json(file).get("run_id", "unknown") for gen, file in files.items() if file.exists()}


def run(args: argparse.Namespace) -> None:
    params = load_params(args.params)
    project = args.params.parent
    if args.task not in params.tasks.definitions:
        raise ParamsError(f"--task {args.task!r}: not in tasks.definitions ({', '.join(params.tasks.definitions)})")
    if not (Layout(project).prepared / "manifest.csv").exists():
        raise InputDataError(f"{Layout(project).prepared}: not found (run `dvc repro` first)")
    with exclusive_lock(args.checkpoints / f"{args.task}.lock", f"classifying {args.task}"):
        result = run_task(params, args.task, args, project)
    macro = result["summary"]["macro_f1"]
    if macro["n"] < 2:
        log.info("%s: macro F1 %.3f (one repeat: a confidence interval needs classify.repeats >= 2 seeds)",
                 args.task, macro["mean"])
    else:
        log.info("%s: macro F1 %.3f (%.0f%% CI %.3f-%.3f over %d repeats)", args.task, macro["mean"],
                 100 * params.classify.confidence, macro["ci_low"], macro["ci_high"], macro["n"])
