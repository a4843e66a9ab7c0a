"""The best trial as params: an override of ``gan`` (and the tuned class's ``gan.labels``) for ``dvc repro``.

Written into an existing params file in place (comments kept, every change printed, validated first),
or as a new file holding only the override. The loop: ``bsgan tune`` -> ``--export-best params.yaml``
-> ``dvc repro`` (retrains the generators with the tuned settings) -> ``bsgan compare``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import optuna
import yaml

from bsgan.config import GanConfig
from bsgan.errors import InputDataError
from bsgan.profiles import apply_overrides
from bsgan.tune.space import LABEL_KEYS, from_trial_params


def best_trial(study: optuna.Study) -> optuna.trial.FrozenTrial:
    try:
        return study.best_trial
    except ValueError:
        raise InputDataError(f"study {study.study_name!r}: no complete trial yet (run `bsgan tune` first)") from None


def override(values: dict[str, Any], label: str, base: GanConfig) -> dict[str, Any]:
    """``{"gan": {...settings..., "labels": {label: {"real": .., "fake": ..}}}}`` for the tuned values.

    The label pair is always whole (the untuned one from ``base``): a file holding only this override
    must not reset the other value to its default.
    """
    gan = {name: value for name, value in values.items() if name not in LABEL_KEYS}
    labels = {LABEL_KEYS[name]: value for name, value in values.items() if name in LABEL_KEYS}
    if labels:
        gan["labels"] = {label: base.labels_for(label).model_dump() | labels}
    return {"gan": gan}


def export_best(study: optuna.Study, base: GanConfig, space: dict[str, Any], label: str, path: Path) -> list[str]:
    """Write the best trial's settings to ``path``; return ``key: old -> new`` lines (all keys for a new file)."""
    trial = best_trial(study)
    overrides = override(from_trial_params(trial.params, space), label, base)
    if path.exists():
        return apply_overrides(overrides, path, f"{path} with the best trial of study {study.study_name}")
    header = f"# best trial {trial.number} of study {study.study_name!r}: {trial.value:.6g}\n"
    path.write_text(header + yaml.safe_dump(overrides, sort_keys=False), encoding="utf-8")
    return [f"gan.{key}: {value!r}" for key, value in overrides["gan"].items()]
