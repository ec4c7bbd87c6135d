"""Convert Supervisely polygon annotations to a COCO instances file (hand).

Example (the RSNA hand outlines at full resolution, plus the hand boxes of
the ids without an outline; only ids with an image are kept)::

    python tools/dataset_converters/supervisely_to_coco.py \
        ../shared/data/rsna_fullsize/annotations/hand_polygons \
        data/rsna_fullsize_hand_masks.json \
        --img-dir ../shared/data/rsna_fullsize/images \
        --boxes \
        ../shared/data/rsna_fullsize/annotations/hand_bbox_21kpts_coco.json

and mapped onto the 100 x 100 thumbnails (polygons rescaled per axis)::

    python tools/dataset_converters/supervisely_to_coco.py \
        ../shared/data/rsna_fullsize/annotations/hand_polygons \
        data/rsna100_hand_masks.json \
        --img-dir ../shared/data/rsna100/train ../shared/data/rsna100/val

Input: one ``<id>.json`` (or ``<id>.png.json``) per image in ``ANN_DIR``,
Supervisely format (see :func:`baa_mm.datasets.hand_masks.
supervisely_to_polygon`). Output: COCO with one category ``{id: 1, name:
'hand'}``; images ``{id, file_name: <id><suffix>, width, height}`` (``id`` is
the integer id when the name is numeric, else a running number) and
annotations with ``segmentation`` (polygons in COCO coordinates, or
compressed RLE when an outline has interior holes), ``bbox`` and ``area``
computed from the rasterised mask, ``iscrowd`` 0.

Decisions:

* **One instance per image**: all selected objects of a file are merged into
  one ``hand`` annotation (the RSNA outlines are one hand, sometimes drawn in
  several pieces); ``--per-object`` writes one annotation per object.
* **Sizes**: width/height come from the JSON ``size``. With ``--img-dir``
  (one or more folders, first match wins) the actual image size is read and
  the polygons are scaled per axis (e.g. full-resolution outlines onto
  100 x 100 thumbnails); an annotation whose image is in none of the folders
  is skipped and listed.
* **Boxes** (``--boxes FILE``, a COCO file such as the 21-keypoint hand
  file): images that have no polygon file get **box-only** annotations:
  ``bbox`` and ``area`` (box area) but *no* ``segmentation`` key, and the
  image entry gets ``"has_mask": false``. They serve detection;
  :class:`baa_mm.datasets.HandSegDataset` drops such images by default
  (``missing_mask='skip'``, logged) or uses the box as a mask
  (``missing_mask='box'``). pycocotools' ``segm`` evaluation cannot read
  them: evaluate masks on a file written without ``--boxes``. Boxes of images
  that do have polygons are ignored (the mask's box is used).

Nothing is dropped silently: every skipped file, object or box is printed
with its reason and stored in the output's ``info.skipped``; ``--strict``
turns any skip into an error.
"""
import argparse
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from pycocotools import mask as mask_utils

from baa_mm.datasets.coco_file import (coco_anns_by_stem, coco_images_by_stem,
                                       load_coco)
from baa_mm.datasets.hand_masks import coco_image_id, supervisely_to_polygon
from baa_mm.datasets.image_io import decode_radiograph

IMG_EXTS = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.dcm')


def ann_stem(name: str) -> str:
    """``1377.json`` and ``1377.png.json`` -> ``1377``."""
    stem = name[:-len('.json')] if name.lower().endswith('.json') else name
    root, ext = osp.splitext(stem)
    return root if ext.lower() in IMG_EXTS else stem


def image_size(path: str) -> Tuple[int, int]:
    """(width, height) of an image file (header only where possible)."""
    try:
        from PIL import Image
        with Image.open(path) as im:
            return im.size
    except Exception:  # DICOM, or PIL missing / unable: decode fully
        with open(path, 'rb') as f:
            h, w = decode_radiograph(f.read(), path).shape[:2]
        return w, h


def find_image(stem: str, img_dirs: Sequence[str],
               suffix: str) -> Optional[str]:
    for d in img_dirs:
        path = osp.join(d, stem + suffix)
        if osp.isfile(path):
            return path
    return None


def target_size(stem: str, width: int, height: int, img_dirs: Sequence[str],
                suffix: str) -> Optional[Tuple[int, int]]:
    """(width, height) the annotation is scaled to: the image's, found in
    ``img_dirs``, else the annotation's own; None when ``img_dirs`` are given
    and hold no such image."""
    if not img_dirs:
        return width, height
    img_path = find_image(stem, img_dirs, suffix)
    return None if img_path is None else image_size(img_path)


def _add_image(images: list, annotations: list, img_id: int, file_name: str,
               width: int, height: int, anns: List[dict],
               has_mask: bool) -> None:
    """Append one COCO image and its annotations (ids continue)."""
    images.append(dict(id=img_id, file_name=file_name, width=width,
                       height=height, has_mask=has_mask))
    for ann in anns:
        annotations.append(dict(id=len(annotations) + 1, image_id=img_id,
                                **ann))


def _rle_for_polygons(polys: List[np.ndarray], holes: List[np.ndarray],
                      h: int, w: int):
    """Merged RLE of polygons minus holes."""
    rle = mask_utils.merge(mask_utils.frPyObjects(
        [p.reshape(-1).tolist() for p in polys], h, w))
    if holes:
        hole = mask_utils.merge(mask_utils.frPyObjects(
            [p.reshape(-1).tolist() for p in holes], h, w))
        m = mask_utils.decode(rle) & (1 - mask_utils.decode(hole))
        rle = mask_utils.encode(np.asfortranarray(m.astype(np.uint8)))
    return rle


def _annotation(polys, holes, h, w) -> Optional[dict]:
    # rounded first, so that area and bbox match the written polygons
    polys = [np.round(p, 2) for p in polys]
    holes = [np.round(q, 2) for q in holes]
    rle = _rle_for_polygons(polys, holes, h, w)
    area = int(mask_utils.area(rle))
    if area == 0:
        return None
    if holes:
        seg = dict(size=[h, w], counts=rle['counts'].decode('ascii'))
    else:
        seg = [[float(v) for v in p.reshape(-1)] for p in polys]
    bbox = [float(v) for v in mask_utils.toBbox(rle)]
    return dict(segmentation=seg, area=area, bbox=bbox, iscrowd=0,
                category_id=1)


def _clip(poly: np.ndarray, w: int, h: int) -> np.ndarray:
    return np.stack([poly[:, 0].clip(0, w), poly[:, 1].clip(0, h)], 1)


def _load_boxes(path: str) -> Dict[str, dict]:
    """stem -> {bboxes, width, height, file_name} from a COCO file (images
    with at least one box)."""
    coco = load_coco(path, 'hand box')
    images = coco_images_by_stem(coco)
    out: Dict[str, dict] = {}
    for stem, anns in coco_anns_by_stem(coco).items():
        img = images[stem]
        boxes = [[float(v) for v in a['bbox']] for a in anns if a.get('bbox')]
        if boxes:
            out[stem] = dict(file_name=img['file_name'], width=img['width'],
                             height=img['height'], bboxes=boxes)
    return out


def _numeric_first(stem: str, tie: Optional[str] = None) -> tuple:
    """Sort key: numeric stems first, in numeric order, then the others
    (ties broken by ``tie``, default the stem)."""
    return (not stem.isdigit(), int(stem) if stem.isdigit() else 0,
            stem if tie is None else tie)


def _outline_annotations(path: str, stem: str, img_dirs: Sequence[str],
                         class_titles: Optional[Sequence[str]],
                         per_object: bool, img_suffix: str,
                         skipped: List[str]) -> Optional[tuple]:
    """``(width, height, annotations)`` of one Supervisely file, rescaled to
    its image; None (reason appended to ``skipped``) when nothing is
    usable."""
    try:
        with open(path) as f:
            sly = supervisely_to_polygon(json.load(f), class_titles)
    except (ValueError, OSError) as e:  # JSONDecodeError is a ValueError
        skipped.append(f'{path}: {e}')
        return None
    for idx, reason in sly['skipped']:
        skipped.append(f'{path}: object {idx} skipped: {reason}')
    if not sly['polygons']:
        skipped.append(f'{path}: no polygon objects')
        return None
    size = target_size(stem, sly['width'], sly['height'], img_dirs,
                       img_suffix)
    if size is None:
        skipped.append(f'{path}: no image {stem + img_suffix} in '
                       f'{list(img_dirs)}')
        return None
    w, h = size
    scale = np.array([w / sly['width'], h / sly['height']])
    polys = [_clip(p * scale, w, h) for p in sly['polygons']]
    holes = [[_clip(q * scale, w, h) for q in hs] for hs in sly['interiors']]
    groups = ([([p], hs) for p, hs in zip(polys, holes)] if per_object
              else [(polys, [q for hs in holes for q in hs])])
    anns = []
    for ps, hs in groups:
        ann = _annotation(ps, hs, h, w)
        if ann is None:
            skipped.append(f'{path}: empty mask after rasterising')
            continue
        anns.append(ann)
    return (w, h, anns) if anns else None


def _box_annotations(boxes: str, stem: str, entry: dict,
                     img_dirs: Sequence[str], img_suffix: str,
                     skipped: List[str]) -> Optional[tuple]:
    """``(width, height, annotations)`` of the boxes of one image, rescaled
    to its image (box-only: no ``segmentation``); None when none is
    usable."""
    size = target_size(stem, int(entry['width']), int(entry['height']),
                       img_dirs, img_suffix)
    if size is None:
        skipped.append(f'{boxes}: boxes of {stem}: no image '
                       f'{stem + img_suffix} in {list(img_dirs)}')
        return None
    w, h = size
    sx, sy = w / entry['width'], h / entry['height']
    anns = []
    for x, y, bw, bh in entry['bboxes']:
        x1, y1 = max(0., x * sx), max(0., y * sy)
        x2, y2 = min(float(w), (x + bw) * sx), min(float(h), (y + bh) * sy)
        if x2 - x1 < 1 or y2 - y1 < 1:
            skipped.append(f'{boxes}: empty box {[x, y, bw, bh]} of {stem}')
            continue
        anns.append(dict(bbox=[x1, y1, x2 - x1, y2 - y1],
                         area=(x2 - x1) * (y2 - y1), iscrowd=0,
                         category_id=1))
    return (w, h, anns) if anns else None


def convert(ann_dir: str,
            img_dirs: Sequence[str] = (),
            boxes: Optional[str] = None,
            class_titles: Optional[Sequence[str]] = None,
            per_object: bool = False,
            img_suffix: str = '.png') -> dict:
    """Build the COCO dict; ``info['skipped']`` lists what was left out."""
    if not osp.isdir(ann_dir):
        raise FileNotFoundError(f'annotation folder not found: {ann_dir}')
    names = sorted((n for n in os.listdir(ann_dir)
                    if n.lower().endswith('.json')),
                   key=lambda n: _numeric_first(ann_stem(n), n))
    if not names:
        raise FileNotFoundError(f'no .json files in {ann_dir}')
    images, annotations, skipped = [], [], []
    used_ids: set = set()
    stems_done = set()
    for name in names:
        stem = ann_stem(name)
        found = _outline_annotations(osp.join(ann_dir, name), stem, img_dirs,
                                     class_titles, per_object, img_suffix,
                                     skipped)
        if found is None:
            continue
        img_id = coco_image_id(stem, used_ids)
        used_ids.add(img_id)
        stems_done.add(stem)
        _add_image(images, annotations, img_id, stem + img_suffix, *found,
                   True)
    num_with_masks = len(images)
    box_table = _load_boxes(boxes) if boxes else {}
    for stem in sorted(box_table, key=_numeric_first):
        if stem in stems_done:
            continue
        found = _box_annotations(boxes, stem, box_table[stem], img_dirs,
                                 img_suffix, skipped)
        if found is None:
            continue
        img_id = coco_image_id(stem, used_ids)
        used_ids.add(img_id)
        _add_image(images, annotations, img_id, stem + img_suffix, *found,
                   False)
    return dict(
        info=dict(description='hand masks converted from Supervisely by '
                  'baa_mm tools/dataset_converters/supervisely_to_coco.py',
                  source=osp.abspath(ann_dir),
                  boxes=osp.abspath(boxes) if boxes else None,
                  num_images_with_masks=num_with_masks,
                  num_images_box_only=len(images) - num_with_masks,
                  skipped=skipped),
        licenses=[],
        images=images,
        annotations=annotations,
        categories=[dict(id=1, name='hand', supercategory='hand')])


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Supervisely polygons -> COCO instances (class hand).')
    parser.add_argument('ann_dir', help='folder of Supervisely <id>.json')
    parser.add_argument('out', help='output COCO JSON file')
    parser.add_argument(
        '--img-dir', nargs='+', default=[],
        help='image folder(s): sizes are read from the images and polygons '
        'rescaled; ids without an image are skipped (listed)')
    parser.add_argument(
        '--boxes', help='COCO file with hand boxes: box-only annotations for '
        'images that have no polygon file')
    parser.add_argument(
        '--class-titles', nargs='+',
        help='only these Supervisely classes (default: all)')
    parser.add_argument('--per-object', action='store_true',
                        help='one annotation per object (default: one per '
                        'image, objects merged)')
    parser.add_argument('--img-suffix', default='.png',
                        help='image file suffix (default .png)')
    parser.add_argument('--max-print', type=int, default=20,
                        help='print at most this many skipped items (all '
                        'are stored in the output)')
    parser.add_argument('--strict', action='store_true',
                        help='exit with an error if anything was skipped')
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    try:
        coco = convert(args.ann_dir, args.img_dir, args.boxes,
                       args.class_titles, args.per_object, args.img_suffix)
    except FileNotFoundError as e:
        raise SystemExit(f'error: {e}')
    info = coco['info']
    for line in info['skipped'][:args.max_print]:
        print(f'skipped: {line}')
    if len(info['skipped']) > args.max_print:
        print(f"... and {len(info['skipped']) - args.max_print} more skipped "
              "items (all are listed in info.skipped of the output)")
    if args.strict and info['skipped']:
        raise SystemExit(f"error: {len(info['skipped'])} item(s) skipped "
                         '(--strict)')
    if not coco['images']:
        raise SystemExit('error: no image was converted (see the skipped '
                         'items above)')
    out_dir = osp.dirname(osp.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    tmp = args.out + '.tmp'
    with open(tmp, 'w') as f:
        f.write(json.dumps(coco, separators=(',', ':')))
    os.replace(tmp, args.out)
    print(f"{info['num_images_with_masks']} images with masks, "
          f"{info['num_images_box_only']} box-only, "
          f"{len(coco['annotations'])} annotations, "
          f"{len(info['skipped'])} skipped -> {args.out}")
    return coco


if __name__ == '__main__':
    main()
