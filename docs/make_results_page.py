"""Write the docs' results page from the committed metrics and bench results: ``python docs/make_results_page.py``.

The page holds no number typed by hand: every figure comes from ``metrics/*.json`` (the last committed
``make repro``) or ``bench/results/*.json`` (the last committed ``make bench``), so it cannot drift from
them. ``tests/test_docs.py`` checks that the committed ``docs/results.md`` is this script's output;
after refreshing those files, run the script again and commit the page with them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs/results.md"

# Where the committed metrics/*.json came from: the run that wrote them, as its commit message says.
PIPELINE_RUN = ("`make repro` of commit 37da326 in a fresh clone on the 2-core AMD EPYC development machine "
                "(25 min 56 s wall, quiet machine, CPU default of `params.yaml`)")


def load(path: str) -> dict:
    return json.loads((ROOT / path).read_text())


def number(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def p_value(value: float) -> str:
    return "< 0.001" if value <= 0.001 else f"{value:.3f}"


def precision(name: str) -> str:
    return "float32" if name == "32" else name


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def data_section(prepare: dict) -> list[str]:
    classes = sorted(prepare["train"])
    rows = [[split] + [str(prepare[split][name]) for name in classes] for split in ("train", "test")]
    leaks = prepare["leaks"]
    return ["## Data", "", *table(["split", *classes], rows), "",
            f"Leak check: {leaks['shared_groups']} groups in both splits, {leaks['near_duplicate_pairs']} "
            f"near-duplicate train/test pairs (closest pair {leaks['closest_hash_distance']} bits apart, "
            f"threshold {leaks['max_hash_distance']}).", ""]


def generator_section(gan: dict) -> list[str]:
    header = ["class", "images", "sets × size", "FID vs original", "× floor", "KID×10³ vs original",
              "FID vs classical", "GAN-test", "precision", "recall", "density", "coverage", "near copies"]
    names = {"real_test": "real test split (floor)", "untrained": "untrained generator"}
    rows = []
    for name, entries in gan.items():
        floor = entries["real_test"]["fid_original"]
        for key, row in entries.items():
            several = row["sets"] > 1
            fid_spread = f" ± {row['fid_original_std']:.1f}" if several else ""
            kid_spread = f" ± {row['kid_original_std'] * 1000:.1f}" if several else ""
            classical_spread = f" ± {row['fid_classical_std']:.1f}" if several else ""
            copies = f"{row['near_copy_share'] * 100:.1f}%" if "near_copy_share" in row else ""
            rows.append([name, names.get(key, f"GAN ({key})"), f"{row['sets']} × {row['set_size']}",
                         f"{row['fid_original']:.1f}{fid_spread}", f"{row['fid_original'] / floor:.2f}",
                         f"{row['kid_original'] * 1000:.1f}{kid_spread}",
                         f"{row['fid_classical']:.1f}{classical_spread}",
                         *(number(row[k], 2) for k in ("gan_test", "precision", "recall", "density", "coverage")),
                         copies])
    return ["## Generators", "",
            "FID and KID: mean ± std over the generated sets, against the real train images (original) or the "
            "classically augmented set; × floor: FID over the real test split's FID. GAN-test and "
            "precision/recall/density/coverage of the first generated set (see [judging](judging.md)).", "",
            *table(header, rows), ""]


def task_section(classify: dict, params: dict) -> list[str]:
    tasks = params["tasks"]
    baseline = classify[tasks["baseline"]]["macro_f1"]
    classes = sorted(key[3:] for key in next(iter(classify.values())) if key.startswith("f1_"))
    header = ["task", "macro F1", "seed 95% CI", "test-set 95% CI", "change, points", "p (seed; test set)",
              "verdict", *(f"{name} F1" for name in classes), "accuracy"]
    rows = []
    for key, row in classify.items():
        title = tasks["definitions"].get(key, {}).get("title", key)
        if row["macro_f1_verdict_p"] is None:
            change, p, verdict = "baseline", "", ""
        else:
            change = f"{(row['macro_f1'] - baseline) * 100:+.1f}"
            p = f"{p_value(row['macro_f1_p'])}; {p_value(row['macro_f1_bootstrap_p'])}"
            verdict = ("within noise" if row["macro_f1_verdict_p"] >= 0.05
                       else "**gain**" if row["macro_f1"] > baseline else "**loss**")
        rows.append([title, number(row["macro_f1"]),
                     f"[{number(row['macro_f1_ci_low'])}, {number(row['macro_f1_ci_high'])}]",
                     f"[{number(row['macro_f1_bootstrap_low'])}, {number(row['macro_f1_bootstrap_high'])}]",
                     change, p, verdict, *(number(row[f"f1_{name}"]) for name in classes), number(row["accuracy"])])
    return ["## The tasks", "",
            "Macro F1 (mean over seeds) with its 95% interval over seeds and over bootstrap resamples of the test "
            "images; the change against the baseline task in F1 points; a gain or loss only where the larger p is "
            "below 0.05 (see [the six tasks](tasks.md)).", "", *table(header, rows), ""]


def export_section(export: dict) -> list[str]:
    return ["## Export", "",
            f"Exported task: `{export['task']}`; largest difference between ONNX Runtime and PyTorch over the "
            f"{export['test_images']} real test images: {export['parity_max_abs']:.1e} (see [deploy](deploy.md)).", ""]


def speed_section(bench: dict, workers: dict) -> list[str]:
    gan, classifier, fid = bench["gan"], bench["classifier"], bench["fid"]
    gan_rows = [[f"{precision(r['precision'])}, {r['layout']}", f"{r['ours_loops_per_s']:.2f}",
                 f"{r['plain_loops_per_s']:.2f}",
                 f"{r['ratio']:.3f}", f"{r['fraction_of_peak'] * 100:.1f}% of {r['peak_gflops']:.0f} GFLOP/s"]
                for r in gan["rows"]]
    classifier_rows = [[f"{precision(r['precision'])}, {r['layout']}", f"{r['ours_epochs_per_s']:.2f}",
                        f"{r['plain_epochs_per_s']:.2f}", f"{r['ratio']:.3f}"] for r in classifier["rows"]]
    shared = " + ".join(f"{value:.2f}" for value in workers["shared_loops_per_s"])
    oversubscribed = " + ".join(f"{value:.2f}" for value in workers["oversubscribed_loops_per_s"])
    return ["## Speed", "",
            f"`make bench` of {bench['date'][:10]} on {gan['machine']} ({bench['threads']} threads; "
            f"`bench/results/cpu.json`). GAN: {gan['setting']}, {gan['loops']} loops, best of "
            f"{gan['repeats']}.", "",
            *table(["GAN", "ours loops/s", "plain loops/s", "ours / plain", "of matmul peak"], gan_rows), "",
            *table(["classifier", "ours epochs/s", "plain epochs/s", "ours / plain"], classifier_rows), "",
            f"FID features: ours {fid['ours_images_per_s']:.1f} images/s, the bare network "
            f"{fid['bare_channels_last_images_per_s']:.1f} (ratio {fid['ratio']:.2f}).", "",
            f"Parallel workers (`bench/results/parallel_workers.json`, {workers['cores']} cores, "
            f"{workers['loops']} loops): one process alone {workers['alone_loops_per_s']:.2f} loops/s; two at once "
            f"with a core each {shared} ({workers['shared_over_alone']:.2f}x alone); two with every core each and "
            f"spinning waits {oversubscribed} ({workers['oversubscribed_over_alone']:.2f}x).", ""]


def render() -> str:
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    lines = ["# Results", "",
             "<!-- Generated by docs/make_results_page.py from metrics/*.json and bench/results/*.json; "
             "do not edit. -->", "",
             f"The pipeline's numbers below are from {PIPELINE_RUN}. Another CPU model trains other generators "
             "from the same seeds (see [speed](speed.md#reproducibility-and-cpu-threads)).", "",
             *data_section(load("metrics/prepare.json")), *generator_section(load("metrics/gan.json")),
             *task_section(load("metrics/classify.json"), params), *export_section(load("metrics/export.json")),
             *speed_section(load("bench/results/cpu.json"), load("bench/results/parallel_workers.json"))]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/results.md is not this output")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if PAGE.read_text() != text:
            print("docs/results.md is stale: run python docs/make_results_page.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
