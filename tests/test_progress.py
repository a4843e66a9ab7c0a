import logging

import pytest

from bsgan.progress import Progress, progress_style


def test_a_log_gets_plain_lines_with_rate_and_eta(caplog: pytest.LogCaptureFixture) -> None:
    with (caplog.at_level(logging.INFO, logger="bsgan.progress"),
          Progress(10, "rust-original", unit="loop", style="lines", every_s=0) as progress):
        for _ in range(4):
            progress.update()
    lines = [record.getMessage() for record in caplog.records]
    assert lines[0].startswith("rust-original: 1/10 loops (10%), ") and "loops/s" in lines[0] and "ETA" in lines[0]
    assert lines[-1].startswith("rust-original: 4/10 loops (40%)") and "ETA" not in lines[-1]  # the closing line


def test_a_terminal_gets_a_bar_with_rate_and_eta(capsys: pytest.CaptureFixture[str]) -> None:
    with Progress(5, "classify", unit="epoch", style="bar", start=1) as progress:
        progress.advance_to(5)
    err = capsys.readouterr().err
    assert "classify: 100%" in err and "5/5" in err and "epoch/s" in err


def test_the_style_follows_the_terminal_unless_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BSGAN_PROGRESS", raising=False)
    assert progress_style() == "lines"  # pytest's stderr is no terminal, as DVC's and CI's are not
    monkeypatch.setenv("BSGAN_PROGRESS", "off")
    assert progress_style() == "off"
