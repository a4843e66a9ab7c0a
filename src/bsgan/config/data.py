"""The ``data`` section: which source feeds ``prepare``, how it is split, checked for leaks and capped."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from bsgan.config.base import ClassName, Probability, Section

SYNTHETIC_CLASSES = ("pitting", "rust", "intact")


class SplitCounts(Section):
    """Number of images of one class in each split."""

    train: Annotated[int, Field(ge=1)]
    test: Annotated[int, Field(ge=1)]


class SyntheticConfig(Section):
    """The procedural ball-screw surface generator (the default source; no download)."""

    difficulty: Probability = 0.5
    """0 = defects large and obvious; 1 = small, faint defects and many look-alikes on intact."""
    counts: dict[str, SplitCounts] = Field(
        default_factory=lambda: {
            "pitting": SplitCounts(train=100, test=32),
            "rust": SplitCounts(train=128, test=41),
            "intact": SplitCounts(train=700, test=222),
        }
    )

    @field_validator("counts")
    @classmethod
    def _known_classes(cls, counts: dict[str, SplitCounts]) -> dict[str, SplitCounts]:
        unknown = sorted(set(counts) - set(SYNTHETIC_CLASSES))
        if unknown:
            raise ValueError(
                f"unknown class {unknown[0]!r}; the synthetic source draws {', '.join(SYNTHETIC_CLASSES)}"
            )
        if len(counts) < 2:
            raise ValueError("needs at least two classes")
        return counts


class IntactFilterConfig(Section):
    """Thresholds that drop automatically cut intact crops a person would reject.

    All statistics are computed on the grey-level crop resized to 96 x 96 and scaled to [0, 1]
    (whatever ``data.image_size`` is), so the thresholds keep their meaning.
    """

    min_std: Annotated[float, Field(ge=0.0, le=0.5)] = 0.04
    """Near-uniform crops (plain background, blown-out highlight) have a lower contrast than this."""
    min_sharpness: Annotated[float, Field(ge=0.0)] = 0.0035
    """Mean gradient magnitude (Gaussian, sigma 2 px) in the crop's blurriest quadrant; out-of-focus
    crops and background fall below it (BSData sample: 25th percentile of candidate crops about
    0.0027, median 0.0039; 0.0035 drops about 40 %)."""
    max_dark_fraction: Probability = 0.6
    """Crops with more pixels darker than ``dark_level`` show background, not the spindle (its
    shadowed grooves cover less than this)."""
    dark_level: Probability = 0.2


class LabelmeConfig(Section):
    """Full photographs with labelme polygon annotations (the BSData layout)."""

    margin: Annotated[float, Field(ge=0.0, le=2.0)] = 0.25
    """Margin added on every side of a polygon's bounding box, as a fraction of its longer side."""
    min_crop: Annotated[int, Field(ge=8)] = 48
    """Smallest crop side in source pixels; tiny defects get this much context."""
    max_aspect: Annotated[float, Field(ge=1.0, le=10.0)] = 1.5
    """A polygon box longer than this ratio is covered by several square crops along its long axis."""
    intact_crop: Annotated[int, Field(ge=0)] = 0
    """Side of intact crops in source pixels; 0 = the median failure-crop side of that photo (so both
    classes share a scale), for unlabelled photos the median over the data set."""
    intact_per_photo: Annotated[int, Field(ge=0)] = 40
    """Cap on intact crops per photo, so a few large photos do not dominate the class."""
    intact_max: Annotated[int, Field(ge=0)] = 922
    """Cap on intact crops over all photos (the paper kept 922)."""
    intact_from_unlabelled: bool = False
    """Also cut intact crops from photos without annotation file (unverified as defect-free)."""
    filter: IntactFilterConfig = Field(default_factory=IntactFilterConfig)


class LeakConfig(Section):
    """How ``prepare`` looks for test images that are (nearly) train images."""

    max_hash_distance: Annotated[int, Field(ge=0, le=64)] = 6
    """A train/test pair whose 64-bit perceptual hashes differ in at most this many bits counts as a near
    duplicate (0: identical hashes only). Unrelated crops differ in about 32 bits; one spot photographed
    again, or a crop shifted by a few pixels, in a handful."""
    pairs_shown: Annotated[int, Field(ge=1, le=64)] = 8
    """Closest train/test pairs drawn in ``data/prepared/leaks/closest_pairs.png`` and listed in the report."""


class DataConfig(Section):
    """The ``data`` section: which source feeds ``prepare`` and how."""

    source: Literal["synthetic", "labelme", "folder"] = "synthetic"
    root: Path = Path("data/raw")
    """Input folder for the ``labelme`` and ``folder`` sources (relative to the project root)."""
    image_size: Annotated[int, Field(ge=16, le=1024)] = 96
    intact_class: ClassName = "intact"
    classes: list[ClassName] | None = None
    """Classes to keep (all found when null); a listed class missing from the data is an error."""
    test_fraction: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.25
    min_source_side: Annotated[int, Field(ge=1)] = 16
    """Shortest side of an image of the ``folder`` source (labelme crops have ``labelme.min_crop``); a smaller
    one would be blown up to ``image_size`` into blur, so it is an error naming the file."""
    group_by: str | None = None
    """Regular expression searched in each image's source path (relative to ``root``); the text of its named
    group ``group`` (or of every named group ``group_*``, joined by ``-``; or else the whole match) is the unit
    the train/test split keeps whole. Null: each source photo (folder source: each file) is its own unit."""
    seed: Annotated[int, Field(ge=0)] = 0
    leak: LeakConfig = Field(default_factory=LeakConfig)
    train_limit: int | dict[str, int | None] | None = None
    """Cap on real train images per failure class, applied in ``prepare`` so every later stage sees the same
    budget (null: all): one number for every failure class, or per class (``{pitting: 25}``; a class not
    listed keeps all). A cap above what a class has keeps all of it. The test split is never capped."""
    train_limit_seed: Annotated[int, Field(ge=0)] = 0
    """Seeds each class's draw order; a budget keeps a prefix of it, so smaller budgets nest in larger ones."""
    synthetic: SyntheticConfig = Field(default_factory=SyntheticConfig)
    labelme: LabelmeConfig = Field(default_factory=LabelmeConfig)

    @field_validator("train_limit", mode="before")
    @classmethod
    def _train_limit(cls, limit: Any) -> Any:
        def check(value: Any, where: str) -> None:
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ValueError(f"{where}must be a whole number of images >= 1 or null (got {value!r})")

        if isinstance(limit, dict):
            for label, value in limit.items():
                check(value, f"{label}: ")
        else:
            check(limit, "")
        return limit

    @field_validator("group_by")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is None:
            return None
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{pattern!r} is not a regular expression ({exc})") from None
        return pattern

    @field_validator("classes")
    @classmethod
    def _class_names(cls, names: list[str] | None) -> list[str] | None:
        if names is not None and len(set(names)) < 2:
            raise ValueError("needs at least two distinct classes")
        return names

    @model_validator(mode="after")
    def _intact_is_a_class(self) -> DataConfig:
        if self.classes is not None and self.intact_class not in self.classes:
            raise ValueError(f"data.intact_class {self.intact_class!r} is not in data.classes {self.classes}")
        if self.source == "synthetic":
            drawn = set(self.synthetic.counts)
            if self.intact_class not in drawn:
                raise ValueError(
                    f"data.intact_class {self.intact_class!r} is not a synthetic class ({', '.join(sorted(drawn))})"
                )
            missing = sorted(set(self.classes or ()) - drawn)
            if missing:
                raise ValueError(f"data.classes: {missing[0]!r} is not drawn by the synthetic source")
        if isinstance(self.train_limit, dict):
            for label in (label for label, cap in self.train_limit.items() if cap is not None):
                problem = self.not_a_failure_class(label)
                if problem:
                    raise ValueError(f"data.train_limit.{label}: {problem} (only failure classes are capped)")
        return self

    def not_a_failure_class(self, label: str) -> str | None:
        """Why ``label`` names no failure class of this data (None when it does): the rule for every key that
        lists failure classes (``gan.classes``, ``data.train_limit``)."""
        if label == self.intact_class:
            return f"{label!r} is data.intact_class"
        if self.classes is not None and label not in self.classes:
            return f"{label!r} is not in data.classes {self.classes}"
        if self.source == "synthetic" and label not in self.synthetic.counts:
            return f"{label!r} is not drawn by the synthetic source"
        return None
