"""``bsgan report`` on the tiny finished project: every section, images embedded, links that resolve."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from bsgan.cli import main
from tests.stages.finished_project import TASKS


class Page(HTMLParser):
    """The images and links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img":
            self.images.append(values["src"] or "")
        if tag == "a":
            self.links.append(values["href"] or "")


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_the_markdown_report_has_every_section(finished_project: Path) -> None:
    report = (finished_project / "reports/report.md").read_text()
    for heading in ("# bsgan report", "## Data", "## Generators", "### rust-classical", "## Classification tasks",
                    "### Verdicts", "## Runs in MLflow"):
        assert f"\n{heading}\n" in f"\n{report}", heading
    assert "- **profile**: custom: " in report, "tiny settings are no shipped profile"
    assert "| classify | 6 |" in report and "| train-gan | 4 |" in report, "time per stage from the ledger"
    assert "| rust | real test split (floor) |" in report and "untrained generator" in report
    assert "| 6 classical on (original + GAN) |" in report
    verdicts = re.findall(r"^- \*\*(.+?)\*\*: macro F1", report, flags=re.MULTILINE)
    assert len(verdicts) == len(TASKS) - 1, "one verdict per task but the baseline"
    assert report.count("#/experiments/") >= 4 + 4 + 6, "training and evaluation of 4 generators, 6 task parents"
    assert "no answers scored yet" in report


def test_every_picture_of_the_markdown_exists(finished_project: Path) -> None:
    reports = finished_project / "reports"
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (reports / "report.md").read_text())
    assert len(pictures) >= 3 + 4 * 8 + 2 + 6
    missing = [p for p in pictures if not (reports / p).is_file()]
    assert missing == []


def test_the_page_embeds_every_picture_and_its_links_resolve(finished_project: Path) -> None:
    reports = finished_project / "reports"
    page = parse(reports / "index.html")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (reports / "report.md").read_text())
    assert len(page.images) == len(pictures)
    for source in page.images:
        assert source.startswith("data:image/png;base64,")
        with Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))) as image:
            assert image.width > 0
    local = [link for link in page.links if not link.startswith(("http://", "#"))]
    assert any(link.endswith("turing.html") for link in local) and any("artifacts" in link for link in local)
    assert [link for link in local if not (reports / link).exists()] == []
    assert {link for link in page.links if link.startswith("#")} <= {"#data", "#generators", "#classification-tasks",
                                                                       "#runs-in-mlflow"}


@pytest.fixture
def copy(finished_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the finished project to change (the shared one stays as built)."""
    root = tmp_path / "project"
    shutil.copytree(finished_project, root)
    monkeypatch.chdir(root)
    return root


def test_a_scored_expert_test_shows_beside_its_generator(copy: Path) -> None:
    truth = json.loads((copy / "reports/gan/rust-original/turing.key.json").read_text())["truth"]
    answers = {"sheet": "rust-original", "answers": dict(truth)}  # an expert who is always right
    (copy / "answers.json").write_text(json.dumps(answers))
    assert main(["turing-test", "--score", "answers.json"]) == 0
    assert (copy / "reports/turing/rust-original.score.json").exists()
    assert main(["report"]) == 0
    section = (copy / "reports/report.md").read_text().split("### rust-original")[1].split("###")[0]
    assert f"accuracy 1.00 ({len(truth)}/{len(truth)})" in section


def test_a_missing_input_is_one_clear_line_and_the_old_report_stays(copy: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    before = (copy / "reports/index.html").read_bytes()
    (copy / "metrics/gan.json").unlink()
    assert main(["report"]) == 2
    assert capsys.readouterr().err.strip() == "bsgan report: error: metrics/gan.json: not found"
    assert (copy / "reports/index.html").read_bytes() == before
    assert not list((copy / "reports").glob(".*.tmp"))
