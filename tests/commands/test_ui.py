"""``bsgan ui`` starts MLflow light (one worker, no job consumers, no stage imports in its own process), and
refuses a port another program holds before any server starts."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bsgan import tracking
from bsgan.cli import main
from bsgan.commands import ui


@pytest.mark.parametrize("server", [None, "http://tracking.example:5000"])
def test_the_store_addresses_agree_with_the_tracking_module(server: str | None, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    if server:
        monkeypatch.setenv("MLFLOW_TRACKING_URI", server)
    else:
        monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert ui.tracking_uri(tmp_path) == tracking.tracking_uri(tmp_path)
    assert ui.artifact_location(tmp_path) == tracking.artifact_location(tmp_path)


def test_mlflow_runs_one_worker_without_job_consumers(tmp_path: Path) -> None:
    command = ui.mlflow_command(tmp_path, "127.0.0.1", 5000)
    assert command[command.index("--workers") + 1] == "1"
    assert ui.mlflow_env()["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] == "false"


def test_bsgan_ui_imports_neither_torch_nor_mlflow() -> None:
    probe = ("import sys; from bsgan.entry import main; import bsgan.commands.ui; "
             "heavy = ('torch', 'pytorch_lightning', 'mlflow', 'optuna', 'bsgan.cli'); "
             "print(sorted(m for m in heavy if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_bsgan_ui_help_goes_through_the_light_entry_point() -> None:
    done = subprocess.run([sys.executable, "-m", "bsgan", "ui", "--help"], capture_output=True, text=True, check=True)
    assert "--dashboard-port" in done.stdout and "--params" in done.stdout


def test_a_port_in_use_is_one_line_and_starts_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.chdir(tmp_path)
    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", 0))
        other_program.listen()
        port = other_program.getsockname()[1]
        assert main(["ui", "--port", str(port)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and f"--port {port}: 127.0.0.1:{port} is already in use" in error, error
    assert not (tmp_path / "mlflow.db").exists(), "no server was started"
