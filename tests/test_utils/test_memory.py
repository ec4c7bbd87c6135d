"""baa_mm.utils.memory: the peak-memory readings of the benchmarks."""
import sys

import pytest
import torch

from baa_mm.utils import cuda_peak_mib, peak_rss_mib


def _resident_mib() -> float:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
    raise RuntimeError('no VmRSS in /proc/self/status')


@pytest.mark.skipif(not sys.platform.startswith('linux'),
                    reason='reads /proc/self/status (Linux)')
def test_peak_rss_is_a_high_water_mark_in_mib():
    # the process's own peak may already lie far above what a test can
    # allocate (and on Linux a child starts from its parent's peak), so
    # check the units and the high-water property against the resident
    # size the kernel reports: touching 512 MiB raises the resident size
    # by about that much, and the peak can never be below it
    before = _resident_mib()
    x = torch.ones(128 * 2**20)
    now = _resident_mib()
    peak = peak_rss_mib()[0]
    assert now - before > 400
    assert peak >= now - 1
    del x
    assert peak_rss_mib()[0] >= peak  # never goes down


def test_peak_rss_children_and_cpu_device():
    own, kids = peak_rss_mib()
    assert own > 0 and kids >= 0
    assert cuda_peak_mib('cpu') == 0.0
    assert cuda_peak_mib(torch.device('cpu'), reset=True) == 0.0
