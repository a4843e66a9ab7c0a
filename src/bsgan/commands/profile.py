"""``bsgan profile NAME``: write a named settings profile (``cpu``, ``paper``, ``gpu``, ``sweep``, ``bsdata``) into
params.yaml.

Every value the profile changes is printed as ``key: old -> new``; comments and all other keys of
params.yaml are kept. The result is validated before it is written, so a bad profile changes nothing.
"""

from __future__ import annotations

import argparse
import logging

from bsgan.profiles import apply_profile, available_profiles

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help=f"profile to apply: {', '.join(available_profiles())}")
    parser.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")


def run(args: argparse.Namespace) -> None:
    changes = apply_profile(args.name, args.params, args.dry_run)
    for line in changes:
        log.info("%s", line)
    verb = "would change" if args.dry_run else "changed"
    log.info("profile %s: %s %d value(s) in %s", args.name, verb, len(changes), args.params)
