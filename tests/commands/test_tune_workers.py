"""``bsgan tune --workers N``: the other workers are the same command with a share of the threads (none is run here)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import torch

from bsgan.commands import tune


def test_workers_on_one_machine_split_its_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []

    class Recorded:
        def __init__(self, command: list[str]) -> None:
            started.append(command)

    monkeypatch.setattr(tune.subprocess, "Popen", Recorded)
    monkeypatch.setenv("BSGAN_THREADS", "2")  # restored afterwards: start_workers hands its share on through it
    args = argparse.Namespace(workers=2, label="rust", source="original", study="s", trials=3, timeout=None,
                              params=Path("params.yaml"), storage=None)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        helpers = tune.start_workers(args, Path("."))
        assert torch.get_num_threads() == 1, "this worker keeps its share"
    finally:
        torch.set_num_threads(before)
    assert len(helpers) == 1 and len(started) == 1
    command = started[0]
    assert command[command.index("--threads") + 1] == "1" and command[command.index("--trials") + 1] == "3"
    assert command[command.index("--storage") + 1] == "optuna.journal", "every worker joins the same study storage"
    assert "--workers" not in command


def test_one_worker_starts_no_other() -> None:
    args = argparse.Namespace(workers=1)
    assert tune.start_workers(args, Path(".")) == []
