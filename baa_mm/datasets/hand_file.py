"""Hand boxes and masks per image from a COCO file (``hand_ann_file``)."""
from typing import List, Tuple

from .coco_file import coco_anns_by_stem, load_coco
from .label_file import LabelFileError

__all__ = ['attach_hands', 'MISSING_HAND_RULES']

#: What a dataset does with an image the hand file has no annotation for:
#: 'keep' it (``hands=[]``, ``hand_bbox=None``), 'skip' it (left out of the
#: dataset, counted and named in the log) or 'raise'.
MISSING_HAND_RULES = ('keep', 'skip', 'raise')


def _hand(ann: dict, primary: bool) -> dict:
    x, y, w, h = ann['bbox']
    seg = ann.get('segmentation')
    return dict(bbox=[x, y, x + w, y + h],
                polygons=seg if isinstance(seg, list) else None,
                primary=primary)


def attach_hands(data_list: List[dict], hand_ann_file: str,
                 missing_hand: str = 'keep'
                 ) -> Tuple[List[dict], List[str]]:
    """Add ``hands``, ``hand_bbox`` and ``hand_polygons`` to each row.

    Rows are matched to the COCO file's images by file name stem (``<id>.png``
    -> id). With several hands per image the annotation marked ``primary``
    is used for ``hand_bbox``/``hand_polygons``, else the largest; every
    hand is listed in ``hands`` (``dict(bbox, polygons, primary)``, boxes
    ``[x1, y1, x2, y2]``).

    Args:
        data_list (list[dict]): Rows with ``img_id``; changed in place.
        hand_ann_file (str): COCO instances file.
        missing_hand (str): See :data:`MISSING_HAND_RULES`.

    Returns:
        tuple[list[dict], list[str]]: The rows kept and the ids of the
        images without a hand annotation (kept or left out by the rule).

    Raises:
        LabelFileError: ``missing_hand='raise'`` and an image has no
            annotation (the message names the file, the count and ids).
    """
    if missing_hand not in MISSING_HAND_RULES:
        raise ValueError(f'missing_hand must be one of {MISSING_HAND_RULES}'
                         f', got {missing_hand!r}')
    by_stem = coco_anns_by_stem(load_coco(hand_ann_file, 'hand annotation'))
    kept, missing = [], []
    for info in data_list:
        anns = by_stem.get(info['img_id'], [])
        if not anns:
            missing.append(info['img_id'])
            if missing_hand == 'skip':
                continue
            info.update(hands=[], hand_bbox=None, hand_polygons=None)
            kept.append(info)
            continue
        main = next((a for a in anns if a.get('primary')),
                    max(anns, key=lambda a: a['bbox'][2] * a['bbox'][3]))
        info['hands'] = [_hand(a, a is main) for a in anns]
        first = _hand(main, True)
        info['hand_bbox'], info['hand_polygons'] = (first['bbox'],
                                                    first['polygons'])
        kept.append(info)
    if missing and missing_hand == 'raise':
        shown = ', '.join(missing[:20])
        more = f' and {len(missing) - 20} more' if len(missing) > 20 else ''
        raise LabelFileError(
            f'{hand_ann_file}: {len(missing)} of {len(data_list)} images '
            f'have no hand annotation (missing_hand=\'raise\'): ids '
            f'{shown}{more}')
    return kept, missing
