"""Silence third-party chatter that says nothing about a bsgan run (adverts, internal deprecations)."""

from __future__ import annotations

import logging
import warnings


class _DropAdverts(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("💡 Tip")


def quiet_third_party() -> None:
    """Drop Lightning's product tips and its own use of a deprecated torch API; keep real warnings."""
    logging.getLogger("pytorch_lightning.utilities.rank_zero").addFilter(_DropAdverts())
    warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)")
