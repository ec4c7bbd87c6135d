"""Packing a pipeline's results into model inputs and a data sample."""
from typing import Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import InstanceData

from baa_mm.registry import TRANSFORMS
from baa_mm.structures import BoneAgeDataSample

__all__ = ['PackBoneAgeInputs']


def _to_chw_tensor(img: np.ndarray) -> torch.Tensor:
    """(H, W) or (H, W, C) array → (C, H, W) float32 tensor."""
    img = img[None] if img.ndim == 2 else img.transpose(2, 0, 1)
    return torch.from_numpy(np.ascontiguousarray(img, np.float32))


@TRANSFORMS.register_module()
class PackBoneAgeInputs(BaseTransform):
    """Pack the image and the bone-age labels.

    Required keys: ``img`` ((H, W) or (H, W, C)). Optional: ``gt_age``,
    ``sex``, ``chrono_age``, the ``meta_keys`` and ``hr_img`` (from
    :class:`StoreFullResImage`: packed as ``data_sample.hr_img`` (C, H, W)
    with ``hr_factor`` = (fx, fy), network-input → ``hr_img`` pixels, in
    the metainfo) and ``gt_bboxes``/``gt_bboxes_labels``/``gt_masks`` (from
    :class:`LoadHandInstances`: packed as ``data_sample.gt_instances`` with
    ``primary_hand`` in the metainfo).

    Returns:
        dict: ``inputs`` a (C, H, W) float32 tensor and ``data_samples`` a
        :class:`BoneAgeDataSample`.

    Args:
        meta_keys (Sequence[str]): Keys copied into the sample's metainfo
            when present (``regions``: the region boxes of a region file,
            in the loaded image's pixels; ``body_bbox`` and
            ``informative_boxes``: the boxes of a whole-body box file, in
            original-image pixels).
    """

    def __init__(self,
                 meta_keys: Sequence[str] = ('img_id', 'img_path', 'ori_shape',
                                             'img_shape', 'scale_factor',
                                             'flip', 'flip_direction',
                                             'crop_bbox', 'sample_idx',
                                             'regions', 'body_bbox',
                                             'informative_boxes')
                 ) -> None:
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        inputs = _to_chw_tensor(results['img'])
        sample = BoneAgeDataSample()
        if results.get('hr_img') is not None:
            sample.hr_img = _to_chw_tensor(results['hr_img'])
            # StoreFullResImage removed any earlier scale_factor: this one
            # is the resize from the copy to the network input.
            now = np.asarray(results.get('scale_factor', (1., 1.)),
                             np.float64)
            factor = np.asarray(results['hr_scale'], np.float64) / now
            sample.set_metainfo(dict(hr_factor=tuple(float(f)
                                                     for f in factor)))
        if 'gt_bboxes' in results:
            # hands from LoadHandInstances, as mmdet's PackDetInputs would
            sample.gt_instances = InstanceData(
                bboxes=results['gt_bboxes'],
                labels=torch.as_tensor(results['gt_bboxes_labels'],
                                       dtype=torch.long),
                masks=results['gt_masks'])
            sample.set_metainfo(
                dict(primary_hand=int(results.get('primary_hand', -1))))
        if results.get('gt_age') is not None:
            sample.set_gt_age(results['gt_age'])
        if results.get('sex') is not None:
            sample.set_sex(results['sex'])
        if results.get('chrono_age') is not None:
            sample.set_chrono_age(results['chrono_age'])
        sample.set_metainfo({k: results[k] for k in self.meta_keys
                             if k in results})
        return dict(inputs=inputs, data_samples=sample)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(meta_keys={self.meta_keys})'
