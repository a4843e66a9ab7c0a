"""The one rule for every folder bsgan writes where the user says (``--out``, ``--models``, ``--plots`` ...).

bsgan never deletes or moves a file it did not write. So an output folder is refused when it is, holds
or lies inside an input; when a file stands where the folder is due; and when it exists and is not
empty but lacks :data:`MARKER`, the file bsgan leaves in every folder it writes. ``.`` and ``..`` are
resolved to the real folders they name before any of these checks. Each refusal is one line
(:class:`~bsgan.errors.OutputError`).
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from bsgan.errors import OutputError

MARKER = ".bsgan-output"
"""Present in every folder bsgan wrote whole: such a folder may be replaced by the next run."""
MARKER_TEXT = "Written by bsgan: the next run may replace this whole folder. Files you add here will be lost.\n"
"""Constant text, so DVC's hash of an output folder depends on its contents only."""


def is_ours(folder: Path) -> bool:
    """True when ``folder`` is missing, empty, or carries bsgan's marker: replacing it loses nothing of the user's."""
    if not folder.exists():
        return True
    return folder.is_dir() and ((folder / MARKER).is_file() or not any(folder.iterdir()))


def claim_folder(final: Path | str, inputs: Iterable[Path | str] = ()) -> Path:
    """The real path of output folder ``final`` once the rule allows bsgan to (re)place it; else OutputError.

    Example:
        >>> claim_folder("predictions", inputs=["photos"])  # doctest: +SKIP
        PosixPath('/home/me/project/predictions')
    """
    given = Path(final)
    real = given.resolve()
    if real.parent == real:
        raise OutputError(f"{given}: the file system root cannot be an output folder; name a folder to write")
    here = Path.cwd().resolve()
    if real == here or real in here.parents:
        raise OutputError(f"{given}: is {'the' if real == here else 'above the'} current folder ({real}); bsgan "
                          f"replaces its output folders whole, so name a new folder such as {given / 'out'}")
    if real.exists() and not real.is_dir():
        raise OutputError(f"{given}: is an existing file, and a folder is due here; name a folder (it is left as is)")
    for source in inputs:
        source_real = Path(source).resolve()
        if real == source_real or real in source_real.parents or source_real in real.parents:
            relation = ("is" if real == source_real else "contains" if real in source_real.parents else "lies inside")
            raise OutputError(f"{given}: the output folder {relation} the input {source}; choose an output folder "
                              f"apart from the inputs (nothing was written)")
    if not is_ours(real):
        raise OutputError(f"{given}: exists and was not written by bsgan (no {MARKER} file in it), so bsgan will not "
                          f"replace it; choose a new output folder or empty this one yourself")
    return real


def remove_ours(folder: Path) -> None:
    """Remove ``folder`` (staging or a replaced output) if bsgan wrote it; refuse if it holds the user's files."""
    if not folder.exists() and not folder.is_symlink():
        return
    if folder.is_symlink() or not is_ours(folder):
        raise OutputError(f"{folder}: in the way of bsgan's output and not written by bsgan; move it away")
    shutil.rmtree(folder)


def mark(folder: Path) -> None:
    """Leave bsgan's marker in ``folder``: it was written whole by bsgan."""
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


FILESYSTEM_ERRNOS = {errno.ENOSPC: "no space left on the device", errno.EROFS: "read-only file system",
                     errno.EACCES: "permission denied", errno.EPERM: "operation not permitted (immutable file?)",
                     errno.EDQUOT: "disk quota exceeded", errno.EIO: "input/output error"}


def os_cause(exc: OSError) -> str:
    """A short cause for ``exc``: its errno name in words, else the OS's own message."""
    return FILESYSTEM_ERRNOS.get(exc.errno or 0) or exc.strerror or str(exc)


def os_failure(exc: OSError) -> str:
    """``exc`` as one line: the file it names, then the cause."""
    names = [printable(name) for name in (exc.filename, exc.filename2) if name is not None]
    return f"{' -> '.join(names) or 'a file'}: {os_cause(exc)} (errno {exc.errno})"


def printable(name: object) -> str:
    """A file name as valid UTF-8 text: bytes the file system's name has but UTF-8 lacks as ``\\xNN`` escapes.

    Python keeps such bytes as lone surrogates (``caf\\udce9.png``), which no UTF-8 file can hold.
    """
    text = os.fsdecode(name) if isinstance(name, (str, bytes, os.PathLike)) else str(name)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
