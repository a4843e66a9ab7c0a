"""An exclusive lock file, so two processes never train into the same checkpoint folder."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bsgan.errors import BsganError


class LockedError(BsganError):
    """Another process holds the lock."""


@contextmanager
def exclusive_lock(path: Path, what: str, wait: bool = False) -> Iterator[None]:
    """Hold ``path`` locked for the block; fail at once if another process holds it (or, with ``wait``, queue).

    The operating system releases the lock when the holder exits, also when it is killed, so a
    stale lock file never blocks a later run.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(f"{path}: another process is {what}; wait for it or stop it") from None
        yield
    finally:
        os.close(handle)
