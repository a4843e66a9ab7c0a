"""``bsgan train-gan --class C --source S``: train one GAN (``gan.architecture``) on one failure class.

``--source original`` trains on the prepared train split, ``classical`` on the classically augmented
set. A killed run resumes from its last checkpoint on the next call (``--restart`` discards it); the
checkpoint folder remembers what it was trained on, so changed params or data start afresh.

With ``gan.pretrain_loops`` the GAN fine-tunes from one trained on the intact class first (cached, shared by
every failure class); with ``gan.classical_from_original`` the classical-set GAN fine-tunes from the
original-set GAN in ``models/gan/<class>-original``.

With ``gan.repeats`` R > 1 the stage trains R generators, repeat r with seed ``gan.seed + r`` and otherwise
the same recipe (each exactly the generator ``gan.seed: seed + r`` alone would train; a classical-set repeat
fine-tunes from the original-set repeat of the same r), one MLflow run each (tag ``repeat``). Repeat 0 is
the generator of ``gan.repeats: 1``, at the top of ``models/gan/<name>/`` with its curves in ``plots/``;
repeat r >= 1 writes the same files and its two curves into ``models/gan/<name>/repeat<r>/``. Each repeat
trains in its own folder under ``checkpoints/gan/<name>/`` and is kept there when it finishes, so a killed
run trains only the unfinished repeats again; the out is written once, when all are done.

A collapse (the fidelity probe's bounds in ``eval.verdict``, or the loss curve's) follows ``gan.on_collapse``:
``restart`` trains the repeat again with its next seed (``GanConfig.for_repeat``), at most
``gan.collapse_restarts`` times, then stops; ``stop`` fails the stage in one line with the evidence; ``warn``
keeps the generator. Every attempt is listed in ``training_run.json`` (``attempts``) and tagged on its MLflow
run. The collapsed attempts are remembered in ``checkpoints/gan/<name>.attempts.json`` (repeat r:
``<name>-repeat<r>.attempts.json``), so a killed run goes on with the attempt it was at.
"""

from __future__ import annotations

import argparse
import logging
import shutil
from pathlib import Path

import pytorch_lightning as pl
import torch

from bsgan.callbacks.fidelity_probe import PROBE_COLUMNS, CollapseWatch, FidelityProbe
from bsgan.callbacks.gan_progress import CSV_COLUMNS, GanProgress, sample_grid, truncate_curve
from bsgan.config import GanConfig, Params, load_params
from bsgan.data.tensors import load_class_bytes, load_class_images
from bsgan.errors import GeneratorCollapsed, InputDataError, ParamsError
from bsgan.io.atomic import atomic_directory
from bsgan.io.fingerprint import fingerprint, resume_or_reset
from bsgan.io.json_file import read_json, write_json
from bsgan.io.lock import exclusive_lock
from bsgan.io.output_rule import claim_folder
from bsgan.layout import (
    CHECKPOINT_FILE,
    GAN_SOURCES,
    GENERATOR_FILE,
    SKIPPED_FILE,
    TRAINING_RUN_FILE,
    Layout,
    generator_name,
    repeat_dir,
    repeat_name,
)
from bsgan.metrics.feature_fidelity import feature_fidelity
from bsgan.metrics.features import cached_features, real_train_features
from bsgan.metrics.inception import InceptionFeatures
from bsgan.models.classifier.reference import reference_classifier
from bsgan.models.dcgan.generator_file import save_generator
from bsgan.models.dcgan.pretrain import pretrained_state
from bsgan.models.dcgan.training import LAST_CHECKPOINT, fit, gan_module
from bsgan.runtime import resolve_accelerator
from bsgan.tracking import flatten, mlflow_logger

log = logging.getLogger(__name__)
FINISHED = "finished"
"""A repeat's work folder keeps its outputs here once it has trained, until every repeat has."""
OUT_FILES = (GENERATOR_FILE, CHECKPOINT_FILE, "samples.png", TRAINING_RUN_FILE)
"""What every repeat writes into its folder of ``models/gan/<name>/``."""
CURVE_FILES = ("loss_curve.csv", "fidelity_curve.csv")
"""A repeat's loss curve and probe curve; repeat 0's are ``plots/gan/<name>.csv`` and ``plots/gan_fidelity/``."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--class", dest="label", required=True, help="failure class to learn")
    parser.add_argument("--source", choices=GAN_SOURCES, required=True, help="train images: prepared or augmented")
    parser.add_argument("--restart", action="store_true", help="ignore an existing checkpoint and start afresh")
    parser.add_argument("--models", type=Path, default=Path("models/gan"), help="final generators")
    parser.add_argument("--checkpoints", type=Path, default=Path("checkpoints/gan"),
                        help="checkpoints of unfinished runs")
    parser.add_argument("--plots", type=Path, default=Path("plots/gan"), help="loss curves (CSV)")
    parser.add_argument("--fidelity-plots", type=Path, default=Path("plots/gan_fidelity"),
                        help="FID/KID during training (CSV; with gan.eval_every > 0)")


def cpu_threads(config: GanConfig) -> int | None:
    """The CPU thread count when the math runs on the CPU: it changes the weights (reduction order), so it is
    part of what a checkpoint was trained with; ``None`` on a GPU."""
    return torch.get_num_threads() if resolve_accelerator(config.device) == "cpu" else None


def checkpoint_fingerprint(config: GanConfig, label: str, source: str, images: torch.Tensor,
                           start: dict[str, torch.Tensor] | None = None) -> str:
    """What a checkpoint was trained from (images, recipe, starting weights); a resume needs the same (a resume
    with another CPU thread count would not give the generator an uninterrupted run gives)."""
    weights = [part for name, tensor in sorted((start or {}).items()) for part in (name, tensor)]
    return fingerprint([config.recipe(), label, source, cpu_threads(config)], images, *weights)


def starting_state(params: Params, label: str, source: str, args: argparse.Namespace,
                   project: Path, repeat: int = 0) -> dict[str, torch.Tensor] | None:
    """The weights fine-tuning starts from, or None to train from scratch."""
    config = params.gan
    if source == "classical" and config.classical_from_original:
        original = repeat_dir(args.models / generator_name(label, "original"), repeat) / CHECKPOINT_FILE
        if not original.exists():
            raise InputDataError(f"{original}: not found; gan.classical_from_original fine-tunes from the original-set "
                                 f"GAN (train it first: bsgan train-gan --class {label} --source original)")
        return torch.load(original, map_location="cpu", weights_only=False)["state_dict"]
    if config.pretrain_loops:
        intact = load_class_images(Layout(project).prepared, params.data.intact_class)
        log.info("pretraining on %d %s images for %d loops (cached)", len(intact), params.data.intact_class,
                 config.pretrain_loops)
        return pretrained_state(intact, config, Layout(project).pretrain_cache)
    return None


def train(params: Params, label: str, source: str, args: argparse.Namespace, project: Path) -> Path:
    """Train the ``gan.repeats`` generators of one class and source and write them as one out."""
    images = load_class_images(Layout(project).train_set(source), label)
    name = generator_name(label, source)
    claim_folder(args.models / name, [Layout(project).train_set(source)])  # refuse before the training, not after
    finished = [train_repeat(params, label, source, repeat, images, args, project)
                for repeat in range(params.gan.repeats)]
    curves = (args.plots / f"{name}.csv", args.fidelity_plots / f"{name}.csv")
    for kept, curve in zip(CURVE_FILES, curves, strict=True):  # repeat 0's curves as it finished (even if
        curve.parent.mkdir(parents=True, exist_ok=True)            # it did so in an earlier, killed run)
        shutil.copy(finished[0] / kept, curve)
    with atomic_directory(args.models / name, inputs=[Layout(project).train_set(source)]) as staging:
        for repeat, done in enumerate(finished):
            out = repeat_dir(staging, repeat)
            out.mkdir(exist_ok=True)
            for file in OUT_FILES + (CURVE_FILES if repeat else ()):
                shutil.copy(done / file, out / file)
    collapses = [read_json(done / TRAINING_RUN_FILE).get("collapse") for done in finished]
    shutil.rmtree(args.checkpoints / name)  # finished: the full checkpoints now live beside the generators
    for repeat in range(params.gan.repeats):
        attempts_file(args, label, source, repeat).unlink(missing_ok=True)
    for repeat, collapse in enumerate(collapses):  # said when it happened; said again where the run's end is read
        if collapse:
            log.warning("%s: finished, but %s", repeat_name(name, repeat), collapse)
    return args.models / name


def attempts_file(args: argparse.Namespace, label: str, source: str, repeat: int) -> Path:
    """Where the collapsed attempts of one repeat are remembered until its out is written."""
    name = generator_name(label, source) + (f"-repeat{repeat}" if repeat else "")
    return args.checkpoints / f"{name}.attempts.json"


def train_repeat(params: Params, label: str, source: str, repeat: int, images: torch.Tensor,
                 args: argparse.Namespace, project: Path) -> Path:
    """Train repeat ``repeat`` under the collapse policy (``gan.on_collapse``); its folder of outputs."""
    policy = params.gan.on_collapse
    record = attempts_file(args, label, source, repeat)
    base = checkpoint_fingerprint(params.gan.for_repeat(repeat), label, source, images)
    earlier = read_json(record) if record.exists() and not args.restart else {}
    collapsed: list[dict] = (earlier.get("collapsed", []) if earlier.get("fingerprint") == base and policy != "warn"
                             else [])
    tries = params.gan.collapse_restarts + 1 if policy == "restart" else 1
    name = repeat_name(generator_name(label, source), repeat)
    for attempt in range(len(collapsed), tries):
        if attempt:
            log.warning("%s: attempt %d of %d with seed %d after a collapse", name, attempt + 1, tries,
                        params.gan.for_repeat(repeat, attempt).seed)
        done, collapse = train_attempt(params, label, source, repeat, attempt, images, args, project,
                                       restart=args.restart and attempt == 0, earlier=collapsed)
        if collapse is None or policy == "warn":
            return done
        collapsed.append({"attempt": attempt, "seed": params.gan.for_repeat(repeat, attempt).seed,
                          "collapse": collapse})
        write_json({"fingerprint": base, "collapsed": collapsed}, record)
        if policy == "stop":
            break
    evidence = collapsed[-1]["collapse"]
    raise GeneratorCollapsed(f"{name}: {evidence} (seed {collapsed[-1]['seed']}; gan.on_collapse: {policy}"
                             + (f", {len(collapsed)} seeds tried" if policy == "restart" else "")
                             + "; the generator was not written)")


def train_attempt(params: Params, label: str, source: str, repeat: int, attempt: int, images: torch.Tensor,
                  args: argparse.Namespace, project: Path, restart: bool,
                  earlier: list[dict]) -> tuple[Path, str | None]:
    """Train one attempt of a repeat unless it finished before: its folder of outputs and the collapse seen."""
    config = params.gan.for_repeat(repeat, attempt)
    params = params if config is params.gan else params.model_copy(update={"gan": config})
    name = repeat_name(generator_name(label, source), repeat)
    checkpoints = repeat_dir(args.checkpoints / generator_name(label, source), repeat)
    if repeat == 0:
        curve, probe_curve = args.plots / f"{name}.csv", args.fidelity_plots / f"{name}.csv"
    else:
        curve, probe_curve = (checkpoints / file for file in CURVE_FILES)
    start = starting_state(params, label, source, args, project, repeat)
    stamp = checkpoint_fingerprint(config, label, source, images, start)
    resume = resume_or_reset(checkpoints, stamp, restart=restart, needs=LAST_CHECKPOINT)
    if resume and (checkpoints / FINISHED / TRAINING_RUN_FILE).exists():
        log.info("%s: finished earlier (seed %d)", name, config.seed)
        return checkpoints / FINISHED, read_json(checkpoints / FINISHED / TRAINING_RUN_FILE).get("collapse")
    if not resume:
        curve.unlink(missing_ok=True)
        probe_curve.unlink(missing_ok=True)
    run_file = checkpoints / "mlflow_run_id.txt"
    tags = {"stage": "train_gan", "class": label, "source": source, "seed": str(config.seed), "repeat": str(repeat),
            "attempt": str(attempt), "dvc_stage": f"train_gan_{source}@{label}",
            "cpu_threads": str(cpu_threads(config) or "gpu")}
    run_id = run_file.read_text().strip() if resume and run_file.exists() else None
    logger = mlflow_logger("gan", project, tags, name, run_id)
    run_file.write_text(logger.run_id or "")
    if not resume:
        logger.log_hyperparams(flatten({"data": params.data.model_dump(mode="json"),
                                        "gan": config.model_dump(mode="json", exclude={"classes"})}))

    # The probe is built first: building it (GAN-test's reference classifier, cached or trained) must not move
    # the random state the networks start from, or watching a run would change the generator it trains.
    probe = [fidelity_probe(params, label, project, probe_curve)] if config.eval_every else []
    watched = probe[0] if probe else None
    if not config.eval_every and not probe_curve.exists():  # a declared DVC output: present, if empty, when off
        probe_curve.parent.mkdir(parents=True, exist_ok=True)
        probe_curve.write_text(",".join(PROBE_COLUMNS) + "\n")
    torch.manual_seed(config.seed)
    labels = config.labels_for(label)
    model = gan_module(images, config, labels.real, labels.fake)
    if start is not None:
        model.start_from(start)
    if resume:
        done = int(torch.load(checkpoints / LAST_CHECKPOINT, map_location="cpu", weights_only=False)["epoch"]) + 1
        truncate_curve(curve, done * model.loops_per_epoch)
        truncate_curve(probe_curve, done * model.loops_per_epoch)
        log.info("%s: resuming after loop %d of %d", name, done * model.loops_per_epoch, config.loops)
    progress = GanProgress(curve, config.log_every, name)
    callbacks: list[pl.Callback] = [progress, *probe]
    log.info("%s: %d loops on %s", name, config.loops,
             f"the CPU, {cpu_threads(config)} thread(s)" if cpu_threads(config) else "the GPU")
    fit(model, config, checkpoints, resume=resume, logger=logger, callbacks=callbacks)
    collapse = (watched.collapse.line() if watched and watched.collapse else None) or (
        progress.collapse.line() if progress.collapse else None)
    if collapse is not None:
        logger.experiment.set_tag(logger.run_id, "collapse", collapse[:5000])
        if config.on_collapse != "warn":
            logger.finalize("failed")
            return checkpoints, collapse

    with atomic_directory(checkpoints / FINISHED) as staging:
        save_generator(model.sampler, int(images.shape[-1]), config.generator_width, staging / GENERATOR_FILE)
        shutil.copy(checkpoints / LAST_CHECKPOINT, staging / CHECKPOINT_FILE)
        sample_grid(model).save(staging / "samples.png")
        record = {"experiment": "gan", "run_id": logger.run_id, "class": label, "source": source,
                  "collapse": collapse,
                  "attempts": [*earlier, {"attempt": attempt, "seed": config.seed, "collapse": collapse}]}
        if repeat or attempt:  # repeat 0's first attempt writes what a single generator always wrote
            record |= {"repeat": repeat, "seed": config.seed}
        write_json(record, staging / TRAINING_RUN_FILE)
        for kept, written in zip(CURVE_FILES, (curve, probe_curve), strict=True):
            shutil.copy(written, staging / kept)
        logger.experiment.log_artifact(logger.run_id, str(staging / GENERATOR_FILE), artifact_path="model")
        logger.experiment.log_artifact(logger.run_id, str(staging / "samples.png"))
        logger.finalize("success")
    return checkpoints / FINISHED, collapse


def fidelity_probe(params: Params, label: str, project: Path, curve: Path) -> FidelityProbe:
    """FID/KID, GAN-test, precision/recall and diversity during training against the class's real train images,
    each probe judged for a collapse against the real test split's row."""
    network = InceptionFeatures()
    config = params.gan
    layout = Layout(project)
    reference = reference_classifier(layout.prepared, params.eval.reference, params.eval.seed,
                                     config.device, layout.reference_cache)
    real = real_train_features(network, label, layout)
    test_images, test_hashes = load_class_bytes(layout.prepared, label, "test")
    test = cached_features(network, test_images, test_hashes, layout.feature_cache).double()
    floor = {"gan_test": reference.gan_test(test_images, label), **feature_fidelity(real, test, params.eval.prdc_k)}
    watch = CollapseWatch(floor, params.eval.verdict, stop=config.on_collapse != "warn")
    return FidelityProbe(network, real, config.eval_every, config.eval_count, config.seed, curve, (reference, label),
                         params.eval.prdc_k, watch)


def run(args: argparse.Namespace) -> None:
    params = load_params(args.params)
    project = args.params.parent
    if args.source not in params.gan.sources:
        skip(generator_name(args.label, args.source), args)
        return
    if not (Layout(project).train_set(args.source) / "manifest.csv").exists():
        raise InputDataError(f"{Layout(project).train_set(args.source)}: not found "
                             "(run `dvc repro` or `bsgan prepare`/`augment` first)")
    if args.label == params.data.intact_class:  # checked before the lock, which would leave its file behind
        raise ParamsError(f"--class {args.label!r} is data.intact_class; GANs are trained for failure classes only")
    name = generator_name(args.label, args.source)
    with exclusive_lock(args.checkpoints / f"{name}.lock", f"training {name}"):
        out = train(params, args.label, args.source, args, project)
    log.info("wrote %s", out)


def skip(name: str, args: argparse.Namespace) -> None:
    """Write the stage's declared outs for a source ``gan.sources`` leaves out: a marker, and empty curves."""
    reason = f"gan.sources leaves out {args.source}: no generator trained"
    for folder, columns in ((args.plots, CSV_COLUMNS), (args.fidelity_plots, PROBE_COLUMNS)):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.csv").write_text(",".join(columns) + "\n")
    with atomic_directory(args.models / name) as staging:
        write_json({"skipped": reason}, staging / SKIPPED_FILE)
    log.info("%s: %s", name, reason)
