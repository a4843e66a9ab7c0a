"""Where and how the math runs: the settings the GAN and the classifier share (not the method)."""

from __future__ import annotations

from typing import Literal

from bsgan.config.base import Section


class RuntimeConfig(Section):
    """Device, precision and memory layout of one training; ``gan`` and ``classify`` each carry these keys."""

    device: Literal["auto", "cpu", "cuda"] = "auto"
    """``auto``: CUDA when present."""
    precision: Literal["32", "bf16"] = "32"
    """``bf16``: autocast to bfloat16 (weights and optimiser stay float32); fast on GPUs and AMX/AVX512-BF16 CPUs."""
    channels_last: bool = False
    """Convolutions in NHWC layout (faster in oneDNN and cuDNN for most shapes; same math)."""
    tf32: bool = False
    """CUDA only: float32 matmuls and convolutions on TF32 tensor cores (10-bit mantissa); false is exact float32."""
