"""``bsgan report``: the whole experiment on one page, ``reports/index.html`` (self-contained) and
``reports/report.md``.

Header (data, profile, commit, date, run time per stage), the data (counts, contact sheets), every
generator (real vs generated, training curves, FID/KID with the floor and the untrained value, t-SNE,
interpolation, memorisation, the expert test's score when answers were scored), the tasks side by side
(the paper-layout tables with intervals and p-values, figures, a verdict per task) and links to the
MLflow runs. Reads only what earlier stages wrote; the training curves are drawn into ``reports/figures``.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

import torch
from PIL import Image
from torchvision.transforms.v2.functional import pil_to_tensor, to_pil_image
from torchvision.utils import make_grid

from bsgan.config import Params, load_params
from bsgan.data.images import open_rgb
from bsgan.data.prepared import read_image_set
from bsgan.io.atomic import atomic_directory, atomic_text
from bsgan.io.json_file import read_json
from bsgan.layout import TRAINING_RUN_FILE, generator_name
from bsgan.metrics.fidelity_table import table_rows
from bsgan.metrics.fidelity_table import to_markdown as fidelity_markdown
from bsgan.metrics.task_results import load_results
from bsgan.metrics.task_table import compare_tasks
from bsgan.metrics.task_table import to_markdown as tasks_markdown
from bsgan.models.dcgan.collapse import find_collapse
from bsgan.profiles import available_profiles, profile_differences
from bsgan.report.curves import read_columns, training_figure
from bsgan.report.html import to_html
from bsgan.report.sections import (
    GeneratorPictures,
    Header,
    RunLink,
    data_section,
    gan_section,
    header,
    leak_section,
    tasks_section,
    tracking_section,
    weak_generator_note,
)
from bsgan.report.verdict import caveat, verdicts
from bsgan.stage_times import pipeline_times
from bsgan.tracking import find_runs, git_commit, latest_run_tagged
from bsgan.tracking_links import base_url, compare_url, experiments_url, run_url
from bsgan.turing.score import Score

log = logging.getLogger(__name__)
TURING_DIR = Path("reports/turing")
"""Where ``bsgan turing-test --score`` leaves ``<generator>.score.json``."""
FIGURES = "figures"
"""The report's own pictures (training curves), beside index.html."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("reports"),
                        help="folder of index.html, report.md and figures/ (beside gan/ and classify/)")


def profile_name(params: Params) -> str:
    """The shipped profile params.yaml equals, or how far it is from the nearest one."""
    plain = params.model_dump(mode="json")
    differences = {name: profile_differences(name, plain) for name in available_profiles()}
    nearest = min(differences, key=lambda name: len(differences[name]))
    if not differences[nearest]:
        return nearest
    shown = "; ".join(differences[nearest][:3]) + ("; …" if len(differences[nearest]) > 3 else "")
    return f"custom: {len(differences[nearest])} value(s) differ from profile {nearest} (ours -> profile's: {shown})"


def data_source(params: Params) -> str:
    data = params.data
    if data.source == "synthetic":
        return f"synthetic (procedural, difficulty {data.synthetic.difficulty}), {data.image_size} px"
    return f"{data.source} from `{data.root}`, {data.image_size} px"


def commit_line(project: Path) -> str:
    commit = git_commit(project)
    done = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=project, capture_output=True,
                          text=True, check=False)
    return f"`{commit}`" + (" (with uncommitted changes)" if done.returncode == 0 and done.stdout.strip() else "")


def relative(path: Path, folder: Path) -> str:
    return Path(os.path.relpath(path, folder)).as_posix()


def turing_score(name: str) -> str | None:
    path = TURING_DIR / f"{name}.score.json"
    return Score(**read_json(path)).line() if path.exists() else None


THUMBNAIL_IMAGES = 8
"""Generated images in each generator's thumbnail (the first of its set, as generate wrote them)."""


def thumbnail(folder: Path, label: str) -> Image.Image:
    """The first :data:`THUMBNAIL_IMAGES` generated images of a set as a 4-column grid."""
    paths = [path for row, path in read_image_set(folder, "train") if row.label == label][:THUMBNAIL_IMAGES]
    images = torch.stack([pil_to_tensor(open_rgb(path)) for path in paths])
    return to_pil_image(make_grid(images, nrow=4, padding=1, pad_value=255))


def generator_pictures(params: Params, out: Path, figures: Path,
                       judged: dict[str, Any] | None = None) -> list[GeneratorPictures]:
    """Draw each generator's training figure and thumbnail into ``figures``; collect the paths of its other
    pictures and its verdict."""
    pictures = []
    for label in params.gan.classes:
        for source in params.gan.sources:
            name = generator_name(label, source)
            thumbnail(Path("data/generated") / name, label).save(figures / f"thumbnail_{name}.png")
            entry = (judged or {}).get(label, {}).get(source, {})
            verdict = ": ".join([entry["verdict"], "; ".join(entry.get("verdict_reasons", []))]) \
                if entry.get("verdict_reasons") else entry.get("verdict")
            losses = read_columns(Path("plots/gan") / f"{name}.csv")
            probes = read_columns(Path("plots/gan_fidelity") / f"{name}.csv")
            training_figure(losses, probes, f"{name}: training").save(figures / f"training_{name}.png")
            evaluation = out / "gan" / name
            pictures.append(GeneratorPictures(
                name=name,
                real_sheet=relative(Path("data/prepared/contact_sheets") / f"train_{label}.png", out),
                generated_sheet=relative(Path("data/generated") / name / "contact_sheets" / f"train_{label}.png", out),
                training=f"{FIGURES}/training_{name}.png",
                **{key: relative(evaluation / f"{key}.png", out) for key in
                   ("tsne_equal", "tsne_all", "interpolation", "nearest_pairs", "nearest_distances")},
                turing_sheet=relative(evaluation / "turing.html", out), turing_score=turing_score(name),
                collapse=collapse.line() if (collapse := find_collapse(losses)) else None,
                verdict=verdict, thumbnail=f"{FIGURES}/thumbnail_{name}.png"))
    return pictures


def run_links(project: Path, params: Params, results: dict[str, dict[str, Any]], out: Path,
              ui: str) -> tuple[list[RunLink], str | None]:
    """The training and evaluation run of every generator and the parent run of every task; and the UI's
    comparison of the task parents (None when they are not in this tracking store)."""
    wanted: list[tuple[str, str]] = []
    for label in params.gan.classes:
        for source in params.gan.sources:
            name = generator_name(label, source)
            trained = Path("models/gan") / name / TRAINING_RUN_FILE
            training = read_json(trained).get("run_id") if trained.exists() else None
            if training:
                wanted.append((f"GAN training {name}", training))
                evaluation = latest_run_tagged(project, "gan-eval", "training_run_id", training)
                if evaluation:
                    wanted.append((f"GAN evaluation {name}", evaluation))
    parents = {result["parent_run_id"]: f"task {result['title']} (parent of {len(result['repeats'])} seeds)"
               for result in results.values() if result.get("parent_run_id")}
    wanted += [(what, run_id) for run_id, what in parents.items()]
    found = find_runs(project, [run_id for _, run_id in wanted])
    links = []
    for what, run_id in wanted:
        experiment, artifacts = found.get(run_id, (None, None))
        local = urlparse(artifacts) if artifacts else None
        folder = Path(url2pathname(local.path)) if local and local.scheme == "file" else None
        links.append(RunLink(what, run_id, run_url(ui, experiment, run_id) if experiment else None,
                             relative(folder, out.resolve()) if folder else None))
    tracked = [run_id for run_id in parents if run_id in found]
    compare = compare_url(ui, [found[run_id][0] for run_id in tracked], tracked) if tracked else None
    return links, compare


def leak_pairs() -> list[dict[str, str]]:
    """The leak check's closest train/test pairs, as prepare listed them."""
    with Path("data/prepared/leaks/closest_pairs.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run(args: argparse.Namespace) -> None:
    params = load_params(args.params)
    project, out = args.params.parent, args.out
    results, classes = load_results(Path("models/classify"), params.tasks)
    baseline, confidence = params.tasks.baseline, params.classify.confidence
    comparison = compare_tasks(results, baseline, confidence, params.classify.bootstrap_resamples,
                               params.classify.bootstrap_seed)
    titles = {task: result["title"] for task, result in results.items()}
    counts = read_json(Path("metrics/prepare.json"))
    augmented = read_json(Path("metrics/augment.json"))["train"]
    sheets = [(f"train / {label}", relative(Path("data/prepared/contact_sheets") / f"train_{label}.png", out))
              for label in classes]
    per_stage, missing = pipeline_times(project, params)
    facts = Header(data_source(params), profile_name(params), commit_line(project),
                   datetime.now().astimezone().isoformat(timespec="seconds"), per_stage, missing)
    ui = base_url()
    links, compare = run_links(project, params, results, out, ui)
    judged = read_json(Path("metrics/gan.json"))
    with atomic_directory(out / FIGURES) as figures:
        generators = generator_pictures(params, out, figures, judged)
        markdown = "\n".join([
            header(facts),
            data_section(counts, augmented, sheets),
            leak_section(counts["leaks"], leak_pairs(), relative(Path("data/prepared/leaks/closest_pairs.png"), out)),
            gan_section(fidelity_markdown(table_rows(judged)), generators, judged),
            tasks_section(comparison, titles, {t: r["composition"] for t, r in results.items()}, classes, baseline,
                          tasks_markdown(comparison, titles, classes, confidence),
                          verdicts(comparison, titles, classes, baseline, confidence), caveat(comparison, classes)),
            weak_generator_note(titles, {t: r.get("generator_verdicts", {}) for t, r in results.items()}),
            tracking_section(links, "bsgan ui", experiments_url(ui), compare),
        ])
        # the Markdown points at the figures' final folder; the page embeds them from the staging one
        page = to_html(markdown.replace(f"]({FIGURES}/", f"]({figures.name}/"), out, "bsgan report")
    atomic_text(markdown, out / "report.md")
    atomic_text(page, out / "index.html")
    log.info("wrote %s and %s", out / "index.html", out / "report.md")
