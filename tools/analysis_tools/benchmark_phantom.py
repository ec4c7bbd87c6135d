"""Benchmark the phantom generator (images/s, rendering + PNG + COCO).

Example::

    python tools/analysis_tools/benchmark_phantom.py --num-images 1000 \
        --workers 0 2 --styles v1 v2 --large-size 2048 --large-num 100

Rows: ``render_phantom`` alone (no I/O, one process) per style, then
``generate_phantom_split`` per style and worker count at ``--img-size``, then
one row for ``--large-num`` style-v2 images at ``--large-size`` (with the
largest worker count; ``--large-num 0`` skips it).

Writes into a temporary directory that is removed afterwards.
"""
import argparse
import shutil
import tempfile
import time

from baa_mm.datasets.phantom import generate_phantom_split, render_phantom


def _split(num_images, img_size, workers, style):
    tmp = tempfile.mkdtemp(prefix='phantom_bench_')
    try:
        t0 = time.perf_counter()
        generate_phantom_split(
            tmp, 'train', num_images, img_size=img_size, seed=0,
            num_workers=workers, style=style)
        return time.perf_counter() - t0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--num-images', type=int, default=1000)
    parser.add_argument('--img-size', type=int, default=256)
    parser.add_argument('--workers', type=int, nargs='+', default=[0, 2])
    parser.add_argument(
        '--styles', nargs='+', choices=['v1', 'v2'], default=['v1', 'v2'])
    parser.add_argument('--large-size', type=int, default=2048)
    parser.add_argument(
        '--large-num',
        type=int,
        default=100,
        help='style-v2 images at --large-size (0: skip this row)')
    args = parser.parse_args(argv)

    # Render only (no I/O), single process.
    n_render = min(200, args.num_images)
    for style in args.styles:
        t0 = time.perf_counter()
        for i in range(n_render):
            render_phantom(i, 0, args.img_size, style=style)
        dt = time.perf_counter() - t0
        print(f'render_phantom only, style {style}: {n_render / dt:8.1f} '
              f'images/s ({1000 * dt / n_render:.2f} ms/image, '
              f'{args.img_size}px)')

    results = {}
    for style in args.styles:
        for workers in args.workers:
            dt = _split(args.num_images, args.img_size, workers, style)
            results[(style, args.img_size, workers)] = args.num_images / dt
            print(f'generate_phantom_split, style {style}, '
                  f'{args.num_images} images, {args.img_size}px, '
                  f'workers={workers}: {dt:6.2f}s '
                  f'({args.num_images / dt:.1f} images/s)')
    if args.large_num > 0:
        workers = max(args.workers)
        dt = _split(args.large_num, args.large_size, workers, 'v2')
        results[('v2', args.large_size, workers)] = args.large_num / dt
        print(f'generate_phantom_split, style v2, {args.large_num} images, '
              f'{args.large_size}px, workers={workers}: {dt:6.2f}s '
              f'({args.large_num / dt:.2f} images/s)')
    return results


if __name__ == '__main__':
    main()
