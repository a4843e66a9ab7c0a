"""Small JSON files (DVC metrics, keys, run links): written atomically, read with one clear error."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from bsgan.errors import InputDataError


def finite_or_null(data: Any) -> Any:
    """``data`` with every NaN or infinite float replaced by ``None``: JSON has no NaN, and Python's ``NaN``
    token breaks strict readers (``jq``, browsers, DVC's metrics diff)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite_or_null(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite_or_null(value) for value in data]
    return data


def write_json(data: Any, path: Path) -> None:
    """Write ``data`` as indented, strictly valid JSON (non-finite numbers as ``null``) via a temporary file,
    so a reader never sees half a file."""
    from bsgan.io.atomic import atomic_text  # torch-heavy: only when writing

    atomic_text(json.dumps(finite_or_null(data), indent=2, sort_keys=False, allow_nan=False) + "\n", path)


def read_json(path: Path) -> Any:
    """The JSON in ``path``; a missing or malformed file is an :class:`InputDataError` naming it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputDataError(f"{path}: not found") from None
    except json.JSONDecodeError as exc:
        raise InputDataError(f"{path}: not valid JSON (line {exc.lineno})") from None
    except UnicodeDecodeError as exc:
        raise InputDataError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8") from None
    except IsADirectoryError:
        raise InputDataError(f"{path}: is a folder, not a JSON file") from None
