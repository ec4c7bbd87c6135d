"""Peak memory readings for the benchmarks."""
import resource
from typing import Tuple

import torch

__all__ = ['peak_rss_mib', 'cuda_peak_mib']


def peak_rss_mib() -> Tuple[float, float]:
    """Peak resident memory in MiB of this process and of its waited-for
    children (e.g. finished data-loader workers), from ``getrusage``.

    The process figure is a high-water mark since the process started: it
    never goes down, so two models timed in one process share one figure.
    On Linux a process also starts from its parent's peak at ``fork``, so
    run benchmarks from a shell, not from a large Python process.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def cuda_peak_mib(device, reset: bool = False) -> float:
    """Peak memory allocated by tensors on a CUDA ``device`` in MiB since
    the last reset (``reset=True`` reads, then starts a new period); 0.0
    for a CPU device."""
    device = torch.device(device)
    if device.type != 'cuda':
        return 0.0
    peak = torch.cuda.max_memory_allocated(device) / 2**20
    if reset:
        torch.cuda.reset_peak_memory_stats(device)
    return peak
