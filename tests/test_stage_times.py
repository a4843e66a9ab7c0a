"""The stage-time ledger: the CLI times every finished stage; the latest run of a command counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bsgan.cli import main
from bsgan.stage_times import LEDGER, StageTime, latest, record


def test_the_latest_entry_per_command_wins_and_torn_lines_are_skipped(tmp_path: Path) -> None:
    record(tmp_path, StageTime("classify --task t1", "2026-11-28T08:00:00+00:00", 30.0))
    record(tmp_path, StageTime("prepare", "2026-11-28T08:01:00+00:00", 2.0))
    with (tmp_path / LEDGER).open("a") as ledger:
        ledger.write('{"command": "classify --ta')  # a process killed mid-write
    record(tmp_path, StageTime("classify --task t1", "2026-11-28T09:00:00+00:00", 20.0))
    times = latest(tmp_path)
    assert set(times) == {"classify --task t1", "prepare"}
    assert times["classify --task t1"].seconds == 20.0
    assert latest(tmp_path / "elsewhere") == {}


def test_the_cli_times_stages_but_not_failures_or_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          write_params) -> None:
    monkeypatch.chdir(tmp_path)
    write_params()
    assert main(["prepare"]) == 0
    assert main(["augment", "--prepared", "missing"]) == 2
    assert main(["profile", "cpu", "--dry-run"]) == 0
    times = latest(Path("."))
    assert list(times) == ["prepare"] and times["prepare"].seconds > 0
