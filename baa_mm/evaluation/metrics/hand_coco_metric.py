"""mmdet's COCO metric with its annotation file under the dataset root."""
import copy
from typing import Dict, List, Optional

from mmdet.datasets.api_wrappers import COCO
from mmdet.evaluation.metrics import CocoMetric

from baa_mm.registry import METRICS
from .dataset_files import dataset_file

__all__ = ['HandCocoMetric']


@METRICS.register_module()
class HandCocoMetric(CocoMetric):
    """mmdet's ``CocoMetric`` (bbox / segm mAP via pycocotools) whose
    ``ann_file`` is read when the loop hands it the dataset's metainfo:
    relative to the evaluated dataset's ``data_root``
    (:func:`dataset_file`), so that a changed data root moves it too.
    Only the images that were evaluated are scored: a dataset may use part
    of the annotation file (``indices``, e.g. a selection split), and the
    rest must not count as missed hands (mmdet scores every image of the
    file).

    Args:
        ann_file (str): COCO instances file, relative to the dataset's
            ``data_root`` or absolute.
        **kwargs: As mmdet's ``CocoMetric`` (``metric``, ``format_only``,
            ``classwise``, ...).
    """

    def __init__(self, ann_file: str, **kwargs) -> None:
        super().__init__(ann_file=None, **kwargs)
        self.ann_file = ann_file

    @property
    def dataset_meta(self) -> Optional[dict]:
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict) -> None:
        self._dataset_meta = copy.deepcopy(dataset_meta)
        self._coco_api = COCO(
            dataset_file(self.ann_file, dataset_meta, 'HandCocoMetric'))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        """Score the evaluated images only (see the class docstring)."""
        self.img_ids = sorted({pred['img_id'] for _, pred in results})
        return super().compute_metrics(results)
