"""The benchmark suite runs every part end to end (``--quick`` sizes: the numbers mean nothing, so none is judged)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import TINY_GAN, TINY_SYNTHETIC

PROJECT = Path(__file__).parents[2]


@pytest.mark.slow(seconds=60)
def test_the_quick_suite_writes_every_part_as_markdown_and_json(tmp_path: Path) -> None:
    ledger = tmp_path / "logs/stage_times.jsonl"
    ledger.parent.mkdir()
    ledger.write_text(json.dumps({"command": "prepare", "started": "2026-12-01T10:00:00+00:00", "seconds": 7.0}) + "\n")

    params = tmp_path / "params.yaml"  # the tiny GAN: the shipped one makes this a 7-minute test of the same wiring
    params.write_text(yaml.safe_dump({"data": TINY_SYNTHETIC, "gan": TINY_GAN}))

    done = subprocess.run([sys.executable, "bench/run.py", "--quick", "--params", str(params),
                           "--project", str(tmp_path), "--out", str(tmp_path / "out")],
                          cwd=PROJECT, capture_output=True, text=True, timeout=600, check=False)  # hang guard
    assert done.returncode == 0, done.stderr[-2000:]

    result = json.loads((tmp_path / "out/cpu-quick.json").read_text())
    assert {row["layout"] for row in result["gan"]["rows"]} == {"contiguous", "channels_last"}
    assert all(row["ours_loops_per_s"] > 0 and row["fraction_of_peak"] > 0 for row in result["gan"]["rows"])
    assert result["classifier"]["rows"] and result["fid"]["ours_images_per_s"] > 0
    ratios = result["gan_options"]["ratio"]
    assert ratios["before issue 16"] == 1.0 and set(ratios) >= {"options off", "ema 0.99", "ada 0.6", "params.yaml"}
    assert result["parallel"]["shared_over_alone"] > 0
    assert result["parallel"]["oversubscribed_over_alone"] is None, "quick leaves the spinning pair out"
    assert result["pipeline"]["stages"] == {"prepare": {"runs": 1, "seconds": 7.0}}
    assert "augment" in " ".join(result["pipeline"]["missing"]), "stages never timed are named"
    report = (tmp_path / "out/cpu-quick.md").read_text()
    for heading in ("GAN options: cost per loop",
                    "GAN training on cpu", "Classifier training on cpu", "FID features on cpu",
                    "Pipeline (`dvc repro`)"):
        assert heading in report
