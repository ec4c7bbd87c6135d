"""Time one training step of a config's model: fp32 vs bf16, channels-last.

Builds the model of CONFIG, feeds random (N, C, S, S) images through the
real ``train_step`` (data preprocessor, loss, backward, optimizer step) and
prints the median step time and images/s for each precision/memory-format
combination, with the process's resident high-water mark after it (the
mark never goes down, so a rise shows a combination needing more than all
before it). bf16 is forced (``cpu_fallback=False``) so that the printout
shows what bf16 costs on a CPU where the wrapper would fall back to fp32.
A benchmark, not a test: numbers depend on the machine.

Example:
    python tools/analysis_tools/benchmark_train_step.py \
        configs/baseline/baseline_r18_1xb64-20e_rsna100-128px.py --batch 64
"""
import argparse
import statistics
import time

import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper

from baa_mm.engine import Bf16OptimWrapper
from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.utils import (cpu_has_fast_bf16, peak_rss_mib,
                          register_all_modules)


def _batch(n: int, size: int, channels: int) -> dict:
    samples = [BoneAgeDataSample().set_gt_age(100. + i).set_sex(i % 2)
               for i in range(n)]
    return dict(inputs=[torch.rand(channels, size, size) for _ in range(n)],
                data_samples=samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--size', type=int, default=128)
    parser.add_argument('--steps', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=2)
    args = parser.parse_args()
    register_all_modules()
    cfg = Config.fromfile(args.config)
    print(f'torch {torch.__version__}, threads {torch.get_num_threads()}, '
          f'cpu capability {torch.backends.cpu.get_cpu_capability()} '
          f'(fast bf16: {cpu_has_fast_bf16()}), '
          f'batch {args.batch}, {args.size}x{args.size}')
    batch = _batch(args.batch, args.size, 1)
    for channels_last in (False, True):
        for wrapper_cls in (OptimWrapper, Bf16OptimWrapper):
            model_cfg = cfg.model.copy()
            model_cfg.channels_last = channels_last
            model_cfg.data_preprocessor.channels_last = channels_last
            model = MODELS.build(model_cfg)
            model.init_weights()
            model.train()
            kwargs = dict(cpu_fallback=False) \
                if wrapper_cls is Bf16OptimWrapper else {}
            wrapper = wrapper_cls(
                optimizer=torch.optim.AdamW(model.parameters(), lr=1e-4),
                **kwargs)
            times = []
            for i in range(args.warmup + args.steps):
                t0 = time.perf_counter()
                model.train_step(batch, wrapper)
                if i >= args.warmup:
                    times.append(time.perf_counter() - t0)
            med = statistics.median(times)
            name = 'bf16' if wrapper_cls is Bf16OptimWrapper else 'fp32'
            print(f'{name} channels_last={channels_last!s:5}: '
                  f'{med:.3f} s/step, {args.batch / med:.0f} images/s; '
                  f'peak resident {peak_rss_mib()[0]:.0f} MiB so far')


if __name__ == '__main__':
    main()
