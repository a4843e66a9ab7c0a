"""Where the math runs and how fast: device choice, CPU threads, CUDA float32 math, memory layout.

Shared by every stage that trains or runs a network (GAN, classifier, Inception), so a speed setting
means the same thing everywhere.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import torch
from torch import nn

from bsgan.errors import ParamsError

CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")
THREADS_ENV = "BSGAN_THREADS"
"""Threads per bsgan process, e.g. 1 for each of two workers started by hand on a 2-core machine."""


def resolve_accelerator(device: str) -> str:
    """``auto`` picks CUDA when present; asking for ``cuda`` without one is an error, not a fallback."""
    if device == "auto":
        return "gpu" if torch.cuda.is_available() else "cpu"
    return "gpu" if device == "cuda" else "cpu"


def torch_device(device: str) -> torch.device:
    """The ``torch.device`` that :func:`resolve_accelerator` picks, for work outside the Trainer."""
    return torch.device("cuda" if resolve_accelerator(device) == "gpu" else "cpu")


def cpu_has_fast_bf16() -> bool:
    """Whether oneDNN has native bf16 kernels here (AVX512-BF16 or AMX); without them bf16 is emulated."""
    return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


def bf16_is_emulated(device: torch.device) -> bool:
    """Whether bf16 on ``device`` would run emulated (a CPU without native kernels): ~100x slower than float32."""
    return device.type == "cpu" and not cpu_has_fast_bf16()


def usable_cores(cpu_max: Path = CGROUP_CPU_MAX) -> int:
    """Cores this process may use: its CPU affinity, capped by a cgroup quota (containers, CI runners).

    torch sizes its thread pool by the host's cores; in a container limited to 2 of 64 that is 64
    threads fighting over 2 cores.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        quota, period = cpu_max.read_text().split()
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cores


def thread_budget(requested: int | None = None) -> int:
    """Intra-op CPU threads for this process: ``--threads``, else ``BSGAN_THREADS``, else ``OMP_NUM_THREADS``,
    else one per usable core.

    The count is chosen, never derived from the machine's load: CPU kernels split their reductions by
    thread, so the same training with 1 and 2 threads gives different weights (bit for bit). A count that
    followed the load would make results depend on what else ran at the time.
    """
    for value, origin in ((requested, "--threads"), (os.environ.get(THREADS_ENV), THREADS_ENV),
                          (os.environ.get("OMP_NUM_THREADS"), "OMP_NUM_THREADS")):
        if value is None or value == "":
            continue
        try:
            threads = int(value)
        except ValueError:
            raise ParamsError(f"{origin}: {value!r} is not a whole number of threads") from None
        if threads < 1:
            raise ParamsError(f"{origin}: needs at least 1 thread (got {threads})")
        return threads
    return usable_cores()


def configure_threads(requested: int | None = None) -> int:
    """Set torch's intra-op threads to :func:`thread_budget` and hand the count to child processes
    (DDP, classify workers, tune workers) through ``BSGAN_THREADS``; returns the count."""
    threads = thread_budget(requested)
    torch.set_num_threads(threads)
    os.environ[THREADS_ENV] = str(threads)
    return threads


def share_threads(workers: int) -> int:
    """Threads for each of ``workers`` processes that share this process's budget (at least one each)."""
    return max(1, torch.get_num_threads() // workers)


def worker_threads(threads: int) -> None:
    """Initialiser of a worker process: its share of the budget, also for the workers it may start."""
    os.environ[THREADS_ENV] = str(threads)
    torch.set_num_threads(threads)


def configure_cuda_math(tf32: bool) -> None:
    """Float32 matmuls and cuDNN convolutions in TF32 (tensor cores, ~10-bit mantissa) or exact float32.

    Set both ways explicitly: torch's own defaults differ (TF32 off for matmuls, on for cuDNN).
    Does nothing on a machine without CUDA. cuDNN's autotuner is switched on: our shapes are fixed.
    """
    if not torch.cuda.is_available():
        return
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cudnn.benchmark = True


def to_channels_last(module: nn.Module) -> nn.Module:
    """Convert ``module``'s 4-d weights and buffers to NHWC in place; the convolutions then run NHWC.

    oneDNN and cuDNN both prefer NHWC for convolutions; inputs of other layouts are converted by
    the first convolution, and its outputs stay NHWC.
    """
    return module.to(memory_format=torch.channels_last)
