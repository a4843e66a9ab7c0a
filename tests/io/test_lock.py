"""Two processes never hold one lock; a killed holder frees it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bsgan.io.lock import LockedError, exclusive_lock

HOLD = "import sys, time; from pathlib import Path; from bsgan.io.lock import exclusive_lock\n" \
       "with exclusive_lock(Path(sys.argv[1]), 'testing'):\n    print('held', flush=True); time.sleep(60)"


def test_a_second_process_is_refused_until_the_first_is_killed(tmp_path: Path) -> None:
    lock = tmp_path / "gan" / "rust-original.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with (pytest.raises(LockedError, match=r"rust-original.lock: another process is training"),
              exclusive_lock(lock, "training rust-original")):
            pass
    finally:
        holder.kill()
        holder.wait()
    with exclusive_lock(lock, "training rust-original"):  # the lock file is still there, but free
        assert lock.exists()
