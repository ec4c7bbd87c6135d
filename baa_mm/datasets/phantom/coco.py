"""COCO hand-mask annotations of phantom splits.

One category ``{id: 1, name: 'hand'}``. Style v1: one annotation per image
(``id = image id + 1``); style v2: one per hand, primary first (``id = 2 *
image id + 1 + j``). Images and annotations carry the labels and the
informative boxes; see ``docs/phantom.md`` for every field.
"""
from __future__ import annotations

import json
import os
from typing import List, Optional, Sequence, Tuple

import numpy as np

from ..hand_masks import mask_bbox, mask_to_coco_polygons
from .options import (GENERATOR_VERSION, STYLE_VERSIONS, ImgSize,
                      parse_img_size, size_for_json)
from .sample import PhantomSample

#: v2 masks smaller than this (pixels) are traced without simplification:
#: thin slivers (a second hand at the border, 64 px images) would lose
#: several % of their area to ``approxPolyDP``.
EXACT_POLYGON_AREA = 4096
#: Keys copied into annotations: label of the image (v1) / of the hand (v2).
_LABEL_KEYS = ('boneage', 'male', 'informative_boxes')
_HAND_KEYS = ('primary', 'mirrored', 'boneage', 'male', 'informative_boxes')


def mask_to_polygons(mask: np.ndarray,
                     epsilon: float = 0.5) -> List[List[float]]:
    """COCO polygons of a binary mask, at full precision.

    :func:`baa_mm.datasets.hand_masks.mask_to_coco_polygons` (traced on the
    2x upsampled mask so vertices lie on pixel boundaries; pycocotools
    reproduces the mask with IoU ~0.996) without rounding, as the phantom
    files have always been written.

    Args:
        mask (np.ndarray): Binary mask of shape (H, W).
        epsilon (float): Simplification tolerance in pixels (0: none).

    Returns:
        list[list[float]]: Polygons ``[x1, y1, x2, y2, ...]``.
    """
    return mask_to_coco_polygons(mask, epsilon, ndigits=None)


def mask_region(mask: np.ndarray, epsilon: float = 0.5) -> dict:
    """``segmentation``, ``bbox`` [x, y, w, h] and ``area`` of a mask
    (H, W)."""
    return dict(segmentation=mask_to_polygons(mask, epsilon),
                bbox=mask_bbox(mask), area=int(np.count_nonzero(mask)))


def _hand_region(hand: dict) -> dict:
    area = int(np.count_nonzero(hand['mask']))
    eps = 0.0 if area < EXACT_POLYGON_AREA else 0.5
    return dict(
        mask_region(hand['mask'], eps),
        primary=bool(hand['primary']),
        mirrored=bool(hand['mirrored']),
        boneage=float(hand['boneage']),
        male=bool(hand['male']),
        informative_boxes=hand['informative_boxes'])


def sample_record(img_id: int, sample: PhantomSample) -> dict:
    """What the COCO file and the CSV need of one sample (picklable).

    Style v1: the label, informative boxes and the mask region; style v2:
    the label, informative boxes, ``hands`` (regions with their labels) and
    ``distractor_boxes``.
    """
    record = dict(id=img_id, boneage=sample.boneage, male=sample.male,
                  informative_boxes=sample.informative_boxes)
    if sample.style == 'v1':
        record.update(mask_region(sample.mask))
    else:
        record.update(hands=[_hand_region(h) for h in sample.hands],
                      distractor_boxes=sample.distractor_boxes)
    return record


def _annotation(ann_id: int, image_id: int, region: dict,
                keys: Sequence[str]) -> dict:
    return dict(id=ann_id, image_id=image_id, category_id=1,
                segmentation=region['segmentation'], area=region['area'],
                bbox=region['bbox'], iscrowd=0,
                **{key: region[key] for key in keys})


def coco_entries(record: dict, width: int,
                 height: int) -> Tuple[dict, List[dict]]:
    """COCO image entry and annotations of one :func:`sample_record`."""
    img_id = record['id']
    image = dict(id=img_id, file_name=f'{img_id}.png', width=width,
                 height=height, **{key: record[key] for key in _LABEL_KEYS})
    if 'hands' not in record:  # style v1
        return image, [_annotation(img_id + 1, img_id, record, _LABEL_KEYS)]
    image['distractor_boxes'] = record['distractor_boxes']
    return image, [
        _annotation(2 * img_id + 1 + j, img_id, hand, _HAND_KEYS)
        for j, hand in enumerate(record['hands'])
    ]


def write_coco(path: str, records: Sequence[dict], split: str, seed: int,
               img_size: ImgSize, style: str, opts: Optional[dict]) -> None:
    """Write the COCO file of a split (atomically, compact JSON).

    Args:
        path (str): Output file.
        records (Sequence[dict]): :func:`sample_record` of every image.
        split (str): Split name (in ``info.description``).
        seed (int): Seed of the split.
        img_size (int | tuple[int, int]): Image size.
        style (str): ``'v1'`` or ``'v2'``.
        opts (dict, optional): Resolved v2 options (None for v1).
    """
    width, height = parse_img_size(img_size)
    images, annotations = [], []
    for r in records:
        image, anns = coco_entries(r, width, height)
        images.append(image)
        annotations += anns
    info = dict(description=f'baa_mm synthetic hand phantoms ({split})',
                version=GENERATOR_VERSION, seed=seed,
                img_size=size_for_json(img_size))
    if opts is not None:
        info.update(style=style, style_version=STYLE_VERSIONS[style],
                    v2_options=opts)
    coco = dict(
        info=info,
        licenses=[],
        images=images,
        annotations=annotations,
        categories=[dict(id=1, name='hand', supercategory='hand')])
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        # json.dumps (C encoder) is several times faster than json.dump.
        f.write(json.dumps(coco, separators=(',', ':')))
    os.replace(tmp, path)
