"""The one way baa_mm reads COCO annotation files (pycocotools)."""
import contextlib
import io
import json
import os.path as osp
from typing import Dict, List, Sequence

from pycocotools.coco import COCO

from .label_file import LabelFileError

__all__ = ['load_coco', 'coco_anns_by_stem', 'coco_images_by_stem']


def load_coco(path: str,
              owner: str = 'COCO annotation',
              require: Sequence[str] = ('images', 'annotations')) -> COCO:
    """Load and index a COCO file with pycocotools, checking its shape.

    Args:
        path (str): The JSON file.
        owner (str): What the file is to its reader, named in errors
            (``'<owner> file not found: <path>'``).
        require (Sequence[str]): Lists the file must have (a file of image
            entries only, e.g. the phantoms' ``informative_boxes``, needs
            ``('images', )``).

    Raises:
        FileNotFoundError: the file is missing.
        LabelFileError: not JSON, a ``require``d list missing, or an
            annotation whose ``image_id`` names no image or (with
            ``categories``) that has no ``category_id`` (the annotation id
            is given).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{owner} file not found: {path}')
    try:
        with open(path) as f:
            data = json.load(f)
    except ValueError as e:
        raise LabelFileError(f'{path}: not a JSON file ({e})') from e
    missing = [k for k in require
               if not isinstance(data, dict) or
               not isinstance(data.get(k), list)]
    if missing:
        raise LabelFileError(f'{path}: not a COCO instances file (missing '
                             f'{" and ".join(map(repr, missing))})')
    image_ids = {img.get('id') for img in data.get('images', [])}
    for ann in data.get('annotations', []):
        if ann.get('image_id') not in image_ids:
            raise LabelFileError(
                f'{path}: annotation {ann.get("id")} refers to image_id '
                f'{ann.get("image_id")!r}, which is not in images')
        if 'categories' in data and 'category_id' not in ann:
            raise LabelFileError(f'{path}: annotation {ann.get("id")} has no '
                                 'category_id')
    coco = COCO()
    coco.dataset = data
    with contextlib.redirect_stdout(io.StringIO()):  # "creating index..."
        coco.createIndex()
    return coco


def _stem(file_name: str) -> str:
    return osp.splitext(osp.basename(file_name))[0]


def coco_images_by_stem(coco: COCO) -> Dict[str, dict]:
    """``{file stem: image entry}`` (the RSNA image ids are file stems)."""
    return {_stem(img['file_name']): img for img in coco.imgs.values()}


def coco_anns_by_stem(coco: COCO) -> Dict[str, List[dict]]:
    """``{file stem: [annotations]}`` for the images that have any."""
    return {
        _stem(img['file_name']): coco.imgToAnns[img_id]
        for img_id, img in coco.imgs.items() if coco.imgToAnns.get(img_id)
    }
