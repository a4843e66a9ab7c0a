"""``bsgan tune`` arguments that would run nothing are one line, not a silent exit 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from bsgan.cli import main


@pytest.mark.parametrize(("arguments", "message"), [
    (["--trials", "-1"], "--trials -1: must be a positive number"),
    ([], "nothing to do: give --trials N"),
    (["--timeout", "30"], "--timeout 30: give a positive --timeout together with --trials N"),
    (["--trials", "1", "--storage", "missing/folder/study.journal"],
     "--storage missing/folder/study.journal: folder missing/folder does not exist"),
])
def test_a_tune_that_would_run_nothing_is_one_line(arguments: list[str], message: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "params.yaml").write_text("data:\n  seed: 0\n")
    assert main(["tune", "--class", "pitting", "--study", "s", *arguments]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and message in error, error
    assert not (tmp_path / "missing").exists()
