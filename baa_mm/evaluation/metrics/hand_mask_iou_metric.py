"""Mask IoU of a hand segmenter against exact (or manual) hand masks."""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from pycocotools.coco import COCO

from baa_mm.datasets.hand_masks import mask_iou
from baa_mm.registry import METRICS

__all__ = ['HandMaskIoUMetric']


@METRICS.register_module()
class HandMaskIoUMetric(BaseMetric):
    """IoU of predicted hand masks with the annotated ones (pycocotools).

    For every annotated hand, the IoU with the best-overlapping predicted
    mask of score >= ``score_thr`` (0 when there is none). Keys (prefix
    ``hand_seg/``): ``mask_iou`` (mean over annotated hands), ``recall_50``
    (percent of hands matched with IoU >= 0.5), ``primary_iou`` (the
    annotation flagged ``primary``, else each image's largest hand, against
    the most confident prediction: what the end-to-end model regresses on)
    and ``union_iou`` (union of hands vs union of predictions per image).
    Images without annotated hands are counted in ``num_empty`` and left out
    of the IoUs.

    Args:
        ann_file (str): COCO instances file with the reference masks.
        score_thr (float): Predictions below it are ignored.
    """

    default_prefix = 'hand_seg'

    def __init__(self,
                 ann_file: str,
                 score_thr: float = 0.3,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ann_file = ann_file
        self.score_thr = score_thr
        self._coco: Optional[COCO] = None

    @property
    def coco(self) -> COCO:
        if self._coco is None:
            if not osp.isfile(self.ann_file):
                raise FileNotFoundError(f'HandMaskIoUMetric: annotation file '
                                        f'{self.ann_file} not found')
            self._coco = COCO(self.ann_file)
        return self._coco

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            pred = sample['pred_instances']
            keep = np.asarray(pred['scores']) >= self.score_thr
            masks = np.asarray(pred['masks'])[keep].astype(bool)
            scores = np.asarray(pred['scores'])[keep]
            self.results.append(self._score(int(sample['img_id']), masks,
                                            scores))

    def _score(self, img_id: int, masks: np.ndarray,
               scores: np.ndarray) -> dict:
        coco = self.coco
        if img_id not in coco.imgs:
            raise KeyError(f'image id {img_id} is not in {self.ann_file}')
        anns = coco.loadAnns(coco.getAnnIds(imgIds=[img_id]))
        info = coco.imgs[img_id]
        shape = (info['height'], info['width'])
        if len(masks) and masks.shape[1:] != shape:
            raise ValueError(f'image {img_id}: predicted masks '
                             f'{masks.shape[1:]} vs annotation size {shape}')
        gts = [coco.annToMask(a).astype(bool) for a in anns]
        if not gts:
            return dict(ious=[], primary=None, union=None)
        ious = [max((mask_iou(g, m) for m in masks), default=0.)
                for g in gts]
        flags = [a.get('primary') for a in anns]
        p = flags.index(True) if True in flags else int(
            np.argmax([g.sum() for g in gts]))
        best = masks[int(np.argmax(scores))] if len(masks) else \
            np.zeros(shape, bool)
        union_pred = masks.any(0) if len(masks) else np.zeros(shape, bool)
        return dict(ious=ious, primary=mask_iou(gts[p], best),
                    union=mask_iou(np.any(gts, axis=0), union_pred))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        ious = [i for r in results for i in r['ious']]
        scored = [r for r in results if r['primary'] is not None]
        if not ious:
            raise ValueError('HandMaskIoUMetric: no annotated hand in the '
                             'evaluated images')
        return dict(
            mask_iou=float(np.mean(ious)),
            recall_50=float(np.mean(np.array(ious) >= 0.5) * 100),
            primary_iou=float(np.mean([r['primary'] for r in scored])),
            union_iou=float(np.mean([r['union'] for r in scored])),
            num_empty=float(len(results) - len(scored)))
