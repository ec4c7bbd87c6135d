"""Body and informative-structure boxes of whole-body images (COCO files).

A box file is a COCO instances JSON (e.g. the whole-body phantoms'
``annotations/<split>_boxes.json``): images matched to label rows by file
name stem (``<id>.png`` -> id), a ``body`` category for the body's extent
and any other categories for age-informative structures, ``bbox`` in COCO
``[x, y, w, h]`` image pixels.
"""
from typing import Dict, List

from .coco_file import coco_anns_by_stem, load_coco
from .image_cache import scale_coords
from .label_file import LabelFileError

__all__ = ['BODY_CATEGORY', 'read_body_boxes', 'attach_body_boxes']

#: Category name of the body box.
BODY_CATEGORY = 'body'


def _xyxy(bbox) -> List[float]:
    x, y, w, h = (float(v) for v in bbox)
    return [x, y, x + w, y + h]


def read_body_boxes(path: str) -> Dict[str, dict]:
    """``{image stem: dict(body_bbox, informative_boxes)}`` of a box file.

    ``body_bbox`` is ``[x1, y1, x2, y2]`` (None when the image has no
    ``body`` annotation); ``informative_boxes`` lists ``dict(bbox=[x1, y1,
    x2, y2], category=str)`` of every other annotation, in file order.
    """
    coco = load_coco(path, 'box annotation',
                     require=('images', 'annotations', 'categories'))
    names = {c['id']: c['name'] for c in coco.dataset['categories']}
    out = {}
    for stem, anns in coco_anns_by_stem(coco).items():
        body = next((a for a in anns
                     if names.get(a['category_id']) == BODY_CATEGORY), None)
        out[stem] = dict(
            body_bbox=None if body is None else _xyxy(body['bbox']),
            informative_boxes=[
                dict(bbox=_xyxy(a['bbox']), category=names[a['category_id']])
                for a in anns if a is not body])
    return out


def attach_body_boxes(data_list: List[dict], path: str) -> None:
    """Give each row ``body_bbox`` and ``informative_boxes`` from ``path``.

    Rows scaled to an image cache (``cache_scale``) get scaled boxes.

    Raises:
        LabelFileError: A row has no ``body`` box in the file (the error
            names the file and the ids).
    """
    boxes = read_body_boxes(path)
    missing = [info['img_id'] for info in data_list
               if boxes.get(info['img_id'], {}).get('body_bbox') is None]
    if missing:
        raise LabelFileError(
            f'{path}: no {BODY_CATEGORY!r} box for image id '
            f'{missing[0]!r} ({len(missing)} of {len(data_list)} rows lack '
            f'one, e.g. {missing[:5]})')
    for info in data_list:
        entry = boxes[info['img_id']]
        scale = info.get('cache_scale')
        info['body_bbox'] = (scale_coords(entry['body_bbox'], scale)
                             if scale else list(entry['body_bbox']))
        info['informative_boxes'] = [
            dict(bbox=scale_coords(b['bbox'], scale) if scale else
                 list(b['bbox']), category=b['category'])
            for b in entry['informative_boxes']]
