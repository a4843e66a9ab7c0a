"""What a piece of work was computed from, as one hash; and the folder of unfinished work it keys.

Checkpoints of a GAN, finished seeds of a task and cached networks are reused only when they were made
from the same settings and the same bytes: a resume after a change would mix two experiments.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import torch

from bsgan.errors import OutputError
from bsgan.io.output_rule import is_ours

STAMP_FILE = "fingerprint.txt"


def fingerprint(settings: Any, *parts: torch.Tensor | str) -> str:
    """sha256 of ``settings`` (JSON, keys sorted) followed by each part's bytes (a tensor's values, a
    string's UTF-8)."""
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def resume_or_reset(folder: Path, stamp: str, restart: bool = False, needs: str | None = None) -> bool:
    """True when ``folder`` holds work of this ``stamp`` (and the file ``needs``, if given) to go on with.

    Otherwise, or with ``restart``, the folder is emptied and stamped afresh, and the answer is False.
    """
    stamp_file = folder / STAMP_FILE
    if (not restart and stamp_file.exists() and stamp_file.read_text() == stamp
            and (needs is None or (folder / needs).exists())):
        return True
    if folder.exists() and not stamp_file.exists() and not is_ours(folder):
        raise OutputError(f"{folder}: holds files bsgan did not write (no {STAMP_FILE}), so bsgan will not empty it "
                          f"for its checkpoints; choose another checkpoint folder")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    stamp_file.write_text(stamp)
    return False
