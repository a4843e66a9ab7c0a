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
    for heading in ("# bsgan report", "## Data", "## Generators", "## Classification tasks", "### Verdicts",
                    "## Runs in MLflow"):
        assert f"\n{heading}\n" in f"\n{report}", heading
    assert re.search(r"^### rust-classical `(usable|weak|collapsed)`$", report, flags=re.MULTILINE), "with its badge"
    assert "- **profile**: custom: " in report, "tiny settings are no shipped profile"
    assert "| classify | 6 |" in report and "| train-gan | 4 |" in report, "time per stage from the ledger"
    assert "| rust | real test split (floor) |" in report and "untrained generator" in report
    assert "| 6 classical on (original + GAN) |" in report
    verdicts = re.findall(r"^- \*\*(.+?)\*\*: macro F1", report, flags=re.MULTILINE)
    assert len(verdicts) == len(TASKS) - 1, "one verdict per task but the baseline"
    assert report.count("#/experiments/") >= 4 + 4 + 6, "training and evaluation of 4 generators, 6 task parents"
    assert "no answers scored yet" in report


def test_the_generator_part_opens_with_every_verdict_at_a_glance(finished_project: Path) -> None:
    report = (finished_project / "reports/report.md").read_text()
    judged = json.loads((finished_project / "metrics/gan.json").read_text())
    generators = report.split("## Generators\n")[1]
    summary = [line for line in generators.split("The full table")[0].splitlines() if line.startswith("| ")]
    assert summary[0].startswith("| generator | verdict | FID ÷ floor |")
    rows = {line.split(" | ")[0].removeprefix("| "): line for line in summary[1:]}
    assert list(rows) == ["pitting-original", "pitting-classical", "rust-original", "rust-classical"]
    for name, line in rows.items():
        label, source = name.split("-")
        entry, floor = judged[label][source], judged[label]["real_test"]
        assert f"| `{entry['verdict']}` |" in line
        assert f"| {entry['fid_original'] / floor['fid_original']:.2f}x |" in line
        assert f"| {entry['gan_test']:.2f} / {floor['gan_test']:.2f} |" in line
        assert f"![thumbnail](figures/thumbnail_{name}.png)" in line
    section = generators.split("### rust-original")[1].split("###")[0]
    assert f"Verdict: {judged['rust']['original']['verdict']}: " in section, "the reasons beside the pictures"
    page = (finished_project / "reports/index.html").read_text()
    assert '<code class="verdict verdict-' in page, "each verdict a coloured badge"
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="thumbnail" class="thumbnail"', page)


def test_tasks_that_learnt_from_a_generator_not_judged_usable_are_marked(finished_project: Path) -> None:
    report = (finished_project / "reports/report.md").read_text()
    results = json.loads((finished_project / "models/classify/t3_gan_only/results.json").read_text())
    assert set(results["generator_verdicts"]) == {"pitting-original", "rust-original"}
    if set(results["generator_verdicts"].values()) != {"usable"}:
        marked = next(line for line in report.splitlines() if line.startswith("- **3 GAN only** learnt from "))
        assert all(f"{gen} (`{v}`)" in marked for gen, v in results["generator_verdicts"].items() if v != "usable")
    assert "- **1 original** learnt from" not in report, "a task without generated images is never marked"


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
