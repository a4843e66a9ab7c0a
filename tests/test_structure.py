"""The module boundaries a newcomer relies on: stages share files (``bsgan.layout``), never code, and no
package imports a package that imports it back."""

from __future__ import annotations

from pathlib import Path

import yaml

from bsgan.cli import COMMANDS, STAGES
from bsgan.layout import Layout
from tests.test_dvc_yaml import SRC, imported_modules

PACKAGE = SRC / "bsgan"


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def unit(module: str) -> str:
    """The unit cycles are checked between: a subpackage (``bsgan.stages``) or a top-level module."""
    return ".".join(module.split(".")[:2])


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        source = unit(module_name(path))
        graph.setdefault(source, set()).update(unit(name) for name in imported_modules(path) if unit(name) != source)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that returns to its start, or None."""
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt):], nxt] if nxt in path else [*path, nxt]
            if nxt not in state and (cycle := visit(nxt, [*path, nxt])):
                return cycle
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node, [node])):
            return cycle
    return None


def test_stages_hold_only_stages_and_import_none_of_each_other() -> None:
    stage_modules = {COMMANDS[name][0] for name in STAGES}
    for path in sorted((PACKAGE / "stages").glob("*.py")):
        name = module_name(path)
        if path.name == "__init__.py":
            continue
        assert name in stage_modules, f"{path.name} is in stages/ but is no DVC stage's module"
        others = {module for module in imported_modules(path) if module.startswith("bsgan.stages.")}
        assert not others, f"{name} imports the stage module(s) {sorted(others)}: share files through bsgan.layout"


def test_no_package_imports_one_that_imports_it_back() -> None:
    assert find_cycle(package_graph()) is None, (
        f"package import cycle: {' -> '.join(find_cycle(package_graph()) or [])}")


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_layout_names_the_folders_dvc_yaml_declares(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    declared = yaml.safe_load((SRC.parent / "dvc.yaml").read_text())["stages"]
    outs = {out for stage in declared.values() for out in stage.get("do", stage).get("outs", [])
            if isinstance(out, str)}
    assert str(layout.prepared.relative_to(tmp_path)) in outs
    assert str(layout.augmented.relative_to(tmp_path)) in outs
    assert "models/gan/${item.class}-original" in outs
    assert layout.generator_dir("pitting", "original") == tmp_path / "models/gan/pitting-original"
    # gan.repeats: repeat r >= 1 lives inside repeat 0's out, so dvc.yaml declares no more outs
    assert layout.generator_dir("pitting", "original", 2) == tmp_path / "models/gan/pitting-original/repeat2"
    assert layout.generated_set("rust", "classical", 1) == tmp_path / "data/generated/rust-classical/repeat1"
    assert layout.generated_set("rust", "classical", 0) == layout.generated / "rust-classical"
    assert "data/generated/${item.class}-${item.source}" in outs
    assert str(layout.classify_models.relative_to(tmp_path)) + "/${key}" in outs
    assert layout.task_results("t1") == tmp_path / "models/classify/t1/results.json"
