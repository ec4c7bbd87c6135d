"""IoU of localised region boxes with annotated boxes (e.g. H vs hand boxes).

Where the phantoms have hand masks (``HandBoxIoUMetric``), real radiographs
have at most hand boxes: ``../shared/data/rsna_fullsize`` holds COCO hand
boxes of 568 RSNA ids, some of which are among the rsna100 thumbnails.
Images of the region file and of the COCO file are matched by file stem;
the COCO boxes are scaled from their image's size to the region file's.
Each region box is compared with its image's best-matching annotated box,
next to a box of the same size placed uniformly at random (``--num-random``
per image), the way ``PartHitMetric`` judges PRSNet's parts. Example::

    python tools/analysis_tools/region_box_iou.py \\
        data/rsna100/annotations/val_regions.json \\
        ../shared/data/rsna_fullsize/annotations/hand_bbox_21kpts_coco.json \\
        --region H
"""
import argparse
import os.path as osp
from typing import Dict

import numpy as np
import torch
from mmdet.structures.bbox import bbox_overlaps

from baa_mm.datasets import read_region_entries
from baa_mm.datasets.coco_file import load_coco
from baa_mm.evaluation.metrics.part_hit_metric import random_boxes_like


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('region_file')
    parser.add_argument('coco_file', help='COCO file with the true boxes')
    parser.add_argument('--region', default='H')
    parser.add_argument('--num-random', type=int, default=10)
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def coco_boxes_by_stem(path: str) -> Dict[str, tuple]:
    """``{stem: ((K, 4) x1y1x2y2 boxes, width, height)}`` of a COCO file."""
    coco = load_coco(path, 'annotated box')
    out = {}
    for img_id, img in coco.imgs.items():
        anns = coco.imgToAnns.get(img_id, [])
        if not anns:
            continue
        boxes = np.array([a['bbox'] for a in anns], np.float64)
        boxes[:, 2:] += boxes[:, :2]
        stem = osp.splitext(osp.basename(img['file_name']))[0]
        out[stem] = (boxes, float(img['width']), float(img['height']))
    return out


def box_iou(region_file: str, coco_file: str, region: str = 'H',
            num_random: int = 10, seed: int = 0) -> dict:
    """Mean IoU of the ``region`` boxes with the annotated boxes, and of
    same-size random boxes; ``images``: how many images were compared."""
    images, _ = read_region_entries(region_file)
    truth = coco_boxes_by_stem(coco_file)
    rng = np.random.default_rng(seed)
    ious, rand_ious = [], []
    for stem in sorted(images):
        entry = images[stem]
        if stem not in truth or region not in entry['regions']:
            continue
        gt, gw, gh = truth[stem]
        w, h = float(entry['width']), float(entry['height'])
        gt = gt * np.array([w / gw, h / gh, w / gw, h / gh])
        box = np.asarray(entry['regions'][region][0], np.float64)[None]
        rand = random_boxes_like(box, w, h, num_random, rng)
        gt_t = torch.from_numpy(gt)
        ious.append(bbox_overlaps(torch.from_numpy(box), gt_t).max().item())
        rand_ious.append(bbox_overlaps(torch.from_numpy(rand),
                                       gt_t).max(dim=1).values.mean().item())
    if not ious:
        raise SystemExit(f'no image of {region_file} with region {region!r} '
                         f'has an annotated box in {coco_file} (images are '
                         'matched by file stem)')
    ious = np.array(ious)
    return dict(images=len(ious), iou=float(ious.mean()),
                iou_50=float((ious >= 0.5).mean() * 100),
                random_iou=float(np.mean(rand_ious)))


def main(argv=None) -> dict:
    args = parse_args(argv)
    res = box_iou(args.region_file, args.coco_file, args.region,
                  args.num_random, args.seed)
    print(f'{args.region} boxes of {res["images"]} images: IoU '
          f'{res["iou"]:.3f} (IoU >= 0.5: {res["iou_50"]:.1f} %); '
          f'same-size random boxes: IoU {res["random_iou"]:.3f}')
    return res


if __name__ == '__main__':
    main()
