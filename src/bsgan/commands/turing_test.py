"""``bsgan turing-test``: a blinded real-vs-generated sheet for people, and scoring their answers.

``bsgan turing-test --class rust --source original`` writes ``reports/turing/rust-original.html``
(open it in any browser, no server) and its key ``rust-original.key.json``. The person marks every
image, presses Finish, sees their score and downloads their answers;
``bsgan turing-test --score rust-original-answers.json`` prints accuracy with a 95% interval, logs it
to MLflow (experiment ``gan-eval``) and keeps it as ``<out>/<sheet>.score.json`` for ``bsgan report``;
every score also gets a row in ``<out>/<sheet>.scores.csv``, so a second person's answers do not erase
the first's. Answers that leave images unmarked are scored on the marked ones, with a warning and the
count of unanswered images in the printed line.
``dvc repro`` also writes a sheet per generator (``reports/gan/<generator>/turing.html``); ``--score``
finds its key there too.
"""

from __future__ import annotations

import argparse
import csv
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bsgan.data.prepared import read_image_set
from bsgan.errors import InputDataError
from bsgan.io.json_file import read_json, write_json
from bsgan.io.output_rule import printable
from bsgan.layout import GAN_SOURCES, generator_name
from bsgan.tracking import git_commit, use_experiment
from bsgan.turing.score import Score, score
from bsgan.turing.sheet import make_sheet

log = logging.getLogger(__name__)
EVALUATION_DIR = Path("reports/gan")
"""Where ``evaluate_gan`` writes one sheet per generator (``<generator>/turing.html``)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--class", dest="label", help="failure class (to write a sheet)")
    parser.add_argument("--source", choices=GAN_SOURCES, default="original", help="generator's train set")
    parser.add_argument("--count", type=int, default=20, help="real and generated images each (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="which images and their order")
    parser.add_argument("--out", type=Path, default=Path("reports/turing"), help="folder for the sheet and its key")
    parser.add_argument("--score", type=Path, metavar="ANSWERS", help="score a downloaded answers file instead")
    parser.add_argument("--key", type=Path, help="the sheet's key (default: <out>/<sheet>.key.json)")


def write_sheet(label: str, source: str, count: int, seed: int, out: Path) -> Path:
    name = generator_name(label, source)
    prepared, generated = Path("data/prepared"), Path("data/generated") / name
    if not (generated / "manifest.csv").exists():
        raise InputDataError(f"{generated}: no generated images "
                             f"(run `bsgan generate --class {label} --source {source}` or `dvc repro` first)")
    real = [path for row, path in read_image_set(prepared, "train") if row.label == label]
    fake = [path for row, path in read_image_set(generated, "train")]
    page_html, sheet_key = make_sheet(real, fake, count, seed, f"Real or generated? {label}", name)
    out.mkdir(parents=True, exist_ok=True)
    page = out / f"{name}.html"
    page.write_text(page_html, encoding="utf-8")
    write_json(sheet_key, out / f"{name}.key.json")
    return page


def find_key(sheet: str, out: Path) -> Path:
    """The key of a sheet written by this command (``<out>/<sheet>.key.json``) or by ``evaluate_gan``."""
    written_here = out / f"{sheet}.key.json"
    by_the_stage = EVALUATION_DIR / sheet / "turing.key.json"
    return by_the_stage if not written_here.exists() and by_the_stage.exists() else written_here


def run(args: argparse.Namespace) -> None:
    if args.score is None and args.count < 1:
        raise InputDataError(f"--count {args.count}: the sheet needs at least 1 real and 1 generated image")
    if args.score is None:
        if args.label is None:
            raise InputDataError("turing-test: give --class to write a sheet, or --score ANSWERS to score one")
        page = write_sheet(args.label, args.source, args.count, args.seed, args.out)
        log.info("wrote %s (open it in a browser) and its key", page)
        return
    answers = read_answers(args.score)
    sheet = answers["sheet"]
    key_file = args.key or find_key(sheet, args.out)
    if not key_file.exists():
        raise InputDataError(f"{key_file}: the key of sheet {sheet!r} is not there (give --key, or --out of the sheet)")
    result = score(answers, read_json(key_file), origin=str(args.score))
    print(result.line())
    if result.sheet_size is not None and result.total < result.sheet_size:
        log.warning("%s: %d of %d images answered: the score covers only those, and its interval is wide",
                    args.score, result.total, result.sheet_size)
    write_json(asdict(result), args.out / f"{sheet}.score.json")  # the latest, for `bsgan report`
    keep_history(result, args.score, args.out / f"{sheet}.scores.csv")
    log_to_mlflow(result, sheet, args.params.parent)


def keep_history(result: Score, answers: Path, history: Path) -> None:
    """Append this score to ``history``: each person's score stays, the latest one is the report's."""
    new = not history.exists()
    with history.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if new:
            writer.writerow(["answers", *asdict(result)])
        writer.writerow([printable(answers), *asdict(result).values()])


def read_answers(path: Path) -> dict[str, Any]:
    """The answers file a sheet downloads: ``{"sheet": name, "answers": {...}}``; anything else is one clear line."""
    answers = read_json(path)
    if not isinstance(answers, dict):
        raise InputDataError(f"{path}: expected the answers a sheet downloads (a JSON object with 'sheet' and "
                             f"'answers'), got a JSON {type(answers).__name__}")
    if not isinstance(answers.get("sheet"), str) or not answers["sheet"]:
        raise InputDataError(f"{path}: no 'sheet' name "
                             "(the answers a sheet downloads carry it; which sheet are these for?)")
    return answers


def log_to_mlflow(result: Score, sheet: str, project: Path) -> None:
    import mlflow  # slow to import: only when scoring

    use_experiment("gan-eval", project)
    with mlflow.start_run(run_name=f"turing-{sheet}",
                          tags={"stage": "turing_test", "sheet": sheet, "git_commit": git_commit(project)}):
        mlflow.log_metrics({"turing/accuracy": result.accuracy, "turing/ci_low": result.ci_low,
                            "turing/ci_high": result.ci_high, "turing/p_value": result.p_value,
                            "turing/answers": result.total})
