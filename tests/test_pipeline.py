"""``dvc repro`` of the shipped dvc.yaml in a scratch git repo, on tiny synthetic data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.dvc_repo import run, tiny_dvc_repo

TASKS = ("t1_original", "t3_gan_only")
"""Two of the six tasks keep the run short; every task is one entry of the same foreach."""
CLASS = "rust"
"""One failure class (with intact): every class is one entry of the same matrix, and each costs two generators."""
pytestmark = pytest.mark.slow(seconds=300)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git + DVC repo holding the project's pipeline, code and a tiny params.yaml."""
    return tiny_dvc_repo(tmp_path, TASKS, {"classes": [CLASS], "eval_every": 4, "eval_count": 6},
                         data={"classes": ["intact", CLASS]})


def ran(output: str) -> set[str]:
    return {line.split("'")[1] for line in output.splitlines() if line.startswith("Running stage '")}


def test_repro_runs_once_and_reruns_only_what_changed(repo: Path) -> None:
    generators = {f"{CLASS}-{source}" for source in ("original", "classical")}
    first = ran(run(["dvc", "repro"], repo))
    assert first == {"prepare", "augment", *(f"generate@{name}" for name in generators),
                     *(f"train_gan_{name.split('-')[1]}@{name.split('-')[0]}" for name in generators),
                     "evaluate_gan", *(f"classify@{task}" for task in TASKS), "compare_tasks", "export", "report"}
    assert (repo / "models/export/classifier.onnx").exists()
    assert len(list((repo / "data/augmented/train/rust").glob("*.png"))) == 12
    assert len(list((repo / "data/generated/rust-classical/train/rust").glob("*.png"))) == 12
    assert (repo / "reports/gan/rust-classical/turing.html").exists()
    assert "## Classification tasks" in (repo / "reports/report.md").read_text()
    assert (repo / "reports/index.html").stat().st_size > 10_000, "pictures embedded"

    assert ran(run(["dvc", "repro"], repo)) == set()
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-qm", "first run"], repo)

    # A changed augmentation retrains the generators of the augmented sets only, and reruns the tasks
    # (those whose images did not change find their finished seeds and train nothing).
    params = yaml.safe_load((repo / "params.yaml").read_text())
    params["augment"]["noise_std"] = 0.05
    (repo / "params.yaml").write_text(yaml.safe_dump(params))
    assert ran(run(["dvc", "repro"], repo)) == {"augment", "train_gan_classical@rust", "generate@rust-classical",
                                                "evaluate_gan", *(f"classify@{task}" for task in TASKS), "report"}
    # (neither task's images changed, so both reuse their finished seeds, their outputs stay the same
    # and compare_tasks has nothing new to compare)

    # A changed task reruns that task and the comparison, nothing else.
    params["tasks"]["definitions"]["t3_gan_only"]["parts"][0]["count"] = 10
    (repo / "params.yaml").write_text(yaml.safe_dump(params))
    assert ran(run(["dvc", "repro"], repo)) == {"classify@t3_gan_only", "compare_tasks", "export", "report"}

    # Both runs side by side: the committed one and the workspace.
    table = run(["bsgan", "compare", "HEAD", "workspace"], repo).splitlines()
    assert table[2] == "| task | HEAD | workspace |"
    t1, t3 = (next(line for line in table if line.startswith(f"| {task} |")).split(" | ")[1:] for task in TASKS)
    assert t1[0] == t1[1].rstrip(" |"), "t1 did not change"
    assert re.fullmatch(r"\d\.\d{3} \[-?\d\.\d{3}, \d\.\d{3}\]", t3[0]), t3

    metrics = json.loads(run(["dvc", "metrics", "show", "--json"], repo))
    workspace = metrics[""]["data"]
    assert workspace["metrics/augment.json"]["data"] == {"train": {"rust": 12}}
    assert workspace["metrics/prepare.json"]["data"]["test"] == {"intact": 4, "rust": 2}
    assert set(workspace["metrics/classify.json"]["data"]) == set(TASKS)
    fidelity = workspace["metrics/gan.json"]["data"]
    assert set(fidelity["rust"]) == {"real_test", "untrained", "original", "classical"}
    assert fidelity["rust"]["classical"]["fid_original"] > 0

    run(["dvc", "plots", "diff", "HEAD", "-o", "dvc_diff"], repo)
    assert "HEAD" in (repo / "dvc_diff/index.html").read_text(), "plots of both revisions on one page"
    run(["dvc", "plots", "show", "-o", "dvc_plots"], repo)
    page = (repo / "dvc_plots/index.html").read_text()
    assert "rust-classical generator" in page and "g_loss" in page
    assert "cdn.jsdelivr" not in page and "vegaEmbed" in page, "the project's offline template, scripts inline"
    assert "gan_fid_rust_classical" in page and "kid_x1000" in page, "each plot under its own id"
    assert "macro_f1" in page and "t3_gan_only" in page
