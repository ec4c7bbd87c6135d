"""Mask IoU of a hand segmenter against exact (or manual) hand masks."""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmdet.structures.mask import BitmapMasks
from mmengine.evaluator import BaseMetric
from pycocotools.coco import COCO

from baa_mm.datasets.hand_masks import mask_iou
from baa_mm.datasets.coco_file import load_coco
from baa_mm.registry import METRICS
from .dataset_files import dataset_file

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

    Predictions are read from ``pred_key``:

    - ``'pred_instances'``: every predicted hand; a standalone mmdet
      segmenter (masks already rescaled to the original image), or
      :class:`HandSegRegressor`, which also keeps all its segmenter's hands
      there (masks in input pixels: set ``input_pixels=True``).
    - ``'pred_hand'``: the one hand :class:`HandSegRegressor` chose (by its
      ``hand_rule``; masks in input pixels). A fallback (metainfo
      ``fallback``: no hand found, an all-ones mask of score 0) counts as a
      miss. ``mask_iou``/``recall_50`` then score the other annotated hands
      against that one mask too, so ``primary_iou`` is the number to read.

    Input-pixel masks (``input_pixels=True``, implied by ``'pred_hand'``)
    are cut to the sample's ``img_shape`` (padding dropped) and scaled to
    the annotation size with nearest-neighbour sampling, which assumes the
    test pipeline resized the whole image (as the phantom and RSNA configs
    do).

    Args:
        ann_file (str): COCO instances file with the reference masks,
            relative to the evaluated dataset's ``data_root`` or absolute
            (see :func:`dataset_file`).
        score_thr (float): Predictions below it are ignored.
        pred_key (str): 'pred_instances' or 'pred_hand'.
        input_pixels (bool): Masks are in network-input pixels.
    """

    default_prefix = 'hand_seg'

    def __init__(self,
                 ann_file: str,
                 score_thr: float = 0.3,
                 pred_key: str = 'pred_instances',
                 input_pixels: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ann_file = ann_file
        self.score_thr = score_thr
        if pred_key not in ('pred_instances', 'pred_hand'):
            raise ValueError(f"pred_key must be 'pred_instances' or "
                             f"'pred_hand', got {pred_key!r}")
        self.pred_key = pred_key
        self.input_pixels = input_pixels or pred_key == 'pred_hand'
        self._coco: Optional[COCO] = None

    @property
    def coco(self) -> COCO:
        if self._coco is None:
            self._coco = load_coco(
                dataset_file(self.ann_file, self.dataset_meta,
                             'HandMaskIoUMetric'),
                'HandMaskIoUMetric annotation')
        return self._coco

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if self.pred_key not in sample:
                raise KeyError(f'HandMaskIoUMetric: image '
                               f"{sample.get('img_id')} has no "
                               f'{self.pred_key!r} prediction')
            pred = sample[self.pred_key]
            img_id = int(sample['img_id'])
            keep = np.asarray(pred['scores']) >= self.score_thr
            masks = np.asarray(pred['masks'])[keep].astype(bool)
            scores = np.asarray(pred['scores'])[keep]
            if self.pred_key == 'pred_hand' and sample.get('fallback'):
                masks, scores = masks[:0], scores[:0]
            if self.input_pixels and len(masks):
                masks = self._to_annotation_size(
                    img_id, masks, sample.get('img_shape'))
            self.results.append(self._score(img_id, masks, scores))

    def _image_info(self, img_id: int) -> dict:
        """The annotation file's image entry (a named error if absent)."""
        if img_id not in self.coco.imgs:
            raise KeyError(f'image id {img_id} is not in {self.ann_file}')
        return self.coco.imgs[img_id]

    def _to_annotation_size(self, img_id: int, masks: np.ndarray,
                            img_shape) -> np.ndarray:
        """(K, H, W) input-pixel masks -> (K, h, w) annotation size (mmdet's
        ``BitmapMasks.resize``, nearest neighbour)."""
        info = self._image_info(img_id)
        if img_shape is not None:
            masks = masks[:, :int(img_shape[0]), :int(img_shape[1])]
        h, w = masks.shape[1:]
        resized = BitmapMasks(masks.astype(np.uint8), h, w).resize(
            (info['height'], info['width']))
        return resized.masks.astype(bool)

    def _score(self, img_id: int, masks: np.ndarray,
               scores: np.ndarray) -> dict:
        coco = self.coco
        info = self._image_info(img_id)
        anns = coco.loadAnns(coco.getAnnIds(imgIds=[img_id]))
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
