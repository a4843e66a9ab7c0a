"""Does a change keep the pipeline's numbers? The shipped pipeline on tiny synthetic data at two revisions, every
number of ``metrics/*.json`` compared to the digit (issue 15: a structure change must write the same metrics).

    .venv/bin/python docs/same_metrics.py 2b3c983 HEAD      # about 10 minutes per revision on 2 cores

Each revision is checked out into a git worktree under /tmp and run with ``dvc repro`` in a scratch project
(its own ``dvc.yaml`` and ``src/``, one thread, its own MLflow store). Both get the earlier revision's params
with tiny sizes; keys only the later revision knows keep its defaults. Prints how many numbers both write, how
many are identical, every one that differs, and the keys only one of them writes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TINY = {
    "data": {"image_size": 32, "synthetic": {"difficulty": 0.5, "counts": {
        "pitting": {"train": 6, "test": 3}, "rust": {"train": 5, "test": 2}, "intact": {"train": 10, "test": 4}}}},
    "augment": {"target_per_class": 12},
    "gan": {"latent_size": 8, "generator_width": 0.0625, "discriminator_width": 0.25, "batch_size": 4, "loops": 4,
            "k_d": 1, "k_g": 1, "checkpoint_every": 2, "log_every": 2, "device": "cpu"},
    "generate": {"count": 12, "interpolation_pairs": 1, "interpolation_steps": 3},
    "eval": {"fid_repeats": 2, "kid_subsets": 10, "kid_subset_size": 4, "nearest_pairs": 3, "turing_count": 2,
             "device": "cpu"},
    "tasks": {"target_per_class": 12},
    "classify": {"epochs": 1, "repeats": 2, "val_fraction": 0.2, "device": "cpu"},
}
FILES = ("dvc.yaml", ".dvcignore", ".gitignore", "data/raw/README.md", "reports/turing/README.md")


def merge(into: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``new`` written over ``into``, mappings merged key by key (task definitions replaced whole)."""
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict) and key != "definitions":
            merge(into[key], value)
        else:
            into[key] = value
    return into


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{' '.join(command)} in {cwd} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def numbers(value: Any, key: str, found: dict[str, Any]) -> dict[str, Any]:
    """Every number (and list of numbers) in a metrics file, by dotted key."""
    if isinstance(value, dict):
        for name, item in value.items():
            numbers(item, f"{key}.{name}", found)
    elif (isinstance(value, list) and all(isinstance(v, int | float) for v in value)) or (
            isinstance(value, int | float) and not isinstance(value, bool)):
        found[key] = value
    return found


def pipeline_numbers(rev: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run the pipeline of ``rev`` on ``params`` (merged over its own params.yaml); its metrics' numbers."""
    tree, project = Path(f"/tmp/same-metrics-tree-{rev}"), Path(f"/tmp/same-metrics-project-{rev}")
    if not (project / "metrics/classify.json").exists():
        shutil.rmtree(project, ignore_errors=True)
        if tree.exists():
            run(["git", "worktree", "remove", "--force", str(tree)], REPO)
        run(["git", "worktree", "add", "-q", "--detach", str(tree), rev], REPO)
        project.mkdir()
        for name in FILES:
            if (tree / name).exists():
                (project / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(tree / name, project / name)
        shutil.copytree(tree / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        own = yaml.safe_load((tree / "params.yaml").read_text())
        (project / "params.yaml").write_text(yaml.safe_dump(merge(own, params)))
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(project / "src"),
               "MLFLOW_TRACKING_URI": f"sqlite:///{project / 'mlflow.db'}", "OMP_NUM_THREADS": "1",
               "BSGAN_THREADS": "1", "BSGAN_PROGRESS": "0"}
        for command in (["git", "init", "-q"], ["dvc", "init", "-q"], ["dvc", "repro"]):
            run(command, project, env)
    found: dict[str, Any] = {}
    for path in sorted((project / "metrics").glob("*.json")):
        numbers(json.loads(path.read_text()), path.name, found)
    return found


def main() -> None:
    before, after = sys.argv[1], sys.argv[2]
    params = merge(yaml.safe_load(run(["git", "show", f"{before}:params.yaml"], REPO)), TINY)
    old, new = pipeline_numbers(before, params), pipeline_numbers(after, params)
    common = sorted(set(old) & set(new))
    differ = [key for key in common if old[key] != new[key]]
    print(f"{before} -> {after}: {len(common)} numbers in both, {len(common) - len(differ)} identical to the digit, "
          f"{len(differ)} differ")
    for key in differ:
        print(f"  differs: {key}: {old[key]} -> {new[key]}")
    print(f"only {before}: {sorted(set(old) - set(new))}")
    print(f"only {after}: {len(set(new) - set(old))} keys, e.g. {sorted(set(new) - set(old))[:5]}")


if __name__ == "__main__":
    main()
