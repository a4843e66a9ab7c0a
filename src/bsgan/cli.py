"""``bsgan <stage>``: one subcommand per DVC stage.

Every user-facing failure (:class:`~bsgan.errors.BsganError`) ends as one line on stderr naming the
file or params key at fault, and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from types import ModuleType

_launch = [(time.perf_counter(), datetime.now().astimezone())]
"""Taken before the command's imports (seconds of torch, Lightning, MLflow), so the first command's time
includes its start-up; later calls in the same process (tests) time themselves."""

from bsgan import __version__  # noqa: E402
from bsgan.errors import BsganError, ParamsError  # noqa: E402
from bsgan.io.output_rule import os_failure  # noqa: E402
from bsgan.quiet import quiet_third_party  # noqa: E402
from bsgan.runtime import configure_threads  # noqa: E402
from bsgan.stage_times import StageTime, record  # noqa: E402

COMMANDS: dict[str, tuple[str, str]] = {
    # DVC stages, in pipeline order (dvc.yaml runs exactly these)
    "prepare": ("bsgan.stages.prepare", "stage: raw input -> square train/test images, manifest, contact sheets"),
    "augment": ("bsgan.stages.augment", "stage: classical augmentation of each failure class's train split"),
    "train-gan": ("bsgan.stages.train_gan", "stage: train the GAN of one failure class on original or augmented "
                                            "images"),
    "generate": ("bsgan.stages.generate", "stage: images from one trained generator for the tasks, plus "
                                          "interpolation strips"),
    "evaluate-gan": ("bsgan.stages.evaluate_gan", "stage: FID/KID vs real images with yardsticks, t-SNE maps, "
                                                  "memorisation check, blinded sheets, verdicts"),
    "classify": ("bsgan.stages.classify", "stage: train the failure classifier on one task's train set, "
                                          "classify.repeats times"),
    "compare-tasks": ("bsgan.stages.compare_tasks", "stage: the tasks side by side: tables with intervals and "
                                                    "p-values, DVC metrics and plots"),
    "export": ("bsgan.stages.export", "stage: the chosen task's classifiers as ONNX (preprocessing inside), model "
                                      "card, MLflow model"),
    "report": ("bsgan.stages.report", "stage: the whole experiment as one static HTML page (reports/index.html) "
                                      "and Markdown"),
}
"""``{command: (module, summary)}``. A command imports its module only when it runs: each pulls in its own part
of torch, Lightning, MLflow, DVC and Optuna, and a DVC stage is a process of its own that would pay for all."""
STAGES = frozenset(COMMANDS)
"""The DVC stages' commands: each finished run is timed into the stage-time ledger."""
COMMANDS |= {
    # tools
    "profile": ("bsgan.commands.profile", "write a settings profile (cpu, paper, gpu, sweep, bsdata) into "
                                          "params.yaml"),
    "turing-test": ("bsgan.commands.turing_test", "a blinded real-vs-generated HTML sheet for people; --score "
                                                  "judges their answers"),
    "tune": ("bsgan.commands.tune", "an Optuna study of one class's GAN settings (KID or FID at a fixed budget); "
                                    "--export-best"),
    "compare": ("bsgan.commands.compare", "the tasks' macro F1 of several DVC experiments or git revisions side by "
                                          "side; --budget: a sweep's curve"),
    "predict": ("bsgan.commands.predict", "classify crops, folders or whole photographs (--scan: sliding window, "
                                          "heat maps)"),
    "ui": ("bsgan.commands.ui", "serve the MLflow UI (and optuna-dashboard) on the project's tracking stores, on "
                                "localhost"),
}


def command_module(command: str) -> ModuleType:
    """The module that runs ``command`` (imported now)."""
    return importlib.import_module(COMMANDS[command][0])


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, with the arguments of ``command`` only (None: of every command). The others
    are bare names with their summaries: enough for ``bsgan --help`` and for argparse's errors."""
    parser = argparse.ArgumentParser(prog="bsgan", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"bsgan {__version__}")
    subcommands = parser.add_subparsers(dest="stage", required=True, metavar="<command>")
    for name, (_, summary) in COMMANDS.items():
        if command not in (None, name):
            subcommands.add_parser(name, help=summary)
            continue
        module = command_module(name)
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
    chosen = next((word for word in argv if not word.startswith("-")), "")
    args = build_parser(chosen).parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format=f"bsgan {args.stage}: %(message)s"
    )
    quiet_third_party()
    clock, started = _launch.pop() if _launch else (time.perf_counter(), datetime.now().astimezone())
    try:
        configure_threads(args.threads)
        if args.params.is_dir():  # every command reads or writes it; a folder would end in a traceback
            raise ParamsError(f"{args.params}: is a folder, not a params file (give --params path/to/params.yaml)")
        command_module(args.stage).run(args)
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
