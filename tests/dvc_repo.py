"""A scratch git + DVC repo holding the shipped pipeline and code, on tiny synthetic data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import TINY_GAN, TINY_SYNTHETIC

PROJECT = Path(__file__).parents[1]


def run(command: list[str], cwd: Path) -> str:
    """Run ``command`` in ``cwd`` with the venv's tools and the repo's own MLflow store; fail with its output."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "MLFLOW_TRACKING_URI": f"sqlite:///{cwd / 'mlflow.db'}", "GIT_AUTHOR_NAME": "test",
           "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "test",
           "GIT_COMMITTER_EMAIL": "test@example.com"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def tiny_dvc_repo(root: Path, tasks: tuple[str, ...], gan: dict[str, Any], commit: bool = False,
                  data: dict[str, Any] | None = None) -> Path:
    """``root`` as a git + DVC repo with ``dvc.yaml``, ``src/`` and tiny params: only ``tasks``, ``gan`` and
    ``data`` merged in."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    for name in ("dvc.yaml", ".dvcignore", ".gitignore", "data/raw/README.md", "reports/turing/README.md"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT / name, root / name)
    shutil.copytree(PROJECT / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    params = yaml.safe_load((PROJECT / "params.yaml").read_text())
    params["data"].update(TINY_SYNTHETIC | (data or {}))
    params["augment"]["target_per_class"] = 12
    short_pretraining = {"pretrain_loops": min(params["gan"]["pretrain_loops"], 2)}  # the default's, tiny
    params["gan"].update(TINY_GAN | short_pretraining | gan)
    params["generate"].update({"count": 12, "interpolation_pairs": 1, "interpolation_steps": 3})
    params["eval"].update({"fid_repeats": 2, "kid_subsets": 10, "kid_subset_size": 4, "nearest_pairs": 3,
                           "turing_count": 2, "device": "cpu"})
    params["tasks"]["target_per_class"] = 12
    params["tasks"]["allow_collapsed"] = True  # four loops of the tiny GAN are collapsed by every bound
    params["tasks"]["definitions"] = {task: params["tasks"]["definitions"][task] for task in tasks}
    params["classify"].update({"epochs": 1, "repeats": 2, "val_fraction": 0.2, "device": "cpu"})
    (root / "params.yaml").write_text(yaml.safe_dump(params))
    commands = [["git", "init", "-q"], ["dvc", "init", "-q"], ["dvc", "config", "core.analytics", "false"],
                ["dvc", "config", "plots.html_template", "../src/bsgan/vega/dvc_plots.html"]]  # as the project's
    for command in commands + ([["git", "add", "-A"], ["git", "commit", "-qm", "tiny project"]] if commit else []):
        run(command, root)
    return root
