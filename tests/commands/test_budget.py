"""A budget sweep as native DVC experiments: two queued points of the shipped pipeline, then ``compare --budget``.

Tiny data (6 pitting train images), one generator class and two tasks; each point runs to
``compare_tasks``, two queue workers at once, a thread each, into one MLflow store (a new store's first
contact must not race).
"""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest
from PIL import Image

from bsgan.commands.budget import CLASSIFY_METRICS, PREPARE_METRICS, Experiment, axis_label, select, swept_class
from bsgan.errors import InputDataError
from tests.dvc_repo import run, tiny_dvc_repo

TASKS = ("t1_original", "t4_original_classical")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git + DVC repo with the project's pipeline and code, tiny params, committed."""
    return tiny_dvc_repo(tmp_path, TASKS, {"classes": ["pitting"], "eval_every": 0}, commit=True)


def wait_for_the_queue(project: Path, timeout: float = 1200) -> list[str]:
    """Poll ``dvc queue status`` until nothing is queued or running; return the tasks' statuses."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        lines = run(["dvc", "queue", "status"], project).splitlines()
        statuses = [line.split()[-1] for line in lines[1:] if line.strip() and not line.startswith("Worker status")]
        if statuses and not {"Queued", "Running"} & set(statuses):
            return statuses
        time.sleep(2)
    raise AssertionError(f"the queue did not finish in {timeout} s")


def queue_logs(project: Path) -> str:
    """Every queued task's output, to show why one failed."""
    lines = run(["dvc", "queue", "status"], project).splitlines()[1:]
    tasks = [line.split()[0] for line in lines if line.strip() and not line.startswith("Worker status")]
    return "\n".join(run(["dvc", "queue", "logs", task], project) for task in tasks)


def experiments(project: Path) -> dict[str, dict]:
    """``{name: exp show data}`` of the baseline's experiments, from ``dvc exp show --json``."""
    shown = json.loads(run(["dvc", "exp", "show", "--json"], project))
    baseline = next(row for row in shown if row["rev"] != "workspace")
    return {exp["name"]: exp["revs"][0]["data"] for exp in baseline["experiments"] or []}


@pytest.mark.slow(seconds=150)
def test_two_queued_budgets_run_as_dvc_experiments_and_compare_draws_them(project: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BSGAN_THREADS", "1")  # two workers at once, as docs/research-budget-sweep.md runs them
    run(["dvc", "exp", "run", "--queue", "compare_tasks", "-S", "data.train_limit.pitting=3,5"], project)
    run(["dvc", "queue", "start", "--jobs", "2"], project)
    statuses = wait_for_the_queue(project)
    assert statuses == ["Success", "Success"], queue_logs(project)

    found = experiments(project)
    assert len(found) == 2, found
    by_budget = {data["params"]["params.yaml"]["data"]["data"]["train_limit"]["pitting"]: (name, data)
                 for name, data in found.items()}
    assert set(by_budget) == {3, 5}
    for budget, (_, data) in by_budget.items():
        counts = data["metrics"]["metrics/prepare.json"]["data"]
        assert counts["train"] == {"intact": 10, "pitting": budget, "rust": 5}
        assert counts["test"] == {"intact": 4, "pitting": 3, "rust": 2}, "the test split is the same in every point"

    import dvc.api

    manifests = {budget: list(csv.DictReader(io.StringIO(dvc.api.read("data/prepared/manifest.csv", repo=str(project),
                                                                        rev=name))))
                 for budget, (name, _) in by_budget.items()}
    pitting = {budget: [row["sha256"] for row in rows if row["split"] == "train" and row["class"] == "pitting"]
               for budget, rows in manifests.items()}
    assert pitting[5][:3] == pitting[3], "the 3 images of budget 3 are the first 3 of budget 5"
    test_rows = {budget: [(row["file"], row["sha256"]) for row in rows if row["split"] == "test"]
                 for budget, rows in manifests.items()}
    assert test_rows[3] == test_rows[5]

    printed = run(["bsgan", "compare", "--budget"], project)
    assert "| real pitting train images | experiment | t1_original | t4_original_classical |" in printed
    with (project / "reports/budget/budget.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {(int(row["budget"]), row["task"]) for row in rows} == {(b, t) for b in (3, 5) for t in TASKS}
    for row in rows:
        name, data = by_budget[int(row["budget"])]
        scores = data["metrics"]["metrics/classify.json"]["data"][row["task"]]
        assert row["experiment"] == name
        assert (float(row["macro_f1"]), float(row["ci_low"]), float(row["ci_high"])) == \
               (scores["macro_f1"], scores["macro_f1_ci_low"], scores["macro_f1_ci_high"])
    assert Image.open(project / "reports/budget/budget.png").size[0] >= 600
    assert sorted(p.name for p in (project / "plots/budget").iterdir()) == [".bsgan-output",
                                                                            *(f"{task}.csv" for task in TASKS)]
    run(["dvc", "plots", "show", "plots/budget", "-x", "budget", "-y", "macro_f1", "-o", "budget_plot"], project)
    assert "t4_original_classical" in (project / "budget_plot/index.html").read_text()


COUNTS = {"exp-a": {"intact": 700, "pitting": 25, "rust": 128}, "exp-b": {"intact": 700, "pitting": 50, "rust": 128}}


def test_the_budget_is_the_count_of_the_class_that_differs() -> None:
    assert swept_class(COUNTS, None) == "pitting"
    assert axis_label(COUNTS, "pitting") == "real pitting train images"
    assert swept_class(COUNTS, "rust") == "rust", "asked for: drawn even though it does not differ"
    both = {"exp-a": {"pitting": 25, "rust": 25}, "exp-b": {"pitting": 50, "rust": 50}}
    assert swept_class(both, None) == "pitting"
    assert axis_label(both, "pitting") == "real train images per capped class (pitting's count)"


def test_experiments_without_a_budget_difference_or_an_unknown_class_are_one_line() -> None:
    with pytest.raises(InputDataError, match=r"^--budget-class 'dent': not a class in metrics/prepare.json"):
        swept_class(COUNTS, "dent")
    with pytest.raises(InputDataError, match=r"the same train counts: no budget differs \(queue a sweep: dvc exp run"):
        swept_class({"a": {"pitting": 9}, "b": {"pitting": 9}}, None)


def experiment(name: str, baseline: bool = False, state: str | None = "success", ran: bool = True) -> Experiment:
    metrics = {PREPARE_METRICS: {"train": {"pitting": 5}}, CLASSIFY_METRICS: {"t1_original": {"macro_f1": 0.5}}}
    return Experiment(name, f"{abs(hash(name)):x}"[:7], baseline, state, metrics if ran else {})


def test_by_default_every_finished_experiment_but_not_the_baseline_is_drawn() -> None:
    shown = [experiment("main", baseline=True, state=None), experiment("exp-a"), experiment("exp-b", state=None),
             experiment("exp-q", state="queued"), experiment("exp-f", state="failed"), experiment("exp-x", ran=False)]
    assert [exp.name for exp in select(shown, [])] == ["exp-a", "exp-b"]
    assert [exp.name for exp in select(shown, ["main", "exp-a", shown[1].rev])] == ["main", "exp-a"]
    with pytest.raises(InputDataError, match=r"^'exp-z': not an experiment of HEAD nor HEAD itself"):
        select(shown, ["exp-z"])
    with pytest.raises(InputDataError, match=r"^'exp-x': no metrics/prepare.json there"):
        select(shown, ["exp-x"])
