"""A tiny project through every stage of dvc.yaml, report included, as ``dvc repro`` would run them.

Unlike :mod:`tests.stages.generated_project`, the four generators really train (a few loops of the
tiny GAN, with fidelity probes), so loss curves, probe curves and MLflow training runs are real.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bsgan.cli import main
from tests.conftest import TINY_GAN, TINY_SYNTHETIC
from tests.params_reads import recording

TASKS = ("t1_original", "t2_original_gan", "t3_gan_only", "t4_original_classical", "t5_original_gan_classical",
         "t6_classical_on_gan")
PARAMS_READS = "params_reads.json"
"""Per command line, the params keys it read (:mod:`tests.params_reads`), for the ``dvc.yaml`` test."""
GENERATORS = tuple((label, source) for label in ("pitting", "rust") for source in ("original", "classical"))
PARAMS = {
    "data": TINY_SYNTHETIC,
    "augment": {"target_per_class": 12},
    "gan": TINY_GAN | {"classes": ["pitting", "rust"], "eval_every": 2, "eval_count": 6},
    "generate": {"count": 12, "interpolation_pairs": 1, "interpolation_steps": 3},
    "eval": {"fid_repeats": 2, "kid_subsets": 10, "kid_subset_size": 4, "nearest_pairs": 3, "turing_count": 2,
             "device": "cpu"},
    "tasks": {"target_per_class": 12, "allow_collapsed": True},  # four loops of the tiny GAN: collapsed
    "classify": {"epochs": 1, "repeats": 2, "val_fraction": 0.2, "device": "cpu"},
}


def finished_project(root: Path) -> Path:
    """Run prepare .. report in ``root`` (MLflow runs in ``root/mlflow.db``, artifacts in ``root/mlruns``)."""
    (root / "params.yaml").write_text(json.dumps(PARAMS))
    commands = [["prepare"], ["augment"],
                *(["train-gan", "--class", label, "--source", source] for label, source in GENERATORS),
                *(["generate", "--class", label, "--source", source] for label, source in GENERATORS),
                ["evaluate-gan"], *(["classify", "--task", task] for task in TASKS), ["compare-tasks"],
                ["export", "--no-register"], ["report"]]
    reads: dict[str, list[str]] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)  # the project's own store, as `bsgan ui` serves it
        for command in commands:
            with recording() as keys:
                assert main(command) == 0, command
            reads[" ".join(command)] = sorted(keys)
    (root / PARAMS_READS).write_text(json.dumps(reads, indent=1))
    return root
