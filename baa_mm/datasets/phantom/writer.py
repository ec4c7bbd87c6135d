"""Write one split of phantoms: PNGs, CSV and COCO hand masks.

Images are rendered in-process or by forked worker processes; every image
has its own random stream, so the bytes written do not depend on the
number of workers.
"""
from __future__ import annotations

import csv
import multiprocessing as mp
import os
import os.path as osp
import time
from typing import Callable, Dict, NamedTuple, Optional, Sequence

import cv2

from .coco import sample_record, write_coco
from .options import ImgSize, check_style, parse_img_size
from .render import render_phantom

_PNG_PARAMS = [cv2.IMWRITE_PNG_COMPRESSION, 3]


class _Job(NamedTuple):
    """One image to render and save (picklable for worker processes)."""
    img_id: int
    seed: int
    img_size: ImgSize
    img_dir: str
    age_distribution: str
    style: str
    v2_options: Optional[dict]


def _render_record(job: _Job) -> dict:
    """Render and save one image; returns its :func:`sample_record`."""
    sample = render_phantom(job.img_id, job.seed, job.img_size,
                            age_distribution=job.age_distribution,
                            style=job.style, v2_options=job.v2_options)
    ok, buf = cv2.imencode('.png', sample.image, _PNG_PARAMS)
    if not ok:
        raise RuntimeError(f'failed to encode phantom {job.img_id}')
    with open(osp.join(job.img_dir, f'{job.img_id}.png'), 'wb') as f:
        f.write(buf.tobytes())
    return sample_record(job.img_id, sample)


def map_jobs(fn: Callable, jobs: list, num_workers: int) -> list:
    """``[fn(job) for job in jobs]``, in ``num_workers`` forked processes
    when more than one (< 0: every core); shared by the hand and
    whole-body phantom writers. ``fn`` must be a module-level function."""
    if num_workers < 0:
        num_workers = os.cpu_count() or 1
    if num_workers <= 1 or len(jobs) < 2:
        return [fn(j) for j in jobs]
    # 'fork' starts workers without importing the package again (spawned
    # children would import torch / mmengine through baa_mm.datasets);
    # results do not depend on the worker count because each image has its
    # own RNG. OpenCV's thread pool is not fork safe (calling into it from a
    # forked child can dead-lock), so it is shut down (1 thread) in the
    # parent while the workers are forked and used, and restored afterwards.
    method = 'fork' if 'fork' in mp.get_all_start_methods() else None
    ctx = mp.get_context(method)
    chunk = max(1, min(32, len(jobs) // (4 * num_workers)))
    prev_threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        with ctx.Pool(num_workers) as pool:
            return list(pool.imap(fn, jobs, chunksize=chunk))
    finally:
        cv2.setNumThreads(prev_threads)


def split_paths(root: str, split: str) -> Dict[str, str]:
    """``img_dir``, ``csv`` and ``ann_file`` of a split under ``root``."""
    return dict(
        img_dir=osp.join(root, split),
        csv=osp.join(root, f'{split}.csv'),
        ann_file=osp.join(root, 'annotations', f'{split}_hand_masks.json'))


def _write_csv(path: str, records: Sequence[dict]) -> None:
    """RSNA training layout: ``id,boneage,male``."""
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f, lineterminator='\n')
        writer.writerow(['id', 'boneage', 'male'])
        for r in records:
            writer.writerow([r['id'], f"{r['boneage']:.1f}", str(r['male'])])


def generate_phantom_split(root: str,
                           split: str,
                           num_images: int,
                           img_size: ImgSize = 256,
                           seed: int = 0,
                           id_offset: int = 0,
                           num_workers: int = 0,
                           age_distribution: str = 'uniform',
                           style: str = 'v1',
                           v2_options: Optional[dict] = None) -> dict:
    """Write one split of phantoms in the RSNA-like layout.

    Layout under ``root``::

        <split>/<id>.png                       8-bit grayscale images
        <split>.csv                            header ``id,boneage,male``
        annotations/<split>_hand_masks.json    COCO instances (hand masks)

    The COCO file has one category ``{id: 1, name: 'hand'}``; style v1 has
    one annotation per image, style v2 one per hand (primary first). Every
    image entry carries ``boneage``, ``male`` and ``informative_boxes``
    (v2 also ``distractor_boxes``); the fields are listed in
    ``docs/phantom.md``.

    Args:
        root (str): Output root, e.g. ``'data/phantom'``.
        split (str): Split name, e.g. ``'train'``.
        num_images (int): Number of images.
        img_size (int | tuple[int, int]): Image side length, or ``(width,
            height)``. Defaults to 256.
        seed (int): Seed. Image ``id`` uses ``default_rng([seed, id])``.
        id_offset (int): First image id. Defaults to 0.
        num_workers (int): Worker processes (0: in-process, -1: all cores).
            The output does not depend on it.
        age_distribution (str): ``'uniform'`` or ``'rsna'``.
        style (str): ``'v1'`` (default) or ``'v2'``.
        v2_options (dict, optional): Overrides of :data:`DEFAULT_V2_OPTIONS`.

    Returns:
        dict: ``split``, ``num_images``, ``img_dir``, ``csv``, ``ann_file``,
        ``seconds`` and the generation arguments.
    """
    t0 = time.perf_counter()
    opts = check_style(style, v2_options)
    parse_img_size(img_size)  # fail before writing anything
    paths = split_paths(root, split)
    os.makedirs(paths['img_dir'], exist_ok=True)
    os.makedirs(osp.dirname(paths['ann_file']), exist_ok=True)
    jobs = [
        _Job(id_offset + i, seed, img_size, paths['img_dir'],
             age_distribution, style, opts) for i in range(num_images)
    ]
    records = map_jobs(_render_record, jobs, num_workers)
    _write_csv(paths['csv'], records)
    write_coco(paths['ann_file'], records, split, seed, img_size, style, opts)
    return dict(split=split, num_images=num_images, img_size=img_size,
                seed=seed, id_offset=id_offset,
                age_distribution=age_distribution, style=style,
                seconds=round(time.perf_counter() - t0, 3), **paths)
