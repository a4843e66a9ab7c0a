"""FID, KID and class fidelity while a GAN trains: do more loops still help, and when does the defect appear?

Every ``every`` loops the generator draws a fixed latent batch (the same images each time, so the
curve shows the generator changing, not the sample), and the batch's Inception features are
compared with the real train images' features, which are computed once. A few dozen images keep the
probe cheap; FID is biased upwards at such counts, KID is not, and the trend is what the curve is for.
Beside them: GAN-test (the share the real-only reference classifier assigns to the class; it rises when
the defect, not only the colour, appears), precision/recall/density/coverage of the same features, and
diversity (mean feature distance between the batch's images over the real images').

Each row is also judged by the collapse bounds of :mod:`bsgan.metrics.verdict` against the real test split
(its floor row, measured once). A collapse is the last probe collapsed, or two probes in a row from half the
loops on (early in fine-tuning the images may still be the intact surface): the probe keeps it in
:attr:`FidelityProbe.collapse` and, unless the policy only warns, stops training there.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

import pytorch_lightning as pl
import torch
from pytorch_lightning.loggers import MLFlowLogger

from bsgan.config.verdict import VerdictConfig
from bsgan.metrics.feature_fidelity import feature_fidelity
from bsgan.metrics.features import extract
from bsgan.metrics.fidelity import fid, kid
from bsgan.metrics.inception import InceptionFeatures
from bsgan.metrics.prdc import PRDC_NAMES
from bsgan.metrics.verdict import collapse_reasons
from bsgan.models.classifier.reference import ReferenceClassifier
from bsgan.models.dcgan.latent import latent_batch
from bsgan.models.dcgan.lightning_model import DCGAN
from bsgan.models.dcgan.sampling import generate_images

log = logging.getLogger(__name__)
PROBE_COLUMNS = ("loop", "fid", "kid_x1000", "gan_test", *PRDC_NAMES, "diversity")
"""KID x 10^3 in the CSV (its usual reporting scale) puts both on one axis in ``dvc plots show``."""
KID_SUBSET_SIZE = 50
COLLAPSED_IN_A_ROW = 2
"""Probes in a row, from half the loops on, that make a collapse before the last probe."""


@dataclass(frozen=True)
class ProbeCollapse:
    """A collapse the probe saw: the loop and each bound met there."""

    loop: int
    reasons: list[str]

    def line(self) -> str:
        return f"collapsed at loop {self.loop}: {'; '.join(self.reasons)}"


@dataclass(frozen=True)
class CollapseWatch:
    """What the probe judges rows against: the real test split's row (the floor) and the bounds."""

    floor: dict[str, float]
    config: VerdictConfig
    stop: bool = True
    """Stop training at a collapse (the policy restarts or fails); false: only record it (``warn``)."""


class FidelityProbe(pl.Callback):
    """Appends a row of :data:`PROBE_COLUMNS` to ``curve_csv`` (and MLflow) every ``every`` loops.

    Args:
        network: The FID feature network; moved to the training device when training starts.
        real_features: ``(N, 2048)`` features of the real images the generator should match.
        every: Loops between probes; the last loop is always probed.
        count: Generated images per probe.
        seed: Seed of the fixed latent batch.
        curve_csv: Where the rows go (created with a header when missing).
        reference: The GAN-test classifier and the class the generator learns.
        k: Neighbour whose distance is an image's radius in precision/recall/density/coverage.
        watch: The yardstick and bounds a collapse is judged by (None: not watched).
    """

    def __init__(self, network: InceptionFeatures, real_features: torch.Tensor, every: int, count: int, seed: int,
                 curve_csv: Path, reference: tuple[ReferenceClassifier, str], k: int = 5,
                 watch: CollapseWatch | None = None) -> None:
        self.network = network
        self.real_features = real_features
        self.every = every
        self.count = count
        self.seed = seed
        self.curve_csv = curve_csv
        self.reference, self.label = reference
        self.k = k
        self.watch = watch
        self.collapse: ProbeCollapse | None = None
        self._in_a_row = 0

    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self.network.to(pl_module.device)
        self.reference.to(pl_module.device)
        if trainer.is_global_zero and not self.curve_csv.exists():
            self.curve_csv.parent.mkdir(parents=True, exist_ok=True)
            self.curve_csv.write_text(",".join(PROBE_COLUMNS) + "\n")
        if trainer.is_global_zero:  # a resumed run's earlier probes count towards the rows in a row
            assert isinstance(pl_module, DCGAN)
            with self.curve_csv.open(newline="") as handle:
                for row in csv.DictReader(handle):
                    self._judge(int(float(row["loop"])), {k: float(v) for k, v in row.items() if v}, pl_module)

    def _judge(self, loop: int, values: dict[str, float], model: DCGAN) -> None:
        """Count a collapsed row; a collapse is the last row collapsed, or enough in a row past half the loops."""
        if self.watch is None or self.collapse is not None:
            return
        reasons = collapse_reasons(values, self.watch.floor, self.watch.config)
        self._in_a_row = self._in_a_row + 1 if reasons else 0
        loops = model.config.loops
        if reasons and (loop >= loops or (self._in_a_row >= COLLAPSED_IN_A_ROW and 2 * loop >= loops)):
            self.collapse = ProbeCollapse(loop, reasons)

    def on_train_batch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule, outputs: object, batch: object,
                           batch_idx: int) -> None:
        assert isinstance(pl_module, DCGAN)
        loop = pl_module.loop_index(batch_idx) + 1
        if loop > pl_module.config.loops or (loop % self.every and loop != pl_module.config.loops):
            return
        if not trainer.is_global_zero:  # DDP: the weights are the same in every process; rank 0 measures
            return
        values = self.measure(pl_module)
        with self.curve_csv.open("a", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerow([loop, *(f"{values[k]:.6g}" for k in PROBE_COLUMNS[1:])])
        if isinstance(trainer.logger, MLFlowLogger):
            metrics = {k: values[k] for k in PROBE_COLUMNS[1:] if k != "kid_x1000"}
            trainer.logger.log_metrics({**metrics, "kid": values["kid_x1000"] / 1000}, step=loop)
        log.info("loop %d: FID %.1f, KID %.4f, GAN-test %.2f, precision %.2f, recall %.2f, diversity %.2f "
                 "(%d generated vs %d real)", loop, values["fid"], values["kid_x1000"] / 1000, values["gan_test"],
                 values["precision"], values["recall"], values["diversity"], self.count, len(self.real_features))
        self._judge(loop, values, pl_module)
        if self.collapse is not None and self.collapse.loop == loop:
            log.warning("%s", self.collapse.line())
            if isinstance(trainer.logger, MLFlowLogger):
                trainer.logger.experiment.set_tag(trainer.logger.run_id, "collapsed_at_loop", str(loop))
            if self.watch is not None and self.watch.stop and trainer.world_size == 1:
                trainer.should_stop = True  # DDP runs on: rank 0 alone cannot stop every process

    def measure(self, model: DCGAN) -> dict[str, float]:
        """The :data:`PROBE_COLUMNS` of the fixed latent batch's images against the real features."""
        images = probe_images(model, self.count, self.seed)
        features = extract(self.network, images).double()
        return {"fid": fid(self.real_features, features),
                "kid_x1000": kid(self.real_features, features, subset_size=KID_SUBSET_SIZE).mean * 1000,
                "gan_test": self.reference.gan_test(images, self.label),
                **feature_fidelity(self.real_features, features, self.k)}


def probe_images(model: DCGAN, count: int, seed: int) -> torch.Tensor:
    """``count`` uint8 images the sampling generator makes from the fixed latent batch of ``seed``."""
    return generate_images(model.sampler, latent_batch(count, model.config.latent_size, seed))


def probe_features(network: InceptionFeatures, model: DCGAN, count: int, seed: int) -> torch.Tensor:
    """Float64 features of ``count`` images the generator makes from the fixed latent batch of ``seed``."""
    return extract(network, probe_images(model, count, seed)).double()
