"""The ``tasks`` section: the classification tasks as data (the paper's six by default)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from bsgan.config.base import PositiveInt, Section, TaskName

TaskSource = Literal["real", "classical", "gan_original", "gan_classical", "augment"]
"""Where a task's failure-class images come from: the real train split, the ``augment`` stage's classical
images (originals excluded), a generator trained on the originals or on the classical set, or classical
augmentation of the images the task has gathered so far (the paper's task 6)."""


class TaskPart(Section):
    """One ingredient of a task's train set, per failure class."""

    source: TaskSource
    count: Annotated[int, Field(ge=0)] | Literal["all", "fill"] = "all"
    """``all`` of the source; a number (capped so the class does not pass ``tasks.target_per_class``); or
    ``fill``: as many as bring the class to the target."""

    @field_validator("count", mode="before")
    @classmethod
    def _count(cls, count: Any) -> Any:
        """One message for the union (pydantic would report each member under an internal name)."""
        if isinstance(count, bool) or not (count in ("all", "fill") or isinstance(count, int) and count >= 0):
            raise ValueError(f"must be a number >= 0, 'all' or 'fill' (got {count!r})")
        return count


class TaskDefinition(Section):
    """A classification task: how each failure class's train set is composed (intact stays real)."""

    title: str
    parts: list[TaskPart] = Field(min_length=1)

    @model_validator(mode="after")
    def _parts_make_sense(self) -> TaskDefinition:
        if self.parts[0].source == "augment":
            raise ValueError("parts: 'augment' cannot come first (it augments the images gathered before it)")
        for part in self.parts:
            if part.source == "augment" and part.count == "all":
                raise ValueError("parts: 'augment' has no 'all' (give a number or 'fill')")
        return self


def _paper_tasks() -> dict[str, TaskDefinition]:
    def task(title: str, *parts: tuple[str, int | str]) -> TaskDefinition:
        return TaskDefinition(title=title, parts=[TaskPart(source=s, count=c) for s, c in parts])  # type: ignore[arg-type]

    return {
        "t1_original": task("1 original", ("real", "all")),
        "t2_original_gan": task("2 original + GAN", ("real", "all"), ("gan_original", "fill")),
        "t3_gan_only": task("3 GAN only", ("gan_original", "fill")),
        # classical augmentation at task time, of the real images the task keeps (not data/augmented, which
        # also holds copies of the validation images)
        "t4_original_classical": task("4 original + classical", ("real", "all"), ("augment", "fill")),
        "t5_original_gan_classical": task("5 original + GAN(classical)", ("real", "all"), ("gan_classical", "fill")),
        "t6_classical_on_gan": task("6 classical on (original + GAN)", ("real", "all"), ("gan_original", 100),
                                    ("augment", "fill")),
    }


class TasksConfig(Section):
    """The ``tasks`` section: the registry of classification tasks (the paper's six by default)."""

    target_per_class: PositiveInt = 700
    """Train images per failure class that ``fill`` parts top up to."""
    baseline: str = "t1_original"
    """The task every other one is compared with (relative change, paired test)."""
    definitions: dict[TaskName, TaskDefinition] = Field(default_factory=_paper_tasks)
    allow_collapsed: bool = False
    """Let a task learn from a generator that ``evaluate-gan`` called ``collapsed`` (its results then measure the
    broken generator, not GAN enlargement); false: ``classify`` refuses such a task in one line."""
    export: str | None = None
    """The task whose classifiers ``bsgan export`` (and ``bsgan predict`` by default) use; None: the task with
    the highest lower bound of the macro F1 interval."""

    @model_validator(mode="after")
    def _names(self) -> TasksConfig:
        if self.baseline not in self.definitions:
            raise ValueError(f"baseline: {self.baseline!r} is not a task in tasks.definitions")
        if self.export is not None and self.export not in self.definitions:
            raise ValueError(f"export: {self.export!r} is not a task in tasks.definitions")
        return self
