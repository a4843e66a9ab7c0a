"""Small JSON files (DVC metrics, keys, run links): written atomically, read with one clear error."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bsgan.errors import InputDataError


def write_json(data: Any, path: Path) -> None:
    """Write ``data`` as indented JSON via a temporary file, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(staging, path)


def read_json(path: Path) -> Any:
    """The JSON in ``path``; a missing or malformed file is an :class:`InputDataError` naming it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputDataError(f"{path}: not found") from None
    except json.JSONDecodeError as exc:
        raise InputDataError(f"{path}: not valid JSON (line {exc.lineno})") from None
