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
