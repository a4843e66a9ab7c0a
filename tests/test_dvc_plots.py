"""`dvc plots show` draws every plot once, titled by its generator or task, from vega scripts shipped inline."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.browser import chrome, console_errors, needs_chromium, save_full_page

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "src/bsgan/vega/dvc_plots.html"
SOURCES = ("original", "classical")  # the two train_gan stage groups of dvc.yaml


def dvc_yaml() -> dict:
    return yaml.safe_load((ROOT / "dvc.yaml").read_text())


def plots() -> dict[str, dict]:
    return {name: spec for entry in dvc_yaml()["plots"] for name, spec in entry.items()}


def test_every_generator_and_task_of_params_has_its_plots_titled_by_name() -> None:
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    generators = [f"{name}-{source}" for name in params["gan"]["classes"] for source in SOURCES]
    titles = [spec["title"] for spec in plots().values()]
    for generator in generators:
        assert len([title for title in titles if title.startswith(f"{generator} generator:")]) == 3, generator
    for task in params["tasks"]["definitions"]:
        assert f"Task {task}: confusion matrix (test split, all seeds added)" in titles
    assert len(titles) == 3 * len(generators) + 2 + len(params["tasks"]["definitions"])


def test_each_plot_reads_files_not_folders_and_no_stage_declares_plots_of_its_own() -> None:
    for name, spec in plots().items():
        assert isinstance(spec["y"], dict), name
        assert all(Path(path).suffix == ".csv" for path in spec["y"]), name
    assert [name for name, stage in dvc_yaml()["stages"].items() if "plots" in stage.get("do", stage)] == []


def test_the_template_carries_the_vendored_scripts_and_no_cdn() -> None:
    page = TEMPLATE.read_text()
    listed = re.findall(r"\| (vega[-a-z]*) \| ([\d.]+) \| `[^`]+` \| ([0-9a-f]{64}) \|",
                        (TEMPLATE.parent / "VENDOR.md").read_text())
    blocks = re.findall(r'<script data-package="([-a-z]+)@([\d.]+)">(.*?)</script>', page, re.DOTALL)
    assert [(name, version, hashlib.sha256(code.encode()).hexdigest()) for name, version, code in blocks] == listed
    assert [name for name, _, _ in listed] == ["vega", "vega-lite", "vega-embed"]
    outside = re.sub(r"<script data-package.*?</script>", "", page, flags=re.DOTALL)
    assert "{plot_divs}" in outside and "{scripts}" not in outside and "src=" not in outside
    assert all((TEMPLATE.parent / f"LICENSE.{name}").is_file() for name, _, _ in listed)
    assert "html_template = ../src/bsgan/vega/dvc_plots.html" in (ROOT / ".dvc/config").read_text()


def show(out: Path) -> Path:
    """``dvc plots show`` of the committed plots files; fails on any DVC warning."""
    dvc = Path(sys.executable).parent / "dvc"
    done = subprocess.run([str(dvc), "plots", "show", "-o", str(out)], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "failed" not in (done.stdout + done.stderr).lower() and "warning" not in done.stderr.lower(), done.stderr
    return out / "index.html"


def test_dvc_plots_show_writes_one_chart_per_plot_without_a_network_address(tmp_path: Path) -> None:
    page = show(tmp_path / "dvc_plots").read_text()
    assert page.count("vegaEmbed(") == len(plots())
    assert "cdn." not in page and "<script src" not in page


@needs_chromium
def test_every_chart_draws_with_outside_requests_blocked(tmp_path: Path) -> None:
    page = show(tmp_path / "dvc_plots")
    with chrome(width=1400) as browser:
        browser.execute_cdp_cmd("Network.enable", {})
        browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*"]})
        browser.get(page.as_uri())
        count = "return document.querySelectorAll('.vega-embed canvas, .vega-embed svg.marks').length"
        deadline = time.monotonic() + 30
        while browser.execute_script(count) < len(plots()) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert browser.execute_script(count) == len(plots())
        titles = browser.execute_script("return [...document.querySelectorAll('.vega-embed')].length")
        assert titles == len(plots())
        save_full_page(browser, tmp_path / "dvc_plots.png")
        assert console_errors(browser) == []
