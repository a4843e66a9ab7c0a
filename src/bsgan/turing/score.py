"""Judging a person's answers: accuracy with an exact binomial confidence interval.

People who cannot tell real from generated score about 50%; the Clopper-Pearson interval says
whether a score is distinguishable from guessing at this sheet size (20 images cannot show much).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scipy.stats import binomtest

from bsgan.errors import InputDataError


@dataclass(frozen=True)
class Score:
    correct: int
    total: int
    accuracy: float
    ci_low: float
    ci_high: float
    """95% Clopper-Pearson interval of the accuracy."""
    p_value: float
    """Two-sided binomial test against guessing (0.5)."""
    sheet_size: int | None = None
    """Images on the sheet (None: scored before bsgan recorded it); more than ``total`` when some went unanswered."""

    def line(self) -> str:
        unanswered = (f"; only {self.total} of the sheet's {self.sheet_size} images answered"
                      if self.sheet_size is not None and self.total < self.sheet_size else "")
        return (f"accuracy {self.accuracy:.2f} ({self.correct}/{self.total}), "
                f"95% CI {self.ci_low:.2f}-{self.ci_high:.2f} (Clopper-Pearson), "
                f"p = {self.p_value:.3g} against guessing{unanswered}")


def score(answers: dict[str, Any], key: dict[str, Any], origin: str = "answers") -> Score:
    """Compare ``answers`` (``{"sheet", "answers": {id: "real"|"generated"}}``) with the sheet's key."""
    if answers.get("sheet") != key.get("sheet"):
        raise InputDataError(f"{origin}: answers are for sheet {answers.get('sheet')!r}, "
                             f"the key is for {key.get('sheet')!r}")
    given, truth = answers.get("answers"), key["truth"]
    if not isinstance(given, dict) or not given:
        raise InputDataError(f"{origin}: no answers (expected an 'answers' mapping of image id to real/generated)")
    unknown = sorted(set(given) - set(truth))
    if unknown:
        raise InputDataError(f"{origin}: image id {unknown[0]!r} is not on the sheet")
    bad = [value for value in given.values() if value not in ("real", "generated")]
    if bad:
        raise InputDataError(f"{origin}: answer {bad[0]!r} is neither 'real' nor 'generated'")
    correct = sum(given[i] == truth[i] for i in given)
    test = binomtest(correct, len(given), 0.5)
    interval = test.proportion_ci(confidence_level=0.95, method="exact")
    return Score(correct, len(given), correct / len(given), float(interval.low), float(interval.high),
                 float(test.pvalue), len(truth))
