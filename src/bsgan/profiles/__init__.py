"""Named settings profiles (``cpu``, ``paper``, ``gpu``, ...): YAML overlays of params.yaml shipped in this package.

Applied by ``bsgan profile NAME`` and ``bsgan tune --export-best``; compared with the params in force by
the report. Comments and all other keys of params.yaml are kept, and the result is validated before it is
written, so a bad profile changes nothing.
"""

from __future__ import annotations

import copy
import io
from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from bsgan.config import parse_params
from bsgan.errors import ParamsError
from bsgan.io.atomic import atomic_text


def available_profiles() -> list[str]:
    return sorted(p.name.removesuffix(".yaml") for p in resources.files("bsgan.profiles").iterdir()
                  if p.name.endswith(".yaml"))


REPLACE_KEY = "_replace"
"""A profile's list of dotted keys whose mapping it sets whole instead of merging (``tasks.definitions``:
the sweep profile keeps four tasks, and ``cpu`` brings back all six)."""


def _overlay(target: Any, profile: dict[str, Any], prefix: str = "",
             replace: frozenset[str] = frozenset()) -> list[str]:
    """Copy ``profile``'s leaves into ``target`` in place; return ``key: old -> new`` lines."""
    changes = []
    for key, value in profile.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and isinstance(target.get(key), dict) and dotted not in replace:
            changes += _overlay(target[key], value, f"{dotted}.", replace)
        elif dotted in replace and isinstance(target.get(key), dict) and _plain(target[key]) == value:
            continue  # the same mapping, whatever its YAML style
        elif target.get(key) != value:
            old = _plain(target.get(key))
            if dotted in replace and isinstance(old, dict) and isinstance(value, dict):
                changes.append(f"{dotted}: {', '.join(old)} -> {', '.join(value)}")
            else:
                changes.append(f"{dotted}: {old!r} -> {value!r}")
            target[key] = value
    return changes


def _plain(value: Any) -> Any:
    """ruamel's commented mappings and lists as plain ones, for comparison and messages."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _split(profile: dict[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
    profile = dict(profile)
    return profile, frozenset(profile.pop(REPLACE_KEY, None) or ())


def read_profile(name: str) -> dict[str, Any]:
    if name not in available_profiles():
        raise ParamsError(f"profile {name!r} does not exist (available: {', '.join(available_profiles())})")
    return YAML(typ="safe").load(resources.files("bsgan.profiles").joinpath(f"{name}.yaml").read_text())


def profile_differences(name: str, params: dict[str, Any]) -> list[str]:
    """``key: ours -> profile's`` for every value of profile ``name`` that ``params`` (plain data) does not have."""
    profile, replace = _split(read_profile(name))
    return _overlay(copy.deepcopy(params), profile, replace=replace)


def apply_profile(name: str, params_path: Path, dry_run: bool = False) -> list[str]:
    """Overlay profile ``name`` onto ``params_path``; return the changes made."""
    profile, replace = _split(read_profile(name))
    return apply_overrides(profile, params_path, f"{params_path} with profile {name}", dry_run, replace)


def apply_overrides(overrides: dict[str, Any], params_path: Path, origin: str, dry_run: bool = False,
                    replace: frozenset[str] = frozenset()) -> list[str]:
    """Write ``overrides`` (nested like params.yaml) into ``params_path``, keeping its comments; return the changes.

    The result is validated first: overrides that make bad params change nothing. Mappings at the dotted
    keys in ``replace`` are set whole rather than merged.
    """
    yaml = YAML()
    yaml.preserve_quotes = True
    try:
        params = yaml.load(params_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParamsError(f"{params_path}: params file not found") from None
    except UnicodeDecodeError as exc:
        raise ParamsError(f"{params_path}: not UTF-8 text (byte {exc.start}); nothing was changed") from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise ParamsError(f"{params_path}: not valid YAML{where}: {problem}; nothing was changed") from None
    if not isinstance(params, dict):
        raise ParamsError(f"{params_path}: expected a mapping of params sections, got {type(params).__name__}; "
                          f"nothing was changed")
    changes = _overlay(params, overrides, replace=replace)
    buffer = io.StringIO()
    yaml.dump(params, buffer)
    parse_params(YAML(typ="safe").load(buffer.getvalue()), origin=origin)
    if changes and not dry_run:
        atomic_text(buffer.getvalue(), params_path)  # a full disk leaves the old file, not half a new one
    return changes
