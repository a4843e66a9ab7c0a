"""Where runs go. That processes opening a new store at once do not collide is shown by the real thing:
two queued DVC experiments at once (tests/commands/test_budget.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bsgan.tracking import store_lock


def test_the_lock_lies_beside_the_store_runs_go_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert store_lock(tmp_path) == tmp_path / "mlflow.db.lock"
    shared = tmp_path / "elsewhere/runs.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{shared}")
    assert store_lock(tmp_path / "a dvc experiment's copy") == shared.with_name("runs.db.lock"), \
        "copies of the project (queued DVC experiments) share the store's lock, not one each"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000")
    assert store_lock(tmp_path) == tmp_path / "mlflow.db.lock", "a tracking server: the project's own lock"
