"""What every benchmark needs: timing that waits for the device, the machine's matmul peak, a table."""

from __future__ import annotations

import platform
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext, suppress

import torch

from bsgan.runtime import cpu_has_fast_bf16

CPU = torch.device("cpu")
"""The default device of the timing helpers."""

LAYOUTS = ("contiguous", "channels_last")
"""Memory layouts every training benchmark measures (``channels_last`` off and on)."""


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def seconds(run: Callable[[], object], device: torch.device = CPU) -> float:
    """Wall time of ``run()``, including the device work it queued."""
    synchronize(device)
    start = time.perf_counter()
    run()
    synchronize(device)
    return time.perf_counter() - start


def best_of(runs: dict[str, Callable[[], object]], repeats: int, device: torch.device = CPU) -> dict[str, float]:
    """Best wall time of each run over ``repeats`` rounds, after one warm-up round.

    Rounds alternate the runs, so drift of a shared machine (its speed moves by 25% between minutes
    on the development VM) hits every side alike; the best time is the least disturbed.
    """
    for run in runs.values():
        run()
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            best[name] = min(best[name], seconds(run, device))
    return best


def autocast(precision: str, device: torch.device):  # a context manager
    """bf16 autocast for precision ``bf16``, as Lightning's ``bf16-mixed``; nothing for ``32``."""
    return torch.autocast(device.type, dtype=torch.bfloat16) if precision == "bf16" else nullcontext()


def matmul_peak(dtype: torch.dtype, device: torch.device, n: int = 2048, repeats: int = 8) -> float:
    """Measured GFLOP/s of an ``n x n`` matmul: the reference for "fraction of peak"."""
    a, b = torch.randn(n, n, device=device, dtype=dtype), torch.randn(n, n, device=device, dtype=dtype)
    torch.mm(a, b)
    best = min(seconds(lambda: torch.mm(a, b), device) for _ in range(repeats))
    return 2 * n**3 / best / 1e9


def machine(device: torch.device) -> str:
    """One line naming the hardware the numbers came from."""
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda})"
    model = platform.processor() or platform.machine()
    with suppress(OSError, StopIteration), open("/proc/cpuinfo") as cpuinfo:
        model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    bf16 = "native bf16" if cpu_has_fast_bf16() else "no native bf16"
    return f"{model}, {torch.get_num_threads()} threads, {bf16}"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
