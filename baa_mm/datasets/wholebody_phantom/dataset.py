"""Generate the train / val / test whole-body phantom splits (idempotent)."""
from __future__ import annotations

import json
import os
import os.path as osp
import time
from typing import Optional

from .coco import CATEGORIES
from .options import (DEFAULT_IMG_SIZE, GENERATOR_VERSION, ImgSize,
                      check_labels, parse_img_size, resolve_options)
from .writer import generate_wholebody_split, split_paths

__all__ = ['generate_wholebody_phantom', 'SPLITS']

#: Per split: (id offset, seed offset), as the hand phantoms.
SPLITS = {'train': (0, 0), 'val': (100000, 1), 'test': (200000, 2)}


def _complete(root: str, meta: dict) -> bool:
    """``<root>/meta.json`` equals ``meta`` and every file exists."""
    meta_file = osp.join(root, 'meta.json')
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
        present = set(os.listdir(paths['img_dir'])) if osp.isdir(
            paths['img_dir']) else set()
        start = SPLITS[split][0]
        if any(f'{start + i}.png' not in present for i in range(n)):
            return False
    return True


def generate_wholebody_phantom(root: str,
                               num_train: int = 600,
                               num_val: int = 150,
                               num_test: int = 150,
                               img_size: ImgSize = DEFAULT_IMG_SIZE,
                               seed: int = 0,
                               num_workers: int = 0,
                               sex_ratio: float = 0.83,
                               age_distribution: str = 'paper',
                               p_crop: Optional[float] = None,
                               force: bool = False,
                               options: Optional[dict] = None) -> dict:
    """Generate whole-body CT bone phantoms (train / val / test).

    Splits use ids from 0 / 100000 / 200000 and seeds ``seed``, ``seed +
    1``, ``seed + 2``; image ``id`` draws its label from
    ``default_rng([seed, id, 0])`` and is rendered from ``default_rng([seed,
    id, 1])``, so the files do not depend on ``num_workers``.
    ``<root>/meta.json`` records the arguments; when it matches and every
    file exists, nothing is regenerated (unless ``force``). See
    ``docs/wholebody_phantom.md``.

    Args:
        root (str): Output root, e.g. ``'data/wholebody_phantom'``.
        num_train (int): Training images. Defaults to 600.
        num_val (int): Validation images. Defaults to 150.
        num_test (int): Test images. Defaults to 150.
        img_size (tuple[int, int] | int | str): ``(width, height)``.
            Defaults to (128, 384).
        seed (int): Base seed. Defaults to 0.
        num_workers (int): Worker processes (0: in-process, -1: all cores).
        sex_ratio (float): Fraction of females. Defaults to 0.83.
        age_distribution (str): ``'paper'`` (default) or ``'uniform'``.
        p_crop (float, optional): Probability that the head or the feet are
            cut off; overrides ``options['p_crop']`` (default 0.2).
        force (bool): Regenerate even if the data are up to date.
        options (dict, optional): Overrides of
            :data:`~.options.DEFAULT_OPTIONS`.

    Returns:
        dict: ``root``, ``meta_file``, ``skipped``, ``seconds`` and
        ``splits`` (name -> summary, or its paths when skipped).
    """
    t0 = time.perf_counter()
    check_labels(sex_ratio, age_distribution)
    width, height = parse_img_size(img_size)
    options = dict(options or {})
    if p_crop is not None:
        options['p_crop'] = p_crop
    opts = resolve_options(options)
    sizes = dict(train=int(num_train), val=int(num_val), test=int(num_test))
    if min(sizes.values()) < 0:
        raise ValueError(f'split sizes must be >= 0, got {sizes}')
    meta = dict(generator='wholebody_phantom',
                generator_version=GENERATOR_VERSION, seed=int(seed),
                sizes=sizes, img_size=[width, height],
                sex_ratio=float(sex_ratio),
                age_distribution=age_distribution, options=opts,
                id_offsets={s: SPLITS[s][0] for s in sizes},
                categories=list(CATEGORIES))
    meta_file = osp.join(root, 'meta.json')
    if not force and _complete(root, meta):
        return dict(root=root, meta_file=meta_file, skipped=True,
                    seconds=round(time.perf_counter() - t0, 3),
                    splits={s: split_paths(root, s) for s in sizes})
    os.makedirs(root, exist_ok=True)
    if osp.exists(meta_file):
        os.remove(meta_file)  # incomplete until every split is written
    splits = {}
    for split, n in sizes.items():
        id_offset, seed_offset = SPLITS[split]
        splits[split] = generate_wholebody_split(
            root, split, n, (width, height), int(seed) + seed_offset,
            id_offset, num_workers, age_distribution, float(sex_ratio), opts)
    with open(meta_file, 'w') as f:
        json.dump(meta, f, indent=2)
    return dict(root=root, meta_file=meta_file, skipped=False,
                seconds=round(time.perf_counter() - t0, 3), splits=splits)
