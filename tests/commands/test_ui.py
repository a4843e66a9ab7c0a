"""``bsgan ui``: a port another program holds is refused before any server starts."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bsgan.cli import main


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
