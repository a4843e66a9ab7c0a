"""Write a stage's output folder so that readers only ever see a complete one.

A stage writes into a temporary sibling folder; only when everything is written is it renamed into
place. A run that fails or is killed leaves the previous output untouched (the temporary folder is
removed on failure, or replaced by the next run if the process was killed outright). Where the folder
may go at all is :mod:`bsgan.io.output_rule`'s decision; an OS refusal (full disk, read-only, no
permission) becomes one :class:`~bsgan.errors.OutputError` line naming the folder.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch

from bsgan.errors import OutputError
from bsgan.io.output_rule import claim_folder, mark, os_cause, remove_ours

WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EFBIG})
"""Errors that can only come from writing: whatever file they name, the output is what failed."""


def _staging_path(final: Path, tag: str) -> Path:
    return final.with_name(f".{final.name}.{tag}")


def write_error(given: Path, exc: OSError) -> OutputError:
    """One line for an OS refusal while writing ``given``: the folder the user named and the cause."""
    return OutputError(f"{given}: cannot write it: {os_cause(exc)}; nothing was replaced, earlier outputs are intact")


def _ours(exc: BaseException, *paths: Path) -> bool:
    """True when ``exc`` is an OS refusal of bsgan's own writing (a file under ``paths``, or a write-only errno)."""
    if not isinstance(exc, OSError):
        return False
    named = [Path(os.fsdecode(name)) for name in (exc.filename, exc.filename2) if isinstance(name, (str, bytes))]
    return exc.errno in WRITE_ERRNOS or any(path == name or path in name.parents for name in named for path in paths)


@contextmanager
def atomic_directory(final: Path | str, inputs: Iterable[Path | str] = (),
                     after_move: Callable[[Path], object] | None = None) -> Iterator[Path]:
    """Yield a staging folder (empty but for bsgan's marker) that replaces ``final`` when the block exits cleanly.

    ``inputs`` are the folders and files the command reads: ``final`` may not be, hold or lie inside one.
    ``after_move(final)`` runs once the new folder is in place; if it fails, the previous folder comes back.

    Example:
        >>> with atomic_directory(tmp / "prepared") as out:  # doctest: +SKIP
        ...     (out / "counts.json").write_text("{}")
    """
    given = Path(final)
    final = claim_folder(given, inputs)
    staging, old = _staging_path(final, "tmp"), _staging_path(final, "old")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        remove_ours(staging)  # a killed run's leftover
        staging.mkdir()
        mark(staging)  # bsgan's from birth: a killed run's leftover is removed by the next run
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise write_error(given, exc) from None
    try:
        yield staging
        remove_ours(old)
        _move_in(staging, final, old, after_move)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if _ours(exc, staging, final, old):
            raise write_error(given, exc) from None  # type: ignore[arg-type]
        raise
    shutil.rmtree(old, ignore_errors=True)


def _move_in(staging: Path, final: Path, old: Path, after_move: Callable[[Path], object] | None) -> None:
    """Swap ``staging`` in for ``final`` (kept as ``old`` until done); on any failure put ``final`` back."""
    had_final = final.exists()
    if had_final:
        os.replace(final, old)
    try:
        os.replace(staging, final)
        if after_move is not None:
            after_move(final)
    except BaseException:
        if final.exists() and not staging.exists():
            shutil.rmtree(final, ignore_errors=True)
        if had_final:
            os.replace(old, final)
        raise


def _write_then_replace(final: Path | str, write: Callable[[Path], object]) -> None:
    """``write`` a temporary sibling of ``final``, then rename it into place: a reader never sees half a file."""
    final = Path(final)
    staging = _staging_path(final, "tmp")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        write(staging)
        os.replace(staging, final)
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise write_error(final, exc) from None
    except BaseException:
        staging.unlink(missing_ok=True)
        raise


def atomic_text(text: str, final: Path | str) -> None:
    """Write ``text`` to ``final`` through a temporary sibling, so a reader never sees half a file."""
    _write_then_replace(final, lambda staging: staging.write_text(text, encoding="utf-8"))


def atomic_torch_save(obj: Any, final: Path | str) -> None:
    """``torch.save`` to ``final`` through a temporary sibling: a killed run never leaves half a cache entry."""
    _write_then_replace(final, lambda staging: torch.save(obj, staging))
