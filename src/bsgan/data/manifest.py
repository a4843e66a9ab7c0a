"""The manifest CSV that traces every prepared or augmented image to where it came from."""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from bsgan.errors import InputDataError

MANIFEST_NAME = "manifest.csv"


@dataclass(frozen=True)
class ManifestRow:
    """One written image.

    Attributes:
        file: Path relative to the folder holding the manifest.
        label: Class name (the ``class`` column).
        split: ``train`` or ``test``.
        source: The photo or generated scene (prepare), or the prepared image (augment).
        box_left, box_top, box_right, box_bottom: Crop box in the source, empty if none.
        sha256: Hash of the PNG file's bytes.
        group: The split unit (``data.group_by``; the source photo by default): no group is in both splits.
        budget_rank: Under ``data.train_limit``, a capped class's train image's place in its class's
            seeded draw order (a budget of N keeps ranks 0..N-1); ``None`` elsewhere. The column is
            written only when some row has one, so manifests without a limit keep their bytes.
    """

    file: str
    label: str
    split: str
    source: str
    box_left: int | None
    box_top: int | None
    box_right: int | None
    box_bottom: int | None
    sha256: str
    group: str = ""
    budget_rank: int | None = None


_COLUMNS = ["file", "class", "split", "source", "box_left", "box_top", "box_right", "box_bottom", "sha256", "group"]
_RANKED_COLUMNS = [*_COLUMNS, "budget_rank"]
_INTEGER_FIELDS = ("box_left", "box_top", "box_right", "box_bottom", "budget_rank")


def write_manifest(rows: list[ManifestRow], path: Path) -> None:
    ranked = any(row.budget_rank is not None for row in rows)
    columns = _RANKED_COLUMNS if ranked else _COLUMNS
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if value is None else value for value in list(asdict(row).values())[:len(columns)]])


def read_manifest(path: Path) -> list[ManifestRow]:
    """Read a manifest written by :func:`write_manifest`."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header not in (_COLUMNS, _RANKED_COLUMNS):
                raise InputDataError(f"{path}: not a bsgan manifest (header {header})")
            names = [field.name for field in fields(ManifestRow)][:len(header)]
            rows = []
            for values in reader:
                record = dict(zip(names, values, strict=True))
                for key in _INTEGER_FIELDS:
                    if key in record:
                        record[key] = int(record[key]) if record[key] else None  # type: ignore[assignment]
                rows.append(ManifestRow(**record))  # type: ignore[arg-type]
            return rows
    except FileNotFoundError:
        raise InputDataError(f"{path}: manifest not found (run `bsgan prepare` first)") from None
    except ValueError as exc:
        raise InputDataError(f"{path}: malformed manifest row ({exc})") from None
