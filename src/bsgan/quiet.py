"""Silence third-party chatter that says nothing about a bsgan run (adverts, internal deprecations)."""

from __future__ import annotations

import logging
import warnings


class _DropAdverts(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("💡 Tip")


_ADVERTS = _DropAdverts()


def quiet_third_party() -> None:
    """Drop Lightning's product tips, its use of a deprecated torch API and its resume warning; keep real ones."""
    logging.getLogger("pytorch_lightning.utilities.rank_zero").addFilter(_ADVERTS)  # no-op when already there
    warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)")
    # A resumed train-gan finds its own last.ckpt (and fingerprint) there: expected, not a hazard.
    warnings.filterwarnings("ignore", message=r"Checkpoint directory .* exists and is not empty")
