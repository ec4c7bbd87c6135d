"""Automatic ("pseudo") hand masks for a folder of radiographs -> COCO.

The masks come from the classical algorithm below, or, with
``--segmenter CONFIG CHECKPOINT``, from a trained hand segmenter (a
``configs/hand_seg`` Mask R-CNN; the chosen hand per image by ``--rule`` and
``--score-thr``, see :func:`baa_mm.apis.segment_hand`). The second is how
the PRSNet background-removal configs get the masks of their training and
test images (``docs/user_guides/dataset_preparation.md``)::

    python tools/dataset_converters/pseudo_hand_masks.py data/phantom_v2/test \
        data/phantom_v2/annotations/test_pred_hand_masks.json \
        --segmenter configs/hand_seg/mask-rcnn_r18_fpn_1xb8-12e_phantom-v2-128px.py \
        work_dirs/mask-rcnn_r18_fpn_1xb8-12e_phantom-v2-128px/epoch_12.pth

Example::

    python tools/dataset_converters/pseudo_hand_masks.py \
        ../shared/data/rsna_fullsize/images data/rsna_fullsize_pseudo.json \
        --vis-dir work_dirs/pseudo_vis \
        --gt-coco data/rsna_fullsize_hand_masks.json

Every regular, non-hidden file of ``IMG_DIR`` is read with
:func:`baa_mm.datasets.image_io.decode_radiograph` (PNG, JPEG, TIFF, BMP,
DICOM) and masked with :func:`baa_mm.datasets.hand_masks.pseudo_hand_mask`
(the algorithm and its parameters are described in ``docs/hand_masks.md``;
override any of them with ``--param KEY=VALUE``).

Output: a COCO instances file with category ``hand``: one image entry per
image that got a mask (``id`` = the numeric file stem, else a running
number; ``file_name`` = the file's name) and **one annotation per kept
connected component**; with ``--segmenter``, one annotation per image: the
chosen hand, all its pieces (``segmentation`` polygons traced on the pixel
edges, ``bbox``, ``area`` = pixel count, ``iscrowd`` 0).

Nothing is dropped silently: files that cannot be decoded (empty, corrupt,
not an image) are listed under ``skipped``, images where no hand was found
under ``no_mask``, each with its reason, in the printed summary and in the
output's ``info``; such images get no image entry (an image without
annotations would be a negative sample for a detector). ``--strict`` exits
with status 1 when there is any (after writing the output).

``--exclude-stems PATH...`` leaves out images whose stem is the stem of a
file in one of the folders (e.g. a held-out image folder or a folder of
Supervisely ``<id>.json`` outlines) or a line of one of the text files;
``--max-images N`` keeps the first N of the remaining files (sorted names).
Both counts are printed.

``--vis-dir DIR`` writes ``DIR/<stem>.png`` per image: the radiograph
(long side <= ``--vis-size``) with the mask outline in red, the ground-truth
outline in green when ``--gt-coco`` has the image, and the IoU / the reason of
a failure as text. ``--gt-coco FILE`` (a COCO file with masks, matched by
file name) prints the mean IoU of the pseudo masks (union of components)
against the ground truth (union of its annotations); ground-truth images
without a pseudo mask count as IoU 0.
"""
import argparse
import json
import os
import os.path as osp
import sys
import time
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from baa_mm.apis import init_hand_segmenter, segment_hand
from baa_mm.datasets.coco_file import load_coco
from baa_mm.datasets.folder import list_folder_files
from baa_mm.datasets.hand_masks import (PSEUDO_MASK_DEFAULTS, coco_image_id,
                                        mask_bbox, mask_iou,
                                        mask_to_coco_polygons,
                                        parse_mask_params, polygon_to_mask,
                                        pseudo_hand_mask)
from baa_mm.datasets.image_io import decode_radiograph
from baa_mm.models.utils import HAND_RULES
from baa_mm.visualization.mask_overlay import draw_mask_overlay


def _gt_masks(gt_file: str) -> Dict[str, tuple]:
    """file name -> (image entry, [annotations]) of a COCO file with masks."""
    coco = load_coco(gt_file, 'ground-truth mask')
    return {osp.basename(img['file_name']): (img, coco.imgToAnns.get(i, []))
            for i, img in coco.imgs.items()}


def _decode_segm(ann: dict, h: int, w: int) -> Optional[np.ndarray]:
    from pycocotools import mask as mask_utils
    seg = ann.get('segmentation')
    if not seg:
        return None
    if isinstance(seg, list):
        return polygon_to_mask(seg, h, w)
    if isinstance(seg.get('counts'), list):
        seg = mask_utils.frPyObjects(seg, h, w)
    return mask_utils.decode(seg).astype(bool)


def gt_mask_for(entry: tuple, shape) -> Optional[np.ndarray]:
    """Union of the ground-truth masks, resized to ``shape`` if needed."""
    img, anns = entry
    h, w = int(img['height']), int(img['width'])
    masks = [m for m in (_decode_segm(a, h, w) for a in anns)
             if m is not None]
    if not masks:
        return None
    gt = np.logical_or.reduce(masks)
    if gt.shape != tuple(shape):
        gt = cv2.resize(gt.astype(np.uint8), (shape[1], shape[0]),
                        interpolation=cv2.INTER_NEAREST).astype(bool)
    return gt


def excluded_stems(paths: Sequence[str]) -> set:
    """Stems named by ``--exclude-stems``: files of folders, lines of text
    files."""
    stems: set = set()
    for path in paths:
        if osp.isdir(path):
            stems.update(osp.splitext(n)[0] for n in os.listdir(path)
                         if not n.startswith('.'))
        elif osp.isfile(path):
            with open(path) as f:
                stems.update(line.strip() for line in f if line.strip())
        else:
            raise SystemExit(f'error: --exclude-stems: {path} is neither '
                             'a folder nor a file')
    return stems


def select_files(img_dir: str, exclude: Sequence[str],
                 max_images: Optional[int]) -> Tuple[List[str], int, int]:
    """The file names to mask, how many were excluded by stem and how many
    are over ``max_images``."""
    try:
        files = list_folder_files(img_dir)
    except FileNotFoundError as e:
        raise SystemExit(f'error: {e}')
    if not files:
        raise SystemExit(f'error: no files in {img_dir}')
    drop = excluded_stems(exclude)
    num_excluded = sum(osp.splitext(n)[0] in drop for n in files)
    files = [n for n in files if osp.splitext(n)[0] not in drop]
    num_over = 0
    if max_images is not None and len(files) > max_images:
        num_over = len(files) - max_images
        files = files[:max_images]
    return files, num_excluded, num_over


def mask_annotation(mask: np.ndarray, img_id: int, epsilon: float,
                    ann_id: int) -> dict:
    """One COCO annotation covering every piece of ``mask``."""
    return dict(id=ann_id, image_id=img_id, category_id=1,
                segmentation=mask_to_coco_polygons(mask, epsilon=epsilon),
                area=int(np.count_nonzero(mask)), bbox=mask_bbox(mask),
                iscrowd=0)


def component_annotations(mask: np.ndarray, img_id: int, epsilon: float,
                          first_id: int) -> Tuple[List[dict], int]:
    """One COCO annotation per 8-connected component of ``mask`` (ids from
    ``first_id``) and the number of components."""
    n, lab = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    anns = []
    for r in range(1, n):
        ann = mask_annotation(lab == r, img_id, epsilon,
                              first_id + len(anns))
        if ann['segmentation']:
            anns.append(ann)
    return anns, n - 1


def run(img_dir: str,
        params: dict,
        vis_dir: Optional[str] = None,
        gt_coco: Optional[str] = None,
        epsilon: float = 1.0,
        vis_size: int = 512,
        progress: bool = True,
        exclude: Sequence[str] = (),
        max_images: Optional[int] = None,
        segmenter: Optional[dict] = None) -> dict:
    """Mask the files of ``img_dir`` (less the ``exclude`` stems, at most
    ``max_images``); returns the COCO dict and a summary.

    ``segmenter`` (``dict(model, rule, score_thr, config, checkpoint)``)
    takes the masks from a trained segmenter instead of
    :func:`pseudo_hand_mask` (``params`` is then unused).
    """
    files, num_excluded, num_over = select_files(img_dir, exclude,
                                                 max_images)
    gts = _gt_masks(gt_coco) if gt_coco else {}
    if vis_dir:
        os.makedirs(vis_dir, exist_ok=True)
    images, annotations, skipped, no_mask, ious = [], [], [], [], {}
    used: set = set()
    bar = None
    if progress:
        from mmengine.utils import ProgressBar
        bar = ProgressBar(len(files))
    t0 = time.perf_counter()
    for name in files:
        path = osp.join(img_dir, name)
        stem = osp.splitext(name)[0]
        try:
            with open(path, 'rb') as f:
                img = decode_radiograph(f.read(), path)
        except (ValueError, OSError) as e:
            skipped.append(dict(file=name, reason=str(e)))
            if bar:
                bar.update()
            continue
        if segmenter is None:
            mask, info = pseudo_hand_mask(img, return_info=True, **params)
            reason = info['reason']
        else:
            hand = segment_hand(segmenter['model'], path, img.shape,
                                segmenter['rule'], segmenter['score_thr'])
            mask, reason = hand.mask, hand.reason
        gt = gt_mask_for(gts[name], img.shape) if name in gts else None
        iou = None
        if gt is not None:
            iou = mask_iou(mask, gt)
            ious[name] = iou
        if not mask.any():
            no_mask.append(dict(file=name, reason=reason))
            text = f'{stem}: NO MASK\n{reason}'
        else:
            img_id = coco_image_id(stem, used)
            used.add(img_id)
            h, w = mask.shape
            images.append(dict(id=img_id, file_name=name, width=w, height=h))
            if segmenter is None:
                anns, num = component_annotations(mask, img_id, epsilon,
                                                  len(annotations) + 1)
            else:
                anns = [mask_annotation(mask, img_id, epsilon,
                                        len(annotations) + 1)]
                num = len(anns[0]['segmentation'])
            annotations += anns
            text = f'{stem}: {num} component(s)'
        if iou is not None:
            text += f'\nIoU {iou:.3f}'
        if vis_dir:
            cv2.imwrite(osp.join(vis_dir, stem + '.png'),
                        draw_mask_overlay(img, mask, gt, text, vis_size))
        if bar:
            bar.update()
    if bar:
        sys.stdout.write('\n')
    summary = dict(
        num_files=len(files), num_excluded=num_excluded,
        num_over_max=num_over, num_masked=len(images),
        num_annotations=len(annotations), skipped=skipped, no_mask=no_mask,
        seconds=round(time.perf_counter() - t0, 2))
    if gt_coco:
        missing_gt = sorted(set(gts) - set(files))
        summary.update(
            gt_coco=gt_coco, ious=ious,
            mean_iou=float(np.mean(list(ious.values()))) if ious else None,
            min_iou=float(min(ious.values())) if ious else None,
            num_gt_not_in_folder=len(missing_gt))
    if segmenter is None:
        method = dict(description='pseudo hand masks (baa_mm '
                      'tools/dataset_converters/pseudo_hand_masks.py)',
                      params=dict(PSEUDO_MASK_DEFAULTS, **params))
    else:
        method = dict(description='hand masks predicted by a segmenter '
                      '(baa_mm tools/dataset_converters/'
                      'pseudo_hand_masks.py --segmenter)',
                      segmenter={k: segmenter[k] for k in (
                          'config', 'checkpoint', 'rule', 'score_thr')})
    coco = dict(
        info=dict(**method, source=osp.abspath(img_dir),
                  num_excluded=num_excluded, num_over_max=num_over,
                  skipped=skipped, no_mask=no_mask),
        licenses=[],
        images=images,
        annotations=annotations,
        categories=[dict(id=1, name='hand', supercategory='hand')])
    return dict(coco=coco, summary=summary)


def print_summary(s: dict) -> None:
    print(f"{s['num_files']} files: {s['num_masked']} masked "
          f"({s['num_annotations']} components), {len(s['no_mask'])} "
          f"without a mask, {len(s['skipped'])} unreadable "
          f"({s['seconds']}s)")
    if s.get('num_excluded') or s.get('num_over_max'):
        print(f"not processed: {s['num_excluded']} excluded by "
              f"--exclude-stems, {s['num_over_max']} over --max-images")
    for item in s['no_mask']:
        print(f"no mask: {item['file']}: {item['reason']}")
    for item in s['skipped']:
        print(f"skipped: {item['file']}: {item['reason']}")
    if 'ious' in s:
        if s['ious']:
            worst = min(s['ious'], key=s['ious'].get)
            print(f"IoU vs {s['gt_coco']}: mean {s['mean_iou']:.4f}, min "
                  f"{s['min_iou']:.4f} ({worst}) over {len(s['ious'])} "
                  f"images ({s['num_gt_not_in_folder']} ground-truth images "
                  'not in the folder)')
        else:
            print(f"IoU vs {s['gt_coco']}: no image of the folder has a "
                  'ground-truth mask')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Automatic hand masks (CLAHE, Canny, morphology) for a '
        'folder of radiographs, written as COCO instances.')
    parser.add_argument('img_dir', help='folder of radiographs')
    parser.add_argument('out', help='output COCO JSON file')
    parser.add_argument('--vis-dir', help='write one check PNG per image')
    parser.add_argument('--vis-size', type=int, default=512,
                        help='long side of the check images (default 512)')
    parser.add_argument('--gt-coco',
                        help='COCO file with ground-truth masks: print IoU')
    parser.add_argument('--work-size', type=int,
                        help='working resolution (long side, default '
                        f"{PSEUDO_MASK_DEFAULTS['work_size']})")
    parser.add_argument('--max-components', type=int, choices=[1, 2],
                        help='keep 1 (default) or up to 2 components')
    parser.add_argument('--param', nargs='+', metavar='KEY=VALUE',
                        help='override pseudo_hand_mask parameters')
    parser.add_argument('--epsilon', type=float, default=1.0,
                        help='polygon simplification in pixels (default 1)')
    parser.add_argument('--exclude-stems', nargs='+', default=[],
                        metavar='PATH', help='leave out these image stems '
                        '(files of folders, lines of text files)')
    parser.add_argument('--max-images', type=int,
                        help='process at most N files (sorted names)')
    parser.add_argument('--segmenter', nargs=2, metavar=('CONFIG', 'CKPT'),
                        help='take the masks from this trained hand '
                        'segmenter (a configs/hand_seg config and its '
                        'checkpoint) instead of the pseudo-mask algorithm')
    parser.add_argument('--score-thr', type=float, default=0.3,
                        help='with --segmenter: a hand needs this score '
                        '(default 0.3)')
    parser.add_argument('--rule', default='score', choices=HAND_RULES,
                        help='with --segmenter: which hand to keep when '
                        'several pass (default: the most confident)')
    parser.add_argument('--device', default='cpu',
                        help='with --segmenter (default cpu)')
    parser.add_argument('--no-progress', action='store_true')
    parser.add_argument('--strict', action='store_true',
                        help='exit 1 if any file was skipped or unmasked')
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    try:
        params = parse_mask_params(args.param)
    except ValueError as e:
        raise SystemExit(f'error: --param: {e}')
    if args.work_size is not None:
        params['work_size'] = args.work_size
    if args.max_components is not None:
        params['max_components'] = args.max_components
    segmenter = None
    if args.segmenter:
        config, checkpoint = args.segmenter
        segmenter = dict(
            model=init_hand_segmenter(config, checkpoint, args.device),
            config=config, checkpoint=checkpoint, rule=args.rule,
            score_thr=args.score_thr)
    result = run(args.img_dir, params, args.vis_dir, args.gt_coco,
                 args.epsilon, args.vis_size, not args.no_progress,
                 args.exclude_stems, args.max_images, segmenter)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    tmp = args.out + '.tmp'
    with open(tmp, 'w') as f:
        f.write(json.dumps(result['coco'], separators=(',', ':')))
    os.replace(tmp, args.out)
    print_summary(result['summary'])
    print(f'-> {args.out}')
    s = result['summary']
    if args.strict and (s['skipped'] or s['no_mask']):
        raise SystemExit(1)
    return result['summary']


if __name__ == '__main__':
    main()
