"""The whole ``params.yaml``: its sections, the checks across them, and reading it from a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, model_validator

from bsgan.config.augment import AugmentConfig
from bsgan.config.base import Section
from bsgan.config.classify import ClassifyConfig
from bsgan.config.data import DataConfig
from bsgan.config.evaluate import EvalConfig
from bsgan.config.gan import GanConfig
from bsgan.config.generate import GenerateConfig
from bsgan.config.messages import format_error
from bsgan.config.tasks import TasksConfig
from bsgan.config.tune import TuneConfig
from bsgan.errors import ParamsError


class Params(Section):
    """The whole ``params.yaml``."""

    data: DataConfig = Field(default_factory=DataConfig)
    augment: AugmentConfig = Field(default_factory=AugmentConfig)
    gan: GanConfig = Field(default_factory=GanConfig)
    generate: GenerateConfig = Field(default_factory=GenerateConfig)
    eval: EvalConfig = Field(default_factory=EvalConfig)
    tasks: TasksConfig = Field(default_factory=TasksConfig)
    classify: ClassifyConfig = Field(default_factory=ClassifyConfig)
    tune: TuneConfig = Field(default_factory=TuneConfig)

    @model_validator(mode="after")
    def _gan_fits_the_images(self) -> Params:
        if self.data.image_size % 16:
            raise ValueError(f"data.image_size: the generators need a multiple of 16 (got {self.data.image_size})")
        if self.gan.architecture == "fastgan":
            blocks, size = 1, self.data.image_size  # a stem, then one per halving down to 3-5 px (fastgan.levels)
            while size % 2 == 0 and size // 2 >= 3:
                blocks, size = blocks + 1, size // 2
            if self.gan.freeze_d >= blocks:
                raise ValueError(f"gan.freeze_d: fastgan's discriminator has {blocks} blocks at data.image_size "
                                 f"{self.data.image_size}; freeze at most {blocks - 1}")
        return self

    @model_validator(mode="after")
    def _gan_classes_are_failures(self) -> Params:
        for label in self.gan.classes:
            problem = self.data.not_a_failure_class(label)
            if problem:
                raise ValueError(f"gan.classes: {problem}; GANs learn failure classes only")
        return self

    @model_validator(mode="after")
    def _tasks_read_trained_generators(self) -> Params:
        for name, task in self.tasks.definitions.items():
            for part in task.parts:
                source = part.source.removeprefix("gan_")
                if part.source.startswith("gan_") and source not in self.gan.sources:
                    raise ValueError(f"tasks.definitions.{name}: reads {part.source}, but gan.sources leaves out "
                                     f"{source} (add it, or drop the task)")
        return self

    @model_validator(mode="after")
    def _generated_sets_cover_fid_repeats(self) -> Params:
        """With the synthetic source the train counts are known here: fail before any stage runs, not after
        minutes of featurising (other sources are checked when ``evaluate_gan`` starts)."""
        if self.data.source != "synthetic" or self.generate.count == "auto":  # auto covers them by construction
            return self
        limit = self.data.train_limit
        for label in self.gan.classes:
            if label in self.data.synthetic.counts:
                train = self.data.synthetic.counts[label].train
                cap = limit.get(label) if isinstance(limit, dict) else limit
                check_fid_sets(self, label, train if cap is None else min(train, cap))
        return self


def check_fid_sets(params: Params, label: str, train_images: int) -> None:
    """``eval.fid_repeats`` sets of the class's train-set size must fit into ``generate.count`` images."""
    needed = params.eval.fid_repeats * train_images
    if params.generate.count != "auto" and needed > params.generate.count:
        raise ValueError(
            f"eval.fid_repeats: {params.eval.fid_repeats} sets of {train_images} {label} images (its train set) need "
            f"generate.count >= {needed} (got {params.generate.count}); raise generate.count or lower eval.fid_repeats")


def parse_params(raw: Any, origin: str = "params.yaml") -> Params:
    """Validate an already-loaded params mapping; raise :class:`ParamsError` naming the bad key."""
    if raw is None or raw == {}:
        raise ParamsError(f"{origin}: holds no settings (empty or only comments); write the settings, e.g. with "
                          "`bsgan profile cpu`, rather than run silently on the code's defaults")
    if not isinstance(raw, dict):
        raise ParamsError(f"{origin}: expected a mapping of sections, got {type(raw).__name__}")
    try:
        return Params.model_validate(raw)
    except ValidationError as exc:
        raise ParamsError(f"{origin}: {format_error(exc.errors()[0])}") from None


def load_params(path: Path | str = "params.yaml") -> Params:
    """Read and validate ``params.yaml``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsError(f"{path}: params file not found") from None
    except IsADirectoryError:
        raise ParamsError(f"{path}: is a folder, not a params file (give --params path/to/params.yaml)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ParamsError(f"{path}: unreadable params file ({exc.__class__.__name__}: {exc})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ParamsError(f"{path}: not valid YAML{where}") from None
    return parse_params(raw, origin=str(path))
