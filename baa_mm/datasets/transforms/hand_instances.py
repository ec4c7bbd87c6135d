"""Hand instances (boxes + masks) in mmdet's format, for segmenters."""
import numpy as np
from mmcv.transforms import BaseTransform
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.structures.mask import PolygonMasks

from baa_mm.registry import TRANSFORMS

__all__ = ['LoadHandInstances']


@TRANSFORMS.register_module()
class LoadHandInstances(BaseTransform):
    """Turn the dataset's ``hands`` into mmdet ground truth.

    :class:`RSNABoneAgeDataset` with ``hand_ann_file`` lists every annotated
    hand of an image in ``hands`` (``bbox`` [x1, y1, x2, y2], COCO
    ``polygons`` or None, ``primary``). This transform adds the keys mmdet's
    geometric transforms (``Resize``, ``RandomFlip`` with
    ``_scope_='mmdet'``) update and :class:`PackBoneAgeInputs` packs into
    ``data_sample.gt_instances``:

    - ``gt_bboxes``: ``HorizontalBoxes`` (K, 4)
    - ``gt_bboxes_labels``: (K,) int64 zeros (class ``hand``)
    - ``gt_masks``: ``PolygonMasks`` (a hand without polygons gets its box
      as a rectangle polygon, a weak label)
    - ``gt_ignore_flags``: (K,) bool
    - ``primary_hand``: index of the primary (labelled) hand, -1 if none

    Args:
        require (bool): Raise (naming the image) when an image has no hand
            annotation; otherwise it gets zero instances. Images without an
            annotation (e.g. those the pseudo-mask converter could not mask)
            are better left out of the dataset with its
            ``missing_hand='skip'``: with zero instances a segment-then-
            regress model (:class:`HandSegRegressor`) trains its detector on
            the image as if it showed no hand.
    """

    def __init__(self, require: bool = False) -> None:
        self.require = require

    def transform(self, results: dict) -> dict:
        hands = results.get('hands')
        if hands is None:
            raise KeyError('LoadHandInstances needs `hands`: give the '
                           'dataset a hand_ann_file')
        if not hands and self.require:
            raise ValueError(
                'no hand annotation for image '
                f'{results.get("img_path", results.get("img_id"))} (to leave '
                "such images out, set the dataset's missing_hand='skip')")
        h, w = results['img'].shape[:2]
        boxes = np.array([hand['bbox'] for hand in hands],
                         np.float32).reshape(-1, 4)
        polys = []
        for hand, (x1, y1, x2, y2) in zip(hands, boxes):
            if hand.get('polygons'):
                polys.append([np.asarray(p, np.float64)
                              for p in hand['polygons']])
            else:
                polys.append([np.array([x1, y1, x2, y1, x2, y2, x1, y2],
                                       np.float64)])
        results['gt_bboxes'] = HorizontalBoxes(boxes)
        results['gt_bboxes_labels'] = np.zeros(len(hands), np.int64)
        results['gt_masks'] = PolygonMasks(polys, h, w)
        results['gt_ignore_flags'] = np.zeros(len(hands), bool)
        flags = [bool(hand.get('primary')) for hand in hands]
        results['primary_hand'] = flags.index(True) if True in flags else -1
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(require={self.require})'
