"""The ``bsgan`` console script: ``bsgan ui`` starts without importing the stages, everything else goes to
:mod:`bsgan.cli`. The stages pull in torch, Lightning and MLflow's client: about 1 GiB and several seconds
that a process which only supervises two web servers does not need."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["ui"]:
        from bsgan.commands.ui import main as ui_main

        return ui_main(args[1:])
    from bsgan.cli import main as cli_main

    return cli_main(args)
