"""Scoring answers: exact binomial interval, and bad answer files named."""

from __future__ import annotations

import pytest

from bsgan.errors import InputDataError
from bsgan.turing.score import score

KEY = {"sheet": "rust-original", "truth": {str(i): ("real" if i % 2 else "generated") for i in range(20)}}


def answers(correct: int) -> dict[str, object]:
    flip = {"real": "generated", "generated": "real"}
    given = {i: (t if int(i) < correct else flip[t]) for i, t in KEY["truth"].items()}  # type: ignore[union-attr]
    return {"sheet": "rust-original", "answers": given}


def test_accuracy_with_the_clopper_pearson_interval() -> None:
    result = score(answers(15), KEY)
    assert (result.correct, result.total, result.accuracy) == (15, 20, 0.75)
    # Clopper-Pearson for 15/20: Beta(0.025; 15, 6) and Beta(0.975; 16, 5)
    assert result.ci_low == pytest.approx(0.5090, abs=1e-4) and result.ci_high == pytest.approx(0.9134, abs=1e-4)
    assert result.p_value == pytest.approx(0.04139, abs=1e-4)
    assert "accuracy 0.75 (15/20), 95% CI 0.51-0.91" in result.line()


def test_guessing_is_not_significant() -> None:
    assert score(answers(10), KEY).p_value == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"sheet": "pitting-original", "answers": {"0": "real"}}, "answers are for sheet 'pitting-original'"),
        ({"sheet": "rust-original", "answers": {"99": "real"}}, "image id '99' is not on the sheet"),
        ({"sheet": "rust-original", "answers": {"0": "fake"}}, "answer 'fake' is neither"),
        ({"sheet": "rust-original", "answers": {}}, "no answers"),
    ],
)
def test_bad_answers_are_one_clear_line(bad: dict[str, object], message: str) -> None:
    with pytest.raises(InputDataError, match=message):
        score(bad, KEY, origin="mine.json")
