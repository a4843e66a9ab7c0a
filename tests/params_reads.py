"""Which ``params.yaml`` keys a command really reads: a recorder over the validated config objects.

While :func:`recording` is active, every field read from a config section after ``load_params`` (by
attribute or by ``model_dump``) is noted under its dotted key (``gan.log_every``,
``tasks.definitions.t1_original.parts``). Validation's own reads at load time are not noted: they
decide whether params are valid, not what a stage writes. ``tests/test_dvc_yaml.py`` compares the keys
with each stage's ``params`` in ``dvc.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import bsgan.config.params as params_module
from bsgan.config import Params, Section


def section_paths(value: Any, path: str, found: dict[int, str]) -> dict[int, str]:
    """``id(section) -> dotted key`` of every config object in ``value``'s tree (dicts and lists followed)."""
    if isinstance(value, Section):
        found[id(value)] = path
        for name in type(value).model_fields:
            section_paths(object.__getattribute__(value, name), f"{path}.{name}" if path else name, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            section_paths(item, f"{path}.{key}", found)
    elif isinstance(value, list):
        for item in value:
            section_paths(item, path, found)
    return found


def holds_sections(value: Any) -> bool:
    if isinstance(value, dict):
        value = list(value.values())
    return isinstance(value, Section) or (isinstance(value, list) and any(isinstance(v, Section) for v in value))


@contextmanager
def recording() -> Iterator[set[str]]:
    """Yield the set that collects the dotted keys read while the context is open."""
    reads: set[str] = set()
    paths: dict[int, str] = {}
    parse = params_module.parse_params
    plain_getattribute = Section.__getattribute__
    plain_dump = Section.model_dump

    def note(section: Any, names: Any) -> None:
        prefix = paths.get(id(section))
        if prefix is not None:
            reads.update(f"{prefix}.{name}" if prefix else name for name in names)

    def parse_and_map(*args: Any, **kwargs: Any) -> Params:
        params = parse(*args, **kwargs)
        section_paths(params, "", paths)
        return params

    def getattribute(self: Any, name: str) -> Any:
        value = plain_getattribute(self, name)
        if name in type(self).model_fields and not holds_sections(value):
            note(self, [name])  # a section read is noted by the reads of its own fields
        return value

    def model_dump(self: Any, *args: Any, **kwargs: Any) -> Any:
        exclude = kwargs.get("exclude") or ()
        note(self, [name for name in type(self).model_fields if name not in exclude])
        return plain_dump(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(params_module, "parse_params", parse_and_map)
        patch.setattr(Section, "__getattribute__", getattribute)
        patch.setattr(Section, "model_dump", model_dump)
        yield reads
