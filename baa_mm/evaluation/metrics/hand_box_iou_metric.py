"""How well a predicted hand box (e.g. the CAM's H region) covers the
annotated hand masks."""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from pycocotools.coco import COCO

from baa_mm.datasets.coco_file import coco_images_by_stem, load_coco
from baa_mm.registry import METRICS
from .dataset_files import dataset_file

__all__ = ['HandBoxIoUMetric', 'box_mask_overlap', 'mask_box']


def box_mask_overlap(box: Sequence[float],
                     mask: np.ndarray) -> Dict[str, float]:
    """IoU, precision and recall of a box ``(x1, y1, x2, y2)`` against an
    (H, W) mask, counting pixels (a pixel is in the box when its centre
    is)."""
    h, w = mask.shape
    x1, y1 = max(0, int(round(box[0]))), max(0, int(round(box[1])))
    x2, y2 = min(w, int(round(box[2]))), min(h, int(round(box[3])))
    rect = np.zeros_like(mask, dtype=bool)
    rect[y1:max(y1, y2), x1:max(x1, x2)] = True
    inter = int(np.count_nonzero(rect & mask))
    union = int(np.count_nonzero(rect | mask))
    return dict(iou=inter / union if union else 0.,
                precision=inter / max(int(rect.sum()), 1),
                recall=inter / max(int(mask.sum()), 1))


def mask_box(mask: np.ndarray) -> List[float]:
    """``(x1, y1, x2, y2)`` bounding box of an (H, W) mask's pixels (the
    whole image for an empty mask)."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return [0., 0., float(mask.shape[1]), float(mask.shape[0])]
    return [float(xs.min()), float(ys.min()), float(xs.max() + 1),
            float(ys.max() + 1)]


@METRICS.register_module()
class HandBoxIoUMetric(BaseMetric):
    """IoU of each image's predicted box with the union of its annotated
    hand masks (pycocotools), in the annotation's pixels.

    The box is ``pred_parts.hr_bboxes[index]`` (full-resolution pixels =
    annotation pixels when the test pipeline does not crop). Keys (prefix
    ``hand_box/``): ``iou``, ``precision`` (share of the box on the hand),
    ``recall`` (share of the hand in the box), means over images,
    ``iou_50`` (percent of images with IoU >= 0.5), and ``ceiling_iou``:
    the IoU of each mask's own bounding box, the best a box can reach (a
    hand fills about half of its box).

    Args:
        ann_file (str): COCO file with hand masks, relative to the evaluated
            dataset's ``data_root`` or absolute.
        index (int): Which predicted box. Defaults to 0.
    """

    default_prefix = 'hand_box'

    def __init__(self,
                 ann_file: str,
                 index: int = 0,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ann_file = ann_file
        self.index = index
        self._coco: Optional[COCO] = None

    @property
    def coco(self) -> COCO:
        if self._coco is None:
            self._coco = load_coco(
                dataset_file(self.ann_file, self.dataset_meta,
                             'HandBoxIoUMetric'), 'HandBoxIoUMetric annotation')
            self._by_stem = coco_images_by_stem(self._coco)
        return self._coco

    def _hand_mask(self, img_id: str) -> np.ndarray:
        coco = self.coco
        info = self._by_stem.get(str(img_id))
        if info is None:
            raise KeyError(f'HandBoxIoUMetric: image {img_id} is not in '
                           f'{self.ann_file}')
        mask = np.zeros((info['height'], info['width']), bool)
        for ann in coco.imgToAnns.get(info['id'], []):
            mask |= coco.annToMask(ann).astype(bool)
        return mask

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            parts = sample.get('pred_parts')
            if parts is None:
                raise ValueError('HandBoxIoUMetric needs pred_parts (a '
                                 'localising model)')
            boxes = parts.get('hr_bboxes', parts['bboxes'])
            box = np.asarray(boxes, np.float64)[self.index]
            mask = self._hand_mask(sample['img_id'])
            res = box_mask_overlap(box, mask)
            res['ceiling_iou'] = box_mask_overlap(mask_box(mask),
                                                  mask)['iou']
            self.results.append(res)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        iou = np.array([r['iou'] for r in results])
        return dict(
            iou=float(iou.mean()),
            precision=float(np.mean([r['precision'] for r in results])),
            recall=float(np.mean([r['recall'] for r in results])),
            iou_50=float((iou >= 0.5).mean() * 100),
            ceiling_iou=float(np.mean([r['ceiling_iou'] for r in results])))
