"""What every section of ``params.yaml`` shares: strict frozen sections, the name rule and common number types."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
"""Class and task names: they become folder names, DVC stage items and metric keys."""

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
PositiveInt = Annotated[int, Field(ge=1)]


class Section(BaseModel):
    """A section of ``params.yaml``: unknown keys are errors, and a loaded value never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, allow_inf_nan=False)


def _checked_name(kind: str) -> AfterValidator:
    def check(name: str) -> str:
        if not NAME.match(name):
            raise ValueError(f"{name!r} is not a {kind} name (lower case letters, digits, '_')")
        return name

    return AfterValidator(check)


ClassName = Annotated[str, _checked_name("class")]
"""A class name as the data folders, generators and metrics spell it (``pitting``, ``surface_rust``)."""
TaskName = Annotated[str, _checked_name("task")]
"""A task name (``t1_original``): the same rule, named as a task in errors."""


def normalise_class_name(label: str) -> str:
    """Map a free-form label (``"Pitting"``, ``"Surface Rust"``) to a class name (``surface_rust``)."""
    return re.sub(r"[^a-z0-9]+", "_", label.strip().lower()).strip("_")
