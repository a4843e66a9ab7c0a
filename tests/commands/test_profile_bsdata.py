"""``bsgan profile bsdata`` on the 32-photo BSData sample, whose names repeat spindle positions."""

from __future__ import annotations

import csv
import json
import os
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from bsgan.cli import main
from bsgan.commands.profile import apply_profile
from tests.conftest import TINY_GAN

PROJECT = Path(__file__).parents[2]
SAMPLE = Path(os.environ.get("BSGAN_BSDATA_SAMPLE", PROJECT.parent / "shared/data/bsdata-sample"))
pytestmark = pytest.mark.skipif(not (SAMPLE / "label").is_dir(), reason=f"BSData sample not found at {SAMPLE}")


def bsdata_project(root: Path, tiny: dict | None = None) -> Path:
    """The shipped params with the bsdata profile applied, pointed at the sample, shrunk by ``tiny``."""
    params = root / "params.yaml"
    params.write_text((PROJECT / "params.yaml").read_text())
    apply_profile("bsdata", params)
    raw = yaml.safe_load(params.read_text())
    raw["data"]["root"] = str(SAMPLE)
    for section, values in (tiny or {}).items():
        raw[section].update(values)
    params.write_text(yaml.safe_dump(raw))
    return params


def manifest(folder: Path) -> list[dict[str, str]]:
    with (folder / "manifest.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_on_the_sample_no_spindle_position_crosses_the_split(tmp_path: Path) -> None:
    params = bsdata_project(tmp_path)
    out = tmp_path / "prepared"
    assert main(["prepare", "--params", str(params), "--out", str(out),
                 "--metrics", str(tmp_path / "prepare.json")]) == 0
    rows = manifest(out)
    splits: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        splits[row["group"]].add(row["split"])
    assert all(len(seen) == 1 for seen in splits.values()), {g: s for g, s in splits.items() if len(s) > 1}
    # the sample's 24 labelled photos show 16 places: 10 type-2 positions (16 photos), 6 type-1 sections (8 photos)
    assert len(splits) == 16 and {"490000_180", "462500_045", "KGT1-A03", "KGT2-A08"} <= set(splits)
    photos_per_group = defaultdict(set)
    for row in rows:
        photos_per_group[row["group"]].add(row["source"])
    assert max(len(photos) for photos in photos_per_group.values()) >= 3, "one position photographed 3 times"
    assert {row["class"] for row in rows} == {"intact", "pitting"}
    metrics = json.loads((tmp_path / "prepare.json").read_text())
    assert metrics["leaks"]["shared_groups"] == 0 and metrics["test"]["pitting"] > 0


@pytest.mark.slow(seconds=90)
def test_the_profile_runs_end_to_end_on_the_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tiny = {"labelme": {"intact_max": 60}}
    params = bsdata_project(tmp_path, {
        "data": tiny, "augment": {"target_per_class": 40},
        "gan": TINY_GAN | {"eval_every": 0, "sources": ["original"]},
        "generate": {"interpolation_pairs": 1, "interpolation_steps": 3},
        "eval": {"kid_subsets": 10, "kid_subset_size": 8, "nearest_pairs": 3, "turing_count": 2, "device": "cpu"},
        # a 4-loop generator is collapsed by design; the classify step must still run on its images
        "tasks": {"target_per_class": 40, "allow_collapsed": True},
        "classify": {"epochs": 1, "repeats": 2, "val_fraction": 0.2, "device": "cpu", "bootstrap_resamples": 200}})
    raw = yaml.safe_load(params.read_text())
    raw["tasks"]["definitions"] = {t: raw["tasks"]["definitions"][t] for t in ("t1_original", "t2_original_gan")}
    params.write_text(yaml.safe_dump(raw))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    commands = [["prepare"], ["augment"],
                ["train-gan", "--class", "pitting", "--source", "original"],
                ["generate", "--class", "pitting", "--source", "original"],
                ["evaluate-gan"], ["classify", "--task", "t1_original"], ["classify", "--task", "t2_original_gan"],
                ["compare-tasks"]]
    for command in commands:
        assert main(command) == 0, command

    train_pitting = sum(1 for row in manifest(tmp_path / "data/prepared")
                        if row["split"] == "train" and row["class"] == "pitting")
    generated = json.loads((tmp_path / "data/generated/pitting-original/generator.json").read_text())
    assert generated["count"] == max(40, 3 * train_pitting), "generate.count auto covers eval.fid_repeats 3"
    fidelity = json.loads((tmp_path / "metrics/gan.json").read_text())
    assert set(fidelity) == {"pitting"} and fidelity["pitting"]["original"]["sets"] == 3
    assert fidelity["pitting"]["original"]["verdict"] == "collapsed", "a 2-loop generator is judged collapsed"
    metrics = json.loads((tmp_path / "metrics/classify.json").read_text())
    assert metrics["t2_original_gan"]["macro_f1_bootstrap_p"] is not None
    assert "pitting" in json.loads((tmp_path / "models/classify/t1_original/results.json").read_text())["classes"]
