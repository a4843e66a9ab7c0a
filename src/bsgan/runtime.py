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

CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


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


def configure_threads() -> int:
    """One intra-op thread per usable core, unless ``OMP_NUM_THREADS`` says otherwise; returns the count."""
    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(usable_cores())
    return torch.get_num_threads()


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
