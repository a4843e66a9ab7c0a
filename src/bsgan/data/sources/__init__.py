"""Registry of input sources for the ``prepare`` stage.

A source turns :class:`~bsgan.config.DataConfig` into a list of :class:`~bsgan.data.sample.Sample`.
Adding a source is one module with a ``load`` function and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bsgan.config import DataConfig
from bsgan.data.sample import Sample
from bsgan.data.sources import folder, labelme, synthetic

SourceLoader = Callable[[DataConfig, Path], list[Sample]]
"""``load(config, root)``: ``root`` is ``config.root`` resolved against the project directory."""

SOURCES: dict[str, SourceLoader] = {
    "synthetic": synthetic.load,
    "labelme": labelme.load,
    "folder": folder.load,
}
