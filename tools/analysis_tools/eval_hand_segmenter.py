"""A trained hand segmenter on a folder of radiographs: IoU and a gallery.

Runs an mmdet Mask R-CNN hand segmenter (a ``configs/hand_seg`` config and
its checkpoint) on every image of ``--img-dir`` through
:func:`mmdet.apis.inference_detector`, keeps one hand per image with
:func:`baa_mm.models.utils.choose_hand` (``--rule``, ``--score-thr``)
and compares it with the manual outline of that image when ``--poly-dir``
(Supervisely ``<id>.json``, as in ``../shared/data/rsna_fullsize``) has one.
Example::

    python tools/analysis_tools/eval_hand_segmenter.py \
        configs/hand_seg/mask-rcnn_r18_fpn_1xb8-4e_rsna100-pseudo-128px.py \
        work_dirs/mask-rcnn_r18_fpn_1xb8-4e_rsna100-pseudo-128px/epoch_4.pth \
        --img-dir ../shared/data/rsna_fullsize/images \
        --poly-dir ../shared/data/rsna_fullsize/annotations/hand_polygons \
        --gallery docs/hand_seg_rsna_fullsize.jpg --gallery-num 8

Prints one row per outlined image (IoU, precision, recall at the image's
full resolution, ms per image) and the mean / median / min IoU, then every
image where no hand reached the threshold (named, never dropped). The
gallery tiles the first ``--gallery-num`` images (outlined ones first): the
predicted hand in red, the manual outline in green, the score and IoU as
text. ``--csv`` writes all rows, outlined or not.
"""
import argparse
import csv
import json
import os
import os.path as osp
import time
from typing import Dict, List, Optional

import cv2
import numpy as np

from baa_mm.datasets.folder import list_folder_files
from baa_mm.datasets.hand_masks import supervisely_to_mask
from baa_mm.datasets.image_io import decode_radiograph
from baa_mm.evaluation.functional import mask_overlap, report_overlaps
from baa_mm.visualization.mask_overlay import draw_mask_overlay


def segment_folder(model, img_dir: str, poly_dir: Optional[str],
                   rule: str = 'score',
                   score_thr: float = 0.3) -> List[Dict]:
    """One row per image file: the chosen hand's mask and, with an
    outline, its IoU. Unreadable files raise with the file named."""
    from baa_mm.apis import segment_hand
    rows = []
    for name in list_folder_files(img_dir):
        path = osp.join(img_dir, name)
        stem = osp.splitext(name)[0]
        with open(path, 'rb') as f:
            try:
                img = decode_radiograph(f.read(), path)
            except ValueError as e:
                raise SystemExit(f'error: {path}: {e}') from e
        t0 = time.perf_counter()
        try:
            hand = segment_hand(model, path, img.shape, rule, score_thr)
        except ValueError as e:
            raise SystemExit(f'error: {e}') from e
        ms = (time.perf_counter() - t0) * 1000
        mask = hand.mask
        row = dict(id=stem, set='', height=img.shape[0], width=img.shape[1],
                   score=hand.score if hand.found else 0.,
                   num_hands=hand.num_hands,
                   iou=None, precision=None, recall=None, ms=ms,
                   reason='' if hand.found else 'no hand',
                   img=img, mask=mask, gt=None)
        sly = osp.join(poly_dir, stem + '.json') if poly_dir else None
        if sly and osp.isfile(sly):
            with open(sly) as f:
                gt = supervisely_to_mask(json.load(f), *img.shape)
            row.update(gt=gt, **mask_overlap(mask, gt))
        rows.append(row)
    return rows


def gallery(rows: List[Dict], num: int, tile: int = 256,
            cols: int = 4) -> np.ndarray:
    """BGR grid of the first ``num`` rows (outlined images first)."""
    chosen = sorted(rows, key=lambda r: r['gt'] is None)[:num]
    if not chosen:
        raise ValueError('gallery: no image')
    tiles = []
    for r in chosen:
        text = f"{r['id']} score {r['score']:.2f}"
        if r['iou'] is not None:
            text += f"\nIoU {r['iou']:.3f}"
        if r['reason']:
            text += f"\n{r['reason']}"
        vis = draw_mask_overlay(r['img'], r['mask'], r['gt'], text, tile)
        canvas = np.zeros((tile, tile, 3), np.uint8)
        canvas[:vis.shape[0], :vis.shape[1]] = vis
        tiles.append(canvas)
    while len(tiles) % cols:
        tiles.append(np.zeros_like(tiles[0]))
    return np.vstack([np.hstack(tiles[i:i + cols])
                      for i in range(0, len(tiles), cols)])


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='hand segmenter config (mmdet model)')
    parser.add_argument('checkpoint', help='its trained checkpoint')
    parser.add_argument('--img-dir', required=True)
    parser.add_argument('--poly-dir', help='Supervisely <id>.json outlines')
    parser.add_argument('--rule', default='score',
                        choices=['score', 'largest', 'leftmost', 'rightmost'])
    parser.add_argument('--score-thr', type=float, default=0.3)
    parser.add_argument('--gallery', help='write a grid of overlays here')
    parser.add_argument('--gallery-num', type=int, default=8)
    parser.add_argument('--tile', type=int, default=256,
                        help='gallery tile size in pixels (default 256)')
    parser.add_argument('--csv', help='write the per-image rows here')
    parser.add_argument('--device', default='cpu')
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    for what, path in (('image folder', args.img_dir),
                       ('outline folder', args.poly_dir)):
        if path and not osp.isdir(path):
            raise SystemExit(f'error: {what} not found: {path}')
    from baa_mm.apis import init_hand_segmenter
    model = init_hand_segmenter(args.config, args.checkpoint, args.device)
    rows = segment_folder(model, args.img_dir, args.poly_dir, args.rule,
                          args.score_thr)
    outlined = [r for r in rows if r['iou'] is not None]
    stats = report_overlaps(outlined, f'{args.img_dir} vs outlines') \
        if args.poly_dir else None
    missed = [r['id'] for r in rows if r['reason']]
    print(f'{len(rows)} images, {len(outlined)} with an outline; no hand '
          f'above {args.score_thr} in {len(missed)}'
          + (f": {', '.join(missed)}" if missed else ''))
    if args.gallery:
        os.makedirs(osp.dirname(osp.abspath(args.gallery)), exist_ok=True)
        cv2.imwrite(args.gallery, gallery(rows, args.gallery_num, args.tile))
        print(f'gallery -> {args.gallery}')
    if args.csv:
        keys = [k for k in rows[0] if k not in ('img', 'mask', 'gt')]
        with open(args.csv, 'w', newline='') as f:
            writer = csv.DictWriter(f, fieldnames=keys, extrasaction='ignore')
            writer.writeheader()
            writer.writerows(rows)
    return dict(stats=stats, num_images=len(rows), missed=missed,
                rows=[{k: v for k, v in r.items()
                       if k not in ('img', 'mask', 'gt')} for r in rows])


if __name__ == '__main__':
    main()
