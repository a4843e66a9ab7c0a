"""The report's Markdown as one self-contained HTML page: every image embedded, no server, no internet.

markdown-it-py renders the Markdown (CommonMark with tables; raw HTML in the text is escaped, so a
task title in params.yaml cannot inject markup). Image paths, relative to the report's folder, are
replaced by ``data:`` URIs; links (blinded sheets, MLflow artifacts) stay relative to the page.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bsgan.errors import InputDataError

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }
h1, h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; }
h2 { margin-top: 2em; }
table { border-collapse: collapse; margin: .8em 0; display: block; overflow-x: auto; }
th, td { border: 1px solid #ccc; padding: .25em .55em; text-align: right; vertical-align: top; white-space: nowrap; }
th { text-align: left; background: #f6f6f6; }
td:first-child { text-align: left; }
td:first-child, th:first-child { position: sticky; left: 0; background: #fff; }  /* names stay when scrolled */
th:first-child { background: #f6f6f6; }
td strong { background: #fff1a8; }
td strong.gain { background: #d3f2d6; color: #14532d; }
td strong.loss { background: #f9d0d0; color: #7f1d1d; }
li strong, p strong { background: none; }
img { max-width: 100%; image-rendering: pixelated; vertical-align: top; }
code { background: #f3f3f3; padding: 0 .2em; }
code.verdict { font: bold 13px system-ui, sans-serif; padding: .1em .5em; border-radius: .8em; }
code.verdict-usable { background: #d3f2d6; color: #14532d; }
code.verdict-weak { background: #fdecc8; color: #7a4b00; }
code.verdict-collapsed { background: #f9d0d0; color: #7f1d1d; }
img.thumbnail { width: 120px; }
"""
VERDICT_BADGES = ("usable", "weak", "collapsed")
"""Inline code holding exactly one of these is drawn as a coloured verdict badge."""


def slug(text: str) -> str:
    """``Classification tasks`` -> ``classification-tasks`` (the anchors the contents line links to)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def data_uri(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputDataError(f"{path}: picture not found (run `dvc repro`)") from None
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _embed(tokens: list[Token], folder: Path) -> None:
    """Give headings ids, verdicts their badge, and replace every image's relative path by the image's bytes."""
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            token.attrSet("id", slug(tokens[index + 1].content))
        children = token.children or []
        for position, child in enumerate(children):
            if child.type == "strong_open" and position + 1 < len(children):  # a significant change: its sign
                sign = children[position + 1].content[:1]
                if sign in "+-−" and sign:
                    child.attrSet("class", "gain" if sign == "+" else "loss")
            if child.type == "image":
                child.attrSet("src", data_uri(folder / str(child.attrGet("src"))))
                if child.content == "thumbnail":
                    child.attrSet("class", "thumbnail")
            elif child.type == "code_inline" and child.content in VERDICT_BADGES:
                child.attrSet("class", f"verdict verdict-{child.content}")


def to_html(markdown: str, folder: Path, title: str) -> str:
    """The page for ``markdown`` whose image paths are relative to ``folder``."""
    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = renderer.parse(markdown)
    _embed(tokens, folder)
    body = renderer.renderer.render(tokens, renderer.options, {})
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n")
