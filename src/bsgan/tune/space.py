"""The search space of ``tune.space`` as Optuna suggestions, and a trial's values as GAN settings.

Each dimension is fixed, a range or a list of choices. ``label_real`` and ``label_fake`` are the
tuned class's discriminator targets (``gan.labels.<class>``); every other name is a ``gan`` key.
"""

from __future__ import annotations

from typing import Any

import optuna
from pydantic import ValidationError

from bsgan.config import TUNABLE, GanConfig, LabelValues, SearchChoices, SearchRange, TuneConfig
from bsgan.config.messages import format_error
from bsgan.errors import ParamsError

LABEL_KEYS = {"label_real": "real", "label_fake": "fake"}


def suggest(trial: optuna.Trial, space: dict[str, Any]) -> dict[str, Any]:
    """One value per dimension: sampled for ranges and choices, as given for fixed ones."""
    values: dict[str, Any] = {}
    for name, dimension in space.items():
        if isinstance(dimension, SearchRange):
            if TUNABLE[name] is int:
                step = int(dimension.step or 1)
                values[name] = trial.suggest_int(name, int(dimension.low), int(dimension.high), step=step,
                                                 log=dimension.log)
            else:
                values[name] = trial.suggest_float(name, dimension.low, dimension.high, step=dimension.step,
                                                   log=dimension.log)
        elif isinstance(dimension, SearchChoices):
            # Optuna stores choices as plain values; lists (diffaug) go by their index, shown as text.
            labels = [choice_label(choice) for choice in dimension.choices]
            values[name] = dimension.choices[labels.index(trial.suggest_categorical(name, labels))]
        else:
            values[name] = dimension
    return values


def choice_label(choice: Any) -> Any:
    """A value as Optuna and MLflow store it: lists become ``"translation+color"`` (``"none"`` when empty)."""
    if isinstance(choice, list):
        return "+".join(choice) or "none"
    return choice


def from_trial_params(params: dict[str, Any], space: dict[str, Any]) -> dict[str, Any]:
    """A finished trial's stored params (and the space's fixed values) back as setting values."""
    values: dict[str, Any] = {}
    for name, dimension in space.items():
        if isinstance(dimension, SearchChoices):
            labels = [choice_label(choice) for choice in dimension.choices]
            values[name] = dimension.choices[labels.index(params[name])]
        elif isinstance(dimension, SearchRange):
            values[name] = params[name]
        else:
            values[name] = dimension
    return values


def apply(base: GanConfig, label: str, values: dict[str, Any], tune: TuneConfig) -> tuple[GanConfig, LabelValues]:
    """The GAN settings of one trial: ``base`` with the trial's values and the study's budget."""
    labels = base.labels_for(label).model_dump() | {LABEL_KEYS[k]: v for k, v in values.items() if k in LABEL_KEYS}
    update = {k: v for k, v in values.items() if k not in LABEL_KEYS}
    raw = base.model_dump() | update | {"loops": tune.loops, "eval_every": 0, "checkpoint_every": tune.loops,
                                         "labels": base.model_dump()["labels"] | {label: labels}}
    config = GanConfig.model_validate(raw)
    return config, config.labels_for(label)


def check(base: GanConfig, label: str, tune: TuneConfig) -> None:
    """Fail before the first trial if any end of the space is not a valid GAN setting."""
    for name, dimension in tune.space.items():
        if isinstance(dimension, SearchRange):
            ends = [dimension.low, dimension.high]
            ends = [int(end) for end in ends] if TUNABLE[name] is int else ends
        elif isinstance(dimension, SearchChoices):
            ends = dimension.choices
        else:
            ends = [dimension]
        for value in ends:
            try:
                apply(base, label, {name: value}, tune)
            except ValidationError as exc:
                raise ParamsError(f"params.yaml: tune.space.{name}: {value!r}: "
                                  f"{format_error(exc.errors()[0])}") from None
