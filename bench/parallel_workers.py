"""Parallel workers: two ``bsgan train-gan`` processes at once against one alone, in combined loops/s.

    .venv/bin/python bench/parallel_workers.py --loops 300          # on a quiet machine: nothing else running
    .venv/bin/python bench/parallel_workers.py --loops 4 --out /tmp  # a smoke run (numbers mean nothing)

Three arrangements of the real command on a tiny prepared set (the GAN's speed does not depend on the set's size):

- ``alone``: one process with the whole thread budget (one thread per usable core);
- ``shared``: two processes at once, each with ``--threads`` = its share of the cores (what ``bsgan tune
  --workers 2`` and ``classify.workers`` do) and OpenMP's passive waiting (bsgan's default);
- ``oversubscribed``: two processes at once, each with every core and OpenMP's spinning waits (what two
  hand-started processes did before): the collapse this bench guards against.

Speeds are the median of the ``loops_per_s`` column of each run's loss curve (steady state: start-up and
imports excluded). The oversubscribed pair runs ``--oversubscribed-loops`` (default a tenth of ``--loops``): at
a tenth of the speed, the full count would take longer than everything else together, and its steady speed
shows within a few log rows. ``shared_over_alone`` = combined loops/s of the shared pair / loops/s alone: the target is
at least 0.9. Writes ``<out>/parallel_workers.json`` and ``.md``; also part of ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from common import table

from bsgan.io.json_file import write_json
from bsgan.runtime import usable_cores

LABEL = "pitting"
TINY_DATA = {"pitting": {"train": 30, "test": 4}, "intact": {"train": 30, "test": 4}}


def bench_project(params_path: Path, loops: int, root: Path, name: str = "params.yaml") -> Path:
    """``root/<name>``: the project's GAN recipe for ``loops`` loops on a tiny synthetic set, prepared."""
    params = yaml.safe_load(params_path.read_text(encoding="utf-8"))
    params["data"] |= {"source": "synthetic", "classes": None}
    params["data"]["synthetic"] = {**params["data"].get("synthetic", {}), "counts": TINY_DATA}
    params["gan"] |= {"classes": [LABEL], "loops": loops, "checkpoint_every": loops, "eval_every": 0,
                      "log_every": max(1, loops // 10), "devices": 1}
    params["tasks"] = {"target_per_class": 30,
                       "definitions": {"t1_original": {"title": "1", "parts": [{"source": "real"}]}},
                       "baseline": "t1_original"}
    (root / name).write_text(yaml.safe_dump(params), encoding="utf-8")
    if not (root / "data/prepared/manifest.csv").exists():
        run_bsgan(["prepare", "--params", name, "--out", "data/prepared", "--metrics", "prepare.json"], root,
                  {}).check_returncode()
    return root / name


def run_bsgan(arguments: list[str], root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bsgan", *arguments], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "BSGAN_PROGRESS": "off", **env}, check=False)


def train_command(name: str, threads: int, params: Path) -> list[str]:
    """``bsgan train-gan`` into folders of its own, so two runs of one class never meet (nor share a lock)."""
    return [sys.executable, "-m", "bsgan", "train-gan", "--params", str(params), "--class", LABEL, "--source",
            "original", "--restart",
            "--threads", str(threads), "--models", f"{name}/models", "--checkpoints", f"{name}/checkpoints",
            "--plots", f"{name}/plots", "--fidelity-plots", f"{name}/fidelity"]


def steady_speed(curve: Path) -> float:
    """Median loops/s of a run's loss curve, without its first row (which includes warming up)."""
    with curve.open(newline="") as handle:
        speeds = [float(row["loops_per_s"]) for row in csv.DictReader(handle)]
    return statistics.median(speeds[1:] or speeds)


def run_together(names: list[str], threads: int, root: Path, wait_policy: str, params: Path) -> list[float]:
    """Start one ``train-gan`` per name at once; loops/s of each."""
    env = {**os.environ, "BSGAN_PROGRESS": "off", "OMP_WAIT_POLICY": wait_policy}
    env.pop("BSGAN_THREADS", None)
    processes = []
    for name in names:
        env_one = {**env, "MLFLOW_TRACKING_URI": f"sqlite:///{root / name}.db"}
        processes.append(subprocess.Popen(train_command(name, threads, params), cwd=root, env=env_one,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    for process in processes:
        _, err = process.communicate()
        if process.returncode:
            raise RuntimeError(f"train-gan failed: {err[-2000:]}")
    return [steady_speed(root / name / "plots" / f"{LABEL}-original.csv") for name in names]


def measure(params_path: Path, loops: int, oversubscribed_loops: int) -> dict[str, Any]:
    """Loops/s alone, as a pair sharing the cores, and as an oversubscribed pair (left out when
    ``oversubscribed_loops`` is 0); the ratios to alone."""
    cores = usable_cores()
    share = max(1, cores // 2)
    with tempfile.TemporaryDirectory(prefix="bsgan-parallel-") as scratch:
        root = Path(scratch)
        params = bench_project(params_path, loops, root)
        start = time.perf_counter()
        [alone] = run_together(["alone"], cores, root, "PASSIVE", params)
        shared = run_together(["shared_a", "shared_b"], share, root, "PASSIVE", params)
        oversubscribed = []
        if oversubscribed_loops:
            short = bench_project(params_path, oversubscribed_loops, root, "oversubscribed.yaml")
            oversubscribed = run_together(["over_a", "over_b"], cores, root, "ACTIVE", short)
        seconds = time.perf_counter() - start
    return {"cores": cores, "loops": loops, "oversubscribed_loops": oversubscribed_loops,
            "threads_alone": cores, "threads_shared": share,
            "alone_loops_per_s": alone, "shared_loops_per_s": shared, "oversubscribed_loops_per_s": oversubscribed,
            "shared_over_alone": sum(shared) / alone,
            "oversubscribed_over_alone": sum(oversubscribed) / alone if oversubscribed else None,
            "seconds": seconds}


def markdown(result: dict[str, Any]) -> str:
    rows = [["one process alone", result["threads_alone"], f"{result['alone_loops_per_s']:.3g}", "1.00"],
            ["two at once, a share of the cores each (passive OpenMP waits)", result["threads_shared"],
             " + ".join(f"{v:.3g}" for v in result["shared_loops_per_s"]), f"{result['shared_over_alone']:.2f}"],
            ["two at once, every core each (spinning OpenMP waits)", result["threads_alone"],
             " + ".join(f"{v:.3g}" for v in result["oversubscribed_loops_per_s"]) or "not run",
             "" if result["oversubscribed_over_alone"] is None else f"{result['oversubscribed_over_alone']:.2f}"]]
    title = (f"Parallel train-gan workers on {result['cores']} core(s), {result['loops']} loops each "
             "(combined loops/s over one process alone; target >= 0.9)")
    return "\n".join([title, "",
                      table(["arrangement", "threads each", "loops/s", "combined / alone"], rows)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--loops", type=int, default=300, help="loops per run (default: %(default)s)")
    parser.add_argument("--oversubscribed-loops", type=int,
                        help="loops per oversubscribed run (default: a tenth of --loops, at least 20; 0: leave the "
                             "pair out)")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args()
    result = measure(args.params.resolve(), args.loops, max(20, args.loops // 10) if args.oversubscribed_loops is None
                     else args.oversubscribed_loops)
    args.out.mkdir(parents=True, exist_ok=True)
    write_json(result, args.out / "parallel_workers.json")
    (args.out / "parallel_workers.md").write_text(markdown(result) + "\n", encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
