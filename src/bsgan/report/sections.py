"""The report's sections as Markdown: header, data, GANs, tasks, tracking.

Each function takes what it shows (already read and computed) and returns Markdown; image paths are
relative to the report's folder. The same text is ``report.md`` and, rendered, ``index.html``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bsgan.metrics.task_table import SIGNIFICANCE, Comparison, p_text


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def duration(seconds: float) -> str:
    """``47 s``, ``12 min 5 s``, ``1 h 3 min``."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


@dataclass(frozen=True)
class Header:
    data_source: str
    profile: str
    commit: str
    date: str
    stage_seconds: dict[str, tuple[int, float]]
    """Per stage: how many runs of it the pipeline has, and their summed time (the ledger's latest)."""
    missing_times: list[str]
    """Pipeline commands with no recorded time (run before the ledger existed, or elsewhere)."""


def _grouped(commands: list[str]) -> str:
    """``prepare, train-gan × 4, ...``: commands counted per stage."""
    stages = Counter(command.split()[0] for command in commands)
    return ", ".join(f"`{stage}`" + (f" × {count}" if count > 1 else "") for stage, count in stages.items())


def header(facts: Header) -> str:
    total = sum(seconds for _, seconds in facts.stage_seconds.values())
    times = _table(["stage", "runs", "time"], [[stage, str(runs), duration(seconds)]
                                                for stage, (runs, seconds) in facts.stage_seconds.items()])
    missing = (f"\nNo time recorded for {_grouped(facts.missing_times)} (run before the ledger existed, or with "
               f"other params); the total leaves them out.\n" if facts.missing_times else "")
    return (f"# bsgan report\n\n"
            f"- **data**: {facts.data_source}\n- **profile**: {facts.profile}\n"
            f"- **git commit**: {facts.commit}\n- **written**: {facts.date}\n"
            f"- **run time**: {duration(total)} (sum of each stage's last run, this report excluded)\n\n"
            f"Time per stage (the last run of each; a stage DVC skipped keeps its earlier time):\n\n{times}{missing}\n"
            "Contents: [data](#data) · [generators](#generators) · [classification tasks](#classification-tasks) · "
            "[runs in MLflow](#runs-in-mlflow)\n")


def leak_section(leaks: Mapping[str, Any], pairs: list[Mapping[str, str]], picture: str) -> str:
    """The leak check's counts, its closest train/test pairs and their picture."""
    found = leaks["shared_groups"] or leaks["near_duplicate_pairs"]
    verdict = ("**Warning: the test split is not independent of the train split; test scores may be optimistic.**"
               if found else "Nothing found: no group in both splits, no near-duplicate train/test pair.")
    rows = [["groups (data.group_by units, else source photos) in both splits", str(leaks["shared_groups"])],
            [f"near-duplicate train/test pairs (pHash ≤ {leaks['max_hash_distance']} bits apart)",
             str(leaks["near_duplicate_pairs"])],
            ["test images with a near duplicate in train", str(leaks["test_images_with_near_duplicate"])],
            ["closest pair (bits apart of 64)", "–" if leaks["closest_hash_distance"] is None
             else str(leaks["closest_hash_distance"])]]
    closest = _table(["test image", "closest train image", "classes", "bits apart"],
                     [[p["test"], p["train"], f"{p['test_class']} / {p['train_class']}", p["distance"]] for p in pairs])
    return (f"### Leak check\n\n{verdict}\n\n{_table(['check', 'count'], rows)}\n"
            f"Closest train/test pairs (unrelated images differ in about 32 of 64 bits):\n\n{closest}\n"
            f"![closest train/test pairs]({picture})\n")


def data_section(counts: Mapping[str, Mapping[str, int]], augmented: Mapping[str, int],
                 sheets: list[tuple[str, str]]) -> str:
    """Counts per class and split (plus the classical set's size) and the real train contact sheets."""
    counts = {split: counts[split] for split in ("train", "test") if split in counts}
    classes = sorted({label for split in counts.values() for label in split})
    rows = [[label, str(counts.get("train", {}).get(label, 0)), str(counts.get("test", {}).get(label, 0)),
             str(augmented[label]) if label in augmented else "–"] for label in classes]
    pictures = "\n\n".join(f"![{title}]({path})" for title, path in sheets)
    return (f"## Data\n\n{_table(['class', 'train', 'test', 'classical set (train)'], rows)}\n"
            f"Real train images (up to 100 per class, evenly spaced through the set):\n\n{pictures}\n")


@dataclass(frozen=True)
class GeneratorPictures:
    """Paths (relative to the report) of one generator's pictures."""

    name: str
    real_sheet: str
    generated_sheet: str
    training: str
    tsne_equal: str
    tsne_all: str
    interpolation: str
    nearest_pairs: str
    nearest_distances: str
    turing_sheet: str
    turing_score: str | None
    """The expert test's result line, when someone's answers were scored."""
    collapse: str | None = None
    """Why the run's images are suspect, when its loss curve shows a collapse."""
    verdict: str | None = None
    """evaluate-gan's verdict (usable, weak, collapsed) and its reasons."""
    thumbnail: str | None = None
    """A few of its generated images, for the summary table."""


def generator_section(pictures: GeneratorPictures) -> str:
    expert = (f"Blinded expert test ([sheet]({pictures.turing_sheet})): {pictures.turing_score}"
              if pictures.turing_score else
              f"Blinded expert test: no answers scored yet. Open [the sheet]({pictures.turing_sheet}), then "
              f"`bsgan turing-test --score <answers.json>`.")
    warning = f"**Warning: {pictures.collapse}.**\n\n" if pictures.collapse else ""
    badge = f" `{pictures.verdict.split(':')[0]}`" if pictures.verdict else ""
    reasons = f"Verdict: {pictures.verdict}.\n\n" if pictures.verdict and ":" in pictures.verdict else ""
    return (f"### {pictures.name}{badge}\n\n{warning}{reasons}"
            f"| real train images | generated images |\n|---|---|\n"
            f"| ![real]({pictures.real_sheet}) | ![generated]({pictures.generated_sheet}) |\n\n"
            f"![training curves]({pictures.training})\n\n"
            f"| t-SNE, equal counts | t-SNE, all generated |\n|---|---|\n"
            f"| ![t-SNE equal]({pictures.tsne_equal}) | ![t-SNE all]({pictures.tsne_all}) |\n\n"
            f"Latent interpolation (top) against pixel blending of the same end images:\n\n"
            f"![interpolation]({pictures.interpolation})\n\n"
            f"Memorisation check: the closest generated (top) and real train (bottom) pairs, and every generated "
            f"image's distance to its nearest train image against real test images':\n\n"
            f"![nearest pairs]({pictures.nearest_pairs}) ![nearest distances]({pictures.nearest_distances})\n\n"
            f"{expert}\n")


def _against(value: float | None, floor: float | None) -> str:
    return "–" if value is None else f"{value:.2f}" + (f" / {floor:.2f}" if floor is not None else "")


def generator_summary(judged: Mapping[str, Mapping[str, Any]], generators: list[GeneratorPictures]) -> str:
    """One row per generator: its verdict, each judged metric beside the real test split's (the floor), a sample."""
    thumbnails = {g.name: g.thumbnail for g in generators}
    rows = []
    for label, kinds in judged.items():
        floor = kinds["real_test"]
        for source, row in kinds.items():
            if "verdict" not in row:
                continue
            name = f"{label}-{source}"
            thumbnail = thumbnails.get(name)
            rows.append([name, f"`{row['verdict']}`", f"{row['fid_original'] / floor['fid_original']:.2f}x",
                         f"{1000 * row['kid_original']:.0f} / {1000 * floor['kid_original']:.0f}",
                         *(_against(row.get(metric), floor.get(metric))
                           for metric in ("gan_test", "precision", "coverage", "diversity")),
                         f"![thumbnail]({thumbnail})" if thumbnail else ""])
    return ("Each generator at a glance: FID as a multiple of the floor (the real test split against the real train "
            "split), then KID × 10³, GAN-test, precision, coverage and diversity, each beside the floor's value. "
            "The verdict's bounds are `eval.verdict` in params.yaml; a task refuses a `collapsed` generator.\n\n"
            + _table(["generator", "verdict", "FID ÷ floor", "KID×10³ / floor", "GAN-test / floor",
                      "precision / floor", "coverage / floor", "diversity / floor", "generated"], rows) + "\n")


def weak_generator_note(titles: Mapping[str, str], generator_verdicts: Mapping[str, Mapping[str, str]]) -> str:
    """Which tasks learnt from a generator that was not judged usable (their numbers inherit its flaws)."""
    marked = [f"- **{titles[task]}** learnt from " + ", ".join(f"{gen} (`{verdict}`)" for gen, verdict in found.items())
              for task, verdicts in generator_verdicts.items()
              if (found := {gen: v for gen, v in verdicts.items() if v != "usable"})]
    if not marked:
        return ""
    return ("Tasks that learnt from generated images that were not judged usable: read their numbers as findings "
            "about these generators, not about GAN enlargement in general.\n\n" + "\n".join(marked) + "\n")


def gan_section(fidelity_table: str, generators: list[GeneratorPictures],
                judged: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    summary = generator_summary(judged, generators) if judged else ""
    return ("## Generators\n\n" + summary +
            "\nThe full table: FID and KID (× 10³) against the original train images and the classical set, mean ± std "
            "over the generated sets. The real test split is the floor (what unseen real images score); the untrained "
            "generator is where training starts. Near copies: generated images closer to a train image than "
            "almost every real test image is.\n\n"
            f"{fidelity_table}\n" + "\n".join(generator_section(g) for g in generators))


def _cell_number(value: float | None, digits: int = 3) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def composition_table(compositions: Mapping[str, Mapping[str, Mapping[str, int]]], titles: Mapping[str, str],
                      classes: list[str]) -> str:
    """Each task's train images per class and where they came from."""
    rows = [[titles[task]] + [", ".join(f"{source} {count}" for source, count in composition.get(label, {}).items())
                              for label in classes]
            for task, composition in compositions.items()]
    return _table(["task", *classes], rows)


def tasks_section(comparison: Comparison, titles: Mapping[str, str], compositions: Mapping[str, Any],
                  classes: list[str], baseline: str, paper_tables: str, verdicts: Mapping[str, str],
                  caveat: str) -> str:
    """The tasks side by side: compositions, the paper-layout tables, figures and verdicts."""
    macro = [[titles[t], _cell_number(rows["macro_f1"]["mean"]),
              f"{_cell_number(rows['macro_f1']['ci_low'])} – {_cell_number(rows['macro_f1']['ci_high'])}",
              "baseline" if t == baseline else
              f"{100 * rows['macro_f1']['difference']:+.1f} ({p_text(rows['macro_f1']['p_value'])})"]
             for t, rows in comparison.items()]
    for row, task in zip(macro, comparison, strict=True):
        p = comparison[task]["macro_f1"]["p_value"]
        if p is not None and p < SIGNIFICANCE:
            row[3] = f"**{row[3]}**"
    lines = "\n".join(f"- {sentence}" for sentence in verdicts.values())
    confusions = " ".join(f"![confusion {task}](classify/confusion_{task}.png)" for task in comparison)
    return ("## Classification tasks\n\n"
            f"Each task trains the same classifier on a different train set and is tested on the untouched real test "
            f"split; the baseline is **{titles[baseline]}**. Train images per class:\n\n"
            f"{composition_table(compositions, titles, classes)}\n"
            "### Verdicts\n\n"
            f"{lines}\n\n{caveat}\n\n"
            "### Macro F1\n\n"
            f"{_table(['task', 'macro F1', 'interval', 'change in points (p)'], macro)}\n"
            "![macro F1 per task](classify/macro_f1.png)\n\n"
            f"{paper_tables.replace('### ', '#### ')}\n"
            "### F1 per class\n\n![F1 per class](classify/f1_per_class.png)\n\n"
            f"### Confusion matrices (test split, all seeds added)\n\n{confusions}\n")


@dataclass(frozen=True)
class RunLink:
    what: str
    run_id: str
    ui_url: str | None
    """The run's page in ``bsgan ui`` (None when the run is not in this tracking store)."""
    artifacts: str | None
    """Relative path to the run's artifact folder, when artifacts are local files."""


def tracking_section(links: list[RunLink], ui_command: str, experiments_url: str, compare_url: str | None) -> str:
    rows = [[link.what,
             f"[{link.run_id[:8]}]({link.ui_url})" if link.ui_url else f"`{link.run_id[:8]}` (not in this store)",
             f"[files]({link.artifacts})" if link.artifacts else "–"] for link in links]
    compare = (f"[The tasks side by side]({compare_url}) opens the UI's comparison of the tasks' parent runs "
               "(composition, mean, std and interval of every metric). " if compare_url else "")
    return ("## Runs in MLflow\n\n"
            f"Start the MLflow UI on this project's tracking store with `{ui_command}` (it prints the address; "
            f"the links assume the default one), then follow the links below or open "
            f"[the experiments]({experiments_url}). "
            f"{compare}The *files* links open each run's artifacts straight from disk.\n\n"
            + _table(["run", "MLflow UI", "artifacts"], rows))
