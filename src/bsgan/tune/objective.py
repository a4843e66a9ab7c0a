"""One trial: train the class's GAN with the trial's settings for ``tune.loops``, measuring as it goes.

Every ``tune.report_every`` loops the generator's fixed latent batch is judged (KID or FID against the
class's real train images) and reported to Optuna, which may prune the trial there. The value at the
last loop is the trial's result. A trial whose losses or metric turn NaN, or that runs out of memory,
fails with its reason and the study goes on.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
import pytorch_lightning as pl
import torch

from bsgan.callbacks.fidelity_probe import KID_SUBSET_SIZE, probe_features
from bsgan.callbacks.gan_progress import sample_grid
from bsgan.config import GanConfig, TuneConfig
from bsgan.errors import BsganError
from bsgan.metrics.fidelity import fid, kid
from bsgan.metrics.inception import InceptionFeatures
from bsgan.models.dcgan.lightning_model import DCGAN, GanDivergedError
from bsgan.models.dcgan.training import fit, gan_module
from bsgan.tune import space
from bsgan.tune.runs import StudyRuns


class TrialFailed(BsganError):
    """A trial that cannot give a result (diverged, out of memory); Optuna records it as failed, with this reason."""


@dataclass(frozen=True)
class Study:
    """What every trial of one study shares."""

    label: str
    images: torch.Tensor
    """The class's train images (original or classical set), ``(N, 3, H, W)`` in [-1, 1]."""
    real_features: torch.Tensor
    """Inception features of the class's real train images: what the generator is judged against."""
    network: InceptionFeatures
    gan: GanConfig
    tune: TuneConfig
    runs: StudyRuns


class TrialReporter(pl.Callback):
    """Measures the generator every ``tune.report_every`` loops, reports to Optuna and MLflow, prunes."""

    def __init__(self, trial: optuna.Trial, study: Study, run_id: str) -> None:
        self.trial, self.study, self.run_id = trial, study, run_id
        self.value = math.nan

    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self.study.network.to(pl_module.device)

    def measure(self, model: DCGAN) -> float:
        """The study metric of the fixed latent batch's images (only that one: FID alone costs seconds on a CPU)."""
        features = probe_features(self.study.network, model, self.study.tune.eval_count, model.config.seed)
        if self.study.tune.metric == "kid":
            return kid(self.study.real_features, features, subset_size=KID_SUBSET_SIZE).mean
        return fid(self.study.real_features, features)

    def on_train_batch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule, outputs: Any, batch: Any,
                           batch_idx: int) -> None:
        assert isinstance(pl_module, DCGAN)
        self._log_losses(pl_module)
        loop = pl_module.loop_index(batch_idx) + 1
        if loop % self.study.tune.report_every and loop != self.study.tune.loops:
            return
        value = self.measure(pl_module)
        metric = self.study.tune.metric
        if not math.isfinite(value):
            raise TrialFailed(f"diverged: {metric.upper()} is {value} at loop {loop}")
        self.value = value
        self.study.runs.log_metrics(self.run_id, {metric: value}, loop)
        self.trial.report(value, loop)
        if self.trial.should_prune():
            raise optuna.TrialPruned(f"pruned at loop {loop}: {metric} {value:.4g}")

    def _log_losses(self, model: DCGAN) -> None:
        for row in model.history:
            self.study.runs.log_metrics(self.run_id, {k: v for k, v in row.items() if k != "loop"}, int(row["loop"]))
        model.history.clear()


def run_trial(trial: optuna.Trial, study: Study) -> float:
    """Optuna's objective: the study metric after ``tune.loops`` loops with the trial's settings."""
    values = space.suggest(trial, study.tune.space)
    config, labels = space.apply(study.gan, study.label, values, study.tune)
    run_id = study.runs.start_trial(trial.number, values)
    reporter = TrialReporter(trial, study, run_id)
    try:
        torch.manual_seed(config.seed)  # every trial starts from the same networks: trials differ by their settings
        model = gan_module(study.images, config, labels.real, labels.fake)
        with tempfile.TemporaryDirectory(prefix="bsgan-trial-") as checkpoints:
            fit(model, config, Path(checkpoints), resume=False, callbacks=[reporter])
    except optuna.TrialPruned as pruned:
        study.runs.end_trial(run_id, "pruned", str(pruned))
        raise
    except (GanDivergedError, TrialFailed) as exc:
        study.runs.end_trial(run_id, "failed", str(exc))
        raise TrialFailed(str(exc)) from None
    except torch.OutOfMemoryError as exc:
        study.runs.end_trial(run_id, "failed", f"out of memory: {str(exc).splitlines()[0]}")
        raise TrialFailed(f"out of memory: {str(exc).splitlines()[0]}") from None
    except (KeyboardInterrupt, SystemExit):  # Lightning turns Ctrl-C into SystemExit; Optuna must see the interrupt
        study.runs.end_trial(run_id, "failed", "interrupted")
        raise KeyboardInterrupt from None
    except BaseException as exc:  # a bug: the run says so, and it propagates
        study.runs.end_trial(run_id, "failed", f"{type(exc).__name__}: {exc}")
        raise
    study.runs.log_image(run_id, sample_grid(model), "samples.png")
    study.runs.end_trial(run_id, "complete", f"{study.tune.metric} {reporter.value:.4g}", reporter.value)
    return reporter.value
