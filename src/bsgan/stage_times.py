"""How long each stage took when it last ran: a ledger the CLI appends to, read by the report and benchmarks.

DVC records what a stage produced, not how long it took. Every ``bsgan <stage>`` run that finishes
appends one JSON line (command line, start time, seconds) to ``logs/stage_times.jsonl`` in the
project; the latest line per command line is that stage's time. A stage DVC skipped keeps the time of
the run that made its outputs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bsgan.layout import GAN_SOURCES

if TYPE_CHECKING:
    from bsgan.config import Params

LEDGER = Path("logs/stage_times.jsonl")


@dataclass(frozen=True)
class StageTime:
    command: str
    """The command line after ``bsgan``, e.g. ``classify --task t1_original`` (the ledger's key)."""
    started: str
    """ISO 8601 local time with offset."""
    seconds: float


def record(project: Path, entry: StageTime) -> None:
    """Append ``entry`` to the project's ledger (one short line: appends of several processes do not mix)."""
    path = project / LEDGER
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as ledger:
        torn = ledger.tell() > 0 and (ledger.seek(-1, 2), ledger.read(1))[1] != b"\n"  # a killed writer's half line
        ledger.write(b"\n" * torn + json.dumps(asdict(entry)).encode() + b"\n")


def latest(project: Path) -> dict[str, StageTime]:
    """The most recent time of every command line in the ledger (empty when nothing ran yet).

    Lines that do not parse (a process killed mid-write) are skipped.
    """
    path = project / LEDGER
    times: dict[str, StageTime] = {}
    if not path.exists():
        return times
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = StageTime(**json.loads(line))
        except (json.JSONDecodeError, TypeError):
            continue
        times[entry.command] = entry
    return times


def pipeline_commands(params: Params) -> dict[str, list[str]]:
    """Per stage, the command lines ``dvc.yaml`` runs for these params (without their path options)."""
    generators = [(label, source) for label in params.gan.classes for source in GAN_SOURCES]
    return {"prepare": ["prepare"], "augment": ["augment"],
            "train-gan": [f"train-gan --class {label} --source {source}" for label, source in generators],
            "generate": [f"generate --class {label} --source {source}" for label, source in generators],
            "evaluate-gan": ["evaluate-gan"],
            "classify": [f"classify --task {task}" for task in params.tasks.definitions],
            "compare-tasks": ["compare-tasks"]}


def _runs(command: str, entry: StageTime) -> bool:
    """Whether ledger ``entry`` is a run of ``command`` with the project's own params (path options aside)."""
    words, wanted = entry.command.split(), command.split()
    rest = words[len(wanted):]
    return words[:len(wanted)] == wanted and "--params" not in rest and (not rest or rest[0].startswith("--"))


def pipeline_times(project: Path, params: Params) -> tuple[dict[str, tuple[int, float]], list[str]]:
    """Per stage, the run count and summed seconds of its last runs; and the commands never timed."""
    ledger = list(latest(project).values())
    per_stage: dict[str, tuple[int, float]] = {}
    missing = []
    for stage, commands in pipeline_commands(params).items():
        for command in commands:
            runs = [entry for entry in ledger if _runs(command, entry)]
            if not runs:
                missing.append(command)
                continue
            count, seconds = per_stage.get(stage, (0, 0.0))
            per_stage[stage] = (count + 1, seconds + max(runs, key=lambda e: e.started).seconds)
    return per_stage, missing
