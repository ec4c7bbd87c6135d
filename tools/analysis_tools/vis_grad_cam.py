"""Grad-CAM pictures of a bone-age regressor, and the map's energy in boxes.

For each image: the radiograph with the predicted (and true) age, then the
Grad-CAM map of the predicted age over it, with the annotated boxes when
there are any. Images are a split of the config's dataset (``--split``,
``--num`` or ``--ids``) or a folder (``--img-dir``). Examples::

    python tools/analysis_tools/vis_grad_cam.py CONFIG CKPT --split test \\
        --num 8 --data-root data/phantom --out-dir vis_cam \\
        --box-ann data/phantom/annotations/test_hand_masks.json
    python tools/analysis_tools/vis_grad_cam.py CONFIG CKPT --img-dir hands \\
        --sex F --out-dir vis_cam --method gradcam++ \\
        --target-layers backbone.layer3

Boxes come from the dataset rows (``informative_boxes``: ``dict(bbox=[x1,
y1, x2, y2], category | name)``) or ``--box-ann``, a COCO file matched by
file stem: an image entry's ``informative_boxes`` (the phantoms) if it has
them, else its annotations (``bbox`` [x, y, w, h], ``category_id``), in
original pixels, scaled from the COCO image size to the loaded image. The
map is computed in the network-input frame and taken back to the loaded
image (``map_to_original``: crop, plain or keep-ratio resize, bottom /
right padding and flips are undone; other geometric test transforms are
not), where ``energy_share`` (the share of the map's sum inside the union
of the boxes) is compared with ``area_share`` (the share of the image they
cover), per image, overall and per box category: printed, and written to
``<out-dir>/grad_cam_energy.csv`` (one row per image and category, ``all``
for every box) and ``grad_cam_summary.json`` (means over images).
"""
import argparse
import csv
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Tuple

import cv2
import mmcv
import numpy as np
import torch
from mmengine.config import DictAction
from mmengine.dataset import pseudo_collate
from mmengine.utils import ProgressBar

from baa_mm.apis import inference_bone_age, init_estimator, predict_batch
from baa_mm.datasets.coco_file import coco_images_by_stem, load_coco
from baa_mm.datasets.folder import list_folder_files
from baa_mm.datasets.image_io import decode_radiograph
from baa_mm.evaluation import (box_energy_share, map_to_original,
                               summarize_energy_shares)
from baa_mm.registry import DATASETS, VISUALIZERS
from baa_mm.utils import apply_data_root

#: Edge colours of the box categories (cycled).
BOX_COLORS = [(255, 255, 0), (0, 255, 255), (255, 0, 255), (0, 255, 0),
              (255, 128, 0), (128, 128, 255)]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--split', choices=['test', 'val'], default='test')
    parser.add_argument('--data-root', help='override the dataset root')
    parser.add_argument('--img-dir', help='explain these images instead')
    parser.add_argument('--sex', help='M/F for every --img-dir image')
    parser.add_argument('--ids', nargs='+', help='image ids (file stems)')
    parser.add_argument('--num', type=int, default=8,
                        help='the first N images (without --ids)')
    parser.add_argument('--box-ann', help='COCO file with the boxes')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--target-layers', nargs='+',
                        help='dotted module names, e.g. backbone.layer4')
    parser.add_argument('--method', default='gradcam')
    parser.add_argument('--younger', action='store_true',
                        help='explain a younger prediction (sign -1)')
    parser.add_argument('--aug-smooth', action='store_true')
    parser.add_argument('--max-size', type=int, default=512,
                        help='longest side of the pictures')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def parse_boxes(entries: List[dict], scale=(1., 1.)
                ) -> Tuple[np.ndarray, List[str]]:
    """(K, 4) ``[x1, y1, x2, y2]`` boxes scaled by ``(sx, sy)`` and their
    categories, from ``dict(bbox, category | name, visible)`` entries
    (invisible ones dropped)."""
    kept = [e for e in entries if e.get('visible', True)]
    boxes = np.array([e['bbox'] for e in kept], np.float64).reshape(-1, 4)
    boxes *= np.array([scale[0], scale[1], scale[0], scale[1]])
    return boxes, [str(e.get('category', e.get('name', 'box')))
                   for e in kept]


def load_box_file(path: str) -> Dict[str, dict]:
    """``{stem: dict(entries, width, height)}`` of a COCO box file."""
    try:
        coco = load_coco(path, 'box annotation', require=('images', ))
    except FileNotFoundError as e:
        raise SystemExit(f'error: {e}')
    names = {c['id']: c.get('name', str(c['id']))
             for c in coco.dataset.get('categories', [])}
    out = {}
    for stem, img in coco_images_by_stem(coco).items():
        entries = img.get('informative_boxes')
        if entries is None:
            entries = [dict(bbox=[x, y, x + w, y + h],
                            category=names.get(a.get('category_id'), 'box'))
                       for a in coco.imgToAnns.get(img['id'], [])
                       for x, y, w, h in [a['bbox']]]
        if entries:
            out[stem] = dict(entries=entries, width=img['width'],
                             height=img['height'])
    return out


def select(ids: List[str], wanted: Optional[List[str]], num: int,
           where: str) -> List[int]:
    """Indices of the ``wanted`` ids (else the first ``num``)."""
    if not wanted:
        return list(range(min(num, len(ids))))
    index = {i: k for k, i in enumerate(ids)}
    missing = [i for i in wanted if i not in index]
    if missing:
        raise SystemExit(f'error: image id(s) {", ".join(missing)} not in '
                         f'{where}')
    return [index[i] for i in wanted]


def make_items(args, model) -> List[dict]:
    """What to explain: ``dict(id, run, boxes)`` per image; ``run()``
    predicts it with its Grad-CAM map."""
    cam = dict(target_layers=args.target_layers, method=args.method,
               aug_smooth=args.aug_smooth, sign=-1 if args.younger else 1)
    if args.img_dir:
        try:
            files = list_folder_files(args.img_dir)
        except FileNotFoundError as e:
            raise SystemExit(f'error: {e}')
        stems = [osp.splitext(f)[0] for f in files]
        picked = select(stems, args.ids, args.num, args.img_dir)
        return [dict(id=stems[k], row_boxes=None, run=lambda p=osp.join(
            args.img_dir, files[k]): inference_bone_age(
                model, p, args.sex, with_maps=False, grad_cam=cam))
            for k in picked]
    cfg, loader = model.cfg, f'{args.split}_dataloader'
    apply_data_root(cfg, args.data_root, [loader])
    dataset = DATASETS.build(cfg[loader]['dataset'])
    infos = [dataset.get_data_info(k) for k in range(len(dataset))]
    ids = [str(info.get('img_id', k)) for k, info in enumerate(infos)]
    where = f'the {args.split} split ({getattr(dataset, "ann_file", "")})'
    items = []
    for k in select(ids, args.ids, args.num, where):
        # rows hold boxes in the loaded image's pixels (a cached dataset
        # scales them when it reads them)
        row = infos[k].get('informative_boxes')
        body = infos[k].get('body_bbox')
        items.append(dict(
            id=ids[k], row_boxes=parse_boxes(row) if row else None,
            body=None if body is None else np.asarray(body, np.float64),
            run=lambda k=k: predict_batch(
                model, pseudo_collate([dataset[k]]), grad_cam=cam)[0]))
    return items


def draw(visualizer, image: np.ndarray, sample, cam: np.ndarray,
         boxes: Optional[Tuple[np.ndarray, List[str]]], note: str,
         max_size: int) -> np.ndarray:
    """(h, 2 w, 3) RGB: the radiograph, then the map over it with boxes."""
    f = min(1., max_size / max(image.shape[:2]))
    if f < 1:
        size = (round(image.shape[1] * f), round(image.shape[0] * f))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        cam = cv2.resize(cam, size, interpolation=cv2.INTER_LINEAR)
    shown = sample.clone()
    shown.pred_maps = {'grad_cam': torch.from_numpy(cam)}
    drawn = visualizer.draw_sample(image, shown)
    if boxes is None or not len(boxes[0]):
        return drawn
    w = image.shape[1]
    order = list(dict.fromkeys(boxes[1]))
    colors = [BOX_COLORS[order.index(c) % len(BOX_COLORS)] for c in boxes[1]]
    visualizer.set_image(drawn)
    for shift in (0, w):
        visualizer.draw_bboxes(
            torch.from_numpy(boxes[0] * f + [shift, 0, shift, 0]),
            edge_colors=colors, line_widths=1)
    visualizer.draw_texts(
        note, np.array([[w + 2, image.shape[0] - 2]]), colors='w',
        font_sizes=max(8, int(min(image.shape[:2]) / 25)),
        vertical_alignments='bottom', bboxes=dict(facecolor='black',
                                                  alpha=0.6))
    return visualizer.get_image()


def energy_rows(img_id: str, sample, cam: np.ndarray,
                boxes: Tuple[np.ndarray, List[str]],
                body: Optional[np.ndarray] = None) -> List[dict]:
    """One row for all boxes, then one per category, then (with a body
    box) one for the ``body``: informative boxes are small parts of a
    body that is itself a part of the image, so the body's shares are the
    fairer reference."""
    base = dict(id=img_id, pred_age=round(float(sample.pred_age), 3),
                gt_age=round(float(sample.gt_age), 3)
                if 'gt_age' in sample else '')
    groups = [('all', boxes[0], np.ones(len(boxes[1]), bool))] + [
        (c, boxes[0], np.array([b == c for b in boxes[1]]))
        for c in dict.fromkeys(boxes[1])]
    if body is not None:
        groups.append(('body', np.asarray(body, np.float64)[None], [True]))
    rows = []
    for name, group, keep in groups:
        energy, area = box_energy_share(cam, group[np.asarray(keep)])
        rows.append(dict(base, category=name,
                         num_boxes=int(np.sum(keep)),
                         energy_share=energy, area_share=area))
    return rows


def write_summary(args, rows: List[dict], unboxed: List[str],
                  zero: List[str]) -> Optional[dict]:
    """Write the CSV and JSON files and print the means (None: no
    boxes)."""
    if zero:
        print(f'all-zero maps (no positive evidence in the target layers; '
              f'try another --method or layer) for {len(zero)} images: '
              f'{zero[:10]}')
    if args.box_ann and not rows:
        raise SystemExit(f'error: no explained image has boxes in '
                         f'{args.box_ann} (images are matched by file stem)')
    if not rows:
        return None
    summary = dict(method=args.method, sign=-1 if args.younger else 1,
                   target_layers=args.target_layers or 'default',
                   categories=summarize_energy_shares(rows),
                   without_boxes=unboxed, zero_maps=zero)
    with open(osp.join(args.out_dir, 'grad_cam_energy.csv'), 'w',
              newline='') as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with open(osp.join(args.out_dir, 'grad_cam_summary.json'), 'w') as f:
        json.dump(summary, f, indent=2)
    for name, s in summary['categories'].items():
        print(f"{name}: energy share {s['energy_share']:.3f} vs area share "
              f"{s['area_share']:.3f} (x{s['ratio']:.2f}) over "
              f"{s['images']} images")
    cats = summary['categories']
    if 'body' in cats and 'all' in cats:
        e = cats['all']['energy_share'] / max(cats['body']['energy_share'],
                                              1e-12)
        a = cats['all']['area_share'] / max(cats['body']['area_share'],
                                            1e-12)
        print(f'within the body box: the informative boxes hold {e:.3f} of '
              f"the body's energy on {a:.3f} of its area (x{e / a:.2f})")
    if unboxed:
        print(f'no boxes for {len(unboxed)} images: {unboxed[:10]}')
    return summary


def main(argv=None) -> dict:
    args = parse_args(argv)
    for what, path in zip(('config', 'checkpoint'),
                          (args.config, args.checkpoint)):
        if not osp.isfile(path):
            raise SystemExit(f'error: {what} not found: {path}')
    model = init_estimator(args.config, args.checkpoint, args.device,
                           args.cfg_options)
    box_file = load_box_file(args.box_ann) if args.box_ann else {}
    items = make_items(args, model)
    visualizer = VISUALIZERS.build(
        dict(type='BoneAgeVisualizer', name='vis_grad_cam'))
    os.makedirs(args.out_dir, exist_ok=True)
    written, rows, unboxed, zero = [], [], [], []
    bar = ProgressBar(len(items))
    for item in items:
        sample = item['run']()
        with open(sample.img_path, 'rb') as f:
            image = decode_radiograph(f.read(), sample.img_path)
        cam = map_to_original(sample.pred_maps['grad_cam'].numpy(),
                              dict(sample.metainfo, ori_shape=image.shape))
        boxes, entry = item['row_boxes'], box_file.get(item['id'])
        if entry is not None:
            boxes = parse_boxes(entry['entries'],
                                (image.shape[1] / entry['width'],
                                 image.shape[0] / entry['height']))
        if not cam.any():
            zero.append(item['id'])
        note = ''
        if boxes is not None and len(boxes[0]):
            mine = energy_rows(item['id'], sample, cam, boxes,
                               item.get('body'))
            rows += mine
            note = (f"boxes: {mine[0]['energy_share']:.0%} energy, "
                    f"{mine[0]['area_share']:.0%} area")
        elif args.box_ann or item['row_boxes'] is not None:
            unboxed.append(item['id'])
        out = osp.join(args.out_dir, f"{item['id']}.png")
        mmcv.imwrite(draw(visualizer, image, sample, cam, boxes, note,
                          args.max_size)[..., ::-1], out)
        written.append(out)
        bar.update()
    print()
    summary = write_summary(args, rows, unboxed, zero)
    print(f'{len(written)} pictures in {args.out_dir}')
    return dict(written=written, rows=rows, summary=summary)


if __name__ == '__main__':
    main()
