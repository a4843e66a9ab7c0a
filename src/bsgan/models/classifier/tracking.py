"""MLflow runs of one classification task: a parent run with the aggregate, a child run per repeat.

Experiment ``classify``. The parent holds the task's composition and settings as params and the
mean, std and confidence bounds of every metric, so selecting the tasks' parent runs in the MLflow
UI's compare view gives the side-by-side table. Each child holds one seed's per-epoch curves (through
Lightning's MLflow logger), its test scores, its confusion matrix and its model, and is tagged with
its task, seed and the generator runs whose images it trained on.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag
from pytorch_lightning.loggers import MLFlowLogger

from bsgan.config import Params
from bsgan.metrics.task_figures import confusion_figure
from bsgan.tracking import artifact_location, flatten, git_commit, tracking_uri, use_experiment

EXPERIMENT = "classify"
PARENT_FILE = "parent_run_id.txt"


@dataclass
class ChildRun:
    """One repeat's run; ``logger`` takes Lightning's per-epoch metrics."""

    client: MlflowClient
    run_id: str
    logger: MLFlowLogger
    task: str
    seed: int

    def finish(self, scores: dict[str, Any], classes: list[str], model: Path) -> None:
        """Log the final model's test scores, confusion matrix and weights; end the run."""
        metrics = [Metric(f"test/{name}", value, 0, 0) for name, value in scores.items() if isinstance(value, float)]
        self.client.log_batch(self.run_id, metrics=metrics)
        with tempfile.TemporaryDirectory() as scratch:
            figure = Path(scratch) / "confusion_matrix.png"
            confusion_figure(scores["confusion"], classes, f"{self.task}, seed {self.seed}: test split").save(figure)
            self.client.log_artifact(self.run_id, str(figure))
        self.client.log_artifact(self.run_id, str(model), artifact_path="model")


class ClassifyRuns:
    """Creates (or, for a resumed task, finds again) the parent run and makes one child per seed."""

    def __init__(self, project: Path, params: Params, task: str, composition: dict[str, dict[str, int]],
                 generator_runs: dict[str, str], work: Path) -> None:
        use_experiment(EXPERIMENT, project)
        self.project = project
        self.client = MlflowClient(tracking_uri(project))
        self.experiment_id = self.client.get_experiment_by_name(EXPERIMENT).experiment_id
        self.task = task
        self.work = work
        self.seed_tags: dict[int, dict[str, str]] = {}
        """Tags of one seed's child beside the task's (the generator repeat it trained on, its runs)."""
        self.tags = {"stage": "classify", "task": task, "dvc_stage": f"classify@{task}",
                     "git_commit": git_commit(project),
                     "source": ",".join(sorted({s for c in composition.values() for s in c})),
                     "generator_runs": ",".join(f"{name}:{run}" for name, run in sorted(generator_runs.items()))
                     or "none"}
        saved = work / PARENT_FILE
        if saved.exists():
            self.parent_id = saved.read_text().strip()
            return
        parent = self.client.create_run(self.experiment_id, run_name=task, tags=self.tags)
        self.parent_id = parent.info.run_id
        saved.write_text(self.parent_id)
        values = flatten({"classify": params.classify.model_dump(mode="json"),
                          "tasks": {"target_per_class": params.tasks.target_per_class},
                          "task": {"title": params.tasks.definitions[task].title, "composition": composition}})
        self.client.log_batch(self.parent_id, params=[Param(k, str(v)) for k, v in values.items()])

    def open_child(self, seed: int) -> ChildRun:
        """A running child run for ``seed`` (an earlier process's run of it that died open is marked KILLED)."""
        marker = self.work / f"seed{seed}.run"
        if marker.exists():
            self.client.set_terminated(marker.read_text().strip(), "KILLED")
        tags = self.tags | self.seed_tags.get(seed, {}) | {"mlflow.parentRunId": self.parent_id, "seed": str(seed)}
        run = self.client.create_run(self.experiment_id, run_name=f"{self.task}-seed{seed}", tags=tags)
        marker.write_text(run.info.run_id)
        logger = MLFlowLogger(experiment_name=EXPERIMENT, tracking_uri=tracking_uri(self.project),
                              artifact_location=artifact_location(self.project), run_id=run.info.run_id,
                             log_model=False)
        return ChildRun(self.client, run.info.run_id, logger, self.task, seed)

    def close_child(self, child: ChildRun, error: BaseException | None = None) -> None:
        """End ``child``: FINISHED, FAILED if its training raised, KILLED if it was interrupted."""
        status = "FINISHED" if error is None else "KILLED" if isinstance(error, KeyboardInterrupt) else "FAILED"
        self.client.set_terminated(child.run_id, status)
        (self.work / f"seed{child.seed}.run").unlink(missing_ok=True)

    @contextmanager
    def child(self, seed: int) -> Iterator[ChildRun]:
        """:meth:`open_child` and :meth:`close_child` around one training."""
        child = self.open_child(seed)
        try:
            yield child
        except BaseException as error:
            self.close_child(child, error)
            raise
        self.close_child(child)

    def finish(self, summary: dict[str, dict[str, Any]]) -> None:
        """Log the aggregate on the parent and end it."""
        metrics = [Metric(f"{name}_{stat}", float(value), 0, 0) for name, spread in summary.items()
                   for stat, value in spread.items() if stat != "n" and not math.isnan(value)]
        self.client.log_batch(self.parent_id, metrics=metrics,
                              tags=[RunTag("repeats", str(next(iter(summary.values()))["n"]))])
        self.client.set_terminated(self.parent_id, "FINISHED")
