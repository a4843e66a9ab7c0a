"""The Markdown report as one self-contained page."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.inputs import textured_photo

from bsgan.errors import InputDataError
from bsgan.report.html import slug, to_html


def test_pictures_are_embedded_and_headings_get_anchors(tmp_path: Path) -> None:
    (tmp_path / "gan").mkdir()
    textured_photo(16, 16, seed=0).save(tmp_path / "gan/sheet.png")
    page = to_html("# Report\n\n## Classification tasks\n\n![sheet](gan/sheet.png)\n\n[sheet](gan/turing.html)\n",
                   tmp_path, "bsgan report")
    assert '<h2 id="classification-tasks">Classification tasks</h2>' in page
    assert '<img src="data:image/png;base64,iVBOR' in page, "the PNG's bytes, not its path"
    assert '<a href="gan/turing.html">' in page, "links stay relative"
    assert page.startswith("<!DOCTYPE html>") and "<title>bsgan report</title>" in page


def test_tables_render_and_markup_in_the_text_is_escaped(tmp_path: Path) -> None:
    page = to_html("| task | F1 |\n|---|---|\n| <script>x()</script> | **0.9** |\n", tmp_path, "t")
    assert "<table>" in page and "<td><strong>0.9</strong></td>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_a_missing_picture_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match=r"gan/missing\.png: picture not found"):
        to_html("![x](gan/missing.png)", tmp_path, "t")


def test_slug() -> None:
    assert slug("Runs in MLflow") == "runs-in-mlflow"
    assert slug("t-SNE, equal counts") == "t-sne-equal-counts"


def test_significant_gains_and_losses_get_their_own_colour_and_verdicts_a_badge(tmp_path: Path) -> None:
    markdown = ("| task | macro F1 |\n|---|---|\n| 2 | **+2.3 points (p=0.010)** |\n"
                "| 3 | **-29.1 points (p<0.001)** |\n| 4 | +1.0 points (p=0.400) |\n\n### rust-original `collapsed`\n")
    page = to_html(markdown, tmp_path, "t")
    assert '<strong class="gain">+2.3 points' in page and '<strong class="loss">-29.1 points' in page
    assert "<td>+1.0 points (p=0.400)</td>" in page, "a change within noise is not highlighted"
    assert '<code class="verdict verdict-collapsed">collapsed</code>' in page
