"""Write a stage's output folder so that readers only ever see a complete one.

A stage writes into a temporary sibling folder; only when everything is written is it renamed into
place. A run that fails or is killed leaves the previous output untouched (the temporary folder is
removed on failure, or overwritten by the next run if the process was killed outright).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch


def _staging_path(final: Path, tag: str) -> Path:
    return final.with_name(f".{final.name}.{tag}")


@contextmanager
def atomic_directory(final: Path | str) -> Iterator[Path]:
    """Yield an empty staging folder that replaces ``final`` when the block exits cleanly.

    Example:
        >>> with atomic_directory(tmp / "prepared") as out:  # doctest: +SKIP
        ...     (out / "counts.json").write_text("{}")
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = _staging_path(final, "tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = _staging_path(final, "old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    shutil.rmtree(old, ignore_errors=True)


def _write_then_replace(final: Path | str, write: Callable[[Path], object]) -> None:
    """``write`` a temporary sibling of ``final``, then rename it into place: a reader never sees half a file."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = _staging_path(final, "tmp")
    write(staging)
    os.replace(staging, final)


def atomic_text(text: str, final: Path | str) -> None:
    """Write ``text`` to ``final`` through a temporary sibling, so a reader never sees half a file."""
    _write_then_replace(final, lambda staging: staging.write_text(text, encoding="utf-8"))


def atomic_torch_save(obj: Any, final: Path | str) -> None:
    """``torch.save`` to ``final`` through a temporary sibling: a killed run never leaves half a cache entry."""
    _write_then_replace(final, lambda staging: torch.save(obj, staging))
