"""The layout block of the docs' development page names every module of ``src/bsgan`` and nothing that is not there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src/bsgan"
FILE = re.compile(r"[\w{},/]+\.(?:py|yaml)")


def expand(token: str) -> list[str]:
    """``sources/{synthetic,folder}.py`` -> ``sources/synthetic.py``, ``sources/folder.py``."""
    match = re.search(r"\{([^}]*)\}", token)
    if not match:
        return [token]
    return [name for part in match.group(1).split(",")
            for name in expand(token[: match.start()] + part + token[match.end():])]


def layout_tree() -> dict[str, set[str]]:
    """``{"src/bsgan": {...}, "bench": {...}}``: the files the layout block lists under each root."""
    text = (ROOT / "docs/development.md").read_text()
    block = text[text.index("```\nsrc/bsgan/\n") + 4:]
    block = block[: block.index("```")]
    listed: dict[str, set[str]] = {"src/bsgan": set(), "bench": set()}
    root, folder = "src/bsgan", ""
    for line in block.splitlines()[1:]:
        words = line.split()
        if not words:
            continue
        if not line.startswith(" "):  # a top-level folder: bench/, tests/
            root, folder = words[0].rstrip("/"), ""
            words = words[1:]
        elif not line.startswith("             ") and words[0].endswith("/"):  # a package of src/bsgan
            folder, words = words[0], words[1:]
        elif not line.startswith("             ") and not line.startswith("                    "):
            folder = ""
        for token in (t for word in words for t in FILE.findall(word)):
            if root in listed:
                listed[root] |= {folder + name for name in expand(token)}
    return listed


def is_marker(path: Path) -> bool:
    """An ``__init__.py`` holding only a docstring."""
    return path.name == "__init__.py" and all(isinstance(node, ast.Expr) for node in ast.parse(path.read_text()).body)


def test_the_layout_block_lists_exactly_the_package_modules() -> None:
    listed = layout_tree()["src/bsgan"]
    present = {path.relative_to(PACKAGE).as_posix() for pattern in ("**/*.py", "**/*.yaml")
               for path in PACKAGE.glob(pattern) if not is_marker(path) and path.name != "__main__.py"}
    present -= {name for name in present if name.endswith("__init__.py") and name not in listed}
    assert sorted(listed - present) == [], "docs/development.md lists modules that do not exist"
    missing = sorted(name for name in present - listed if not name.endswith("__init__.py"))
    assert missing == [], "modules missing from the layout block of docs/development.md"


def test_the_layout_block_lists_exactly_the_bench_scripts() -> None:
    assert layout_tree()["bench"] == {path.name for path in (ROOT / "bench").glob("*.py")}


def test_the_block_parser_expands_braces_and_follows_packages() -> None:
    assert expand("sources/{synthetic,labelme}.py") == ["sources/synthetic.py", "sources/labelme.py"]
    tree = layout_tree()["src/bsgan"]
    assert {"cli.py", "config/params.py", "models/dcgan/torch_model.py", "data/sources/folder.py"} <= tree
