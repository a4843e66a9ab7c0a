"""Progress of long work: a bar with rate and ETA on a terminal, periodic plain lines in logs.

``dvc repro`` and CI capture stderr into a file, where a redrawn bar becomes thousands of carriage
returns; there a line every ``BSGAN_PROGRESS_EVERY`` seconds (default 30) says the same. Set
``BSGAN_PROGRESS`` to ``bar``, ``lines`` or ``off`` to choose instead of letting the terminal decide.

Example:
    >>> with Progress(1200, "rust-original", unit="loop") as progress:  # doctest: +SKIP
    ...     for loop in range(1200):
    ...         progress.update()
"""

from __future__ import annotations

import logging
import os
import sys
import time
from types import TracebackType
from typing import Literal, Self

from tqdm import tqdm

log = logging.getLogger("bsgan.progress")
Style = Literal["bar", "lines", "off"]


def progress_style() -> Style:
    """``BSGAN_PROGRESS`` when set, else a bar on a terminal and plain lines on a pipe or file."""
    chosen = os.environ.get("BSGAN_PROGRESS", "").strip().lower()
    if chosen in ("bar", "lines", "off"):
        return chosen  # type: ignore[return-value]
    return "bar" if sys.stderr.isatty() else "lines"


def line_interval() -> float:
    try:
        return max(0.0, float(os.environ.get("BSGAN_PROGRESS_EVERY", "30")))
    except ValueError:
        return 30.0


class Progress:
    """Counts ``total`` units of work from ``start``; shows rate and remaining time as the style says."""

    def __init__(self, total: int, what: str, unit: str = "it", start: int = 0, style: Style | None = None,
                 every_s: float | None = None) -> None:
        self.total, self.what, self.unit, self.done = total, what, unit, start
        self.style = style or progress_style()
        self.every_s = line_interval() if every_s is None else every_s
        self._start, self._start_done = time.perf_counter(), start
        self._last_line = self._start
        self._bar = (tqdm(total=total, initial=start, desc=what, unit=unit, dynamic_ncols=True, file=sys.stderr)
                     if self.style == "bar" else None)

    def update(self, n: int = 1) -> None:
        self.advance_to(self.done + n)

    def advance_to(self, done: int) -> None:
        """Set the count (a loop index is easier to hand over than an increment)."""
        step, self.done = done - self.done, min(done, self.total)
        if self._bar is not None:
            self._bar.update(step)
        elif self.style == "lines":
            now = time.perf_counter()
            if now - self._last_line >= self.every_s and self.done < self.total:
                self._last_line = now
                log.info("%s", self.line(now))

    def line(self, now: float | None = None) -> str:
        """``what: done/total unit (pct), rate unit/s, elapsed, ETA`` for the plain-line style."""
        elapsed = (now or time.perf_counter()) - self._start
        rate = (self.done - self._start_done) / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else None
        return (f"{self.what}: {self.done}/{self.total} {self.unit}s ({100 * self.done / max(1, self.total):.0f}%), "
                f"{rate:.3g} {self.unit}s/s, {tqdm.format_interval(elapsed)} elapsed, "
                f"ETA {tqdm.format_interval(eta) if eta is not None else '?'}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self.style == "lines" and self.done > self._start_done:
            log.info("%s", self.line().split(", ETA")[0])

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
