"""Generate the train / val / test phantom splits (idempotent)."""
from __future__ import annotations

import json
import os
import os.path as osp
import time
from typing import Dict, Optional

from .options import (GENERATOR_VERSION, STYLE_VERSIONS, ImgSize,
                      check_style, size_for_json)
from .writer import generate_phantom_split, split_paths

#: Per split: (id offset, seed offset).
SPLITS = {'train': (0, 0), 'val': (100000, 1), 'test': (200000, 2)}


def _dataset_meta(seed: int, sizes: Dict[str, int], img_size: ImgSize,
                  age_distribution: str, opts: Optional[dict] = None) -> dict:
    meta = dict(generator_version=GENERATOR_VERSION, seed=seed, sizes=sizes,
                img_size=size_for_json(img_size),
                age_distribution=age_distribution,
                id_offsets={s: SPLITS[s][0] for s in sizes})
    if opts is not None:  # v1 meta stays as it always was
        meta.update(style='v2', style_version=STYLE_VERSIONS['v2'],
                    v2_options=opts)
    return meta


def _dataset_complete(root: str, meta: dict) -> bool:
    """``<root>/meta.json`` equals ``meta`` and every file exists."""
    meta_file = osp.join(root, 'meta.json')
    if not osp.isfile(meta_file):
        return False
    try:
        with open(meta_file) as f:
            if json.load(f) != meta:
                return False
    except (OSError, ValueError):
        return False
    for split, n in meta['sizes'].items():
        paths = split_paths(root, split)
        if not (osp.isfile(paths['csv']) and osp.isfile(paths['ann_file'])):
            return False
        start = SPLITS[split][0]
        present = set(os.listdir(paths['img_dir'])) if osp.isdir(
            paths['img_dir']) else set()
        if any(f'{start + i}.png' not in present for i in range(n)):
            return False
    return True


def generate_phantom_dataset(root: str,
                             num_train: int = 800,
                             num_val: int = 100,
                             num_test: int = 100,
                             img_size: ImgSize = 256,
                             seed: int = 0,
                             num_workers: int = 0,
                             age_distribution: str = 'uniform',
                             force: bool = False,
                             style: str = 'v1',
                             v2_options: Optional[dict] = None) -> dict:
    """Generate the train / val / test phantom splits (idempotent).

    Splits use ids starting at 0 / 100000 / 200000 and seeds ``seed``,
    ``seed + 1``, ``seed + 2``. ``<root>/meta.json`` records the arguments;
    if it matches and every expected file exists, nothing is regenerated.

    Args:
        root (str): Output root, e.g. ``'data/phantom'``.
        num_train (int): Training images. Defaults to 800.
        num_val (int): Validation images. Defaults to 100.
        num_test (int): Test images. Defaults to 100.
        img_size (int | tuple[int, int]): Image side length, or ``(width,
            height)``. Defaults to 256.
        seed (int): Base seed. Defaults to 0.
        num_workers (int): Worker processes (0: in-process, -1: all cores).
        age_distribution (str): ``'uniform'`` or ``'rsna'``.
        force (bool): Regenerate even if the data are up to date.
        style (str): ``'v1'`` (default) or ``'v2'``; v2 adds ``style``,
            ``style_version`` and the resolved ``v2_options`` to
            ``meta.json``.
        v2_options (dict, optional): Overrides of :data:`DEFAULT_V2_OPTIONS`.

    Returns:
        dict: ``root``, ``meta_file``, ``skipped`` (bool), ``seconds`` and
        ``splits`` (split name -> summary of :func:`generate_phantom_split`,
        or its paths when skipped).
    """
    t0 = time.perf_counter()
    sizes = dict(train=int(num_train), val=int(num_val), test=int(num_test))
    opts = check_style(style, v2_options)
    meta = _dataset_meta(seed, sizes, img_size, age_distribution, opts)
    meta_file = osp.join(root, 'meta.json')
    if not force and _dataset_complete(root, meta):
        return dict(root=root, meta_file=meta_file, skipped=True,
                    seconds=round(time.perf_counter() - t0, 3),
                    splits={s: split_paths(root, s) for s in sizes})
    os.makedirs(root, exist_ok=True)
    if osp.exists(meta_file):
        os.remove(meta_file)  # incomplete until all splits are written
    splits = {}
    for split, n in sizes.items():
        id_offset, seed_offset = SPLITS[split]
        splits[split] = generate_phantom_split(
            root, split, n, img_size=img_size, seed=seed + seed_offset,
            id_offset=id_offset, num_workers=num_workers,
            age_distribution=age_distribution, style=style,
            v2_options=opts)
    with open(meta_file, 'w') as f:
        json.dump(meta, f, indent=2)
    return dict(root=root, meta_file=meta_file, skipped=False,
                seconds=round(time.perf_counter() - t0, 3), splits=splits)
