"""A self-contained HTML sheet: a shuffled mix of real and generated images for a person to judge.

The page needs no server and no network: images are embedded as data URIs, and the script keeps
the answers in the page and offers them as a JSON download. The truth travels in the page (so it
can show the score at the end) in a form that does not show on screen; the sheet is blinded, not
cheat-proof. A separate key file lets ``bsgan turing-test --score`` judge the answers.
"""

from __future__ import annotations

import base64
import html
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bsgan.errors import InputDataError

Truth = Literal["real", "generated"]


@dataclass(frozen=True)
class Item:
    """One image on the sheet: ``id`` is its position, ``truth`` what it really is."""

    id: int
    png: bytes
    truth: Truth
    source: str
    """The file it came from (kept in the key, never on the page)."""


def shuffled_items(real: list[Path], generated: list[Path], seed: int) -> list[Item]:
    """Real and generated PNG files in one seeded random order."""
    pool: list[tuple[Path, Truth]] = [(path, "real") for path in real] + [(path, "generated") for path in generated]
    random.Random(seed).shuffle(pool)
    return [Item(i, path.read_bytes(), truth, str(path)) for i, (path, truth) in enumerate(pool)]


def pick(paths: list[Path], count: int, seed: int, what: str) -> list[Path]:
    """``count`` of ``paths``, seeded; one clear error when there are too few."""
    if len(paths) < count:
        raise InputDataError(f"{what}: only {len(paths)} images, the sheet needs {count}")
    return sorted(random.Random(seed).sample(paths, count))


def make_sheet(real: list[Path], generated: list[Path], count: int, seed: int, title: str,
               sheet_id: str) -> tuple[str, dict[str, object]]:
    """The HTML page and its key for ``count`` real and ``count`` generated images drawn from the lists."""
    what = f"sheet {sheet_id}"
    items = shuffled_items(pick(real, count, seed, f"{what} (real)"),
                           pick(generated, count, seed, f"{what} (generated)"), seed)
    return render(items, title, sheet_id), key(items, sheet_id)


def key(items: list[Item], sheet_id: str) -> dict[str, object]:
    return {"sheet": sheet_id, "truth": {str(item.id): item.truth for item in items},
            "sources": {str(item.id): item.source for item in items}}


# A backslash ending a line of the page joins it to the next (the page has them as one line).
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; max-width: 60rem; }}
#sheet {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: 0.8rem; }}
figure {{ margin: 0; padding: 0.4rem; border: 2px solid #ccc; border-radius: 6px; text-align: center; }}
figure.answered {{ border-color: #4a7; }}
figure img {{ width: 8rem; height: 8rem; image-rendering: pixelated; display: block; margin: 0 auto 0.3rem; }}
button.picked {{ background: #245; color: white; }}
#result {{ font-size: 1.3rem; margin-top: 1rem; }}
</style></head>
<body>
<h1>{title}</h1>
<p>Each image is either a <b>real</b> photo crop or <b>generated</b> by a GAN. Mark every image,
then press <i>Finish</i>. Your answers stay in this page; <i>Download answers</i> saves them as JSON
for <code>bsgan turing-test --score</code>.</p>
<p id="progress">0 of {count} marked</p>
<div id="sheet">{figures}</div>
<p><button id="finish" disabled>Finish</button> \
<a id="download" hidden download="{sheet_id}-answers.json">Download answers</a></p>
<p id="result"></p>
<script>
const SHEET = "{sheet_id}";
const KEY = JSON.parse(atob("{encoded_truth}"));
const answers = {{}};
window.bsganAnswers = null;
function update() {{
  const n = Object.keys(answers).length;
  document.getElementById("progress").textContent = n + " of {count} marked";
  document.getElementById("finish").disabled = n < {count};
}}
document.querySelectorAll("figure").forEach(figure => {{
  figure.querySelectorAll("button").forEach(button => button.addEventListener("click", () => {{
    answers[figure.dataset.id] = button.dataset.answer;
    figure.classList.add("answered");
    figure.querySelectorAll("button").forEach(b => b.classList.toggle("picked", b === button));
    update();
  }}));
}});
document.getElementById("finish").addEventListener("click", () => {{
  const correct = Object.entries(answers).filter(([id, answer]) => KEY[id] === answer).length;
  const total = Object.keys(KEY).length;
  document.getElementById("result").textContent =
    "You judged " + correct + " of " + total + " images correctly (" + Math.round(100 * correct / total) + "%).";
  window.bsganAnswers = {{sheet: SHEET, answers: answers}};
  const link = document.getElementById("download");
  link.href = URL.createObjectURL(new Blob([JSON.stringify(window.bsganAnswers, null, 1)], \
{{type: "application/json"}}));
  link.hidden = false;
}});
</script>
</body></html>
"""

_FIGURE = ('<figure data-id="{id}"><img alt="image {number}" src="data:image/png;base64,{data}">'
           '<button data-answer="real">Real</button> <button data-answer="generated">Generated</button></figure>')


def render(items: list[Item], title: str, sheet_id: str) -> str:
    """The whole page as one HTML string."""
    figures = "\n".join(
        _FIGURE.format(id=item.id, number=item.id + 1, data=base64.b64encode(item.png).decode()) for item in items
    )
    truth = json.dumps({str(item.id): item.truth for item in items})
    return _PAGE.format(title=html.escape(title), count=len(items), figures=figures, sheet_id=html.escape(sheet_id),
                        encoded_truth=base64.b64encode(truth.encode()).decode())
