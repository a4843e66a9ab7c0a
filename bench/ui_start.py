"""``bsgan ui``: seconds until the MLflow UI answers, and the memory of its whole process tree.

    .venv/bin/python bench/ui_start.py                    # bsgan ui, then MLflow's own defaults, side by side
    .venv/bin/python bench/ui_start.py --only bsgan       # bsgan ui alone

Each arrangement starts twice in a fresh temporary project: first on no tracking store (MLflow creates
``mlflow.db`` and runs its migrations), then on the store the first start left. The time is from the
launch to the first HTTP answer of ``/`` (``bsgan ui`` prints its address at that moment); the memory is
the summed resident set (RSS) of the launched process and all its descendants, after the UI page and one
experiments search were served. ``mlflow-defaults`` is ``mlflow ui`` as ``bsgan ui`` ran it before: four
uvicorn workers and the job-execution consumers. Writes ``<out>/ui_start.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
from common import table

from bsgan.io.json_file import write_json

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def command(kind: str, project: Path, port: int) -> tuple[list[str], dict[str, str]]:
    env = {key: value for key, value in os.environ.items() if key != "MLFLOW_TRACKING_URI"}
    if kind == "bsgan":
        return [sys.executable, "-m", "bsgan", "ui", "--port", str(port)], env
    return ([sys.executable, "-m", "mlflow", "ui", "--backend-store-uri", f"sqlite:///{project / 'mlflow.db'}",
             "--default-artifact-root", (project / "mlruns").as_uri(), "--port", str(port)], env)


def get(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            answer.read()
        return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def tree_rss(process: psutil.Process) -> tuple[int, int]:
    """(bytes, processes) of a process and its descendants."""
    members = [process, *process.children(recursive=True)]
    total = 0
    for member in members:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += member.memory_info().rss
    return total, len(members)


def measure(kind: str, project: Path, timeout_s: float) -> dict:
    port = free_port()
    argv, env = command(kind, project, port)
    started = time.monotonic()
    server = subprocess.Popen(argv, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        while not get(url + "/"):
            if time.monotonic() - started > timeout_s or server.poll() is not None:
                raise SystemExit(f"{kind}: no answer within {timeout_s:.0f} s (exit code {server.poll()})")
            time.sleep(0.1)
        seconds = time.monotonic() - started
        get(url + "/ajax-api/2.0/mlflow/experiments/search?max_results=10")
        time.sleep(2)
        rss, processes = tree_rss(psutil.Process(server.pid))
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    return {"seconds_to_answer": round(seconds, 2), "rss_mib": round(rss / 2**20), "processes": processes}


def cpu_model() -> str:
    try:
        lines = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout.splitlines()
        return next(line.split(":", 1)[1].strip() for line in lines if line.startswith("Model name"))
    except (OSError, subprocess.CalledProcessError, StopIteration):
        return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["bsgan", "mlflow-defaults"], help="measure one arrangement")
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for an answer")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results")
    args = parser.parse_args()
    rows = []
    for kind in [args.only] if args.only else ["bsgan", "mlflow-defaults"]:
        with tempfile.TemporaryDirectory() as folder:
            project = Path(folder)
            (project / "params.yaml").write_text((ROOT / "params.yaml").read_text())
            for store in ("new store", "existing store"):
                rows.append({"arrangement": kind, "store": store, **measure(kind, project, args.timeout)})
                print(rows[-1], flush=True)
    result = {"cpu": cpu_model(), "cores": len(os.sched_getaffinity(0)), "python": sys.version.split()[0],
              "load_1min": round(os.getloadavg()[0], 2), "rows": rows}
    args.out.mkdir(parents=True, exist_ok=True)
    write_json(result, args.out / "ui_start.json")
    header = ["arrangement", "store", "seconds to answer", "RSS of the tree, MiB", "processes"]
    body = [[r["arrangement"], r["store"], f"{r['seconds_to_answer']:.1f}", str(r["rss_mib"]), str(r["processes"])]
            for r in rows]
    (args.out / "ui_start.md").write_text(f"{result['cpu']}, {result['cores']} cores, 1-min load "
                                          f"{result['load_1min']}\n\n" + table(header, body) + "\n")


if __name__ == "__main__":
    main()
