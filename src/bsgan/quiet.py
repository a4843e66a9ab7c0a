"""Silence third-party chatter that says nothing about a bsgan run (adverts, internal deprecations, routine
status lines), so that what remains in a stage's log is worth reading.

Kept: every real warning (a GPU present but unused, emulated bf16, a diverging run) and errors. Replaced by
bsgan's own line where it matters: the device and CPU threads a training uses (``train-gan`` says it).
"""

from __future__ import annotations

import logging
import os
import warnings

_DROPPED_PREFIXES = (
    "💡 Tip",  # Lightning's product adverts
    "GPU available:", "TPU available:", "HPU available:", "IPU available:",  # Lightning's hardware roll call
    "`Trainer.fit` stopped:",  # a finished training, said by the stage itself
    "\nDetected KeyboardInterrupt",  # Ctrl-C: bsgan's CLI says "interrupted" itself
    "Experiment with name ",  # "... not found. Creating it.": the first run of a project, at WARNING
)


class _DropRoutine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_DROPPED_PREFIXES)


_ROUTINE = _DropRoutine()
_LIGHTNING_LOGGERS = ("pytorch_lightning.utilities.rank_zero", "lightning_fabric.utilities.rank_zero",
                      "lightning.pytorch.utilities.rank_zero", "lightning.fabric.utilities.rank_zero",
                      "pytorch_lightning.loggers.mlflow")
_CHATTY_AT_INFO = ("mlflow", "alembic", "onnxscript", "onnx_ir", "torch.onnx")
"""MLflow's store set-up and database migrations ("Creating initial MLflow database tables...", "Context impl
SQLiteImpl") and the ONNX exporter's optimiser passes: routine at INFO; their warnings and errors still show."""


def quiet_third_party() -> None:
    """Drop Lightning's tips, roll call and stop line, MLflow's INFO lines, torch's TorchScript deprecation (the
    FID network ships as TorchScript) and Lightning's use of a deprecated torch API; keep real warnings."""
    for name in _LIGHTNING_LOGGERS:
        logging.getLogger(name).addFilter(_ROUTINE)  # no-op when already there
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")  # read when mlflow is imported (it sets its own level)
    for name in _CHATTY_AT_INFO:  # and for an mlflow imported already
        logging.getLogger(name).setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)")
    warnings.filterwarnings("ignore", message=r"The ``noload`` loader strategy is deprecated")  # MLflow's SQL store
    warnings.filterwarnings("ignore", message=r"`torch\.jit\.load` is (deprecated|not supported)",
                            category=FutureWarning)
    # A resumed train-gan finds its own last.ckpt (and fingerprint) there: expected, not a hazard.
    warnings.filterwarnings("ignore", message=r"Checkpoint directory .* exists and is not empty")
    # A classifier trained without a validation split (GAN-test's reference, classify.val_fraction 0) has nothing
    # to validate by design; the classifier recipe keeps its validation_step for the runs that do.
    warnings.filterwarnings("ignore", message=r"You defined a `validation_step` but have no `val_dataloader`")
    # The classifier logs once per epoch by design; an epoch of fewer batches than Lightning's interval is normal.
    warnings.filterwarnings("ignore", message=r"The number of training batches \(\d+\) is smaller than the logging")
