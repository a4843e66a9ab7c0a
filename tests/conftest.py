"""Shared fixtures: tiny generated inputs and a params file writer; the suite's order and its workers' threads."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from filelock import FileLock

from tests.inputs import box_polygon, labelme_json, textured_photo

TINY_SYNTHETIC = {
    "image_size": 32,
    "synthetic": {
        "counts": {"pitting": {"train": 6, "test": 3}, "rust": {"train": 5, "test": 2},
                   "intact": {"train": 10, "test": 4}}
    },
}

TINY_GAN = {"latent_size": 8, "generator_width": 0.0625, "discriminator_width": 0.25, "batch_size": 4, "loops": 4,
            "k_d": 1, "k_g": 1, "checkpoint_every": 2, "log_every": 2, "device": "cpu", "on_collapse": "warn"}
"""A GAN that trains in about a second: the recipe and outputs of the real one, none of its quality. Four loops
leave it collapsed by every bound of ``eval.verdict``, so it only warns (tests/stages/test_collapse.py plants
collapses and healthy generators to test the policy)."""


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = (deep_merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict)
                       else value)
    return merged


REAL_ONLY_TASKS = {"baseline": "t1",
                   "definitions": {"t1": {"title": "1 original", "parts": [{"source": "real", "count": "all"}]}}}
"""One task on the real images alone: params that read no generated set (``gan.sources`` may leave any out)."""


@pytest.fixture
def write_params(tmp_path: Path) -> Callable[..., Path]:
    """Write ``params.yaml`` into ``tmp_path``: tiny synthetic data merged with ``overrides``."""

    def write(overrides: dict[str, Any] | None = None) -> Path:
        params = deep_merge({"data": TINY_SYNTHETIC, "augment": {"target_per_class": 12}}, overrides or {})
        path = tmp_path / "params.yaml"
        path.write_text(yaml.safe_dump(params), encoding="utf-8")
        return path

    return write


@pytest.fixture
def labelme_root(tmp_path: Path) -> Path:
    """Eight 400x200 photos in the BSData layout, each with one or two small polygons."""
    root = tmp_path / "bsdata"
    (root / "data").mkdir(parents=True)
    (root / "label").mkdir()
    for i in range(8):
        name = f"photo_{i}.jpg"
        photo = textured_photo(400, 200, seed=i)
        photo.save(root / "data" / name)
        shapes = [("Pitting", box_polygon(50 + 10 * i, 60, 80 + 10 * i, 90))]
        if i % 2:
            shapes.append(("Rust", box_polygon(250, 100, 290, 140)))
        (root / "label" / f"photo_{i}.json").write_text(json.dumps(labelme_json(name, photo.size, shapes)))
    return root


@pytest.fixture
def folder_root(tmp_path: Path) -> Path:
    """Class folders of odd-sized, odd-mode images: 6 pitting (L, 50x40) and 8 intact (RGBA, 30x60)."""
    root = tmp_path / "crops"
    for label, count, mode, size in (("Pitting", 6, "L", (50, 40)), ("intact", 8, "RGBA", (30, 60))):
        (root / label).mkdir(parents=True)
        for i in range(count):
            textured_photo(*size, seed=i).convert(mode).save(root / label / f"{i}.png")
    return root


@pytest.fixture(scope="session")
def finished_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny project through every stage, report included (built once per test session; read, don't change)."""
    from tests.stages.finished_project import finished_project as build

    return shared_build(tmp_path_factory, "finished", build)


@pytest.fixture(scope="session")
def classified_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tiny synthetic data, two tasks classified with two seeds each, compared (built once; read, don't change)."""
    from tests.stages.classified_project import classified_project as build

    return shared_build(tmp_path_factory, "classified", build)


def pytest_configure(config: pytest.Config) -> None:
    """Under ``pytest -n N`` each worker gets its share of the cores (torch's and its children's, through
    ``BSGAN_THREADS``): two workers with every core each slow each other down many times over. (bsgan itself
    is not imported here: code imported before pytest-cov starts would count as never run.)"""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers > 1:
        import torch

        threads = max(1, len(os.sched_getaffinity(0)) // workers)
        os.environ["BSGAN_THREADS"] = str(threads)
        torch.set_num_threads(threads)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest files first (by their ``slow(seconds)`` marks), each file's tests kept together and in
    order: the workers of ``make test`` take whole files in this order, so a five-minute test starts at once
    instead of ending the run alone."""
    seconds: dict[Path, float] = {}
    for item in items:
        if mark := item.get_closest_marker("slow"):
            seconds[item.path] = max(seconds.get(item.path, 0), mark.kwargs.get("seconds", 1))
    items.sort(key=lambda item: -seconds.get(item.path, 0))


def shared_build(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Path]) -> Path:
    """``build`` into a folder ``name`` once per test run, also when workers run the suite: the first worker
    builds it under a lock, the others wait and read the same folder."""
    base = factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        base = base.parent  # the folder all workers' temp folders lie in
    root, built = base / name, base / f"{name}.built"
    with FileLock(f"{root}.lock"):
        if not built.exists():
            shutil.rmtree(root, ignore_errors=True)  # what a failed build left
            root.mkdir()
            build(root)
            built.touch()
    return root
