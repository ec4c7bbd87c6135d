"""baa_mm.utils.memory: the peak-memory readings of the benchmarks."""
import subprocess
import sys

import torch

from baa_mm.utils import cuda_peak_mib, peak_rss_mib


def test_peak_rss_rises_with_a_large_allocation():
    # a fresh process, so that the high-water mark starts low: touching
    # 512 MiB must raise it by at least half that (the mark already holds
    # transient peaks of start-up, up to ~100 MiB above resident memory)
    code = ('import torch\n'
            'from baa_mm.utils import peak_rss_mib\n'
            'before = peak_rss_mib()[0]\n'
            'x = torch.ones(128 * 2**20)\n'
            'print(before, peak_rss_mib()[0])\n')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True, check=True).stdout.split()
    before, after = map(float, out)
    assert before > 0 and after - before > 256


def test_peak_rss_children_and_cpu_device():
    own, kids = peak_rss_mib()
    assert own > 0 and kids >= 0
    assert cuda_peak_mib('cpu') == 0.0
    assert cuda_peak_mib(torch.device('cpu'), reset=True) == 0.0
