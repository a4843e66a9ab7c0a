"""``dvc.yaml`` cannot drift from the code: every bsgan module a stage runs is one of its deps.

DVC reruns a stage only when a listed dependency changes, so a module missing from ``deps`` lets DVC
call a stale output up to date. The modules a stage runs are derived here from the imports of its
command's module (transitively, function-level imports included), so a new import that is not listed
fails this test.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import yaml

from bsgan.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def module_file(name: str) -> Path | None:
    """The source file of the bsgan module ``name`` (a package's ``__init__.py``), or None if it is not one."""
    base = SRC.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(path: Path) -> set[str]:
    """The bsgan modules that ``path`` imports anywhere in its body (``from pkg import submodule`` included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names if alias.name.startswith("bsgan")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bsgan") and not node.level:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names
                      if module_file(f"{node.module}.{alias.name}")}
    return {name for name in names if module_file(name)}


def parent_packages(name: str) -> list[str]:
    """Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def runs(module: str) -> set[Path]:
    """Every bsgan source file that importing ``module`` executes, minus empty package markers."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += imported_modules(module_file(name)) | set(parent_packages(name))  # type: ignore[arg-type]
    files = {module_file(name) for name in seen}
    return {path for path in files if path and not is_marker(path)}  # type: ignore[misc]


def is_marker(path: Path) -> bool:
    """A package ``__init__.py`` with nothing but a docstring (and ``__version__``) runs no logic."""
    body = ast.parse(path.read_text()).body
    return path.name == "__init__.py" and all(
        isinstance(node, ast.Expr) or (isinstance(node, ast.Assign) and ast.unparse(node).startswith("__version__"))
        for node in body
    )


def stages() -> list[tuple[str, str, list[str]]]:
    """(stage name, ``bsgan`` subcommand, deps) of every stage in ``dvc.yaml``, foreach/matrix bodies included."""
    found = []
    for name, stage in yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"].items():
        body = stage.get("do", stage)
        words = body["cmd"].split()
        assert words[0] == "bsgan", f"{name}: a stage runs one bsgan command"
        found.append((name, words[1], body.get("deps", [])))
    return found


def covered(path: Path, deps: list[str]) -> bool:
    relative = path.relative_to(ROOT)
    return any(relative == Path(dep) or Path(dep) in relative.parents for dep in deps)


@pytest.mark.parametrize(("stage", "command", "deps"), stages(), ids=[stage for stage, _, _ in stages()])
def test_every_module_a_stage_runs_is_one_of_its_deps(stage: str, command: str, deps: list[str]) -> None:
    missing = sorted(str(path.relative_to(ROOT)) for path in runs(COMMANDS[command][0])
                     if not covered(path, deps))
    assert not missing, f"dvc.yaml stage {stage} runs these modules but does not list them in deps: {missing}"


def test_every_listed_source_dep_exists() -> None:
    for stage, _, deps in stages():
        for dep in deps:
            if dep.startswith("src/"):
                assert (ROOT / dep).exists(), f"dvc.yaml stage {stage} lists {dep}, which does not exist"


def test_the_import_walk_follows_function_level_imports(tmp_path: Path) -> None:
    """The walk itself: ``report`` imports a command module inside a function; it must be found."""
    found = {path.relative_to(ROOT).as_posix() for path in runs("bsgan.stages.prepare")}
    assert "src/bsgan/stages/prepare.py" in found
    assert "src/bsgan/config/params.py" in found
    assert "src/bsgan/data/__init__.py" not in found  # a docstring-only package marker


def stage_params(command_line: str) -> list[str]:
    """The ``params`` that ``dvc.yaml`` lists for the stage running ``command_line`` (its item substituted)."""
    words = command_line.split()
    options = dict(zip(words[1::2], words[2::2], strict=False))
    for stage in yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"].values():
        body = stage.get("do", stage)
        if body["cmd"].split()[1] != words[0]:
            continue
        if ("--source" in options and f"--source {options['--source']}" not in body["cmd"]
                and "${item.source}" not in body["cmd"]):
            continue
        listed = [key for key in body.get("params", []) if isinstance(key, str)]
        return [key.replace("${key}", options.get("--task", "")) for key in listed]
    raise AssertionError(f"no dvc.yaml stage runs `bsgan {words[0]}`")


def test_every_params_key_a_stage_reads_is_in_its_params(finished_project: Path) -> None:
    """Each stage of the tiny pipeline ran under a recorder of the params keys it read."""
    from tests.stages.finished_project import PARAMS_READS

    reads = json.loads((finished_project / PARAMS_READS).read_text())
    unlisted = {}
    for command_line, keys in reads.items():
        listed = stage_params(command_line)
        missing = [key for key in keys if not any(key == entry or key.startswith(f"{entry}.") for entry in listed)]
        if missing:
            unlisted[command_line] = missing
    assert not unlisted, f"dvc.yaml stages read params they do not list: {unlisted}"


def test_the_recorder_notes_leaf_keys_read_after_load(tmp_path: Path) -> None:
    from bsgan.config import load_params
    from tests.params_reads import recording

    (tmp_path / "params.yaml").write_text("gan: {loops: 7}\n")
    with recording() as keys:
        params = load_params(tmp_path / "params.yaml")
        assert params.gan.loops == 7
        params.tasks.definitions["t1_original"].model_dump(exclude={"title"})
    assert keys == {"gan.loops", "tasks.definitions.t1_original.parts"}
