"""Ctrl-C through Lightning: the interrupt reaches bsgan's CLI, which exits 130 with its one line.

Lightning catches ``KeyboardInterrupt`` in ``fit``/``test``, prints "Detected KeyboardInterrupt",
ignores further Ctrl-C and calls ``sys.exit(1)``. A stage then exits 1 as if it had failed, and the
CLI's promise (exit 130, "interrupted; previous outputs are unchanged") is broken. :func:`run_trainer`
turns that exit back into the interrupt it was and restores the Ctrl-C handler.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from typing import Any

import pytorch_lightning as pl


def run_trainer(trainer: pl.Trainer, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``method(*args, **kwargs)`` (``trainer.fit``, ``trainer.test``); Ctrl-C inside raises KeyboardInterrupt.

    Example:
        >>> run_trainer(trainer, trainer.fit, model, train_batches)  # doctest: +SKIP
    """
    handler = signal.getsignal(signal.SIGINT)
    try:
        answer = method(*args, **kwargs)
    except SystemExit:
        if trainer.interrupted:
            raise KeyboardInterrupt from None
        raise
    finally:
        if handler is not None:
            signal.signal(signal.SIGINT, handler)  # Lightning set SIG_IGN while it shut down
    if trainer.interrupted:
        raise KeyboardInterrupt
    return answer
