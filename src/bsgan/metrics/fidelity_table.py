"""The FID/KID table of ``evaluate_gan`` (the paper's Table 6, with its yardsticks) as rows, Markdown and CSV.

Per class, four rows: the real test split (the floor: what unseen real images score), an untrained
generator (the ceiling: what noise scores), and the generators of the original and of the
classically augmented train set. Columns: FID and KID against each reference set, mean and standard
deviation over the generated sets; GAN-test and precision/recall/density/coverage against the original
train set (class fidelity: does the generator make the defect?).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

ROWS = {"real_test": "real test split (floor)", "untrained": "untrained generator", "original": "GAN (original)",
        "classical": "GAN (classical)"}
REFERENCES = ("original", "classical")
"""The real sets every generated set is compared with: the prepared train split and the augmented set."""
DISTANCES = ("fid", "kid")
"""The distribution distances, each against every reference, as mean and std over the generated sets."""


def fidelity_key(metric: str, reference: str, std: bool = False) -> str:
    """``fid_original``, ``kid_classical_std``: the one key scheme of metrics/gan.json, the tables and MLflow."""
    return f"{metric}_{reference}_std" if std else f"{metric}_{reference}"


def over_repeats_key(metric: str, reference: str, stat: str) -> str:
    """``fid_original_over_repeats_mean``: a distance's ``mean`` or ``std`` over the generator repeats
    (``gan.repeats``)."""
    return f"{fidelity_key(metric, reference)}_over_repeats_{stat}"


def fidelity_keys(std: bool = True) -> list[str]:
    """Every distance key, reference by reference (with their ``_std`` beside them unless ``std`` is false)."""
    return [fidelity_key(metric, reference, spread) for reference in REFERENCES for metric in DISTANCES
            for spread in ((False, True) if std else (False,))]
CLASS_FIDELITY = ("gan_test", "precision", "recall", "density", "coverage", "diversity")


def table_rows(results: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One flat row per class and row kind, from ``evaluate_gan``'s metrics (``metrics/gan.json``)."""
    rows = []
    for label, kinds in results.items():
        for kind, title in ROWS.items():
            if kind not in kinds:
                continue
            values = kinds[kind]
            row: dict[str, Any] = {"class": label, "images": title, "sets": values["sets"],
                                   "set_size": values["set_size"]}
            row |= {key: values[key] for key in fidelity_keys()}
            row |= {name: values.get(name, "") for name in CLASS_FIDELITY}
            row["near_copy_share"] = values.get("near_copy_share", "")
            row["verdict"] = values.get("verdict", "")
            rows.append(row)
    return rows


def to_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _plus_minus(mean: float, std: float, scale: float, digits: int) -> str:
    return f"{mean * scale:.{digits}f} ± {std * scale:.{digits}f}" if std else f"{mean * scale:.{digits}f}"


def to_markdown(rows: list[dict[str, Any]]) -> str:
    """A readable table: KID in units of 10^-3 (its usual scale), mean ± std over the generated sets."""
    header = ("class", "images", "sets × size", "FID vs original", "KID×10³ vs original", "FID vs classical",
              "KID×10³ vs classical", "GAN-test", "precision", "recall", "density", "coverage", "diversity",
              "near copies", "verdict")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        share = row["near_copy_share"]
        cells = [
            row["class"], row["images"], f"{row['sets']} × {row['set_size']}",
            *(_plus_minus(row[fidelity_key(metric, reference)], row[fidelity_key(metric, reference, std=True)],
                          1000 if metric == "kid" else 1, 1) for reference in REFERENCES for metric in DISTANCES),
            *(f"{row[name]:.2f}" if row.get(name, "") != "" else "" for name in CLASS_FIDELITY),
            f"{share:.1%}" if share != "" else "",
            row.get("verdict", ""),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
