"""The benchmark suite: every speed figure of bsgan, measured side by side in one run, as Markdown and JSON.

    make bench                                   # or: .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --profile paper gpu   # the paper's networks with the GPU settings (a GPU job)
    .venv/bin/python bench/run.py --quick        # a smoke run of every part (numbers mean nothing)
    .venv/bin/python bench/run.py --quick --params tiny.yaml   # the same in seconds, on a tiny GAN

Parts: GAN loops/s of our module vs the plain PyTorch loop in each precision and layout, with GFLOP/s
against the machine's measured matmul peak; classifier epochs/s vs a plain loop; FID images/s vs the
bare network; two concurrent ``train-gan`` processes against one alone (``parallel.shared_over_alone``);
and the wall time of each stage of the last ``dvc repro`` (from the stage-time ledger,
``logs/stage_times.jsonl``; run ``make repro`` first to fill it). Writes ``<out>/<device>.md`` and
``<out>/<device>.json``. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import classifier_speed
import fid_speed
import gan_options_speed
import gan_speed
import parallel_workers
import torch
from common import table

from bsgan.config import Params, load_params
from bsgan.io.json_file import write_json
from bsgan.profiles import apply_profile
from bsgan.quiet import quiet_third_party
from bsgan.runtime import configure_threads, torch_device
from bsgan.stage_times import pipeline_times

QUICK = {"gan_loops": 2, "classifier_images": 64, "classifier_epochs": 1, "fid_images": 4, "repeats": 1,
         "parallel_loops": 4, "oversubscribed_loops": 0}
FULL = {"gan_loops": 60, "classifier_images": 2030, "classifier_epochs": 2, "fid_images": 60, "repeats": 2,
        "parallel_loops": 300, "oversubscribed_loops": 30}
"""Loops, images and repeats of each part. The oversubscribed pair runs a tenth of the loops: it runs at a tenth of
the speed or less, and its steady speed shows within a few log rows. Quick leaves it out: its spinning threads
would slow everything else on the machine (a test worker beside it) many times over."""


def stage_times(project: Path, params: Params) -> dict[str, Any]:
    """Seconds of the last run of each pipeline stage, summed per stage family (``train-gan`` x4, ``classify`` x6)."""
    per_stage, missing = pipeline_times(project, params)
    total = sum(seconds for _, seconds in per_stage.values())
    return {"total_seconds": total, "missing": missing,
            "stages": {name: {"runs": runs, "seconds": seconds} for name, (runs, seconds) in per_stage.items()}}


def stage_markdown(times: dict[str, Any]) -> str:
    if not times["stages"]:
        return "Pipeline: no stage times yet (`make repro` fills logs/stage_times.jsonl)."
    rows = [[name, part["runs"], f"{part['seconds']:.0f}", f"{part['seconds'] / times['total_seconds']:.0%}"]
            for name, part in times["stages"].items()]
    rows.append(["**total**", sum(p["runs"] for p in times["stages"].values()), f"**{times['total_seconds']:.0f}**",
                 ""])
    lines = ["Pipeline (`dvc repro`): the last run of each stage, from logs/stage_times.jsonl", "",
             table(["stage", "runs", "seconds", "share"], rows)]
    if times["missing"]:
        lines += ["", f"never timed: {', '.join(times['missing'])}"]
    return "\n".join(lines)


def suite_params(params_path: Path, profiles: list[str], scratch: Path) -> Params:
    """``params.yaml``, or a copy of it with ``profiles`` applied in order (the project's file is not touched)."""
    copy = scratch / "params.yaml"
    copy.write_text(params_path.read_text(encoding="utf-8"), encoding="utf-8")
    for profile in profiles:
        apply_profile(profile, copy)
    return load_params(copy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--profile", nargs="+", default=[],
                        help="settings profiles applied in order to a copy of params (e.g. paper gpu)")
    parser.add_argument("--project", type=Path, default=Path("."), help="where logs/stage_times.jsonl lies")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that every part runs")
    args = parser.parse_args()
    quiet_third_party()
    logging.getLogger("pytorch_lightning").setLevel(logging.WARNING)
    threads = configure_threads()
    sizes = QUICK if args.quick else FULL

    with tempfile.TemporaryDirectory() as scratch:
        params = suite_params(args.params, args.profile, Path(scratch))
    device = torch_device(params.gan.device)
    result: dict[str, Any] = {"date": datetime.now().astimezone().isoformat(timespec="seconds"), "device": device.type,
                              "threads": threads, "profile": " + ".join(args.profile) or "params.yaml",
                             "quick": args.quick}
    parts = []
    for name, run, markdown in [
        ("gan", lambda: gan_speed.measure(params, sizes["gan_loops"], sizes["repeats"]), gan_speed.markdown),
        ("gan_options", lambda: gan_options_speed.measure(params, sizes["gan_loops"], sizes["repeats"]),
         gan_options_speed.markdown),
        ("classifier", lambda: classifier_speed.measure(params, sizes["classifier_images"], sizes["classifier_epochs"],
                                                        sizes["repeats"]), classifier_speed.markdown),
        ("fid", lambda: fid_speed.measure(sizes["fid_images"], params.data.image_size, repeats=sizes["repeats"],
                                          device=params.eval.device), fid_speed.markdown),
        ("parallel", lambda: parallel_workers.measure(args.params.resolve(), sizes["parallel_loops"],
                                                     sizes["oversubscribed_loops"]),
         parallel_workers.markdown),
        ("pipeline", lambda: stage_times(args.project, params), stage_markdown),
    ]:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        result[name] = run()
        parts.append(markdown(result[name]))
        print(parts[-1] + "\n", flush=True)

    title = (f"# bsgan benchmarks: {device.type}, {result['profile']}"
             f"{' (quick: sizes too small to mean anything)' if args.quick else ''}")
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / "-".join([device.type, *args.profile, *(["quick"] if args.quick else [])])
    stem.with_suffix(".md").write_text("\n\n".join([title, f"{result['date']}, torch {torch.__version__}", *parts])
                                       + "\n")
    write_json(result, stem.with_suffix(".json"))
    print(f"bench: wrote {stem}.md and {stem}.json", file=sys.stderr)


if __name__ == "__main__":
    main()
