"""COCO box annotations of whole-body phantom splits.

Categories (ids in this order, from 1): :data:`CATEGORIES`. One ``body``
annotation per image (the soft-tissue extent in the image) and one per
recorded informative structure (``site`` names which one, e.g.
``femur_distal_left``). Image entries carry the labels (``age`` in years,
``sex``) and the nuisance that matters to readers (``arms``, ``crop``).
"""
from __future__ import annotations

import json
import os
from typing import List, Sequence

from .options import GENERATOR_VERSION

__all__ = ['CATEGORIES', 'INFORMATIVE_CATEGORIES', 'sample_record',
           'coco_entries', 'write_boxes_coco']

#: Informative structures, in category-id order after ``body``.
INFORMATIVE_CATEGORIES = ('growth_plate', 'iliac_crest', 'pubic_symphysis',
                          'femoral_neck', 'vertebrae', 'costal_cartilage')
#: Every category of the box files (id = position + 1).
CATEGORIES = ('body', ) + INFORMATIVE_CATEGORIES
_IDS = {name: i + 1 for i, name in enumerate(CATEGORIES)}


def sample_record(img_id: int, info: dict) -> dict:
    """What the CSV and the COCO file need of one rendered image
    (picklable): ``id``, ``age``, ``sex``, ``arms``, ``crop``, ``body_bbox``
    and ``boxes`` (see :func:`~.render.render_wholebody_phantom`)."""
    return dict(id=int(img_id), age=info['age'], sex=info['sex'],
                arms=info['arms'], crop=info['crop'],
                body_bbox=info['body_bbox'], boxes=info['boxes'])


def _annotation(ann_id: int, img_id: int, category: str, site: str,
                box: Sequence[float]) -> dict:
    x1, y1, x2, y2 = (float(v) for v in box)
    w, h = round(x2 - x1, 2), round(y2 - y1, 2)
    return dict(id=ann_id, image_id=img_id, category_id=_IDS[category],
                bbox=[round(x1, 2), round(y1, 2), w, h],
                area=round(w * h, 2), iscrowd=0, site=site)


def coco_entries(record: dict, width: int, height: int,
                 first_ann_id: int) -> tuple:
    """COCO image entry and annotations (``body`` first) of a record."""
    img_id = record['id']
    image = dict(id=img_id, file_name=f'{img_id}.png', width=width,
                 height=height, age=record['age'], sex=record['sex'],
                 arms=record['arms'], crop=record['crop'])
    anns: List[dict] = []
    if record['body_bbox'] is not None:
        anns.append(_annotation(first_ann_id, img_id, 'body', 'body',
                                record['body_bbox']))
    for box in record['boxes']:
        anns.append(_annotation(first_ann_id + len(anns), img_id,
                                box['category'], box['site'], box['bbox']))
    return image, anns


def write_boxes_coco(path: str, records: Sequence[dict], split: str,
                     seed: int, width: int, height: int) -> None:
    """Write the COCO file of a split (atomically, compact JSON).

    Args:
        path (str): Output file.
        records (Sequence[dict]): :func:`sample_record` of every image.
        split (str): Split name (in ``info.description``).
        seed (int): Seed of the split.
        width (int): Image width.
        height (int): Image height.
    """
    images, annotations = [], []
    for r in records:
        image, anns = coco_entries(r, width, height, len(annotations) + 1)
        images.append(image)
        annotations += anns
    coco = dict(
        info=dict(description=f'baa_mm whole-body CT bone phantoms '
                  f'({split})', version=GENERATOR_VERSION, seed=seed,
                  img_size=[width, height]),
        licenses=[], images=images, annotations=annotations,
        categories=[dict(id=_IDS[c], name=c, supercategory='body' if c ==
                         'body' else 'informative') for c in CATEGORIES])
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(json.dumps(coco, separators=(',', ':')))
    os.replace(tmp, path)
