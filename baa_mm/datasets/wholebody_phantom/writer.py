"""Write one split of whole-body phantoms: 16-bit PNGs, CSV and COCO boxes.

Every image has its own random streams (label: ``[seed, id, 0]``,
rendering: ``[seed, id, 1]``), so the bytes written do not depend on the
number of worker processes.
"""
from __future__ import annotations

import csv
import os
import os.path as osp
import time
from typing import Dict, NamedTuple, Sequence, Tuple

import cv2
import numpy as np

from ..phantom.writer import map_jobs
from .coco import sample_record, write_boxes_coco
from .labels import sample_label
from .render import render_wholebody_phantom

__all__ = ['generate_wholebody_split', 'split_paths', 'label_rng',
           'render_rng']

_PNG_PARAMS = [cv2.IMWRITE_PNG_COMPRESSION, 3]


class _Job(NamedTuple):
    """One image to render and save (picklable for worker processes)."""
    img_id: int
    seed: int
    img_size: Tuple[int, int]
    img_dir: str
    age_distribution: str
    sex_ratio: float
    opts: dict


def label_rng(seed: int, img_id: int) -> np.random.Generator:
    """The label stream of image ``img_id``."""
    return np.random.default_rng([int(seed), int(img_id), 0])


def render_rng(seed: int, img_id: int) -> np.random.Generator:
    """The rendering stream of image ``img_id``."""
    return np.random.default_rng([int(seed), int(img_id), 1])


def _render_record(job: _Job) -> dict:
    """Render and save one image; returns its :func:`sample_record`."""
    age, sex = sample_label(label_rng(job.seed, job.img_id),
                            job.age_distribution, job.sex_ratio)
    image, info = render_wholebody_phantom(
        age, sex, rng=render_rng(job.seed, job.img_id),
        img_size=job.img_size, **job.opts)
    ok, buf = cv2.imencode('.png', image, _PNG_PARAMS)
    if not ok:
        raise RuntimeError(f'failed to encode phantom {job.img_id}')
    with open(osp.join(job.img_dir, f'{job.img_id}.png'), 'wb') as f:
        f.write(buf.tobytes())
    return sample_record(job.img_id, info)


def split_paths(root: str, split: str) -> Dict[str, str]:
    """``img_dir``, ``csv`` and ``ann_file`` of a split under ``root``."""
    return dict(img_dir=osp.join(root, split),
                csv=osp.join(root, f'{split}.csv'),
                ann_file=osp.join(root, 'annotations', f'{split}_boxes.json'))


def _write_csv(path: str, records: Sequence[dict]) -> None:
    """``id,age,sex`` (age in years, 2 decimals; sex F / M)."""
    tmp = path + '.tmp'
    with open(tmp, 'w', newline='') as f:
        writer = csv.writer(f, lineterminator='\n')
        writer.writerow(['id', 'age', 'sex'])
        for r in records:
            writer.writerow([r['id'], f"{r['age']:.2f}", r['sex']])
    os.replace(tmp, path)


def generate_wholebody_split(root: str, split: str, num_images: int,
                             img_size: Tuple[int, int], seed: int,
                             id_offset: int, num_workers: int,
                             age_distribution: str, sex_ratio: float,
                             opts: dict) -> dict:
    """Write one split (arguments as :func:`generate_wholebody_phantom`,
    already checked; ``opts`` resolved).

    Layout under ``root``::

        <split>/<id>.png                  16-bit grayscale images
        <split>.csv                       id,age,sex
        annotations/<split>_boxes.json    COCO boxes (body + informative)

    Returns:
        dict: ``split``, ``num_images``, ``seed``, ``id_offset``,
        ``seconds`` and the paths.
    """
    t0 = time.perf_counter()
    paths = split_paths(root, split)
    os.makedirs(paths['img_dir'], exist_ok=True)
    os.makedirs(osp.dirname(paths['ann_file']), exist_ok=True)
    jobs = [_Job(id_offset + i, seed, img_size, paths['img_dir'],
                 age_distribution, sex_ratio, opts)
            for i in range(num_images)]
    records = map_jobs(_render_record, jobs, num_workers)
    _write_csv(paths['csv'], records)
    write_boxes_coco(paths['ann_file'], records, split, seed, *img_size)
    return dict(split=split, num_images=num_images, seed=seed,
                id_offset=id_offset, img_size=list(img_size),
                seconds=round(time.perf_counter() - t0, 3), **paths)
