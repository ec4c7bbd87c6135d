"""Training wall time: the whole pipeline vs a plain PyTorch loop.

*Pipeline*: ``tools/train.py``'s path: the config's dataset reads and
decodes the image files, runs the training transforms in the config's data
loader workers, and mmengine's Runner trains with its hooks (logger, timer,
param scheduler; checkpoints off). *Plain loop*: the same model (the
config's, built the same way) and optimizer wrapper (so the same precision,
bf16 autocast where the config says so) stepped by ``for data in loader:
model.train_step(data, optim_wrapper)`` over the same images decoded and
transformed once beforehand and held in memory (a ``DataLoader`` over a
list, no workers). Both run in this process, interleaved for ``--rounds``
rounds, ``--warmup`` + ``--iters`` iterations each; the median seconds per
iteration (data wait included) are compared. Target: pipeline / loop
<= 1.15. Also prints the peak resident memory of this process and of its
workers. A benchmark, not a test: numbers depend on the machine and on
what else runs on it.

The config's custom hooks (EMA) are left out of the pipeline unless
``--keep-custom-hooks`` (the plain loop has none).

Example::

    python tools/analysis_tools/benchmark_pipeline.py \\
        configs/baseline/baseline-dist_r18_1xb64-60e_rsna100-all-128px.py \\
        --data-root ../shared/data/rsna100 --iters 30
"""
import argparse
import statistics
import tempfile
import time
from typing import List

import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner
from torch.utils.data import DataLoader

from baa_mm.registry import DATASETS, MODELS
from baa_mm.utils import (apply_data_root, peak_rss_mib,
                          register_all_modules)


def _config(path: str, data_root: str, num_images: int,
            keep_custom_hooks: bool, work_dir: str) -> Config:
    cfg = Config.fromfile(path)
    if data_root:
        apply_data_root(cfg, data_root)
    cfg.work_dir = work_dir
    cfg.train_dataloader.dataset.indices = num_images
    cfg.train_cfg = dict(by_epoch=True, max_epochs=1, val_interval=10**6)
    for key in ('val_dataloader', 'val_cfg', 'val_evaluator',
                'test_dataloader', 'test_cfg', 'test_evaluator'):
        cfg[key] = None
    cfg.param_scheduler = None  # the lr does not change the step's cost
    cfg.default_hooks.checkpoint = None
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=10**6)
    if not keep_custom_hooks:
        cfg.custom_hooks = []
    cfg.visualizer = dict(type='Visualizer', vis_backends=[])
    cfg.log_level = 'WARNING'
    return cfg


def time_pipeline(cfg: Config) -> List[float]:
    """Seconds per iteration of a Runner (IterTimerHook's ``time``: data
    wait + step)."""
    runner = Runner.from_cfg(cfg.copy())
    runner.train()
    return [float(t) for t in
            runner.message_hub.get_scalar('train/time').data[0]]


def time_plain_loop(cfg: Config, items: list) -> List[float]:
    """Seconds per iteration of a plain loop over in-memory items."""
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    loader = DataLoader(items, batch_size=cfg.train_dataloader.batch_size,
                        shuffle=True, collate_fn=pseudo_collate,
                        drop_last=False)
    times = []
    t0 = time.perf_counter()
    for data in loader:
        model.train_step(data, wrapper)
        t1 = time.perf_counter()
        times.append(t1 - t0)
        t0 = t1
    return times


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--data-root')
    parser.add_argument('--iters', type=int, default=30)
    parser.add_argument('--warmup', type=int, default=5)
    parser.add_argument('--rounds', type=int, default=2)
    parser.add_argument('--keep-custom-hooks', action='store_true')
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    register_all_modules()
    with tempfile.TemporaryDirectory() as work_dir:
        probe = Config.fromfile(args.config)
        batch = probe.train_dataloader.batch_size
        num = batch * (args.warmup + args.iters)
        cfg = _config(args.config, args.data_root, num,
                      args.keep_custom_hooks, work_dir)
        dataset = DATASETS.build(cfg.train_dataloader.dataset)
        if len(dataset) < num:
            raise SystemExit(f'error: {len(dataset)} training images, '
                             f'{num} needed (batch {batch} x '
                             f'{args.warmup + args.iters} iterations)')
        t0 = time.perf_counter()
        items = [dataset[i] for i in range(num)]
        prep = time.perf_counter() - t0
        print(f'{args.config}: batch {batch}, {num} images, workers '
              f'{cfg.train_dataloader.get("num_workers", 0)}, torch threads '
              f'{torch.get_num_threads()}; decoding + transforms for the '
              f'loop took {prep:.1f} s ({num / prep:.0f} images/s)')
        pipe, loop = [], []
        for r in range(args.rounds):
            pipe += time_pipeline(cfg)[args.warmup:]
            loop += time_plain_loop(cfg, items)[args.warmup:]
            print(f'round {r + 1}: pipeline {statistics.median(pipe):.3f} '
                  f's/iter, plain loop {statistics.median(loop):.3f} s/iter')
    p, q = statistics.median(pipe), statistics.median(loop)
    own, kids = peak_rss_mib()
    print(f'pipeline {p:.3f} s/iter ({batch / p:.0f} images/s), plain loop '
          f'{q:.3f} s/iter ({batch / q:.0f} images/s): ratio {p / q:.2f} '
          '(target <= 1.15)')
    print(f'peak memory: this process {own:.0f} MiB, data workers '
          f'{kids:.0f} MiB')
    return dict(pipeline=p, loop=q, ratio=p / q, peak_mib=own,
                workers_peak_mib=kids)


if __name__ == '__main__':
    main()
