"""``bsgan profile NAME``: write a named settings profile (``cpu``, ``paper``, ``gpu``, ``bsdata``) into params.yaml.

Every value the profile changes is printed as ``key: old -> new``; comments and all other keys of
params.yaml are kept. The result is validated before it is written, so a bad profile changes nothing.
"""

from __future__ import annotations

import argparse
import copy
import io
import logging
from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bsgan.config import parse_params
from bsgan.errors import ParamsError

log = logging.getLogger(__name__)


def available_profiles() -> list[str]:
    return sorted(p.name.removesuffix(".yaml") for p in resources.files("bsgan.profiles").iterdir() if p.name.endswith(".yaml"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help=f"profile to apply: {', '.join(available_profiles())}")
    parser.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")


def _overlay(target: Any, profile: dict[str, Any], prefix: str = "") -> list[str]:
    """Copy ``profile``'s leaves into ``target`` in place; return ``key: old -> new`` lines."""
    changes = []
    for key, value in profile.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            changes += _overlay(target[key], value, f"{dotted}.")
        elif target.get(key) != value:
            changes.append(f"{dotted}: {target.get(key)!r} -> {value!r}")
            target[key] = value
    return changes


def read_profile(name: str) -> dict[str, Any]:
    if name not in available_profiles():
        raise ParamsError(f"profile {name!r} does not exist (available: {', '.join(available_profiles())})")
    return YAML(typ="safe").load(resources.files("bsgan.profiles").joinpath(f"{name}.yaml").read_text())


def profile_differences(name: str, params: dict[str, Any]) -> list[str]:
    """``key: ours -> profile's`` for every value of profile ``name`` that ``params`` (plain data) does not have."""
    return _overlay(copy.deepcopy(params), read_profile(name))


def apply_profile(name: str, params_path: Path, dry_run: bool = False) -> list[str]:
    """Overlay profile ``name`` onto ``params_path``; return the changes made."""
    return apply_overrides(read_profile(name), params_path, f"{params_path} with profile {name}", dry_run)


def apply_overrides(overrides: dict[str, Any], params_path: Path, origin: str, dry_run: bool = False) -> list[str]:
    """Write ``overrides`` (nested like params.yaml) into ``params_path``, keeping its comments; return the changes.

    The result is validated first: overrides that make bad params change nothing.
    """
    yaml = YAML()
    yaml.preserve_quotes = True
    try:
        params = yaml.load(params_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParamsError(f"{params_path}: params file not found") from None
    changes = _overlay(params, overrides)
    buffer = io.StringIO()
    yaml.dump(params, buffer)
    parse_params(YAML(typ="safe").load(buffer.getvalue()), origin=origin)
    if changes and not dry_run:
        params_path.write_text(buffer.getvalue(), encoding="utf-8")
    return changes


def run(args: argparse.Namespace) -> None:
    changes = apply_profile(args.name, args.params, args.dry_run)
    for line in changes:
        log.info("%s", line)
    verb = "would change" if args.dry_run else "changed"
    log.info("profile %s: %s %d value(s) in %s", args.name, verb, len(changes), args.params)
