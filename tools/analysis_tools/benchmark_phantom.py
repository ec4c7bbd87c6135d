# Copyright (c) baa_mm contributors. All rights reserved.
"""Benchmark the phantom generator (images/s, rendering + PNG + COCO).

Example::

    python tools/analysis_tools/benchmark_phantom.py --num-images 1000 \
        --workers 0 2

Loads the generator by file path (no torch import) and writes into a
temporary directory that is removed afterwards.
"""
import argparse
import os.path as osp
import shutil
import sys
import tempfile
import time

# The CLI's loader imports the generator without torch/mmengine.
sys.path.insert(0, osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                            'dataset_converters'))
from generate_phantom import load_generator  # noqa: E402


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--num-images', type=int, default=1000)
    parser.add_argument('--img-size', type=int, default=256)
    parser.add_argument('--workers', type=int, nargs='+', default=[0, 2])
    args = parser.parse_args(argv)
    gen = load_generator()

    # Render only (no I/O), single process.
    n_render = min(200, args.num_images)
    t0 = time.perf_counter()
    for i in range(n_render):
        gen.render_phantom(i, 0, args.img_size)
    dt = time.perf_counter() - t0
    print(f'render_phantom only: {n_render / dt:8.1f} images/s '
          f'({1000 * dt / n_render:.2f} ms/image, {args.img_size}px)')

    results = {}
    for workers in args.workers:
        tmp = tempfile.mkdtemp(prefix='phantom_bench_')
        try:
            t0 = time.perf_counter()
            gen.generate_phantom_split(
                tmp, 'train', args.num_images, img_size=args.img_size,
                seed=0, num_workers=workers)
            dt = time.perf_counter() - t0
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        results[workers] = args.num_images / dt
        print(f'generate_phantom_split, {args.num_images} images, '
              f'{args.img_size}px, workers={workers}: {dt:6.2f}s '
              f'({results[workers]:.1f} images/s)')
    return results


if __name__ == '__main__':
    main()
