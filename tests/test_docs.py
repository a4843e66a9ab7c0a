"""The README stays a five-minute read that points into the docs site, and the site builds strictly."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))
ISSUE_NUMBER = re.compile(r"\bissues?\s*#?\s*\d+|(?<![\w&/])#\d+\b", re.IGNORECASE)


def results_module():
    spec = importlib.util.spec_from_file_location("make_results_page", ROOT / "docs/make_results_page.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_is_at_most_200_lines_and_names_the_two_commands() -> None:
    text = README.read_text()
    assert len(text.splitlines()) <= 200
    assert "make repro" in text and "make test" in text


def test_ci_runs_the_readmes_test_command_and_the_strict_docs_build() -> None:
    ci = (ROOT / ".ci/run").read_text()
    assert ci.rstrip().splitlines()[-1].startswith("exec make test"), "the README's command, last"
    assert ci.index("make docs") < ci.index("exec make test")


def test_every_link_of_the_readme_into_docs_names_a_file() -> None:
    links = re.findall(r"\]\((docs/[^)#]+)", README.read_text())
    assert len(links) >= 12
    assert [link for link in links if not (ROOT / link).is_file()] == []


def test_every_page_is_in_the_site_navigation() -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.SafeLoader)

    def files(entries) -> set[str]:
        found: set[str] = set()
        for entry in entries:
            value = next(iter(entry.values())) if isinstance(entry, dict) else entry
            found |= files(value) if isinstance(value, list) else {value}
        return found

    assert files(config["nav"]) == {page.name for page in PAGES}


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda page: page.name)
def test_no_page_names_an_issue_number(page: Path) -> None:
    assert ISSUE_NUMBER.findall(page.read_text()) == []


def test_the_issue_number_pattern_finds_what_it_should() -> None:
    assert ISSUE_NUMBER.findall("before issue 16, see #34") == ["issue 16", "#34"]
    assert ISSUE_NUMBER.findall("the [speed](speed.md#cpu-threads) page, &#34;") == []


def test_the_results_page_is_the_scripts_output_from_the_committed_files() -> None:
    assert (ROOT / "docs/results.md").read_text() == results_module().render()


def test_the_results_page_takes_its_numbers_from_the_metrics_files() -> None:
    text = results_module().render()
    assert "| 4 original + classical | 0.923 |" in text  # metrics/classify.json: t4 macro_f1 0.9230...
    assert "| pitting | GAN (original) | 5 × 100 | 199.5 ± 2.0 | 1.29 |" in text  # metrics/gan.json


@pytest.mark.skipif(shutil.which("mkdocs", path=str(Path(sys.executable).parent)) is None,
                    reason="mkdocs is not installed (pip install -e '.[dev]')")
def test_the_site_builds_in_strict_mode(tmp_path: Path) -> None:
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent))
    done = subprocess.run([mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")], cwd=ROOT,
                          capture_output=True, text=True, check=False,
                          env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "site/results/index.html").is_file()
