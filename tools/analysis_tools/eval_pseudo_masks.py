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
import json
import os
import os.path as osp
import time
from typing import Dict, List, Optional, Sequence

import cv2

from baa_mm.datasets.hand_masks import (parse_mask_params, pseudo_hand_mask,
                                        supervisely_to_mask)
from baa_mm.datasets.image_io import decode_radiograph
from baa_mm.evaluation.functional import mask_overlap, report_overlaps
from baa_mm.visualization.mask_overlay import draw_mask_overlay

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
DEFAULT_ROOT = osp.join(REPO, '..', 'shared', 'data', 'rsna_fullsize')


def evaluate(poly_dir: str,
             img_dirs: Sequence[str],
             params: dict,
             vis_dir: Optional[str] = None,
             tag: str = '') -> List[Dict]:
    """One row per outline that has an image in ``img_dirs``."""
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
        gt = supervisely_to_mask(ann, *img.shape)
        row = dict(id=stem, set=tag, height=img.shape[0], width=img.shape[1],
                   **mask_overlap(mask, gt), ms=ms,
                   plate_passes=info['plate_passes'],
                   reason=info['reason'] or '')
        rows.append(row)
        if vis_dir:
            os.makedirs(vis_dir, exist_ok=True)
            text = f"{stem} IoU {row['iou']:.3f}"
            cv2.imwrite(osp.join(vis_dir, f'{tag}_{stem}.png'),
                        draw_mask_overlay(img, mask, gt, text))
    return rows


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
    try:
        params = parse_mask_params(args.param)
    except ValueError as e:
        raise SystemExit(f'error: --param: {e}')
    rows = evaluate(poly_dir, [img_dir], params, args.vis_dir, 'full')
    result = dict(full=report_overlaps(rows, 'full resolution'))
    if args.thumb_dirs:
        trows = evaluate(poly_dir, args.thumb_dirs, params, args.vis_dir,
                         'thumb')
        result['thumbs'] = report_overlaps(trows, 'thumbnails')
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
