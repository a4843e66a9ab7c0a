"""A study in MLflow (experiment ``tune``): one parent run per study, one child run per trial.

Every worker of a study finds the same parent (the oldest run tagged with the study's name), so trials
of several processes or machines nest under one run. A trial's run holds its settings, its loss curves,
the intermediate FID/KID, its final value, a sample grid, and its state (complete, pruned, failed, with
the reason); the parent holds the study's plots and best value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

from bsgan.tracking import experiment_id, git_commit, tracking_uri
from bsgan.tune.space import choice_label

EXPERIMENT = "tune"
STATUS = {"complete": "FINISHED", "pruned": "FINISHED", "failed": "FAILED"}


class StudyRuns:
    """The MLflow runs of one study, written through one client (safe across threads and processes)."""

    def __init__(self, project: Path, study: str, tags: dict[str, str], params: dict[str, Any]) -> None:
        from mlflow import MlflowClient  # slow to import: only when a study runs

        self.experiment_id = experiment_id(project, EXPERIMENT)
        self.client = MlflowClient(tracking_uri(project))
        self.study = study
        self.tags = {"study": study, "git_commit": git_commit(project), "stage": "tune", **tags}
        self.parent_id = self._parent(params)

    def _find_parent(self) -> str | None:
        runs = self.client.search_runs([self.experiment_id], f"tags.study = '{self.study}' and tags.role = 'study'",
                                       order_by=["attributes.start_time ASC"], max_results=1)
        return runs[0].info.run_id if runs else None

    def _parent(self, params: dict[str, Any]) -> str:
        """The study's parent run; created by the first worker (a second that raced it keeps the older one)."""
        existing = self._find_parent()
        if existing:
            return existing
        run = self.client.create_run(self.experiment_id, run_name=f"study-{self.study}",
                                     tags=self.tags | {"role": "study"})
        for key, value in params.items():
            self.client.log_param(run.info.run_id, key, value)
        oldest = self._find_parent()
        if oldest != run.info.run_id:
            self.client.delete_run(run.info.run_id)
            return str(oldest)
        return run.info.run_id

    def start_trial(self, number: int, values: dict[str, Any]) -> str:
        tags = self.tags | {"role": "trial", "trial": str(number), "mlflow.parentRunId": self.parent_id,
                            "state": "running"}
        run = self.client.create_run(self.experiment_id, run_name=f"{self.study}-trial-{number}", tags=tags)
        for key, value in values.items():
            self.client.log_param(run.info.run_id, key, choice_label(value))
        return run.info.run_id

    def log_metrics(self, run_id: str, metrics: dict[str, float], step: int) -> None:
        for key, value in metrics.items():
            self.client.log_metric(run_id, key, value, step=step)

    def log_image(self, run_id: str, image: Image.Image, name: str) -> None:
        self.client.log_image(run_id, image, name)

    def end_trial(self, run_id: str, state: str, reason: str, value: float | None = None) -> None:
        """Close a trial's run: ``state`` complete | pruned | failed, with a reason (the metric, or why not)."""
        self.client.set_tag(run_id, "state", state)
        self.client.set_tag(run_id, "reason", reason[:5000])
        if value is not None:
            self.client.log_metric(run_id, "value", value)
        self.client.set_terminated(run_id, STATUS[state])

    def finish_study(self, metrics: dict[str, float], artifacts: Path | None) -> None:
        """The study's numbers and plots on the parent run (each worker refreshes them as it ends)."""
        for key, value in metrics.items():
            self.client.log_metric(self.parent_id, key, value)
        if artifacts is not None:
            self.client.log_artifacts(self.parent_id, str(artifacts), "study")
        self.client.set_terminated(self.parent_id, "FINISHED")

