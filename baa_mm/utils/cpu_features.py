"""What the CPU can do fast: the probe behind bf16's CPU fallback."""
import torch

__all__ = ['cpu_has_fast_bf16']


def cpu_has_fast_bf16() -> bool:
    """Whether oneDNN runs bf16 convolutions and matmuls natively here.

    True on x86 CPUs with AVX-512 (bf16 instructions, AMX, or oneDNN's
    AVX-512 kernels) and on other CPUs oneDNN has bf16 kernels for. False
    on AVX2-only CPUs, where bf16 autocast falls back to slow kernels:
    measured 17x *slower* than fp32 per ResNet-18 training step on 2 AVX2
    cores of an AMD EPYC (18.3 vs 1.08 s per 32-image step at 128 px,
    channels-last), against 1.69x *faster* on 2 AVX512-BF16 cores
    (docs/benchmarks.md).

    Returns:
        bool: oneDNN's own answer (``torch.ops.mkldnn.
        _is_mkldnn_bf16_supported``); where torch lacks that op, whether
        torch's CPU capability is an AVX-512 one.
    """
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return torch.backends.cpu.get_cpu_capability().startswith('AVX512')
