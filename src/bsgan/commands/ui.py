"""``bsgan ui``: the MLflow UI on this project's tracking store (and optuna-dashboard on its study storage).

Serves on localhost only, prints the addresses once the UI answers, and stops both servers on Ctrl-C.
With ``MLFLOW_TRACKING_URI`` pointing at a tracking server there is nothing to start: that server
already has the UI, and its address is printed.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bsgan.errors import BsganError
from bsgan.tracking_links import DEFAULT_PORT, HOST, base_url, experiments_url

log = logging.getLogger(__name__)
DASHBOARD_PORT = 8080
START_TIMEOUT_S = 120


def tracking_uri(project: Path) -> str:
    """:func:`bsgan.tracking.tracking_uri`, which this module cannot import: that module loads Lightning
    (``tests/commands/test_ui.py`` checks the two agree)."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{(project / 'mlflow.db').resolve()}"


def artifact_location(project: Path) -> str | None:
    """:func:`bsgan.tracking.artifact_location`, likewise."""
    return None if os.environ.get("MLFLOW_TRACKING_URI") else (project / "mlruns").resolve().as_uri()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=HOST, help="address to listen on (default: %(default)s, this machine only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="MLflow UI port (default: %(default)s)")
    parser.add_argument("--dashboard-port", type=int, default=DASHBOARD_PORT,
                        help="optuna-dashboard port, when a study storage exists (default: %(default)s)")


def wait_until_answering(url: str, process: subprocess.Popen, timeout_s: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BsganError(f"the server for {url} exited with code {process.returncode} (is the port in use?)")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise BsganError(f"{url} did not answer within {timeout_s:.0f} s")


def check_port_free(host: str, port: int, option: str) -> None:
    """Refuse a port another program holds: its answers would pass for our server's."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise BsganError(f"{option} {port}: {host}:{port} is already in use by another program ({exc.strerror}); "
                             f"give a free {option}") from None


def start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    """A server in its own process group, so stopping it stops its workers too; its log goes to stderr,
    leaving stdout to the addresses."""
    return subprocess.Popen(command, start_new_session=True, stdout=sys.stderr, env=env)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def mlflow_command(project: Path, host: str, port: int) -> list[str]:
    """One uvicorn worker: MLflow's default of four (and its job consumers, see ``mlflow_env``) took 4.8 GiB
    in 13 processes and 22 s to answer on 2 cores, for one local reader."""
    command = [sys.executable, "-m", "mlflow", "ui", "--backend-store-uri", tracking_uri(project),
               "--host", host, "--port", str(port), "--workers", "1"]
    artifacts = artifact_location(project)
    return command + (["--default-artifact-root", artifacts] if artifacts else [])


def mlflow_env() -> dict[str, str]:
    """No job execution: it starts huey consumers for GenAI jobs (scorers, trace roll-ups) bsgan never runs."""
    return {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}


def dashboard_command(storage: str, host: str, port: int) -> list[str] | None:
    """optuna-dashboard on ``storage``, or None (with the reason logged) when it cannot start."""
    if importlib.util.find_spec("optuna_dashboard") is None:
        log.info("a study storage exists (%s); `pip install optuna-dashboard` to browse it", storage)
        return None
    return [str(Path(sys.executable).parent / "optuna-dashboard"), storage, "--host", host, "--port", str(port)]


def run(args: argparse.Namespace) -> None:
    project = args.params.parent
    uri = tracking_uri(project)
    if uri.startswith(("http://", "https://")):
        print(f"MLflow UI: {uri} (the tracking server of MLFLOW_TRACKING_URI)", flush=True)
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the servers in `finally` on a plain kill too
    check_port_free(args.host, args.port, "--port")
    servers = []
    try:
        servers.append(start(mlflow_command(project, args.host, args.port), mlflow_env()))
        url = base_url(args.host, args.port)
        wait_until_answering(url, servers[-1])
        print(f"MLflow UI: {url}  (experiments: {experiments_url(url)})", flush=True)
        from bsgan.tune.storage import exists as study_storage  # optuna: only once the UI answers

        storage = study_storage(project)
        if storage is not None:
            check_port_free(args.host, args.dashboard_port, "--dashboard-port")
        if storage is not None and (command := dashboard_command(storage, args.host, args.dashboard_port)):
            servers.append(start(command))
            dashboard = base_url(args.host, args.dashboard_port)
            wait_until_answering(dashboard, servers[-1])
            print(f"optuna-dashboard: {dashboard}", flush=True)
        print("Ctrl-C stops the servers.", flush=True)
        if servers[0].wait():
            raise BsganError(f"the MLflow UI at {url} stopped with exit code {servers[0].returncode}")
    finally:
        for server in servers:
            stop(server)


def main(argv: list[str]) -> int:
    """``bsgan ui`` without :mod:`bsgan.cli` (see :mod:`bsgan.entry`): the same options and error lines."""
    parser = argparse.ArgumentParser(prog="bsgan ui", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--params", type=Path, default=Path("params.yaml"), help="params file (default: %(default)s)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--threads", type=int, metavar="N", help="accepted for symmetry; the servers use one each")
    add_arguments(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="bsgan ui: %(message)s")
    try:
        run(args)
    except BsganError as exc:
        print(f"bsgan ui: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
