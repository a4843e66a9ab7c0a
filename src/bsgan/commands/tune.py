"""``bsgan tune``: an Optuna study of one class's GAN settings, minimising KID (or FID) at a fixed budget.

    bsgan tune --class rust --source original --study rust-kid --trials 30
    bsgan tune --class rust --source original --study rust-kid --trials 30 --storage postgresql://...   # more workers
    bsgan tune --class rust --source original --study rust-kid --export-best params.yaml

Each trial trains the GAN for ``tune.loops`` loops with settings drawn from ``tune.space`` (seeded TPE),
judging it every ``tune.report_every`` loops so the pruner can stop a poor trial early. Start the
command several times against the same study and storage and the workers share it. Every trial is a
child MLflow run of the study's run in experiment ``tune``; the study's plots land there too.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import optuna
from optuna.trial import TrialState

from bsgan.config import Params, TuneConfig, load_params
from bsgan.data.tensors import load_class_images
from bsgan.errors import InputDataError, ParamsError
from bsgan.layout import GAN_SOURCES, Layout, generator_name
from bsgan.metrics.features import real_train_features
from bsgan.metrics.inception import InceptionFeatures
from bsgan.progress import Progress
from bsgan.runtime import share_threads, worker_threads
from bsgan.tracking import flatten
from bsgan.tune import space
from bsgan.tune.export import export_best
from bsgan.tune.objective import Study, TrialFailed, run_trial
from bsgan.tune.plots import write_plots
from bsgan.tune.runs import StudyRuns
from bsgan.tune.storage import open_storage, storage_url

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--class", dest="label", required=True, help="failure class whose GAN is tuned")
    parser.add_argument("--source", choices=GAN_SOURCES, default="original", help="the GAN's train set")
    parser.add_argument("--study", required=True, help="study name (workers with the same name and storage cooperate)")
    parser.add_argument("--trials", type=int, default=0, help="trials this worker runs (default: %(default)s)")
    parser.add_argument("--timeout", type=float, help="seconds after which this worker starts no new trial")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes on this machine, each running --trials, sharing this process's "
                             "CPU threads (default: %(default)s)")
    parser.add_argument("--storage",
                        help="database URL or journal file (default: $OPTUNA_STORAGE, else optuna.journal)")
    parser.add_argument("--export-best", type=Path, metavar="PARAMS",
                        help="write the best trial's settings into this params file (or a new override file)")


def sampler(tune: TuneConfig, seed: int) -> optuna.samplers.BaseSampler:
    if tune.sampler == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    # constant_liar: a worker counts the others' running trials as bad, so parallel workers spread out
    return optuna.samplers.TPESampler(seed=seed, n_startup_trials=tune.startup_trials, constant_liar=True)


def pruner(tune: TuneConfig) -> optuna.pruners.BasePruner:
    if tune.pruner == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=tune.startup_trials,
                                           n_warmup_steps=max(0, tune.warmup_reports * tune.report_every - 1))
    if tune.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=tune.report_every, max_resource=tune.loops)
    return optuna.pruners.NopPruner()


def open_study(args: argparse.Namespace, params: Params, project: Path) -> optuna.Study:
    """Create the study, or join it; the first worker's sampler uses ``tune.seed``, later ones their own."""
    tune, storage = params.tune, open_storage(storage_url(project, args.storage))
    target = {"class": args.label, "source": args.source, "metric": tune.metric, "loops": tune.loops}
    try:
        study = optuna.create_study(study_name=args.study, storage=storage, direction="minimize",
                                    sampler=sampler(tune, tune.seed), pruner=pruner(tune))
        for key, value in target.items():
            study.set_user_attr(key, value)
        return study
    except optuna.exceptions.DuplicatedStudyError:
        pass
    worker_seed = tune.seed + 1 + os.getpid() % 100_000  # another worker already samples from tune.seed
    study = optuna.load_study(study_name=args.study, storage=storage, sampler=sampler(tune, worker_seed),
                              pruner=pruner(tune))
    made_for = {key: study.user_attrs[key] for key in target if key in study.user_attrs}
    if any(target[key] != value for key, value in made_for.items()):
        raise InputDataError(f"study {args.study!r} was made for {made_for}, not {target} (use another --study name)")
    for key, value in target.items():
        if key not in made_for:  # a study made elsewhere (e.g. with trials enqueued by hand)
            study.set_user_attr(key, value)
    return study


def shared_inputs(args: argparse.Namespace, params: Params, project: Path, runs: StudyRuns) -> Study:
    if not (Layout(project).train_set(args.source) / "manifest.csv").exists():
        raise InputDataError(f"{Layout(project).train_set(args.source)}: not found "
                             "(run `dvc repro` up to the augment stage first)")
    network = InceptionFeatures()
    return Study(args.label, load_class_images(Layout(project).train_set(args.source), args.label),
                 real_train_features(network, args.label, Layout(project)), network, params.gan, params.tune, runs)


def summary(study: optuna.Study) -> dict[str, float]:
    """Counts per state, the pruned share, mean seconds per finished trial and the best value."""
    trials = study.get_trials(deepcopy=False)
    states = {state: sum(t.state == state for t in trials)
              for state in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)}
    durations = [t.duration.total_seconds() for t in trials if t.duration is not None and t.state != TrialState.FAIL]
    numbers = {"trials_complete": states[TrialState.COMPLETE], "trials_pruned": states[TrialState.PRUNED],
               "trials_failed": states[TrialState.FAIL],
               "pruned_share": (states[TrialState.PRUNED]
                                / max(1, states[TrialState.COMPLETE] + states[TrialState.PRUNED])),
               "seconds_per_trial": statistics.fmean(durations) if durations else 0.0}
    if states[TrialState.COMPLETE]:
        numbers["best_value"] = study.best_value
    return numbers


def start_workers(args: argparse.Namespace, project: Path) -> list[subprocess.Popen[bytes]]:
    """``--workers N``: N-1 more ``bsgan tune`` processes on the same study; all N split this process's threads.

    Two workers with two threads each on two cores oversubscribe them (8-50x slower); a share each does not.
    """
    if args.workers <= 1:
        return []
    threads = share_threads(args.workers)
    command = [sys.executable, "-m", "bsgan", "tune", "--class", args.label, "--source", args.source,
               "--study", args.study, "--trials", str(args.trials), "--params", str(args.params),
               "--threads", str(threads), "--storage", storage_url(project, args.storage)]
    if args.timeout is not None:
        command += ["--timeout", str(args.timeout)]
    helpers = [subprocess.Popen(command) for _ in range(args.workers - 1)]
    worker_threads(threads)
    log.info("%d workers on study %s, %d CPU thread(s) each", args.workers, args.study, threads)
    return helpers


def wait_for(helpers: list[subprocess.Popen[bytes]]) -> None:
    """Wait for the other workers (a Ctrl-C reaches them too: they share the terminal's process group)."""
    failed = [helper.args for helper in helpers if helper.wait() != 0]
    if failed:
        raise InputDataError(f"{len(failed)} of the other tune workers failed (see their lines above)")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def check_counts(args: argparse.Namespace) -> None:
    """A command that would run no trial and export nothing is a mistake: say which, rather than exit 0."""
    if args.trials < 0:
        raise InputDataError(f"--trials {args.trials}: must be a positive number of trials")
    if args.timeout is not None and (args.timeout <= 0 or not args.trials):
        raise InputDataError(f"--timeout {args.timeout:g}: give a positive --timeout together with --trials N; "
                             f"it stops a worker early, it does not start trials")
    if not args.trials and not args.export_best:
        raise InputDataError("nothing to do: give --trials N to run trials, or --export-best PARAMS")


def run(args: argparse.Namespace) -> None:
    check_counts(args)
    params = load_params(args.params)
    project = args.params.parent
    if args.label not in params.gan.classes:
        raise ParamsError(f"--class {args.label!r}: not in gan.classes ({', '.join(params.gan.classes)})")
    space.check(params.gan, args.label, params.tune)
    study = open_study(args, params, project)
    if args.trials:
        runs = StudyRuns(project, args.study, {"class": args.label, "source": args.source,
                                                "generator": generator_name(args.label, args.source)},
                         flatten({"tune": params.tune.model_dump(mode="json")}))
        helpers = start_workers(args, project)
        inputs = shared_inputs(args, params, project, runs)
        # `kill` stops a worker as Ctrl-C does: trial marked failed
        previous = signal.signal(signal.SIGTERM, _interrupt)
        progress = Progress(args.trials, f"study {args.study}", unit="trial")
        try:
            study.optimize(lambda trial: run_trial(trial, inputs), n_trials=args.trials, timeout=args.timeout,
                           catch=(TrialFailed,), gc_after_trial=True, callbacks=[lambda *_: progress.update()])
        finally:  # also after Ctrl-C: the study is consistent (the interrupted trial is marked failed)
            signal.signal(signal.SIGTERM, previous)
            progress.close()
            wait_for(helpers)
            numbers = summary(study)
            with tempfile.TemporaryDirectory(prefix="bsgan-study-") as folder:
                written = write_plots(study, Path(folder))
                runs.finish_study(numbers, Path(folder) if written else None)
        log.info("study %s: %s", args.study, ", ".join(f"{k} {v:.4g}" for k, v in numbers.items()))
        if numbers.get("best_value") is not None:
            log.info("best trial %d: %s", study.best_trial.number, study.best_trial.params)
    if args.export_best:
        for line in export_best(study, params.gan, params.tune.space, args.label, args.export_best):
            log.info("%s: %s", args.export_best, line)
