"""Benchmark reading full-size radiographs vs their resized PNG cache.

Example::

    python tools/analysis_tools/benchmark_cache.py \
        --src ../shared/data/rsna_fullsize/images --passes 5

In one run and on the same images: builds (or reuses) the cache of ``--src``
in ``--cache`` (under /tmp by default; the sources are never copied), then
times, per image, reading the file + :func:`decode_radiograph` and resizing
to ``--target`` px long side (what a pipeline needs; ``INTER_AREA`` for
both), for the raw files and for the cache. One warm-up pass of each (so that
both are read from the OS page cache: this compares decoding cost, not
disk), then ``--passes`` timed passes, alternating raw and cache so that
background load affects both alike; the median pass is reported, with
the process's peak resident memory.

OpenCV runs single-threaded by default (``--cv-threads 0``), as in mmengine
dataloader workers.
"""
import argparse
import os
import os.path as osp
import statistics
import time

import cv2

from baa_mm.datasets.image_cache import CachedImageResolver, build_cache
from baa_mm.datasets.image_io import decode_radiograph
from baa_mm.utils import peak_rss_mib

#: The full-size radiographs beside the project (never copied into it).
DEFAULT_SRC = osp.join(osp.dirname(osp.abspath(__file__)), '..', '..', '..',
                       'shared', 'data', 'rsna_fullsize', 'images')


def _load(path: str, decode, target: int):
    """(seconds for read+decode, seconds in total) of one image."""
    t0 = time.perf_counter()
    with open(path, 'rb') as f:
        data = f.read()
    img = decode(data, path)
    t1 = time.perf_counter()
    h, w = img.shape
    if target and max(h, w) > target:
        s = target / max(h, w)
        img = cv2.resize(img, (max(1, round(w * s)), max(1, round(h * s))),
                         interpolation=cv2.INTER_AREA)
    return t1 - t0, time.perf_counter() - t0


def _pass(paths, decode, target):
    dec = tot = 0.
    for p in paths:
        d, t = _load(p, decode, target)
        dec += d
        tot += t
    return dec, tot


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--src', default=DEFAULT_SRC,
                        help='folder of full-size images')
    parser.add_argument('--cache', default=None,
                        help='cache folder (default: /tmp/baa_mm_cache_bench'
                        '/<src name>_<long side>)')
    parser.add_argument('--long-side', type=int, default=1024)
    parser.add_argument('--target', type=int, default=512,
                        help='long side the pipeline needs (0: no resize)')
    parser.add_argument('--passes', type=int, default=5)
    parser.add_argument('--limit', type=int, default=0,
                        help='use only the first N images (0: all)')
    parser.add_argument('--workers', type=int, default=0,
                        help='worker processes for building the cache')
    parser.add_argument('--cv-threads', type=int, default=0,
                        help='cv2.setNumThreads (0: single-threaded)')
    args = parser.parse_args(argv)
    if args.passes < 1:
        parser.error('--passes must be at least 1')
    cv2.setNumThreads(args.cv_threads)
    decode = decode_radiograph
    src = osp.abspath(args.src)
    cache = args.cache or osp.join(
        '/tmp', 'baa_mm_cache_bench',
        f'{osp.basename(src.rstrip(os.sep))}_{args.long_side}')

    s = build_cache(src, cache, long_side=args.long_side,
                    num_workers=args.workers, progress=False)
    print(f'cache {cache}: built {s["converted"]}, reused {s["skipped"]}, '
          f'failed {len(s["failed"])} in {s["seconds"]:.1f} s; '
          f'{s["src_bytes"] / 2**20:.1f} MiB -> '
          f'{s["cache_bytes"] / 2**20:.1f} MiB')
    resolver = CachedImageResolver(cache, src_dir=src)
    raw = sorted(osp.join(src, rel) for rel in resolver.files)
    if args.limit:
        raw = raw[:args.limit]
    if not raw:
        raise SystemExit(f'error: no cached images for {src}')
    cached = [resolver.resolve(p) for p in raw]
    n = len(raw)
    shapes = [resolver.lookup(p) for p in raw]
    print(f'{n} images; original long side '
          f'{min(max(c.ori_shape) for c in shapes)}-'
          f'{max(max(c.ori_shape) for c in shapes)} px, cached <= '
          f'{args.long_side} px; pipeline target {args.target or "none"} px; '
          f'{args.passes} timed passes after 1 warm-up')

    _pass(raw, decode, args.target)  # warm-up: page cache, allocator, libs
    _pass(cached, decode, args.target)
    times = {'raw': [], 'cache': []}
    for _ in range(args.passes):
        times['raw'].append(_pass(raw, decode, args.target))
        times['cache'].append(_pass(cached, decode, args.target))

    result = {}
    for name in ('raw', 'cache'):
        dec = statistics.median(t[0] for t in times[name])
        tot = statistics.median(t[1] for t in times[name])
        result[name] = dict(decode_ips=n / dec, total_ips=n / tot,
                            ms_per_image=1000 * tot / n)
        print(f'{name:>5}: read+decode {n / dec:7.1f} images/s; '
              f'+ resize to {args.target}: {n / tot:7.1f} images/s '
              f'({1000 * tot / n:6.1f} ms/image; passes '
              + ', '.join(f'{t[1]:.2f}' for t in times[name]) + ' s)')
    result['speedup_decode'] = (result['cache']['decode_ips']
                                / result['raw']['decode_ips'])
    result['speedup_total'] = (result['cache']['total_ips']
                               / result['raw']['total_ips'])
    print(f'speed-up (cache / raw): {result["speedup_total"]:.2f}x with '
          f'resize, {result["speedup_decode"]:.2f}x read+decode only')
    result['peak_mib'] = peak_rss_mib()[0]
    print(f'peak resident memory of this process: {result["peak_mib"]:.0f} '
          'MiB')
    return result


if __name__ == '__main__':
    main()
