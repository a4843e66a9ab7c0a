"""Reading a torch file this project saved: one clear line for a missing, truncated or foreign file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from bsgan.errors import InputDataError


def load_saved(path: Path, what: str, made_by: str, device: torch.device | str = "cpu") -> Any:
    """``torch.load`` of tensors and plain data only; errors name the file, ``what`` it is and ``made_by``."""
    try:
        return torch.load(path, map_location=device, weights_only=True)
    except FileNotFoundError:
        raise InputDataError(f"{path}: {what} not found (run `{made_by}` first)") from None
    except Exception as exc:  # a truncated or foreign file; torch raises several types
        raise InputDataError(f"{path}: not a readable {what} file ({type(exc).__name__})") from None
