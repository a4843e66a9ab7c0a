"""The report and the MLflow UI in a real headless Chromium: key elements present, pictures loaded, no errors.

Screenshots go to the test's tmp folder (``report.png``, ``mlflow_*.png``) for a person to look at.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.browser import broken_images, chrome, console_errors, needs_chromium, save_full_page

pytestmark = [needs_chromium, pytest.mark.slow(seconds=60)]


def test_the_report_opens_from_disk_with_every_section_and_picture(finished_project: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    with chrome() as browser:
        browser.get((finished_project / "reports/index.html").as_uri())
        headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
        assert headings == ["Data", "Generators", "Classification tasks", "Runs in MLflow"]
        tables = [t.text for t in browser.find_elements(By.TAG_NAME, "table")]
        assert any("6 classical on (original + GAN)" in t and "rust F1" in t for t in tables), "the paper-layout table"
        assert any("real test split (floor)" in t for t in tables), "the FID/KID table"
        images = browser.find_elements(By.TAG_NAME, "img")
        assert len(images) > 40 and broken_images(browser) == []
        browser.find_element(By.CSS_SELECTOR, "a[href='#classification-tasks']").click()
        assert browser.execute_script("return window.scrollY") > 0, "the contents line jumps to the section"
        save_full_page(browser, tmp_path / "report.png")
        assert console_errors(browser) == []


def test_the_generator_summary_fits_a_1280_px_window(finished_project: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    with chrome(1280, 900) as browser:
        browser.get((finished_project / "reports/index.html").as_uri())
        table = next(t for t in browser.find_elements(By.TAG_NAME, "table") if t.text.startswith("generator verdict"))
        assert browser.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth", table), \
            "no sideways scrolling"
        assert table.rect["x"] + table.rect["width"] <= 1280
        badges = table.find_elements(By.CSS_SELECTOR, "code.verdict")
        assert len(badges) == 4 and {b.text for b in badges} <= {"usable", "weak", "collapsed"}
        assert len(table.find_elements(By.CSS_SELECTOR, "img.thumbnail")) == 4 and broken_images(browser) == []
        browser.execute_script("arguments[0].scrollIntoView()", table)
        browser.save_screenshot(str(tmp_path / "generator_summary.png"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mlflow_ui(finished_project: Path) -> Iterator[str]:
    """``bsgan ui`` serving the finished project's runs; yields the address it prints."""
    env = {key: value for key, value in os.environ.items() if key != "MLFLOW_TRACKING_URI"}
    server = subprocess.Popen([sys.executable, "-m", "bsgan", "ui", "--port", str(free_port())], cwd=finished_project,
                              env=env, stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()  # printed once the UI answers
        assert line.startswith("MLflow UI: http://127.0.0.1:"), line
        yield line.split()[2]
    finally:
        server.terminate()
        server.wait(timeout=30)


MLFLOW_OWN_PROBE = "/ajax-api/2.0/mlflow/users/current - Failed to load resource"
"""MLflow 3.17's UI asks for the logged-in user on every page; without its auth plugin the server says 404."""


def links_of(report: str, text: str) -> list[str]:
    """The addresses of the Markdown links whose text is ``text``."""
    return re.findall(rf"\[{re.escape(text)}\]\(([^)]+)\)", report)


def test_the_report_links_open_the_task_runs_in_the_mlflow_ui(mlflow_ui: str, finished_project: Path,
                                                             tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    report = (finished_project / "reports/report.md").read_text()
    task_row = next(line for line in report.splitlines() if line.startswith("| task 3 GAN only"))
    pages = {"run": task_row.split("](")[1].split(")")[0], "compare": links_of(report, "The tasks side by side")[0],
             "experiments": links_of(report, "the experiments")[0]}
    expected = {"run": ["t3_gan_only", "Child runs", "t3_gan_only-seed0"],
                "compare": ["Comparing 6 Runs", "t1_original", "t6_classical_on_gan",
                            "task.composition.rust.gan_original", "f1_intact_mean"],
                "experiments": ["classify", "gan-eval", "gan"]}
    with chrome(1400, 900) as browser:
        for name, url in pages.items():
            browser.get(url.replace("http://127.0.0.1:5000", mlflow_ui))
            WebDriverWait(browser, 60).until(
                lambda b: all(text in b.find_element(By.TAG_NAME, "body").text for text in expected[name]))  # noqa: B023
            browser.save_screenshot(str(tmp_path / f"mlflow_{name}.png"))
        errors = [e for e in console_errors(browser) if MLFLOW_OWN_PROBE not in e]
        assert errors == []
