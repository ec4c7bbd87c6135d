# Copyright (c) baa_mm contributors. All rights reserved.
"""IoU of the automatic hand masks against the manual RSNA hand outlines.

This is the number the project reports for
:func:`baa_mm.datasets.hand_masks.pseudo_hand_mask`: every Supervisely
outline in ``<data-root>/annotations/hand_polygons`` whose image is in
``<data-root>/images`` is rasterised at the image's full resolution and
compared with the pseudo mask of that image. Example::

    python tools/analysis_tools/eval_pseudo_masks.py \
        [--data-root ../shared/data/rsna_fullsize] \
        [--thumb-dirs ../shared/data/rsna100/train \
                      ../shared/data/rsna100/val] \
        [--param close_size=13] [--vis-dir work_dirs/pseudo_eval] [--csv F]

Prints one row per image (IoU, precision = |mask & gt| / |mask|, recall =
|mask & gt| / |gt|) and ``mean IoU`` / ``min IoU``. ``--thumb-dirs`` also
evaluates the outlines scaled per axis onto the images of those folders
(e.g. the 100 x 100 rsna100 thumbnails, aspect ratio not kept), reported
separately.
"""
import argparse
import csv
import os
import os.path as osp
import sys
import time
from typing import Dict, List, Optional, Sequence

import numpy as np

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
sys.path.insert(0, REPO)
sys.path.insert(0, osp.join(REPO, 'tools', 'dataset_converters'))

from pseudo_hand_masks import draw_overlay, parse_param_overrides  # noqa
from baa_mm.datasets.hand_masks import (polygon_to_mask,  # noqa: E402
                                        pseudo_hand_mask,
                                        supervisely_to_polygon)
from baa_mm.datasets.image_io import decode_radiograph  # noqa: E402

DEFAULT_ROOT = osp.join(REPO, '..', 'shared', 'data', 'rsna_fullsize')


def outline_mask(ann: dict, height: int, width: int) -> np.ndarray:
    """Rasterise a Supervisely annotation at (height, width) (per-axis
    scaling from its ``size``); interiors are subtracted."""
    sly = supervisely_to_polygon(ann)
    scale = np.array([width / sly['width'], height / sly['height']])
    mask = polygon_to_mask([p * scale for p in sly['polygons']], height,
                           width)
    holes = [q * scale for hs in sly['interiors'] for q in hs]
    if holes:
        mask &= ~polygon_to_mask(holes, height, width)
    return mask


def overlap(mask: np.ndarray, gt: np.ndarray) -> Dict[str, float]:
    """``iou``, ``precision`` (|mask & gt| / |mask|) and ``recall``
    (|mask & gt| / |gt|) of two boolean masks."""
    inter = int(np.count_nonzero(mask & gt))
    union = int(np.count_nonzero(mask | gt))
    return dict(iou=inter / union if union else 1.0,
                precision=inter / max(int(mask.sum()), 1),
                recall=inter / max(int(gt.sum()), 1))


def evaluate(poly_dir: str,
             img_dirs: Sequence[str],
             params: dict,
             vis_dir: Optional[str] = None,
             tag: str = '') -> List[Dict]:
    """One row per outline that has an image in ``img_dirs``."""
    import json
    rows = []
    names = sorted(n for n in os.listdir(poly_dir) if n.endswith('.json'))
    for name in names:
        stem = name.split('.')[0]
        img_path = next((osp.join(d, stem + '.png') for d in img_dirs
                         if osp.isfile(osp.join(d, stem + '.png'))), None)
        if img_path is None:
            continue
        with open(osp.join(poly_dir, name)) as f:
            ann = json.load(f)
        with open(img_path, 'rb') as f:
            img = decode_radiograph(f.read(), img_path)
        t0 = time.perf_counter()
        mask, info = pseudo_hand_mask(img, return_info=True, **params)
        ms = (time.perf_counter() - t0) * 1000
        gt = outline_mask(ann, *img.shape)
        row = dict(id=stem, set=tag, height=img.shape[0], width=img.shape[1],
                   **overlap(mask, gt), ms=ms,
                   plate_passes=info['plate_passes'],
                   reason=info['reason'] or '')
        rows.append(row)
        if vis_dir:
            import cv2
            os.makedirs(vis_dir, exist_ok=True)
            cv2.imwrite(
                osp.join(vis_dir, f'{tag}_{stem}.png'),
                draw_overlay(img, mask, gt, f"{stem} IoU {row['iou']:.3f}"))
    return rows


def report(rows: List[Dict], title: str) -> Optional[dict]:
    if not rows:
        print(f'{title}: no outline has an image here')
        return None
    print(f'{title}:')
    print(f"{'id':>8} {'size':>11} {'IoU':>6} {'prec':>6} {'recall':>6}"
          f" {'ms':>5}")
    for r in rows:
        print(f"{r['id']:>8} {r['width']:>5}x{r['height']:<5} "
              f"{r['iou']:6.3f} {r['precision']:6.3f} {r['recall']:6.3f} "
              f"{r['ms']:5.0f} {r['reason']}")
    ious = np.array([r['iou'] for r in rows])
    worst = rows[int(ious.argmin())]['id']
    stats = dict(n=len(rows), mean_iou=float(ious.mean()),
                 median_iou=float(np.median(ious)),
                 min_iou=float(ious.min()), worst=worst)
    print(f"{title}: mean IoU {stats['mean_iou']:.4f}, median "
          f"{stats['median_iou']:.4f}, min IoU {stats['min_iou']:.4f} "
          f"({worst}) over {stats['n']} images")
    return stats


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data-root', default=DEFAULT_ROOT,
                        help='rsna_fullsize folder (default: '
                        '../shared/data/rsna_fullsize next to the repo)')
    parser.add_argument('--poly-dir', help='default: <data-root>/'
                        'annotations/hand_polygons')
    parser.add_argument('--img-dir', help='default: <data-root>/images')
    parser.add_argument('--thumb-dirs', nargs='+', default=[],
                        help='also evaluate on the images of these folders '
                        '(outlines scaled per axis)')
    parser.add_argument('--param', nargs='+', metavar='KEY=VALUE',
                        help='override pseudo_hand_mask parameters')
    parser.add_argument('--vis-dir', help='write check images here')
    parser.add_argument('--csv', help='write the per-image rows here')
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    poly_dir = args.poly_dir or osp.join(args.data_root, 'annotations',
                                         'hand_polygons')
    img_dir = args.img_dir or osp.join(args.data_root, 'images')
    for what, path in (('outline folder', poly_dir), ('image folder',
                                                      img_dir)):
        if not osp.isdir(path):
            raise SystemExit(
                f'error: {what} not found: {path} (pass --data-root, or '
                '--poly-dir/--img-dir; see ../shared/data/README.md)')
    params = parse_param_overrides(args.param)
    rows = evaluate(poly_dir, [img_dir], params, args.vis_dir, 'full')
    result = dict(full=report(rows, 'full resolution'))
    if args.thumb_dirs:
        trows = evaluate(poly_dir, args.thumb_dirs, params, args.vis_dir,
                         'thumb')
        result['thumbs'] = report(trows, 'thumbnails')
        rows += trows
    if result['full'] is None:
        raise SystemExit(f'error: no outline in {poly_dir} has an image in '
                         f'{img_dir}')
    if args.csv and rows:
        with open(args.csv, 'w', newline='') as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return result


if __name__ == '__main__':
    main()
