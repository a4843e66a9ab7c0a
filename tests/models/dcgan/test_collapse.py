import logging
from pathlib import Path

import pytest

from bsgan.callbacks.gan_progress import GanProgress
from bsgan.models.dcgan.collapse import find_collapse


def curve(d_fake: list[float], g_loss: list[float], d_loss: list[float] | None = None) -> dict[str, list[float]]:
    return {"loop": [100.0 * (i + 1) for i in range(len(d_fake))], "d_fake": d_fake, "g_loss": g_loss,
            "d_loss": d_loss or [1.0] * len(d_fake)}


def test_a_healthy_run_is_not_a_collapse() -> None:
    # rust-original of the default pipeline: the fake score stays near 0.3-0.4, the generator loss near 1-1.4
    assert find_collapse(curve([0.42, 0.29, 0.33, 0.36, 0.31], [0.96, 1.37, 1.2, 1.1, 1.3])) is None


def test_a_run_whose_discriminator_wins_outright_is_a_collapse() -> None:
    # lr 1.0: no NaN, but losses of 25-92 and a fake score of ~0 from loop 300 on
    collapse = find_collapse(curve([0.3, 0.2, 1e-6, 1e-9, 1e-11, 1e-12], [1.2, 1.8, 25.0, 48.0, 92.0, 60.0]))
    assert collapse is not None and collapse.since_loop == 300 and collapse.g_loss == 92.0
    assert "training collapsed from loop 300" in collapse.line() and "gan.lr_g" in collapse.line()


def test_a_run_whose_losses_blow_up_is_a_collapse_whatever_its_fake_score() -> None:
    # measured: the default recipe with lr 1.0 on rust, 50 loops, one row per 10 loops (the fake score looks normal)
    collapse = find_collapse(curve([0.300, 0.133, 0.232, 0.286, 0.243], [113.4, 59.8, 187.2, 377.4, 388.1],
                                   [135.0, 59.9, 85.4, 156.3, 232.6]))
    assert collapse is not None and collapse.since_loop == 100 and "generator loss 187" in collapse.line()


def test_two_bad_intervals_that_recover_are_not_a_collapse() -> None:
    assert find_collapse(curve([0.001, 0.002, 0.3, 0.001, 0.001], [7.0, 6.5, 1.2, 7.0, 7.0])) is None


def test_the_training_callback_warns_once_and_keeps_the_collapse(tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    progress = GanProgress(tmp_path / "curve.csv", log_every=100, name="rust-original")
    rows = [{"loop": 100.0 * i, "d_loss": 0.5, "g_loss": 40.0, "d_real": 1.0, "d_fake": 1e-9, "aug_p": 0.0}
            for i in range(1, 6)]
    with caplog.at_level(logging.WARNING):
        progress._watch(rows[:2], logger=None)
        assert progress.collapse is None
        progress._watch(rows[2:], logger=None)
    assert progress.collapse is not None and progress.collapse.since_loop == 100
    assert caplog.text.count("rust-original: training collapsed from loop 100") == 1
