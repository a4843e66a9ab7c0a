"""A tiny project up to the generate stage, with untrained generators standing in for trained ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import torch

from bsgan.cli import main
from bsgan.io.json_file import write_json
from bsgan.layout import repeat_dir, repeat_name
from bsgan.models.dcgan.generator_file import save_generator
from bsgan.models.dcgan.torch_model import Generator
from tests.conftest import TINY_SYNTHETIC, deep_merge

GAN = {"classes": ["pitting", "rust"], "latent_size": 8, "generator_width": 0.0625, "device": "cpu"}
GENERATORS = ("pitting-original", "pitting-classical", "rust-original", "rust-classical")


def generated_project(root: Path, overrides: dict[str, Any] | None = None) -> Path:
    """Prepare, augment (12 per failure class) and generate 12 images per generator into ``root``.

    Each generator folder holds a ``training_run.json`` naming the run ``training-<generator>``.
    MLflow runs go to ``root/mlflow.db``.
    """
    params = deep_merge({"data": TINY_SYNTHETIC, "augment": {"target_per_class": 12}, "gan": GAN,
                         "generate": {"count": 12, "interpolation_pairs": 1, "interpolation_steps": 3},
                         "eval": {"fid_repeats": 2}}, overrides or {})
    (root / "params.yaml").write_text(json.dumps(params))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / 'mlflow.db'}")
        assert main(["prepare"]) == 0 and main(["augment"]) == 0
        for seed, name in enumerate(GENERATORS):
            torch.manual_seed(seed)
            (root / "models/gan" / name).mkdir(parents=True)
            save_generator(Generator(32, 8, 0.0625), 32, 0.0625, root / "models/gan" / name / "generator.pt")
            write_json({"experiment": "gan", "run_id": f"training-{name}"},
                       root / "models/gan" / name / "training_run.json")
            label, source = name.split("-")
            assert main(["generate", "--class", label, "--source", source]) == 0
    verdicts: dict[str, dict[str, Any]] = {}  # evaluate-gan's verdicts, as a task reads them (untrained: weak)
    for name in GENERATORS:
        label, source = name.split("-")
        verdicts.setdefault(label, {})[source] = {"verdict": "weak", "verdict_reasons": ["a stand-in generator"]}
    write_json(verdicts, root / "metrics/gan.json")
    return root


def with_generator_repeats(root: Path, repeats: int, params_name: str = "repeats.yaml") -> str:
    """Beside :func:`generated_project`'s outputs: ``gan.repeats`` generators of each name in ``models-repeats/``
    and their image sets in ``generated-repeats/``, under the params file ``params_name`` (returned).

    Repeat 0 is the project's generator itself, so its set is the one in ``data/generated``; repeat r >= 1
    is another untrained generator (seed ``100 r + index``), with a ``training_run.json`` naming
    ``training-<generator>/repeat<r>``. The project's own outputs are left as they are.
    """
    params = json.loads((root / "params.yaml").read_text())
    params["gan"]["repeats"] = repeats
    (root / params_name).write_text(json.dumps(params))
    shutil.copytree(root / "models/gan", root / "models-repeats")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        for seed, name in enumerate(GENERATORS):
            for repeat in range(1, repeats):
                folder = repeat_dir(root / "models-repeats" / name, repeat)
                folder.mkdir()
                torch.manual_seed(100 * repeat + seed)
                save_generator(Generator(32, 8, 0.0625), 32, 0.0625, folder / "generator.pt")
                write_json({"experiment": "gan", "run_id": f"training-{repeat_name(name, repeat)}"},
                           folder / "training_run.json")
            label, source = name.split("-")
            assert main(["generate", "--class", label, "--source", source, "--params", params_name,
                         "--models", "models-repeats", "--out", "generated-repeats"]) == 0
    return params_name
