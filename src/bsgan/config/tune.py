"""The ``tune`` section: Optuna studies of one GAN's settings (``bsgan tune``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from bsgan.config.base import Section
from bsgan.config.messages import format_error


class SearchRange(Section):
    """A numeric dimension searched between ``low`` and ``high`` (integers when the setting is one)."""

    low: float
    high: float
    log: bool = False
    """Sample on a log scale (latent sizes, learning rates)."""
    step: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> SearchRange:
        if not self.low < self.high:
            raise ValueError(f"low must be below high (got {self.low} and {self.high})")
        if self.log and self.low <= 0:
            raise ValueError(f"a log scale needs low > 0 (got {self.low})")
        if self.log and self.step is not None:
            raise ValueError("log and step cannot be combined")
        return self


class SearchChoices(Section):
    """A dimension searched over a list of values."""

    choices: list[Any] = Field(min_length=1)


SearchDimension = SearchRange | SearchChoices | bool | int | float | list[str]
"""A fixed value (not searched), a range, or choices."""

TUNABLE: dict[str, type] = {
    "batch_size": int, "latent_size": int, "k_d": int, "k_g": int, "noise_std": float, "dropout": float,
    "lr_g": float, "lr_d": float, "beta1_g": float, "beta1_d": float, "diffaug": list,
    "label_real": float, "label_fake": float,
}
"""The GAN settings a study may search: ``gan.<name>``, and the tuned class's ``gan.labels`` (real, fake)."""


def _paper_space() -> dict[str, Any]:
    """The paper's search (batch size, latent size, k_d/k_g, label smoothing), plus the discriminator's noise and
    dropout, learning rates and DiffAugment."""
    return {
        "batch_size": SearchChoices(choices=[16, 32, 50, 64, 100]),
        "latent_size": SearchRange(low=64, high=2000, log=True),
        "k_d": SearchRange(low=1, high=5), "k_g": SearchRange(low=1, high=5),
        "label_real": SearchRange(low=0.7, high=1.0), "label_fake": 0.0,
        "noise_std": SearchRange(low=0.0, high=0.3), "dropout": SearchChoices(choices=[0.0, 0.25]),
        "lr_g": SearchRange(low=5e-5, high=1e-3, log=True), "lr_d": SearchRange(low=5e-5, high=1e-3, log=True),
        "diffaug": SearchChoices(choices=[[], ["translation", "color"], ["translation", "color", "cutout"]]),
    }


class TuneConfig(Section):
    """The ``tune`` section: Optuna studies of one GAN's settings at a fixed training budget (``bsgan tune``)."""

    metric: Literal["kid", "fid"] = "kid"
    """Minimised: of ``eval_count`` generated images against the class's real train images."""
    loops: Annotated[int, Field(ge=1)] = 400
    """Training budget per trial."""
    report_every: Annotated[int, Field(ge=1)] = 100
    """Loops between intermediate measurements, which the pruner judges."""
    eval_count: Annotated[int, Field(ge=2, le=10000)] = 100
    sampler: Literal["tpe", "random"] = "tpe"
    seed: Annotated[int, Field(ge=0)] = 0
    """Seeds the sampler; every trial's networks start from ``gan.seed``, so trials differ by their settings."""
    pruner: Literal["median", "hyperband", "none"] = "median"
    startup_trials: Annotated[int, Field(ge=0)] = 5
    """Trials before the median pruner prunes (and TPE stops sampling at random)."""
    warmup_reports: Annotated[int, Field(ge=0)] = 1
    """Measurements of a trial before the median pruner may stop it."""
    space: dict[str, SearchDimension] = Field(default_factory=_paper_space)

    @field_validator("space", mode="before")
    @classmethod
    def _known_settings(cls, space: Any) -> Any:
        """A mapping with ``choices`` is choices, one with ``low``/``high`` a range, anything else a fixed value."""
        if not isinstance(space, dict):
            return space
        parsed = {}
        for name, dimension in space.items():
            kind = TUNABLE.get(name)
            if kind is None:
                raise ValueError(f"{name!r} cannot be searched (searchable: {', '.join(TUNABLE)})")
            if isinstance(dimension, dict):
                model = SearchChoices if "choices" in dimension else SearchRange
                try:
                    dimension = model.model_validate(dimension)
                except ValidationError as exc:
                    raise ValueError(f"{name}: {format_error(exc.errors()[0])}") from None
            if kind is int and isinstance(dimension, SearchRange) and not (
                    dimension.low.is_integer() and dimension.high.is_integer()):
                raise ValueError(f"{name}: an integer setting needs integer low and high")
            parsed[name] = dimension
        return parsed

    @model_validator(mode="after")
    def _reports_fit_the_budget(self) -> TuneConfig:
        if self.report_every > self.loops:
            raise ValueError(f"tune.report_every: {self.report_every} is more than tune.loops ({self.loops})")
        return self
