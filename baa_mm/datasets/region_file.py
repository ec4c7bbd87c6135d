"""Region boxes per image (attention-guided localisation), as COCO files.

A region file is a COCO JSON: one image entry per radiograph (``file_name``,
``width``, ``height`` of the original image), one annotation per region box
(``bbox`` ``[x, y, w, h]`` in original-image pixels, ``score``), one
category per region name ('H', 'R1', 'R2', ...), and a ``failed`` list of
``{"file_name", "reason"}`` for images that could not be localised.
``tools/analysis_tools/localize_regions.py`` writes them; datasets read them
with ``region_file=``.
"""
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

from .coco_file import coco_anns_by_stem, coco_images_by_stem, load_coco
from .label_file import LabelFileError

__all__ = [
    'read_region_file', 'read_region_entries', 'write_region_file',
    'attach_regions',
    'MISSING_REGION_RULES'
]

#: What a dataset does with an image the region file has no box for.
MISSING_REGION_RULES = ('raise', 'whole')


def read_region_entries(path: str) -> Tuple[Dict[str, dict], List[dict]]:
    """A region file in :func:`write_region_file`'s terms: ``({stem:
    dict(file_name, width, height, regions={name: ([x1, y1, x2, y2],
    score)})}, failed)``."""
    coco = load_coco(path, 'region', require=('images', 'annotations',
                                              'categories'))
    names = {c['id']: c['name'] for c in coco.dataset['categories']}
    anns = coco_anns_by_stem(coco)
    images: Dict[str, dict] = {}
    for stem, img in coco_images_by_stem(coco).items():
        regions = {}
        for a in anns.get(stem, []):
            x, y, w, h = (float(v) for v in a['bbox'])
            regions[names[a['category_id']]] = ([x, y, x + w, y + h],
                                                 float(a.get('score', 0.)))
        images[stem] = dict(file_name=img['file_name'], width=img['width'],
                            height=img['height'], regions=regions)
    return images, list(coco.dataset.get('failed', []))


def read_region_file(path: str) -> Dict[str, Dict[str, List[float]]]:
    """``{image stem: {region: [x1, y1, x2, y2]}}`` of a region file."""
    return {stem: {n: box for n, (box, _) in img['regions'].items()}
            for stem, img in read_region_entries(path)[0].items()
            if img['regions']}


def write_region_file(path: str, images: Dict[str, dict],
                      failed: Optional[List[dict]] = None) -> None:
    """Write a region file atomically.

    Args:
        path (str): The JSON file.
        images (dict): ``{stem: dict(file_name, width, height,
            regions={name: ([x1, y1, x2, y2], score)})}``.
        failed (list[dict], optional): ``{"file_name", "reason"}`` entries.
    """
    names = sorted({n for img in images.values() for n in img['regions']})
    cat_ids = {n: i + 1 for i, n in enumerate(names)}
    coco = dict(images=[], annotations=[],
                categories=[dict(id=i, name=n) for n, i in cat_ids.items()],
                failed=list(failed or []))
    for img_id, (stem, img) in enumerate(sorted(images.items()), 1):
        coco['images'].append(dict(id=img_id, file_name=img['file_name'],
                                   width=img['width'], height=img['height']))
        for name, (box, score) in sorted(img['regions'].items()):
            x1, y1, x2, y2 = (float(v) for v in box)
            coco['annotations'].append(dict(
                id=len(coco['annotations']) + 1, image_id=img_id,
                category_id=cat_ids[name], bbox=[x1, y1, x2 - x1, y2 - y1],
                area=(x2 - x1) * (y2 - y1), iscrowd=0, score=float(score)))
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = f'{path}.partial'
    with open(tmp, 'w') as f:
        json.dump(coco, f)
    os.replace(tmp, path)


def attach_regions(data_list: List[dict], path: str,
                   missing: str = 'raise',
                   required: Optional[Sequence[str]] = None) -> int:
    """Give each data info ``regions`` ``{name: [x1, y1, x2, y2] | None}``.

    Every image needs a box of each ``required`` region (default: every
    region name in the file); an image without one raises a
    ``LabelFileError`` naming it (``missing='raise'``) or gets ``None``,
    which the region transforms read as the whole image
    (``missing='whole'``). Boxes of other regions are attached where
    present (e.g. the R2 localiser needs only R1 of a file it is itself
    filling with R2).

    Returns:
        int: How many images lacked at least one required box.
    """
    if missing not in MISSING_REGION_RULES:
        raise ValueError(f'missing_region must be one of '
                         f'{MISSING_REGION_RULES}, got {missing!r}')
    regions = read_region_file(path)
    names = sorted(required) if required is not None else sorted(
        {n for r in regions.values() for n in r})
    lacking = [info['img_id'] for info in data_list
               if not set(names) <= set(regions.get(info['img_id'], {}))]
    if lacking and missing == 'raise':
        raise LabelFileError(
            f'{path}: {len(lacking)} of {len(data_list)} images lack a box '
            f'of {names}, e.g. {lacking[:5]} (localise them, or pass '
            "missing_region='whole' to use the whole image)")
    for info in data_list:
        boxes = regions.get(info['img_id'], {})
        info['regions'] = dict(boxes, **{n: boxes.get(n) for n in names})
    return len(lacking)
