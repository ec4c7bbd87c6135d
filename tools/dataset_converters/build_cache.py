"""Build (or update) a resized PNG cache of a radiograph folder.

Example::

    python tools/dataset_converters/build_cache.py \
        data/rsna/boneage-training-dataset data/rsna_cache1024/train \
        --long-side 1024 --workers 2

Every image under ``SRC_DIR`` (PNG, JPEG, BMP, TIFF, DICOM; recursively) is
decoded, shrunk so that its long side is at most ``--long-side`` (never
enlarged) and stored as PNG (16-bit for sources with more than 8 bits and
for DICOM, 8-bit otherwise) under the same relative path in ``CACHE_DIR``,
with ``CACHE_DIR/cache_meta.json``. Run it again after adding or changing
images: up-to-date files are skipped, and an interrupted run resumes.

Files that cannot be read are listed at the end and the exit status is 1.
See ``docs/image_cache.md`` for the format.
"""
import argparse
import logging
import os.path as osp
import sys

from baa_mm.datasets.image_cache import (DEFAULT_EXTS, ImageCacheError,
                                         build_cache)


def _mb(n: int) -> str:
    return f'{n / 2**20:.1f} MiB'


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Cache radiographs as PNGs resized to a maximum long '
        'side (resumable).')
    parser.add_argument('src_dir', help='source image folder')
    parser.add_argument('cache_dir', help='cache folder (created)')
    parser.add_argument(
        '--long-side',
        type=int,
        default=1024,
        help='largest long side in pixels (smaller images are kept as they '
        'are); default 1024')
    parser.add_argument(
        '--workers',
        type=int,
        default=0,
        help='worker processes (0: in-process, -1: all cores)')
    parser.add_argument(
        '--exts',
        nargs='+',
        default=None,
        help='file extensions to cache (default: .png .jpg .jpeg .bmp .tif '
        '.tiff .dcm .dicom)')
    parser.add_argument(
        '--no-progress', action='store_true', help='no progress bar')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format='%(levelname)s: %(message)s',
        stream=sys.stderr)
    if args.long_side < 1:
        print('error: --long-side must be positive', file=sys.stderr)
        return 2
    if not osp.isdir(args.src_dir):
        print(f'error: source folder not found: {args.src_dir}',
              file=sys.stderr)
        return 2
    try:
        s = build_cache(
            args.src_dir,
            args.cache_dir,
            long_side=args.long_side,
            exts=args.exts or DEFAULT_EXTS,
            num_workers=args.workers,
            progress=not args.no_progress)
    except (ValueError, ImageCacheError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    ratio = s['src_bytes'] / s['cache_bytes'] if s['cache_bytes'] else 0.
    print(f'{s["cache_dir"]}: {s["total"]} image files: {s["converted"]} '
          f'converted, {s["skipped"]} up to date (skipped), '
          f'{len(s["failed"])} failed; {s["removed"]} stale entries removed, '
          f'{s["ignored"]} other files ignored; {s["seconds"]:.1f} s')
    print(f'size: sources {_mb(s["src_bytes"])} -> cache '
          f'{_mb(s["cache_bytes"])} ({ratio:.1f}x smaller), long side <= '
          f'{args.long_side} px; meta: {s["meta_path"]}')
    if s['failed']:
        print(f'FAILED ({len(s["failed"])} files, not cached):',
              file=sys.stderr)
        for f in s['failed']:
            print(f'  {f["path"]}: {f["reason"]}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
