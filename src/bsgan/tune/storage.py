"""Where a study lives: a journal file in the project by default, or a database every worker can reach.

Optuna's journal file (``optuna.journal``) is safe for several processes on one machine (appends
under a file lock, no database server). A URL (``--storage`` or ``OPTUNA_STORAGE``), e.g.
``postgresql://user:password@host/db``, lets workers on many machines share one study; those
workers send heartbeats, so a trial whose worker died is marked failed instead of running forever.
"""

from __future__ import annotations

import os
from pathlib import Path

from optuna.storages import BaseStorage, JournalStorage, RDBStorage
from optuna.storages.journal import JournalFileBackend, JournalFileOpenLock

from bsgan.errors import InputDataError

JOURNAL_FILE = Path("optuna.journal")
HEARTBEAT_S = 60


def storage_url(project: Path, given: str | None = None) -> str:
    """``--storage``, else ``OPTUNA_STORAGE``, else the project's journal file."""
    return given or os.environ.get("OPTUNA_STORAGE") or str(project / JOURNAL_FILE)


def is_database(url: str) -> bool:
    return "://" in url


def open_storage(url: str) -> BaseStorage:
    """The storage behind ``url``: a database URL, or the path of a journal file."""
    if not is_database(url):
        path = Path(url)
        if not path.parent.is_dir():  # a typo in the folder should not create a study nobody will find
            raise InputDataError(f"--storage {url}: folder {path.parent} does not exist (create it, or fix the path)")
        # An open()-based lock: works on every file system, unlike the default symlink lock on some mounts.
        return JournalStorage(JournalFileBackend(str(path), lock_obj=JournalFileOpenLock(str(path))))
    try:
        return RDBStorage(url, heartbeat_interval=HEARTBEAT_S, grace_period=2 * HEARTBEAT_S)
    except (ImportError, ModuleNotFoundError) as exc:
        raise InputDataError(f"--storage {url.split('://')[0]}://...: its database driver is not installed "
                             f"({exc})") from None
    except Exception as exc:  # SQLAlchemy's many connection errors, as one line
        raise InputDataError(f"--storage {_redacted(url)}: cannot connect ({type(exc).__name__}: "
                             f"{str(exc).splitlines()[0]})") from None


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, _, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    return f"{scheme}://{credentials.split(':')[0]}:***@{host}"


def exists(project: Path) -> str | None:
    """The study storage of this project, if one was created (for ``bsgan ui``)."""
    url = storage_url(project)
    return url if is_database(url) or Path(url).exists() else None

