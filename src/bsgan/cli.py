"""``bsgan <stage>``: one subcommand per DVC stage.

Every user-facing failure (:class:`~bsgan.errors.BsganError`) ends as one line on stderr naming the
file or params key at fault, and exit code 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from types import ModuleType

_launch = [(time.perf_counter(), datetime.now().astimezone())]
"""Taken before the stages' imports (seconds of torch, Lightning, MLflow), so the first command's time
includes its start-up; later calls in the same process (tests) time themselves."""

from bsgan import __version__  # noqa: E402
from bsgan.commands import compare, predict, profile, tune, turing_test, ui  # noqa: E402
from bsgan.errors import BsganError, ParamsError  # noqa: E402
from bsgan.io.output_rule import os_failure  # noqa: E402
from bsgan.quiet import quiet_third_party  # noqa: E402
from bsgan.runtime import configure_threads  # noqa: E402
from bsgan.stage_times import StageTime, record  # noqa: E402
from bsgan.stages import (  # noqa: E402
    augment,
    classify,
    compare_tasks,
    evaluate_gan,
    export,
    generate,
    prepare,
    report,
    train_gan,
)

COMMANDS: dict[str, tuple[ModuleType, str]] = {
    # DVC stages, in pipeline order (dvc.yaml runs exactly these)
    "prepare": (prepare, "stage: raw input -> square train/test images, manifest, contact sheets"),
    "augment": (augment, "stage: classical augmentation of each failure class's train split"),
    "train-gan": (train_gan, "stage: train the DCGAN of one failure class on original or augmented images"),
    "generate": (generate, "stage: images from one trained generator for the tasks, plus interpolation strips"),
    "evaluate-gan": (evaluate_gan, "stage: FID/KID vs real images with yardsticks, t-SNE maps, memorisation check, "
                                   "blinded sheets"),
    "classify": (classify, "stage: train the failure classifier on one task's train set, classify.repeats times"),
    "compare-tasks": (compare_tasks, "stage: the tasks side by side: tables with intervals and p-values, DVC metrics "
                                     "and plots"),
    "export": (export, "stage: the chosen task's classifiers as ONNX (preprocessing inside), model card, MLflow model"),
    "report": (report, "stage: the whole experiment as one static HTML page (reports/index.html) and Markdown"),
}
STAGES = frozenset(COMMANDS)
"""The DVC stages' commands: each finished run is timed into the stage-time ledger."""
COMMANDS |= {
    # tools
    "profile": (profile, "write a settings profile (cpu, paper, gpu, sweep, bsdata) into params.yaml"),
    "turing-test": (turing_test, "a blinded real-vs-generated HTML sheet for people; --score judges their answers"),
    "tune": (tune, "an Optuna study of one class's GAN settings (KID or FID at a fixed budget); --export-best"),
    "compare": (compare, "the tasks' macro F1 of several DVC experiments or git revisions side by side; "
                         "--budget: a sweep's curve"),
    "predict": (predict, "classify crops, folders or whole photographs (--scan: sliding window, heat maps)"),
    "ui": (ui, "serve the MLflow UI (and optuna-dashboard) on the project's tracking stores, on localhost"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bsgan", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"bsgan {__version__}")
    subcommands = parser.add_subparsers(dest="stage", required=True, metavar="<command>")
    for name, (module, summary) in COMMANDS.items():
        sub = subcommands.add_parser(name, help=summary, description=module.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # keep examples as written
        sub.add_argument("--params", type=Path, default=Path("params.yaml"), help="params file (default: %(default)s)")
        sub.add_argument("-v", "--verbose", action="store_true", help="debug logging")
        sub.add_argument("--threads", type=int, metavar="N",
                         help="CPU threads of this process (default: $BSGAN_THREADS, else $OMP_NUM_THREADS, "
                              "else one per usable core); give each of several processes on one machine its share")
        module.add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format=f"bsgan {args.stage}: %(message)s"
    )
    quiet_third_party()
    clock, started = _launch.pop() if _launch else (time.perf_counter(), datetime.now().astimezone())
    try:
        configure_threads(args.threads)
        if args.params.is_dir():  # every command reads or writes it; a folder would end in a traceback
            raise ParamsError(f"{args.params}: is a folder, not a params file (give --params path/to/params.yaml)")
        COMMANDS[args.stage][0].run(args)
    except BsganError as exc:
        print(f"bsgan {args.stage}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the OS refused something no check foresaw: still one line, naming the file
        print(f"bsgan {args.stage}: error: {os_failure(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"bsgan {args.stage}: interrupted; previous outputs are unchanged", file=sys.stderr)
        return 130
    if args.stage in STAGES:
        command = " ".join(word for word in argv if word not in ("-v", "--verbose"))
        record(args.params.parent,
               StageTime(command, started.isoformat(timespec="seconds"), time.perf_counter() - clock))
    return 0


if __name__ == "__main__":
    sys.exit(main())
