"""How often the default recipe collapses: train-gan at several seeds, each judged by the collapse guard.

Each run is the real ``bsgan train-gan`` stage in a scratch copy of the project's params (``gan.seed`` set,
``gan.on_collapse: warn`` so a collapse is kept and counted instead of retried), so the fidelity probe,
its collapse bounds (``eval.verdict``) and the loss-curve check are exactly the pipeline's. A row is the
last probe's numbers (``gan.eval_count`` images against the real train images), whether the guard called it
a collapse, and the seconds it took; each run's sample grid is kept beside the table to look at.

    BSGAN_THREADS=1 python bench/collapse_seeds.py --seeds 0 1 2 3 4 --classes rust pitting --sources original

writes ``bench/results/collapse_seeds/<cpu>-<threads>t.{json,md}`` and ``<generator>-seed<s>.png``. Runs
already in the JSON are kept, so a killed study goes on where it stopped.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import torch
import yaml

from bsgan.cli import main as bsgan

ROOT = Path(__file__).resolve().parents[1]
SHOWN = ("gan_test", "precision", "coverage", "diversity", "fid")


def cpu_model() -> str:
    """The CPU's model name (the same seed trains different weights on another CPU)."""
    lines = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout.splitlines()
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("Model name")),
                platform.processor() or "unknown CPU")


def scratch_project(folder: Path) -> Path:
    """The project's params with collapses only warned about, prepared and augmented once."""
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    params["gan"]["on_collapse"] = "warn"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    if not (folder / "data/augmented/manifest.csv").exists():
        assert bsgan(["prepare", "--params", str(path), "--out", str(folder / "data/prepared"),
                      "--metrics", str(folder / "metrics/prepare.json")]) == 0
        assert bsgan(["augment", "--params", str(path), "--prepared", str(folder / "data/prepared"),
                      "--out", str(folder / "data/augmented"), "--metrics", str(folder / "metrics/augment.json")]) == 0
    return path


def train(params_file: Path, label: str, source: str, seed: int) -> dict[str, Any]:
    """One train-gan run at ``seed``: its last probe row, the guard's collapse line and its seconds."""
    folder = params_file.parent
    params = yaml.safe_load(params_file.read_text())
    params["gan"]["seed"] = seed
    seeded = folder / f"params-seed{seed}.yaml"
    seeded.write_text(yaml.safe_dump(params))
    out = folder / f"seed{seed}"
    start = time.perf_counter()
    code = bsgan(["train-gan", "--class", label, "--source", source, "--params", str(seeded), "--models",
                  str(out / "models"), "--checkpoints", str(out / "checkpoints"), "--plots", str(out / "plots"),
                  "--fidelity-plots", str(out / "probes"), "--restart"])
    seconds = time.perf_counter() - start
    assert code == 0, f"train-gan {label} {source} seed {seed} exited {code}"
    name = f"{label}-{source}"
    with (out / "probes" / f"{name}.csv").open(newline="") as handle:
        last = list(csv.DictReader(handle))[-1]
    record = json.loads((out / "models" / name / "training_run.json").read_text())
    return {"generator": name, "seed": seed, "seconds": round(seconds, 1), "loop": int(float(last["loop"])),
            **{key: float(last[key]) for key in SHOWN}, "collapse": record["collapse"],
            "grid": str(out / "models" / name / "samples.png")}


def to_markdown(rows: list[dict[str, Any]], machine: str) -> str:
    lines = [f"Collapse guard at several seeds: {machine}. Last probe of each run (`gan.eval_count` images).", "",
             "| generator | seed | GAN-test | precision | coverage | diversity | FID (probe) | collapsed | s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in sorted(rows, key=lambda r: (r["generator"], r["seed"])):
        lines.append(f"| {row['generator']} | {row['seed']} | {row['gan_test']:.2f} | {row['precision']:.2f} | "
                     f"{row['coverage']:.2f} | {row['diversity']:.2f} | {row['fid']:.1f} | "
                     f"{'yes' if row['collapse'] else 'no'} | {row['seconds']:.0f} |")
    collapsed = sum(bool(row["collapse"]) for row in rows)
    by: dict[str, list[float]] = {}
    for row in rows:
        by.setdefault(row["generator"], []).append(row["gan_test"])
    spread = "; ".join(f"{gen} GAN-test {min(v):.2f}-{max(v):.2f}" for gen, v in sorted(by.items()))
    return "\n".join(lines) + f"\n\n{collapsed} of {len(rows)} runs collapsed. {spread}.\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--classes", nargs="+", default=["pitting", "rust"])
    parser.add_argument("--sources", nargs="+", default=["original", "classical"])
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/bsgan-collapse-seeds"))
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/collapse_seeds")
    args = parser.parse_args()
    threads = torch.get_num_threads()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT,
                            check=False).stdout.strip()
    machine = f"{cpu_model()}, {threads} thread(s), commit {commit}"
    stem = args.out / f"{cpu_model().split()[0].lower()}-{threads}t"
    args.out.mkdir(parents=True, exist_ok=True)
    rows = json.loads(stem.with_suffix(".json").read_text())["rows"] if stem.with_suffix(".json").exists() else []
    done = {(row["generator"], row["seed"]) for row in rows}
    params_file = scratch_project(args.scratch)
    for seed in args.seeds:
        for label in args.classes:
            for source in args.sources:
                if (f"{label}-{source}", seed) in done:
                    continue
                row = train(params_file, label, source, seed)
                grid = args.out / f"{row['generator']}-seed{seed}.png"
                shutil.copy(row.pop("grid"), grid)
                rows.append(row)
                stem.with_suffix(".json").write_text(json.dumps({"machine": machine, "rows": rows}, indent=1))
                stem.with_suffix(".md").write_text(to_markdown(rows, machine))
                print(to_markdown(rows, machine), flush=True)


if __name__ == "__main__":
    main()
