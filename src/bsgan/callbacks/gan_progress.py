"""Watching a GAN train: the loss-curve CSV, MLflow metrics and sample grids of a fixed latent batch."""

from __future__ import annotations

import csv
import io
import logging
import time
from pathlib import Path

import pytorch_lightning as pl
from PIL import Image
from pytorch_lightning.loggers import MLFlowLogger
from torchvision.utils import make_grid

from bsgan.data.tensors import to_uint8
from bsgan.models.dcgan.collapse import Collapse, find_collapse
from bsgan.models.dcgan.lightning_model import DCGAN, LOSS_NAMES
from bsgan.progress import Progress

log = logging.getLogger(__name__)

CSV_COLUMNS = ("loop", *LOSS_NAMES, "loops_per_s")


def sample_grid(model: DCGAN) -> Image.Image:
    """The fixed latent batch as an 8-column grid."""
    grid = make_grid(to_uint8(model.fixed_samples().float().cpu()), nrow=8, padding=2, pad_value=255)
    return Image.fromarray(grid.permute(1, 2, 0).numpy())


def truncate_curve(path: Path, last_loop: int) -> None:
    """Drop rows of a curve CSV past ``last_loop``: a resumed run rewrites what came after its checkpoint."""
    if not path.exists():
        return
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row for row in reader if int(float(row["loop"])) <= last_loop]
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, reader.fieldnames or CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


class GanProgress(pl.Callback):
    """Drains :attr:`DCGAN.history` after each loop into ``curve_csv`` and MLflow; grids every ``log_every`` loops.

    Also watches the curve for a collapse (:func:`find_collapse`): warned once in the log, tagged on the
    MLflow run, and kept in :attr:`collapse` for the stage's outputs.
    """

    def __init__(self, curve_csv: Path, log_every: int, name: str = "gan") -> None:
        self.curve_csv = curve_csv
        self.log_every = log_every
        self.name = name
        self._clock = (time.perf_counter(), 0)
        self._curve: dict[str, list[float]] = {column: [] for column in CSV_COLUMNS}
        self.collapse: Collapse | None = None
        self._bar: Progress | None = None

    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self._clock = (time.perf_counter(), pl_module.loop_index(0))  # type: ignore[operator]
        if trainer.is_global_zero and not self.curve_csv.exists():
            self.curve_csv.parent.mkdir(parents=True, exist_ok=True)
            self.curve_csv.write_text(",".join(CSV_COLUMNS) + "\n")
        if trainer.is_global_zero:
            assert isinstance(pl_module, DCGAN)
            self._bar = Progress(pl_module.config.loops, self.name, unit="loop", start=pl_module.loop_index(0))
        if trainer.is_global_zero:  # a resumed run's earlier rows count too
            with self.curve_csv.open(newline="") as handle:
                for row in csv.DictReader(handle):
                    for column in CSV_COLUMNS:
                        self._curve[column].append(float(row[column]))

    def on_train_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def on_exception(self, trainer: pl.Trainer, pl_module: pl.LightningModule, exception: BaseException) -> None:
        self.on_train_end(trainer, pl_module)

    def _watch(self, rows: list[dict[str, float]], logger: object) -> None:
        for row in rows:
            for column in ("loop", *LOSS_NAMES):
                self._curve[column].append(row[column])
        if self.collapse is None and (collapse := find_collapse(self._curve)) is not None:
            self.collapse = collapse
            log.warning("%s: %s", self.name, collapse.line())
            if isinstance(logger, MLFlowLogger):
                logger.experiment.set_tag(logger.run_id, "collapsed_since_loop", str(collapse.since_loop))

    def on_train_batch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule, outputs: object, batch: object,
                           batch_idx: int) -> None:
        assert isinstance(pl_module, DCGAN)
        if self._bar is not None:
            self._bar.advance_to(pl_module.loop_index(batch_idx) + 1)
        if not pl_module.history:
            return
        rows, pl_module.history = pl_module.history, []
        if not trainer.is_global_zero:  # DDP: rank 0 writes for all
            return
        now, (start, start_loop) = time.perf_counter(), self._clock
        speed = (rows[-1]["loop"] - start_loop) / max(now - start, 1e-9)
        self._clock = (now, int(rows[-1]["loop"]))
        with self.curve_csv.open("a", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            for row in rows:
                writer.writerow([int(row["loop"]), *(f"{row[k]:.6g}" for k in LOSS_NAMES), f"{speed:.4g}"])
        logger = trainer.logger
        self._watch(rows, logger)
        if isinstance(logger, MLFlowLogger):
            for row in rows:
                metrics = {k: row[k] for k in LOSS_NAMES}
                logger.log_metrics({**metrics, "loops_per_s": speed}, step=int(row["loop"]))
            loop = int(rows[-1]["loop"])
            if loop % self.log_every == 0:
                buffer = io.BytesIO()
                sample_grid(pl_module).save(buffer, format="PNG")
                logger.experiment.log_image(logger.run_id, Image.open(buffer),
                                            artifact_file=f"samples/loop_{loop:06d}.png")
